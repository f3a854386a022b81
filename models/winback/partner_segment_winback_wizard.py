# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class PartnerSegmentWinbackWizard(models.TransientModel):
    """Start a win-back campaign for lost and at-risk customers."""

    _name = "partner.segment.winback.wizard"
    _description = "Start a Win-back Campaign"

    name = fields.Char(
        string="Campaign",
        required=True,
        default=lambda self: self.env._("Win-back %s", fields.Date.context_today(self)),
    )
    segment_ids = fields.Many2many(
        "partner.segment",
        string="Segments",
        domain=[("winback_target", "=", True)],
        default=lambda self: self._default_segments(),
    )
    partner_ids = fields.Many2many("res.partner", string="Customers")
    include_do_not_pursue = fields.Boolean(
        string="Include Do-not-pursue",
        help="Also target customers who declined in two campaigns already.",
    )
    send_mailing = fields.Boolean(string="E-mail", default=True)
    template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        domain=[("model", "=", "res.partner")],
        default=lambda self: self.env.ref(
            "partner_segmentation.mail_template_winback", raise_if_not_found=False
        ),
    )
    offer = fields.Html(
        default=lambda self: (
            Markup("<p>%s</p>") % self.env._("10% off your next order this month.")
        ),
    )
    create_opportunities = fields.Boolean(string="Opportunities", default=True)
    schedule_calls = fields.Boolean(string="Call Activities", default=True)
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        help="Empty: each opportunity goes to the customer's salesperson. Set: to the "
        "team (and its leader when the customer has no salesperson).",
    )
    target_partner_ids = fields.Many2many(
        "res.partner", compute="_compute_targets", string="Targeted Customers"
    )
    target_count = fields.Integer(compute="_compute_targets")
    excluded_count = fields.Integer(compute="_compute_targets")

    @api.model
    def _default_segments(self):
        if self.env.context.get("active_model") == "partner.segment":
            return self.env["partner.segment"].browse(self.env.context.get("active_ids"))
        if self.env.context.get("active_model") == "res.partner":
            return self.env["partner.segment"]
        return self.env["partner.segment"].search([("winback_target", "=", True)])

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        partners = self.env["res.partner"]._segmentation_selected_companies()
        if partners:
            values["partner_ids"] = [Command.set(partners.ids)]
        return values

    @api.depends("segment_ids", "partner_ids", "include_do_not_pursue")
    def _compute_targets(self):
        for wizard in self:
            partners = wizard.partner_ids.commercial_partner_id
            if wizard.segment_ids:
                partners |= (
                    self.env["partner.segment.assignment"]
                    .search([("segment_id", "in", wizard.segment_ids.ids)])
                    .partner_id
                )
            excluded = partners.filtered("winback_do_not_pursue")
            if not wizard.include_do_not_pursue:
                partners -= excluded
            wizard.target_partner_ids = partners
            wizard.target_count = len(partners)
            wizard.excluded_count = 0 if wizard.include_do_not_pursue else len(excluded)

    def action_start(self):
        self.ensure_one()
        not_targets = self.segment_ids.filtered(lambda s: not s.winback_target)
        if not_targets:
            raise UserError(
                self.env._(
                    "These segments are not win-back targets: %(names)s",
                    names=", ".join(not_targets.mapped("display_name")),
                )
            )
        partners = self.target_partner_ids
        if not partners:
            raise UserError(self.env._("No customer to win back: choose segments or customers."))
        if not (self.send_mailing or self.create_opportunities or self.schedule_calls):
            raise UserError(self.env._("Choose at least one channel: e-mail, opportunity or call."))
        if self.send_mailing and not self.template_id:
            raise UserError(self.env._("Choose the e-mail template."))
        utm = self.env["utm.campaign"].create({"name": self.name})
        campaign = self.env["partner.segment.winback.campaign"].create(
            {
                "name": self.name,
                "team_id": self.team_id.id,
                "utm_campaign_id": utm.id,
                "segment_ids": [Command.set(self.segment_ids.ids)],
                "offer": self.offer,
            }
        )
        segment_of = {
            a.partner_id.id: a.segment_id
            for a in self.env["partner.segment.assignment"].search(
                [("segment_id", "in", self.segment_ids.ids), ("partner_id", "in", partners.ids)]
            )
        }
        leads = (
            self._create_opportunities(campaign, partners)
            if (self.create_opportunities or self.schedule_calls)
            else {}
        )
        self.env["partner.segment.winback.line"].create(
            [
                {
                    "campaign_id": campaign.id,
                    "partner_id": partner.id,
                    "segment_id": segment_of.get(partner.id, self.env["partner.segment"]).id,
                    "user_id": self._salesperson(partner).id,
                    "lead_id": leads.get(partner.id, self.env["crm.lead"]).id,
                }
                for partner in partners
            ]
        )
        if self.schedule_calls:
            call = self.env.ref("mail.mail_activity_data_call")
            for lead in leads.values():
                lead.activity_schedule(
                    activity_type_id=call.id,
                    summary=self.env._("Win-back call: why did you leave?"),
                    user_id=lead.user_id.id or self.env.uid,
                )
        if self.send_mailing:
            campaign.mailing_id = self._create_mailing(campaign, utm, partners)
        return {
            "type": "ir.actions.act_window",
            "res_model": campaign._name,
            "res_id": campaign.id,
            "view_mode": "form",
            "target": "current",
        }

    def _salesperson(self, partner):
        if partner.user_id:
            return partner.user_id
        return self.team_id.user_id or self.env["res.users"]

    def _create_opportunities(self, campaign, partners):
        tag = self.env.ref("partner_segmentation.crm_tag_winback")
        revenue = self._revenue_12m(partners)
        leads = self.env["crm.lead"].create(
            [
                {
                    "name": self.env._("Win-back: %s", partner.name),
                    "type": "opportunity",
                    "partner_id": partner.id,
                    "user_id": self._salesperson(partner).id,
                    "team_id": self.team_id.id or False,
                    "tag_ids": [Command.link(tag.id)],
                    "campaign_id": campaign.utm_campaign_id.id,
                    "winback_campaign_id": campaign.id,
                    # what the customer was worth: its last 12 months
                    "expected_revenue": revenue.get(partner.id, 0.0),
                }
                for partner in partners
            ]
        )
        return {lead.partner_id.id: lead for lead in leads}

    def _revenue_12m(self, partners):
        """{partner id: invoiced untaxed revenue, less credit notes, of the
        last 12 months}, from the invoices the user may read, in the
        company's currency."""
        since = fields.Date.context_today(self) - timedelta(days=365)
        groups = self.env["account.move"]._read_group(
            [
                ("commercial_partner_id", "in", partners.ids),
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("invoice_date", ">", since),
                ("company_id", "=", self.env.company.id),
            ],
            ["commercial_partner_id"],
            ["amount_untaxed_signed:sum"],
        )
        return {partner.id: amount for partner, amount in groups}

    def _create_mailing(self, campaign, utm, partners):
        # Both are sanitized HTML (Markup): Markup.replace keeps the offer's
        # tags, a plain str would be escaped into visible <p>…</p>
        body = Markup(self.template_id.body_html or "")
        body = body.replace("[OFFER]", Markup(self.offer or ""))
        email_from = self.env["mailing.mailing"]._segmentation_email_from()
        recipients = partners.filtered("email")
        # A salesperson prepares the campaign's e-mail as a draft; sending it
        # stays with the e-mail marketing users.
        return (
            self.env["mailing.mailing"]
            .sudo()
            .create(
                {
                    "user_id": self.env.uid,
                    "subject": self.template_id.subject or campaign.name,
                    "email_from": email_from,
                    "mailing_type": "mail",
                    "mailing_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "mailing_domain": repr([("id", "in", recipients.ids)]),
                    "campaign_id": utm.id,
                    "body_html": body,
                    "body_arch": body,
                }
            )
        )
