#!/usr/bin/env bash
# make bench [SIZE=default|large|small]: build (once) a database of the given
# size by SQL bulk loading, then measure the engine against the SQL floor and
# a naive ORM reference.  Results: bench/results.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/db.sh"
SIZE="${SIZE:-default}"
case "$SIZE" in
    small) N=10000; M=100000 ;;
    default) N=100000; M=1000000 ;;
    large) N=1000000; M=10000000 ;;
    *) die "SIZE must be small, default or large" ;;
esac
# PSSEG_BENCH_DB: another name, for several clones measuring at once.
DB="${PSSEG_BENCH_DB:-psseg_bench_$SIZE}"
stamp="$N/$M"
if [ "$(psql -d "$DB" -Atqc "select value from ir_config_parameter where key='bench.stamp'" 2>/dev/null)" != "$stamp" ]; then
    say "building $DB: $N partners, $M orders and $M invoices (once)"
    create_db "$DB"
    t0=$(date +%s)
    psql -d "$DB" -q -v ON_ERROR_STOP=1 -v n="$N" -v m="$M" -v seed=0.42 -f "$ROOT/bench/generate.sql"
    psql -d "$DB" -qc "insert into ir_config_parameter (key, value, create_date, write_date)
        values ('bench.stamp', '$stamp', now(), now())"
    say "loaded in $(( $(date +%s) - t0 )) s"
fi
# The addon as it is now (models, data, views, rights): update it when it changed.
code="$(cd "$ROOT" && find __manifest__.py models data security views -type f ! -name '*.pyc' -print0 | sort -z \
    | xargs -0 cat | sha1sum | cut -c1-16)"
if [ "$(psql -d "$DB" -Atqc "select value from ir_config_parameter where key='bench.code'")" != "$code" ]; then
    say "updating partner_segmentation in $DB"
    "${ODOO_BIN[@]}" -d "$DB" -u partner_segmentation --stop-after-init --log-level=warn \
        >"$BUILD/update-$DB.log" 2>&1 || die "updating $DB failed: see $BUILD/update-$DB.log"
    psql -d "$DB" -qc "delete from ir_config_parameter where key='bench.code';
        insert into ir_config_parameter (key, value, create_date, write_date)
        values ('bench.code', '$code', now(), now())"
fi
# BENCH_BUILD_ONLY=1: build the database and stop (to build it ahead of time).
[ -z "${BENCH_BUILD_ONLY:-}" ] || exit 0
# BENCH_PARTS: which measurements, in this order (default the first three):
# engine (bench.py), limits (a real server under --limit-time-real-cron),
# reports, partial (chosen partners and the near-real-time path only, on the
# classification the limits part leaves: the engine part measures them too),
# forecast (the shipped forecast's fit, scoring and back-test),
# forecast_kills (Fit Now queued on a large source, made through a real
# server whose cron worker is SIGKILLed during the fit KILLS=2 times,
# against the same fit uninterrupted),
# killed (the first classification through a real server whose cron worker
# is SIGKILLed in its steps KILLS=4 times, against the same run uninterrupted),
# selling (a segment's pricelist set on N entering customers against the same
# values written by bare SQL), coupons (Coupons for this Segment on N
# customers, against loyalty.card.create alone), coupon_kills (Coupons for
# this Segment on N customers through a real server whose cron worker is
# SIGKILLed in the job's steps KILLS=4 times: one coupon each, none missing,
# against the same job uninterrupted), card_actions (the card check's
# shipped segment actions on every customer at once, as a first
# classification starts them: the engine part runs with actions off).
for part in ${BENCH_PARTS:-engine limits reports}; do
    case "$part" in
        engine) "$VENV/bin/python" "$ROOT/bench/bench.py" -c "$CONF" -d "$DB" --size "$SIZE" \
            --partners "$N" --orders "$M" ;;
        limits) "$VENV/bin/python" "$ROOT/bench/cron_limits.py" -c "$CONF" -d "$DB" --size "$SIZE" \
            --limit "${CRON_LIMIT:-10}" ${CRON_NO_INLINE:+--no-inline} ;;
        reports) "$VENV/bin/python" "$ROOT/bench/reports.py" -c "$CONF" -d "$DB" --size "$SIZE" ;;
        partial) "$VENV/bin/python" "$ROOT/bench/partial.py" -c "$CONF" -d "$DB" --size "$SIZE" ;;
        forecast) "$VENV/bin/python" "$ROOT/bench/forecast.py" -c "$CONF" -d "$DB" --size "$SIZE" ;;
        forecast_kills) "$VENV/bin/python" "$ROOT/bench/forecast_kills.py" -c "$CONF" -d "$DB" \
            --size "$SIZE" --kills "${KILLS:-2}" ;;
        selling) "$VENV/bin/python" "$ROOT/bench/selling.py" -c "$CONF" -d "$DB" --size "$SIZE" \
            --partners "$N" ;;
        coupons) "$VENV/bin/python" "$ROOT/bench/coupons.py" -c "$CONF" -d "$DB" --size "$SIZE" \
            --partners "$N" ;;
        coupon_kills) "$VENV/bin/python" "$ROOT/bench/coupon_kills.py" -c "$CONF" -d "$DB" \
            --size "$SIZE" --partners "$N" --kills "${KILLS:-4}" ;;
        card_actions) "$VENV/bin/python" "$ROOT/bench/card_actions.py" -c "$CONF" -d "$DB" \
            --size "$SIZE" ;;
        killed) "$VENV/bin/python" "$ROOT/bench/killed.py" -c "$CONF" -d "$DB" --size "$SIZE" \
            --kills "${KILLS:-4}" ;;
        *) die "BENCH_PARTS: engine, limits, reports, partial, forecast, forecast_kills, selling, coupons, coupon_kills, card_actions or killed, not '$part'" ;;
    esac
done
