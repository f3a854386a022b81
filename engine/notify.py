# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""After a scheme's changes are written: one chatter note per partner that
changed (all its schemes together, a page of partners at a time) and the
segments' enter/exit server actions on their batches.
SQL text: :mod:`.notify_sql`.
"""

import logging
from collections import defaultdict

from markupsafe import Markup, escape

from odoo.tools.mail import generate_tracking_message_id

from . import notify_sql as Q

_logger = logging.getLogger(__name__)

CHATTER_BATCH = 1000


def _change_pages(env, scheme_ids, run_id, after, pages=None):
    """Yield {partner id: [(scheme, from, to)]} for about ``CHATTER_BATCH``
    partners at a time (at most ``pages`` pages), from the history rows of
    the run, by partner id after ``after``: a run that changes a million
    partners never holds them all in memory, and may post its notes over
    several steps."""
    env.cr.execute(Q.any_note(run_id, scheme_ids))
    if not env.cr.fetchone():  # a first classification: nothing to tell
        return
    limit = CHATTER_BATCH * len(scheme_ids)  # at most one change per partner and scheme
    while pages is None or pages > 0:
        env.cr.execute(Q.select_changes(run_id, scheme_ids, after, limit))
        rows = env.cr.fetchall()
        if not rows:
            return
        if len(rows) == limit:  # the last partner may go on in the next page
            complete = [row for row in rows if row[0] != rows[-1][0]]
            rows = complete or rows
        page = defaultdict(list)
        for partner_id, scheme_id, from_id, to_id in rows:
            page[partner_id].append((scheme_id, from_id, to_id))
        yield page
        after = rows[-1][0]
        if pages is not None:
            pages -= 1


def post_chatter(env, schemes, run_id, after=0, pages=None):
    """One note per partner that changed segment in run ``run_id``, all its
    schemes together, created a thousand at a time, for the partners after
    partner id ``after`` (at most ``pages`` pages).  A partner's first
    segment in a scheme gets no note: its history row says it.  Returns the
    last partner id noted when pages may be left, ``None`` when every note
    is posted."""
    if not schemes:
        return None
    last = None
    Segment = env["partner.segment"].with_context(active_test=False, segment_short_name=True)
    names = {s.id: s.display_name for s in Segment.search([("scheme_id", "in", schemes.ids)])}
    scheme_names = {s.id: s.name for s in schemes}
    none = env._("none")
    title = env._("Segments changed:")
    subtype = env.ref("mail.mt_note")
    author = env.user.partner_id
    _author_id, email_from = env["mail.thread"]._message_compute_author(
        author.id, raise_on_email=False
    )
    Message = env["mail.message"].with_context(mail_create_nosubscribe=True)
    for page in _change_pages(env, schemes.ids, run_id, after, pages):
        # Everything mail.message.create would compute one message at a time
        # is given here, so that creating the notes stays a few queries per page.
        partners = env["res.partner"].browse(list(page)).with_context(prefetch_fields=False)
        record_names = dict(zip(partners.ids, partners.mapped("display_name"), strict=True))
        vals_list = []
        for partner_id, changes in page.items():
            items = Markup("").join(
                Markup("<li>%s: %s → %s</li>")
                % (
                    escape(scheme_names[scheme_id]),
                    escape(names.get(from_id, none) if from_id else none),
                    escape(names.get(to_id, none) if to_id else none),
                )
                for scheme_id, from_id, to_id in changes
            )
            vals_list.append(
                {
                    "model": "res.partner",
                    "res_id": partner_id,
                    "message_type": "notification",
                    "subtype_id": subtype.id,
                    "author_id": author.id,
                    "email_from": email_from,
                    "reply_to": email_from,
                    "record_name": record_names[partner_id],
                    "message_id": generate_tracking_message_id("segmentation"),
                    "body": Markup("<p>%s</p><ul>%s</ul>") % (title, items),
                }
            )
        Message.create(vals_list)
        env.invalidate_all()  # flushes, then lets the page's records go
        last = max(page)
        if pages is not None:
            pages -= 1
    return None if pages is None or pages > 0 or last is None else last


def run_segment_actions(env, schemes, run_rec):
    """The segments' on-enter / on-exit server actions, after a run.

    They are chosen by Settings administrators only (as Odoo's automation
    rules are) and run as superuser, the way automation rules run theirs; so
    nothing another user triggers may start them: the scheduled run, or a run
    a Settings administrator started, runs them at once (with those that
    earlier runs left); any other run (a salesperson's *Recompute segments*,
    a segmentation manager's button, a queue run caused by somebody's
    order or invoice) marks itself ``actions_pending`` and
    leaves them to the next scheduled run, which finds the moves in the
    history of the pending runs."""
    if _may_run_actions(run_rec):
        run_pending_actions(env)
        _run_actions(
            env,
            schemes.segment_ids,
            lambda column, ids: Q.select_moved(run_rec.id, column, ids),
        )
    elif _moved_with_actions(env, schemes.segment_ids, run_rec.id):
        run_rec.actions_pending = True


def _may_run_actions(run_rec):
    """The scheduled run, or a run a Settings administrator started himself.
    A queue run is caused by whoever wrote the order, invoice or lead that
    queued its partners (the queue's cron only carries it out): it leaves its
    actions to the scheduled run, as their own *Recompute* would."""
    if run_rec.trigger == "cron":
        return True
    return run_rec.trigger != "queue" and run_rec.user_id.has_group("base.group_system")


def run_pending_actions(env):
    """Run the segment actions that runs of other users left for later."""
    pending = env["partner.segment.run"].search([("actions_pending", "=", True)], order="id")
    if not pending:
        return
    segments = env["partner.segment"].search(
        ["|", ("on_enter_action_id", "!=", False), ("on_exit_action_id", "!=", False)]
    )
    _run_actions(
        env, segments, lambda column, ids: Q.select_moved_in_runs(pending.ids, column, ids)
    )
    pending.actions_pending = False


def _moved_with_actions(env, segments, run_id):
    for column, action_field in (("to_id", "on_enter_action_id"), ("from_id", "on_exit_action_id")):
        with_action = segments.filtered(action_field)
        if with_action:
            env.cr.execute(Q.select_moved(run_id, column, with_action.ids))
            if env.cr.rowcount:
                return True
    return False


def _run_actions(env, segments, select_moved):
    segments = segments.filtered(lambda s: s.on_enter_action_id or s.on_exit_action_id)
    if not segments:
        return
    for column, action_field in (("to_id", "on_enter_action_id"), ("from_id", "on_exit_action_id")):
        with_action = segments.filtered(action_field)
        if not with_action:
            continue
        env.cr.execute(select_moved(column, with_action.ids))
        moved = dict(env.cr.fetchall())
        for segment in with_action:
            partner_ids = moved.get(segment.id)
            if not partner_ids:
                continue
            action = segment[action_field]
            try:
                with env.cr.savepoint():
                    action.with_context(
                        active_model="res.partner",
                        active_ids=partner_ids,
                        active_id=partner_ids[0],
                        segment_id=segment.id,
                    ).run()
            except Exception:
                _logger.exception(
                    "Action %s of segment %s failed", action.name, segment.display_name
                )
