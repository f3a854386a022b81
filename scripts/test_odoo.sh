#!/usr/bin/env bash
# Odoo's own test suites of the modules this addon builds on, run in a
# database without the addon and in one with it (and its demo data), module
# by module, both databases side by side; then a table of both counts.  The
# bar is "the same failures with and without".
#
#   scripts/test_odoo.sh            fresh databases, every module, the table
#   scripts/test_odoo.sh report     the table from the last logs, no run
#
# MODULES (default crm,contacts,mass_mailing,sale,account: account, by far
# the longest, last) and PORT may be set; PSSEG_ODOO_REUSE=1 keeps existing
# databases; TAGS runs some of a module's tests only (Odoo's --test-tags,
# e.g. MODULES=account TAGS=/account:TestAccountPayment).  Logs: .build/test-odoo/<without|with>-<module>.log
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/db.sh"
MODULES="${MODULES:-crm,contacts,mass_mailing,sale,account}"
PORT="${PORT:-8190}"
BASE="${PSSEG_TEST_DB:-psseg_test}_odoo"
LOGS="$BUILD/test-odoo"
mkdir -p "$LOGS"

prepare() {  # prepare with|without
    local label="$1" db="${BASE}_$1"
    if [ -n "${PSSEG_ODOO_REUSE:-}" ] && db_exists "$db"; then
        if [ "$label" = with ]; then  # the addon as it is now
            "${ODOO_BIN[@]}" -d "$db" -u partner_segmentation --stop-after-init --log-level=warn \
                >"$LOGS/update-$db.log" 2>&1 || die "updating $db failed: see $LOGS/update-$db.log"
        fi
        return
    fi
    say "$label the addon: preparing database $db"
    if [ "$label" = with ]; then
        create_db "$db"
    else
        local tpl
        tpl="$(ensure_template)" || exit 1
        dropdb --if-exists "$db" >/dev/null 2>&1 || true
        rm -rf "$FILESTORE/$db"
        createdb -T "$tpl" "$db" || die "cannot copy template $tpl to $db"
        if [ -d "$FILESTORE/$tpl" ]; then cp -a "$FILESTORE/$tpl" "$FILESTORE/$db"; fi
    fi
}

run_module() {  # run_module with|without MODULE PORT
    local label="$1" module="$2" port="$3"
    # No -i/-u: the module's at_install tests run as it loads, then its
    # post_install ones; --test-tags keeps those of MODULE only.
    "${ODOO_BIN[@]}" -d "${BASE}_$label" --test-enable --test-tags "${TAGS:-/$module}" --stop-after-init \
        --log-level=info --http-port="$port" --gevent-port="$((port + 1))" --workers=0 \
        --max-cron-threads=0 >"$LOGS/$label-$module.log" 2>&1 || true
}

# counts LOG MODULE: "tests failed errors"
counts() {
    local log="$1" module="$2" tests failed errors
    [ -f "$log" ] || { echo "- - -"; return; }
    tests="$(grep -oE "odoo\.tests\.stats: $module: [0-9]+ tests" "$log" | awk '{s+=$3} END {print s+0}')"
    grep -q "odoo\.tests\.stats: $module: " "$log" || tests="unfinished"
    failed="$(grep -cE "odoo\.addons\.$module\.[A-Za-z0-9_.]+: FAIL: " "$log" || true)"
    errors="$(grep -cE "odoo\.addons\.$module\.[A-Za-z0-9_.]+: ERROR: " "$log" || true)"
    echo "$tests $failed $errors"
}

cell() {  # cell TESTS FAILED ERRORS
    case "$1" in
        -) echo "not run" ;;
        unfinished) echo "not finished" ;;
        *) echo "$1 tests, $2 failed, $3 errors" ;;
    esac
}

failures() {  # the failing tests of a run, one a line
    cat "$LOGS/$1-"*.log 2>/dev/null \
        | grep -oE "odoo\.addons\.[a-z_]+\.[A-Za-z0-9_.]+: (FAIL|ERROR): .*" \
        | sed -e 's/^odoo\.addons\.//' -e 's/[[:space:]]*$//' | sort -u || true  # none: no line
}

report() {
    printf '| %-12s | %-32s | %-32s |\n' module "without the addon" "with the addon"
    printf '|%s|%s|%s|\n' "--------------" "----------------------------------" "----------------------------------"
    for module in ${MODULES//,/ }; do
        read -r t0 f0 e0 <<<"$(counts "$LOGS/without-$module.log" "$module")"
        read -r t1 f1 e1 <<<"$(counts "$LOGS/with-$module.log" "$module")"
        printf '| %-12s | %-32s | %-32s |\n' "$module" \
            "$(cell "$t0" "$f0" "$e0")" "$(cell "$t1" "$f1" "$e1")"
    done
    failures without >"$LOGS/without.failures"
    failures with >"$LOGS/with.failures"
    echo
    if diff -q "$LOGS/without.failures" "$LOGS/with.failures" >/dev/null; then
        echo "test-odoo: the same failures with and without the addon ($(wc -l <"$LOGS/with.failures"))"
        sed 's/^/  /' "$LOGS/with.failures"
    else
        echo "Failures that differ (< without, > with):"
        diff "$LOGS/without.failures" "$LOGS/with.failures" | grep '^[<>]' || true
        echo "test-odoo: ERROR: the addon changes the results of Odoo's own tests" >&2
        return 1
    fi
}

case "${1:-run}" in
    report) report ;;
    run)
        prepare without
        prepare with
        for module in ${MODULES//,/ }; do
            say "running the tests of $module without and with the addon"
            run_module without "$module" "$PORT" &
            run_module with "$module" "$((PORT + 2))" &
            wait
        done
        report
        ;;
    *) die "usage: $0 [run|report]" ;;
esac
