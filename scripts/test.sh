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
# Extra checks on the same database, skipped when pytest got extra arguments
# (a focused run) or PSSEG_SKIP_EXTRA is set.
if [ "$#" -gt 0 ] || [ -n "${PSSEG_SKIP_EXTRA:-}" ]; then
    exit "$rc"
fi
# 1. Odoo's crm lead-assignment performance tests, whose query budgets the
#    addon must not exceed (about four minutes).
say "crm's TestLeadAssignPerf with the addon installed"
PERF_LOG="$BUILD/test-crm-perf-$DB.log"
"${ODOO_BIN[@]}" -d "$DB" --test-enable --test-tags "/crm:TestLeadAssignPerf" --stop-after-init \
    --log-level=info --http-port="${PSSEG_EXTRA_PORT:-8180}" --gevent-port="$(( ${PSSEG_EXTRA_PORT:-8180} + 1 ))" \
    --max-cron-threads=0 >"$PERF_LOG" 2>&1 || true
perf_tests="$(grep -cE ": Starting TestLeadAssignPerf\." "$PERF_LOG" || true)"
perf_bad="$(grep -cE "odoo\.addons\.crm\.[A-Za-z0-9_.]+: (FAIL|ERROR): " "$PERF_LOG" || true)"
echo "crm TestLeadAssignPerf: $perf_tests tests, $perf_bad failed or in error (log: $PERF_LOG)"
if [ "$perf_tests" = 0 ] || [ "$perf_bad" != 0 ]; then
    grep -E "(FAIL|ERROR): |AssertionError" "$PERF_LOG" | head -n 10 >&2 || true
    rc=1
fi
# 2. A run through a real prefork server whose cron worker is SIGKILLed in its
#    steps four times ends done, with the same assignments and history as the
#    same run uninterrupted (bench/killed.py, on a copy of the test database
#    with 20,000 generated customers; about four minutes).
KILL_DB="${DB}_killed"
say "a run whose cron worker is killed four times, on $KILL_DB"
dropdb --if-exists "$KILL_DB" >/dev/null 2>&1 || true
KILL_LOG="$BUILD/test-killed-$DB.log"
if createdb -T "$DB" "$KILL_DB" \
    && psql -d "$KILL_DB" -q -v ON_ERROR_STOP=1 -v n=20000 -v m=200000 -v seed=0.42 \
        -f "$ROOT/bench/generate.sql" >"$KILL_LOG" 2>&1 \
    && "$VENV/bin/python" "$ROOT/bench/killed.py" -c "$CONF" -d "$KILL_DB" --size small \
        --kills 4 --check --wake --timeout 600 >>"$KILL_LOG" 2>&1; then
    tail -n 1 "$KILL_LOG"
else
    tail -n 5 "$KILL_LOG" >&2
    echo "killed run: FAILED (log: $KILL_LOG)" >&2
    rc=1
fi
dropdb --if-exists "$KILL_DB" >/dev/null 2>&1 || true
# 3. Uninstalling the addon leaves a clean log (no ERROR or CRITICAL line).
say "uninstalling partner_segmentation from $DB"
UNINSTALL_LOG="$BUILD/uninstall-$DB.log"
echo "env['ir.module.module'].search([('name', '=', 'partner_segmentation')]).button_immediate_uninstall(); env.cr.commit()" \
    | "$VENV/bin/python" "$ODOO_SRC/odoo-bin" shell -c "$CONF" -d "$DB" --log-level=warn --no-http >"$UNINSTALL_LOG" 2>&1 || true
state="$(psql -d "$DB" -Atqc "select state from ir_module_module where name='partner_segmentation'")"
errors="$(grep -cE "(ERROR|CRITICAL) $DB " "$UNINSTALL_LOG" || true)"
echo "uninstall: module $state, $errors ERROR/CRITICAL lines in the log (log: $UNINSTALL_LOG)"
if [ "$state" != uninstalled ] || [ "$errors" != 0 ]; then
    grep -E "(ERROR|CRITICAL) $DB " "$UNINSTALL_LOG" | head -n 10 >&2 || true
    rc=1
fi
# 3. Uninstalling leaves nothing of the addon in the database: no table, view,
#    sequence, index or function named after it (its models' tables, its
#    many2many tables, partner_segment_run_result, the reports' revenue
#    snapshot, the psseg_* work tables...), no statistics, no column of its
#    fields.
left="$(psql -d "$DB" -Atqc "
    SELECT 'relation (' || c.relkind::text || ') ' || n.nspname || '.' || c.relname
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
       AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
       AND c.relname ~ '(partner_segment|partner_sales_channel|psseg_|winback)'
    UNION ALL
    SELECT 'function ' || p.oid::regprocedure::text
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
       AND p.proname ~ '(partner_segment|partner_sales_channel|psseg_|winback)'
    UNION ALL
    SELECT 'statistics ' || s.stxname
      FROM pg_statistic_ext s
     WHERE s.stxname ~ '(partner_segment|partner_sales_channel|psseg_|winback)'
    UNION ALL
    SELECT 'column ' || table_name || '.' || column_name
      FROM information_schema.columns
     WHERE table_schema = current_schema()
       AND (column_name ~ '^(segment_|winback_)'
            OR (table_name = 'res_partner' AND column_name IN
                ('customer_type', 'governance_type', 'sales_channel_id', 'customer_status',
                 'annual_potential')))
     ORDER BY 1")"
echo "uninstall: $(printf '%s' "$left" | grep -c . || true) relations, functions, statistics or columns of the addon left"
if [ -n "$left" ]; then
    printf '%s\n' "$left" | head -n 20 >&2
    rc=1
fi
# 4. Lint: ruff and pylint-odoo on every Python file of the addon.
say "lint (ruff, pylint-odoo)"
if ! bash "$ROOT/scripts/lint.sh" >"$BUILD/lint.log" 2>&1; then
    tail -n 20 "$BUILD/lint.log" >&2
    echo "lint: FAILED (log: $BUILD/lint.log)" >&2
    rc=1
else
    tail -n 1 "$BUILD/lint.log"
fi
exit "$rc"
