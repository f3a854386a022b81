#!/usr/bin/env bash
# Create (once) a database with the addon and its demo data, then serve it
# on http://127.0.0.1:${PORT}.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/db.sh"
DB="${PSSEG_DEMO_DB:-partner_segmentation_demo}"
PORT="${PORT:-8069}"
if "$VENV/bin/python" - "$PORT" <<'PY'
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(0)
sys.exit(1)
PY
then
    die "port $PORT on 127.0.0.1 is already in use: stop what listens there or run 'make demo PORT=8070'"
fi
stamp="$(cd "$ROOT" && git ls-files -s 2>/dev/null | sha1sum | cut -c1-16)"
if module_installed "$DB"; then
    if [ "$(psql -d "$DB" -Atqc "select value from ir_config_parameter where key='partner_segmentation.demo_stamp'" 2>/dev/null)" != "$stamp" ]; then
        say "updating partner_segmentation in $DB"
        "${ODOO_BIN[@]}" -d "$DB" -u partner_segmentation --stop-after-init --log-level=warn \
            >"$BUILD/update-$DB.log" 2>&1 || die "updating $DB failed: see $BUILD/update-$DB.log"
    fi
else
    say "creating demo database $DB (module and demo data)"
    create_db "$DB"
fi
psql -d "$DB" -qc "insert into ir_config_parameter (key, value, create_date, write_date)
    values ('partner_segmentation.demo_stamp', '$stamp', now(), now())
    on conflict (key) do update set value = excluded.value" >/dev/null
echo
echo "  Customer Segmentation demo: http://127.0.0.1:$PORT/odoo/contacts"
echo "  database: $DB   login: admin   password: admin"
echo "  (Ctrl-C stops the server)"
echo
exec "${ODOO_BIN[@]}" -d "$DB" --db-filter="^$DB\$" --http-interface=127.0.0.1 --http-port="$PORT" --log-level=info
