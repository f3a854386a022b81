# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The steps of a run, one transaction each (see :mod:`.run`): here the
schemes' steps; the steps after them are in :mod:`.run_end`.

Where a run stands is stored on its record, so that any worker can take it
up: ``stage`` (schemes, chatter, finish, after, ended), per scheme a
``partner.segment.run.line`` (pending, writing, done, failed) with the last
partner id written, the last partner id whose note was posted, and how many
of the schemes' after-run steps (``_after_run_steps``) are done.
"""

import logging
import math
import time

from odoo import fields

from . import apply, classify, composite, metrics, run_end, run_state
from . import metrics_sql as MQ
from . import run_sql as Q
from .apply_sql import IdRange
from .common import today_of

_logger = logging.getLogger(__name__)

# a scheme classifying more partners than this is written in several steps
# (system parameter partner_segmentation.step_partners)
STEP_PARTNERS = 50_000


def create(env, schemes, partners, trigger, uid, status):
    """A run of ``schemes`` (``partners`` only, if given).  Whoever triggers
    it, a run sees all the data (a salesperson's record rules must not change
    anybody's segments): ``env`` is superuser; who asked is recorded."""
    scope = None if partners is None else sorted(set(partners.commercial_partner_id.ids))
    Run = env["partner.segment.run"].with_context(
        mail_create_nolog=True, mail_create_nosubscribe=True
    )
    return Run.create(
        dict(
            _plan(env, schemes, scope),
            date_start=fields.Datetime.now(),
            date_ref=today_of(env),
            trigger=trigger,
            user_id=uid,
            status=status,
        )
    )


def merge(env, run_rec, schemes, partners):
    """Add a request to a queued run that has not started: its schemes, and
    its partners (everyone when either asks for everyone)."""
    asked = run_rec.line_ids.filtered(lambda line: not line.dependent).scheme_id
    if partners is None or not run_rec.partner_scope:
        scope = None
    else:
        scope = sorted(
            set(run_rec.partner_scope["partners"]) | set(partners.commercial_partner_id.ids)
        )
    values = _plan(env, asked | schemes.with_env(env), scope)
    values["line_ids"] = [(5, 0, 0), *values["line_ids"]]
    run_rec.write(values)
    return run_rec


def _plan(env, schemes, scope):
    # a scheme runs after the schemes it tests; the schemes that test these
    # are added, for the partners whose tested segment changes in the run
    schemes, added = composite.plan(schemes.with_env(env).filtered("active"))
    return {
        "scheme_ids": [(6, 0, schemes.ids)],
        # a dict, never empty: an empty selection stays an empty selection
        "partner_scope": None if scope is None else {"partners": scope},
        "partial": scope is not None,
        "stage": "schemes",
        "step_count": len(schemes) + 2,
        "line_ids": [
            (0, 0, {"scheme_id": scheme.id, "sequence": i, "dependent": scheme in added})
            for i, scheme in enumerate(schemes)
        ],
    }


def work(env, run_rec, inline):
    """Work on ``run_rec`` (superuser ``env``): inline, every step to its
    end in the caller's transaction; else its next step (the cron's, in a
    transaction of its own).  The run's state (:mod:`.run_state`) lives for
    that time: what it says of the work tables holds in this transaction only."""
    with run_state.attached(env, inline=inline):
        step(env, run_rec)
        while inline and run_rec.stage != "ended":
            step(env, run_rec)


def step(env, run_rec):
    """Do the next step of ``run_rec`` (superuser ``env``, inside :func:`work`)."""
    cr = env.cr
    before, t0 = cr.sql_log_count, time.perf_counter()
    if run_rec.status == "queued":
        run_rec.write({"status": "running", "date_begin": fields.Datetime.now()})
    if run_state.of(env).inline and not run_rec.step_done:
        _start_inline(env, run_rec)
    cr.execute(Q.watch_client())
    cr.execute(Q.raise_work_mem())
    work_mem = cr.fetchone()[0]
    what = _step_name(run_rec)
    if run_rec.stage == "schemes":
        _scheme_step(env, run_rec)
    elif run_rec.stage == "chatter":
        run_end.chatter_step(env, run_rec)
    elif run_rec.stage == "finish":
        run_end.finish_step(env, run_rec)
    elif run_rec.stage == "after":
        run_end.after_step(env, run_rec)
    cr.execute(Q.restore_work_mem(work_mem))
    run_rec.write(
        {
            "step_done": run_rec.step_done + 1,
            "step_count": max(run_rec.step_count, run_rec.step_done + 1),
            "query_count": run_rec.query_count + cr.sql_log_count - before,
            "work_seconds": run_rec.work_seconds + time.perf_counter() - t0,
        }
    )
    env.flush_all()
    _logger.info(
        "Segmentation run %s: step %s (%s) in %.2f s",
        run_rec.id,
        run_rec.step_done,
        what,
        time.perf_counter() - t0,
    )


def _step_name(run_rec):
    """What the next step does, for the log: the stage, and for a scheme its
    code and whether it classifies or writes."""
    line = _current_line(run_rec) if run_rec.stage == "schemes" else None
    if line:
        return f"{line.scheme_id.code} {'classify' if line.state == 'pending' else 'write'}"
    if run_rec.stage == "after":
        return f"after {run_rec.after_cursor + 1}"
    return run_rec.stage


def step_partners(env):
    value = env["ir.config_parameter"].get_param("partner_segmentation.step_partners")
    try:
        return max(int(value), 1) if value else STEP_PARTNERS
    except ValueError:
        return STEP_PARTNERS


def _current_line(run_rec):
    return run_rec.line_ids.filtered(lambda line: line.state in ("pending", "writing"))[:1]


def _scheme_step(env, run_rec):
    line = _current_line(run_rec)
    if not line:
        run_rec.stage = "chatter"
        return run_end.chatter_step(env, run_rec)
    t0 = time.perf_counter()
    try:
        with env.cr.savepoint():
            if line.state == "pending":
                _classify(env, run_rec, line)
            else:
                _write(env, run_rec, line)
    except Exception as exc:
        run_state.of(env).forget_tables()  # rolled back with the savepoint
        _logger.exception("Segmentation of scheme %s failed", line.scheme_id.code)
        fail_line(env, line, str(exc))
    line.duration += time.perf_counter() - t0
    if line.state in ("done", "failed"):
        _record_scheme(line)


def _classify(env, run_rec, line):
    state = run_state.of(env)
    inline = state.inline
    scheme, scope, today = line.scheme_id, _scope(env, run_rec), run_rec.date_ref
    if line.dependent:
        scope = composite.changed_scope(env, scheme, run_rec.id, scope)
        if not scope:  # no tested segment changed: nothing to recompute
            _line_done(env, line)
            return
    if (line.dependent or not inline) and apply.release_expired_locks(
        env, scheme.ids, today, scope
    ):
        state.forget_written(env)
    computed = _computed(env, run_rec, scope, today) if inline else {}
    new_computed = dict(computed)
    needed = classify.scheme_metrics(scheme)
    new = metrics.compute_metrics(
        env,
        needed,
        classify.metric_scope(scheme, scope),
        today,
        new_computed,
        metrics.scheme_companies(scheme),
    )
    new_computed.update(new)
    if new:
        env.cr.execute(MQ.ANALYZE_VALUES)
    # a full run keeps its ranking for the previews of cut-off changes
    state.ranking_run = run_rec.id if scope is None else None
    try:
        partners = classify.classify(env, scheme, scope)
    finally:
        state.ranking_run = None
    line.partner_count = partners
    scheme._after_classify(run_rec)
    size = step_partners(env)
    if inline or scope is not None or partners <= size:
        if scope is not None:  # before apply_result, which may empty psseg_result
            env.cr.execute(Q.sync_kept_results(scheme.id, scope, apply.ranking_metric(scheme)))
        if apply.apply_result(env, scheme, scope, today, run_rec.id):
            state.forget_written(env)
        _line_done(env, line)
    else:  # kept for the write steps, a range of partner ids each
        env.cr.execute(Q.keep_result(run_rec.id, scheme.id, apply.ranking_metric(scheme)))
        line.write({"state": "writing", "cursor": 0})
        run_rec.step_count += math.ceil(partners / size)
    computed.clear()
    computed.update(new_computed)


def _start_inline(env, run_rec):
    """An inline run releases the expired overrides of all its schemes at
    once, before the first one is classified (one statement, not one per
    scheme), and for chosen partners reads their assignments in all of them
    at once.  A scheme added because it tests another (``dependent``) does
    both for itself, for the partners it recomputes, when its turn comes;
    so does each scheme of a run worked through by the cron."""
    schemes = run_rec.line_ids.filtered(lambda line: not line.dependent).scheme_id
    if not schemes:
        return
    scope = _scope(env, run_rec)
    apply.release_expired_locks(env, schemes.ids, run_rec.date_ref, scope)
    if scope is not None:
        apply.read_current(env, schemes, scope)


def _scope(env, run_rec):
    """The run's chosen partners (or None), read once per transaction: a
    run's scope never changes, and each read of the JSON field copies it."""
    state = run_state.of(env)
    if state.scope is run_state.UNREAD:
        state.scope = run_rec._scope_ids()
    return None if state.scope is None else list(state.scope)


def _computed(env, run_rec, scope, today):
    """Inline runs compute the metrics of all their schemes up front, so that
    metrics sharing a source share its scan.  Should that fail, the schemes
    compute what each needs, each in its own savepoint; only a broken one fails."""
    state = run_state.of(env)
    if state.computed is not None:
        return state.computed
    # the shared schemes' metrics (those of a company's scheme count that
    # company's records: the scheme computes them when its turn comes)
    schemes = run_rec.line_ids.scheme_id.filtered(lambda s: not s.company_id)
    everyone = schemes.filtered(lambda s: classify.metric_scope(s, scope) is None)
    done = {}
    try:
        with env.cr.savepoint():
            for group, group_scope in ((everyone, None), (schemes - everyone, scope)):
                needed = env["partner.segment.metric"].union(*map(classify.scheme_metrics, group))
                done.update(metrics.compute_metrics(env, needed, group_scope, today, done))
    except Exception:
        _logger.info("Shared metric scan failed; each scheme computes its own", exc_info=True)
        done = {}
    if done:
        env.cr.execute(MQ.ANALYZE_VALUES)
    state.computed = done
    return done


def _write(env, run_rec, line):
    """Apply the kept result of ``line``'s scheme to the next range of ids."""
    cr, scheme = env.cr, line.scheme_id
    cr.execute(Q.next_boundary(run_rec.id, scheme.id, line.cursor, step_partners(env)))
    rows = cr.fetchall()
    upto = rows[0][0] if len(rows) == 2 else None
    cr.execute(
        Q.load_result(run_rec.id, scheme.id, line.cursor, upto, apply.ranking_metric(scheme))
    )
    partner_range = IdRange(line.cursor, upto)
    apply.apply_result(env, scheme, partner_range, run_rec.date_ref, run_rec.id)
    if upto is None:
        cr.execute(Q.drop_result(run_rec.id, scheme.id))
        _line_done(env, line)
    else:
        line.cursor = upto


def _line_done(env, line):
    env.flush_all()
    env.cr.execute(Q.line_counts(line.run_id.id, line.scheme_id.id))
    entered, left, changes = env.cr.fetchone()
    line.write(
        {
            "state": "done",
            "entered": entered,
            "left": left,
            "stayed": max(line.partner_count - entered, 0),
            "change_count": changes,
        }
    )


def fail_line(env, line, error):
    env.cr.execute(Q.drop_result(line.run_id.id, line.scheme_id.id))
    line.write({"state": "failed", "error": error})


def _record_scheme(line):
    """The scheme's last-run facts; a run of chosen partners leaves those of
    the last full run in place."""
    if line.run_id.partial:
        return
    failed = line.state == "failed"
    line.scheme_id.with_context(tracking_disable=True).write(
        {
            "last_run_status": "failed" if failed else "done",
            "last_run_error": line.error if failed else False,
            "last_run_changes": 0 if failed else line.change_count,
            "last_run_date": fields.Datetime.now(),
            "last_run_duration": line.duration,
        }
    )


def give_up(env, run_rec, attempts, killed=False):
    """The current step failed (or its worker was killed) ``attempts`` times:
    skip it, go on."""
    message = (
        env._("a step was interrupted %s times in a row and was skipped", attempts)
        if killed
        else env._("a step failed %s times in a row and was skipped", attempts)
    )
    line = _current_line(run_rec)
    if run_rec.stage == "schemes" and line:
        fail_line(env, line, message)
        _record_scheme(line)
    elif run_rec.stage in ("schemes", "chatter"):  # the notes (schemes all done)
        run_rec.stage = "finish"
        run_rec.error = env._("Notes: %s", message)
    elif run_rec.stage == "after":  # skip this after-run step, go on with the next
        run_rec.error = "\n".join(
            filter(None, [run_rec.error, env._("After the run: %s", message)])
        )
        run_rec.after_cursor += 1
        if run_rec.after_cursor >= len(
            run_rec.scheme_ids.filtered("active")._after_run_steps(run_rec)
        ):
            run_end.close(env, run_rec)
    else:  # the last step: end the run as failed, touching nothing else
        run_rec.write(
            {
                "stage": "ended",
                "status": "failed",
                "date_end": fields.Datetime.now(),
                "error": "\n".join(filter(None, [run_rec.error, env._("Last step: %s", message)])),
            }
        )
    run_rec.write({"step_attempts": 0, "step_failures": 0})
