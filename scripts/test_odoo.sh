#!/usr/bin/env bash
# Odoo's own test suites of the modules this addon builds on, run twice: in a
# database without the addon and in one with it (and its demo data).  Prints
# both counts side by side; the bar is "the same failures with and without".
#
#   scripts/test_odoo.sh            both runs, then the table
#   scripts/test_odoo.sh without    one run only (also: with)
#   scripts/test_odoo.sh report     the table from the last logs, no run
#
# MODULES and PORT may be set in the environment.  Logs: .build/test-odoo-*.log
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/db.sh"
MODULES="${MODULES:-crm,mass_mailing,sale,account,contacts}"
PORT="${PORT:-8190}"
BASE="${PSSEG_TEST_DB:-psseg_test}_odoo"
TAGS="$(echo "$MODULES" | sed 's/\(^\|,\)/\1\//g')"

run_suite() {  # run_suite with|without
    local label="$1" db="${BASE}_$1" log="$BUILD/test-odoo-$1.log"
    say "$label the addon: preparing database $db"
    if [ "$label" = with ]; then
        create_db "$db"
    else
        local tpl
        tpl="$(ensure_template)" || exit 1
        dropdb --if-exists "$db" >/dev/null 2>&1 || true
        rm -rf "$FILESTORE/$db"
        createdb -T "$tpl" "$db" || die "cannot copy template $tpl to $db"
        [ -d "$FILESTORE/$tpl" ] && cp -a "$FILESTORE/$tpl" "$FILESTORE/$db"
    fi
    say "$label the addon: running the tests of $MODULES (log: $log)"
    # No -i/-u: every module's at_install tests run as it loads, then the
    # post_install ones; --test-tags keeps those of $MODULES only.
    "${ODOO_BIN[@]}" -d "$db" --test-enable --test-tags "$TAGS" --stop-after-init \
        --log-level=info --http-port="$PORT" --gevent-port="$((PORT + 1))" --workers=0 \
        --max-cron-threads=0 >"$log" 2>&1 || true
    dropdb --if-exists "$db" >/dev/null 2>&1 || true
    rm -rf "$FILESTORE/$db"
}

# counts LOG MODULE: "tests failed errors" of MODULE in LOG
counts() {
    local log="$1" module="$2" tests failed errors
    tests="$(grep -oE "odoo\.tests\.stats: $module: [0-9]+ tests" "$log" | awk '{s+=$3} END {print s+0}')"
    failed="$(grep -cE "odoo\.addons\.$module\.[A-Za-z0-9_.]+: FAIL: " "$log" || true)"
    errors="$(grep -cE "odoo\.addons\.$module\.[A-Za-z0-9_.]+: ERROR: " "$log" || true)"
    echo "$tests $failed $errors"
}

report() {
    local with="$BUILD/test-odoo-with.log" without="$BUILD/test-odoo-without.log"
    [ -f "$with" ] && [ -f "$without" ] || die "run both suites first (missing log)"
    printf '| %-12s | %-28s | %-28s |\n' module "without the addon" "with the addon"
    printf '|%s|%s|%s|\n' "--------------" "------------------------------" "------------------------------"
    local same=1
    for module in ${MODULES//,/ }; do
        read -r t0 f0 e0 <<<"$(counts "$without" "$module")"
        read -r t1 f1 e1 <<<"$(counts "$with" "$module")"
        printf '| %-12s | %-28s | %-28s |\n' "$module" \
            "$t0 tests, $f0 failed, $e0 errors" "$t1 tests, $f1 failed, $e1 errors"
    done
    # The failing tests themselves, so that "the same failures" can be read.
    for label in without with; do
        grep -oE "odoo\.addons\.[a-z_]+\.[A-Za-z0-9_.]+: (FAIL|ERROR): [A-Za-z0-9_.]+" \
            "$BUILD/test-odoo-$label.log" | sed 's/^odoo\.addons\.//' | sort -u >"$BUILD/test-odoo-$label.failures"
    done
    if ! diff -q "$BUILD/test-odoo-without.failures" "$BUILD/test-odoo-with.failures" >/dev/null; then
        same=0
        echo
        echo "Failures that differ (< without, > with):"
        diff "$BUILD/test-odoo-without.failures" "$BUILD/test-odoo-with.failures" | grep '^[<>]' || true
    fi
    echo
    if [ "$same" = 1 ]; then
        echo "test-odoo: the same failures with and without the addon ($(wc -l <"$BUILD/test-odoo-with.failures") each)"
    else
        echo "test-odoo: ERROR: the addon changes the results of Odoo's own tests" >&2
        return 1
    fi
}

case "${1:-both}" in
    with | without) run_suite "$1" ;;
    report) report ;;
    both) run_suite without; run_suite with; report ;;
    *) die "usage: $0 [both|with|without|report]" ;;
esac
