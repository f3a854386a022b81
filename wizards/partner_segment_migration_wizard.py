# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import datetime

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..report import common


class PartnerSegmentMigrationWizard(models.TransientModel):
    """Choose the two days of the migration report."""

    _name = "partner.segment.migration.wizard"
    _description = "Segment Migration: Choose the Days"

    scheme_id = fields.Many2one(
        "partner.segment.scheme",
        default=lambda self: self.env.ref(
            "partner_segmentation.scheme_value_abc", raise_if_not_found=False
        ),
    )
    date_from = fields.Date(
        string="From the End of",
        required=True,
        default=lambda self: common.report_day(self.env) - datetime.timedelta(days=30),
    )
    date_to = fields.Date(
        string="To the End of", required=True, default=lambda self: common.report_day(self.env)
    )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from >= wizard.date_to:
                raise ValidationError(
                    self.env._("The first day of a migration must come before the second.")
                )

    @api.model
    def action_open_default_report(self):
        """The report of the default days (the wizard closed without
        choosing when no view was under it: see migration_wizard_form.js)."""
        return self.create({}).action_open_report()

    def action_open_report(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_segmentation.action_partner_segment_report_migration"
        )
        lang = self.env["res.lang"]._get_data(code=self.env.user.lang or "en_US")
        date_format = lang.date_format or "%m/%d/%Y"
        # the title and breadcrumb name the days (the web client shows
        # display_name before name)
        start = self.date_from.strftime(date_format)
        end = self.date_to.strftime(date_format)
        action["name"] = action["display_name"] = self.env._(
            "Segment Migration: %(start)s → %(end)s", start=start, end=end
        )
        action["context"] = {
            "migration_date_from": fields.Date.to_string(self.date_from),
            "migration_date_to": fields.Date.to_string(self.date_to),
            "search_default_scheme_id": self.scheme_id.id,
            # the pivot's corner: "From: end of 11/07/2026 ↓", "To: … →"
            # (a phone's title is too short for the days)
            "axes_pivot_notes": {
                "rows": self.env._("end of %(day)s", day=start),
                "cols": self.env._("end of %(day)s", day=end),
            },
        }
        return action
