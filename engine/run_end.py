# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The steps of a run after its schemes (see :mod:`.run_steps`): chatter
notes by pages of partners, segment actions and the features'
``_after_recompute``, the features' after-run steps, and the closing of the
run with its facts and the requester's notification."""

import logging

from odoo import fields

from . import notify, run_state

_logger = logging.getLogger(__name__)

# chatter pages (of notify.CHATTER_BATCH partners) per step
CHATTER_PAGES = 5


def chatter_step(env, run_rec):
    """Notes for a few pages of partners (all pages when inline)."""
    inline = run_state.of(env).inline
    schemes = run_rec.line_ids.filtered(lambda line: line.state == "done").scheme_id
    schemes = schemes.filtered("post_chatter")
    env.invalidate_all()
    pages = None if inline else CHATTER_PAGES
    after = notify.post_chatter(env, schemes, run_rec.id, run_rec.chatter_cursor, pages)
    if after is None:
        run_rec.stage = "finish"
        if inline:
            finish_step(env, run_rec)
    else:
        run_rec.write({"chatter_cursor": after, "step_count": run_rec.step_count + 1})


def finish_step(env, run_rec):
    lines = run_rec.line_ids
    done = lines.filtered(lambda line: line.state == "done")
    notify.run_segment_actions(env, done.scheme_id, run_rec)
    schemes = run_rec.scheme_ids.filtered("active")
    schemes._after_recompute(run_rec)
    after = schemes._after_run_steps(run_rec)
    if after:
        run_rec.write(
            {"stage": "after", "after_cursor": 0, "step_count": run_rec.step_count + len(after)}
        )
    else:
        close(env, run_rec)


def after_step(env, run_rec):
    """One of the schemes' after-run steps; the last one ends the run."""
    schemes = run_rec.scheme_ids.filtered("active")
    after = schemes._after_run_steps(run_rec)
    if run_rec.after_cursor < len(after):
        getattr(schemes, after[run_rec.after_cursor])(run_rec)
    run_rec.after_cursor += 1
    if run_rec.after_cursor >= len(after):
        close(env, run_rec)


def close(env, run_rec, error=None):
    """End the run with its facts (inline: its duration is the steps' work
    time; through the cron: from its first step to now, and the requester
    is notified)."""
    inline = run_state.of(env).inline
    lines = run_rec.line_ids
    failed = lines.filtered(lambda line: line.state == "failed")
    errors = [f"{line.scheme_id.name}: {line.error}" for line in failed]
    errors += [e for e in (run_rec.error, error) if e]  # a skipped step, a fatal one
    status = "done"
    if errors:
        status = "failed" if (lines and len(failed) == len(lines)) or error else "partial"
    end = fields.Datetime.now()
    run_rec.write(
        {
            "stage": "ended",
            "status": status,
            "step_count": run_rec.step_done + 1,  # this step is the last
            "date_end": end,
            "duration": run_rec.work_seconds
            if inline
            else (end - (run_rec.date_begin or run_rec.date_start)).total_seconds(),
            "partner_count": max(lines.mapped("partner_count"), default=0),
            "change_count": sum(lines.mapped("change_count")),
            "error": "\n".join(errors) or False,
        }
    )
    env.flush_all()
    env.invalidate_all()
    if not inline:
        run_rec._notify_requester()
    _logger.info(
        "Segmentation run %s: %s partners, %s changes, %.2fs, %s",
        run_rec.id,
        run_rec.partner_count,
        run_rec.change_count,
        run_rec.duration,
        status,
    )
