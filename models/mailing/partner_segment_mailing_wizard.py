# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import UserError


class PartnerSegmentMailingWizard(models.TransientModel):
    """Mass mailing by segment: a mailing whose recipients are the segments
    (evaluated when it is sent), or a mailing list filled from them."""

    _name = "partner.segment.mailing.wizard"
    _description = "Mailing by Segment"

    segment_ids = fields.Many2many(
        "partner.segment",
        string="Segments",
        required=True,
        help="OR within a scheme, AND between schemes.",
    )
    include_contacts = fields.Boolean(
        default=True,
        help="Also write to the contacts (with an email) of the segmented companies.",
    )
    target = fields.Selection(
        [("mailing", "A new mailing"), ("list", "A mailing list")],
        string="Create",
        default="mailing",
        required=True,
    )
    subject = fields.Char()
    mailing_list_id = fields.Many2one("mailing.list", help="Empty: a new list is created.")
    list_name = fields.Char(string="New List Name")
    follow_segments = fields.Boolean(
        default=True,
        help="Keep the list in sync after every segmentation run.",
    )
    recipient_count = fields.Integer(string="Recipients", compute="_compute_recipient_count")
    selection_summary = fields.Char(compute="_compute_recipient_count")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        partners = self.env["res.partner"]._segmentation_selected_companies()
        if partners:
            values["segment_ids"] = [(6, 0, partners.segment_ids.ids)]
        return values

    def _domain(self):
        return self.env["partner.segment"]._recipient_domain(
            self.segment_ids, self.include_contacts
        )

    @api.depends("segment_ids", "include_contacts")
    def _compute_recipient_count(self):
        Partner = self.env["res.partner"]
        for wizard in self:
            domain = wizard._domain()
            if not domain:
                wizard.recipient_count = 0
                wizard.selection_summary = False
                continue
            groups = Partner._read_group(
                [*domain, ("email_normalized", "!=", False), ("is_blacklisted", "=", False)],
                [],
                ["email_normalized:count_distinct"],
            )
            wizard.recipient_count = groups[0][0] if groups else 0
            schemes = wizard.segment_ids.scheme_id
            # "N recipients." comes before it in the form
            wizard.selection_summary = self.env._(
                "Segments: %(segments)s, schemes: %(schemes)s. Each address counts once; "
                "blacklisted addresses are left out.",
                segments=len(wizard.segment_ids),
                schemes=len(schemes),
            )

    def _check(self):
        if not self.segment_ids:
            raise UserError(self.env._("Choose at least one segment."))

    def action_confirm(self):
        self.ensure_one()
        self._check()
        if self.target == "list":
            return self._fill_list()
        return self._create_mailing()

    def _create_mailing(self):
        names = ", ".join(self.segment_ids.mapped("display_name"))
        email_from = self.env["mailing.mailing"]._segmentation_email_from()
        mailing = self.env["mailing.mailing"].create(
            {
                "email_from": email_from,
                "subject": self.subject or names,
                "mailing_type": "mail",
                "mailing_model_id": self.env["ir.model"]._get_id("res.partner"),
                "segment_ids": [(6, 0, self.segment_ids.ids)],
                "segment_include_contacts": self.include_contacts,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "mailing.mailing",
            "res_id": mailing.id,
            "view_mode": "form",
            "target": "current",
        }

    def _fill_list(self):
        mailing_list = self.mailing_list_id
        if not mailing_list:
            name = self.list_name or ", ".join(self.segment_ids.mapped("display_name"))
            mailing_list = self.env["mailing.list"].create({"name": name})
        mailing_list.write(
            {
                "segment_ids": [(6, 0, self.segment_ids.ids)],
                "segment_include_contacts": self.include_contacts,
                "segment_sync": self.follow_segments,
            }
        )
        mailing_list._sync_segments()
        return {
            "type": "ir.actions.act_window",
            "res_model": "mailing.list",
            "res_id": mailing_list.id,
            "view_mode": "form",
            "target": "current",
        }
