# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Win-back: a line nobody answered yet was *No answer* from the campaign's
first day.  The outcomes that follow the data in running campaigns are worked
out again: *Pending* until the customer was contacted and the campaign's
answer period is over.  An outcome set by hand, and a closed campaign's
figures, are kept."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    lines = env["partner.segment.winback.line"].search(
        [
            ("outcome", "=", "no_answer"),
            ("outcome_manual", "=", False),
            ("campaign_id.state", "=", "running"),
        ]
    )
    lines._refresh_outcome()
