#!/usr/bin/env bash
# Refresh i18n/partner_segmentation.pot from a fresh database with the addon.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/db.sh"
DB="${PSSEG_POT_DB:-psseg_pot}"
create_db "$DB"
mkdir -p "$ROOT/i18n"
"${ODOO_BIN[@]}" -d "$DB" --i18n-export="$ROOT/i18n/partner_segmentation.pot" \
    --modules=partner_segmentation --stop-after-init --log-level=warn
dropdb --if-exists "$DB"
say "wrote i18n/partner_segmentation.pot ($(grep -c '^msgid ' "$ROOT/i18n/partner_segmentation.pot") terms)"
# Carry the translations over: new terms come in untranslated (the language
# test then says which), terms gone from the .pot leave the .po files.
for po in "$ROOT"/i18n/*.po; do
    [ -e "$po" ] || continue
    if command -v msgmerge >/dev/null; then
        msgmerge --quiet --update --no-fuzzy-matching --backup=none "$po" "$ROOT/i18n/partner_segmentation.pot"
        msgattrib --no-obsolete --output-file="$po" "$po"
    else
        say "msgmerge (gettext) is missing: $(basename "$po") not updated"
    fi
done
