# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Contact cadence (direct marketing: typically 6 to 18 touches a year per customer).

For every commercial partner in a segment with ``contact_frequency`` touches a
year, when the last contact (message or e-mail, done activity, sent mailing, to
the partner or its contacts) is older than 365 / frequency days, schedule one
follow-up activity for its salesperson; never a second while one is open.
"""

import logging

from odoo import fields

from . import cadence_sql as Q

_logger = logging.getLogger(__name__)


def schedule(env):
    """Create the due follow-up activities; returns them."""
    env = env(su=True)
    activity_type = env.ref("partner_segmentation.mail_activity_type_segment_cadence")
    env.flush_all()
    env.cr.execute(Q.cadence_due(fields.Datetime.now(), activity_type.id))
    rows = env.cr.fetchall()
    if not rows:
        return env["mail.activity"]
    model_id = env["ir.model"]._get_id("res.partner")
    today = fields.Date.context_today(env.user)
    vals_list = []
    for partner_id, user_id, frequency, last_date in rows:
        if last_date:
            note = env._(
                "Segment policy: %(frequency)s touches a year; last contact on %(date)s.",
                frequency=frequency,
                date=fields.Date.to_string(last_date.date()),
            )
        else:
            note = env._(
                "Segment policy: %(frequency)s touches a year; no contact recorded yet.",
                frequency=frequency,
            )
        vals_list.append(
            {
                "res_model_id": model_id,
                "res_id": partner_id,
                "activity_type_id": activity_type.id,
                "user_id": user_id,
                "date_deadline": today,
                "summary": env._("Keep in touch"),
                "note": note,
            }
        )
    activities = (
        env["mail.activity"].with_context(mail_activity_quick_update=True).create(vals_list)
    )
    _logger.info("Contact cadence: %s follow-up activities scheduled", len(activities))
    return activities
