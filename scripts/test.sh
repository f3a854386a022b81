#!/usr/bin/env bash
# Run the whole suite: a fresh test database (template copy + this addon with
# its demo data), then pytest-odoo over tests/ with an HTTP server so that the
# HttpCase tours run in headless Chromium in the same session.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/db.sh"
DB="${PSSEG_TEST_DB:-psseg_test}"
say "creating test database $DB"
create_db "$DB"
# Collect through the addons-path link so that test modules import as
# odoo.addons.partner_segmentation.tests.* whatever the clone is called.
ADDON="$BUILD/pytest/partner_segmentation"
cd "$BUILD"
set +e
"$VENV/bin/python" -m pytest -p no:cacheprovider \
    --odoo-config="$CONF" --odoo-database="$DB" --odoo-http --odoo-log-level=warn --odoo-extra=log-handler=odoo.tests.common:CRITICAL \
    -o addopts="" --rootdir="$ADDON" \
    "$@" "$ADDON/tests"
rc=$?
set -e
if [ "$rc" = 5 ]; then
    echo "test.sh: ERROR: pytest collected no test" >&2
fi
exit "$rc"
