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


def _change_pages(env, scheme_ids):
    """Yield {partner id: [(scheme, from, to)]} for about ``CHATTER_BATCH``
    partners at a time, so that a run that changes a million partners never
    holds them all in memory."""
    env.cr.execute(Q.INDEX_CHANGES)
    limit = CHATTER_BATCH * len(scheme_ids)  # at most one change per partner and scheme
    after = 0
    while True:
        env.cr.execute(Q.select_changes(scheme_ids, after, limit))
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


def post_chatter(env, schemes):
    """One note per partner that changed, all its schemes together, created
    a thousand at a time."""
    if not schemes:
        return
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
    for page in _change_pages(env, schemes.ids):
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


def run_segment_actions(env, schemes):
    segments = schemes.segment_ids.filtered(lambda s: s.on_enter_action_id or s.on_exit_action_id)
    if not segments:
        return
    for column, action_field in (("to_id", "on_enter_action_id"), ("from_id", "on_exit_action_id")):
        with_action = segments.filtered(action_field)
        if not with_action:
            continue
        env.cr.execute(Q.select_moved(column, with_action.ids))
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
