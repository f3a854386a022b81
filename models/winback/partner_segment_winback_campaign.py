# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError


class PartnerSegmentWinbackCampaign(models.Model):
    """A win-back campaign: one line per lost or at-risk customer, with its
    e-mail, opportunity and call, and the results."""

    _name = "partner.segment.winback.campaign"
    _description = "Win-back Campaign"
    _inherit = ["mail.thread"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    date_start = fields.Date(
        string="Start", required=True, default=fields.Date.context_today, tracking=True
    )
    user_id = fields.Many2one("res.users", string="Responsible", default=lambda self: self.env.user)
    team_id = fields.Many2one("crm.team", string="Sales Team", check_company=True)
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, required=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    utm_campaign_id = fields.Many2one("utm.campaign", string="UTM Campaign", readonly=True)
    segment_ids = fields.Many2many("partner.segment", string="Segments", readonly=True)
    mailing_id = fields.Many2one("mailing.mailing", string="E-mail", readonly=True)
    offer = fields.Html(help="The offer put in the e-mail.")
    answer_days = fields.Integer(
        string="Answer Period (days)",
        default=14,
        tracking=True,
        help="Days from the start a contacted customer has to answer: after them, a "
        "customer who neither ordered nor refused counts as No answer; before them, as "
        "Pending.",
    )
    state = fields.Selection(
        [("running", "Running"), ("closed", "Closed")], default="running", tracking=True
    )
    line_ids = fields.One2many("partner.segment.winback.line", "campaign_id", string="Customers")
    opportunity_ids = fields.One2many("crm.lead", "winback_campaign_id", string="Opportunities")
    targeted_count = fields.Integer(string="Targeted", compute="_compute_results")
    contacted_count = fields.Integer(string="Contacted", compute="_compute_results")
    won_back_count = fields.Integer(string="Won Back", compute="_compute_results")
    declined_count = fields.Integer(string="Declined", compute="_compute_results")
    winback_rate = fields.Float(
        string="Win-back Rate",
        compute="_compute_results",
        help="Customers won back out of those targeted (a ratio: 0.2 is shown as 20 %).",
    )
    revenue_recovered = fields.Monetary(
        compute="_compute_results",
        currency_field="currency_id",
        help="Untaxed amount of the orders the targeted customers confirmed since the "
        "start, in the company's currency.",
    )
    mailing_state = fields.Selection(related="mailing_id.state", string="E-mail Status")
    mailing_schedule_date = fields.Datetime(
        related="mailing_id.schedule_date", string="E-mail Scheduled On"
    )

    @api.constrains("answer_days")
    def _check_answer_days(self):
        if any(campaign.answer_days < 0 for campaign in self):
            raise ValidationError(self.env._("The answer period of a campaign cannot be negative."))

    def write(self, vals):
        res = super().write(vals)
        if "answer_days" in vals or "date_start" in vals:
            self.filtered(lambda c: c.state == "running").line_ids._refresh_outcome()
        return res

    @api.depends("line_ids.outcome", "line_ids.contacted", "line_ids.revenue_recovered")
    def _compute_results(self):
        for campaign in self:
            lines = campaign.line_ids
            campaign.targeted_count = len(lines)
            campaign.contacted_count = len(lines.filtered("contacted"))
            campaign.won_back_count = len(lines.filtered(lambda line: line.outcome == "won_back"))
            campaign.declined_count = len(lines.filtered(lambda line: line.outcome == "declined"))
            campaign.winback_rate = (
                campaign.won_back_count / campaign.targeted_count
                if campaign.targeted_count
                else 0.0
            )
            campaign.revenue_recovered = sum(lines.mapped("revenue_recovered"))

    mailing_preview_subject = fields.Char(
        string="E-mail Subject", compute="_compute_mailing_preview"
    )
    mailing_preview = fields.Html(
        string="E-mail Preview",
        compute="_compute_mailing_preview",
        sanitize=False,
        help="The campaign's e-mail as its first customer receives it.",
    )

    def _compute_mailing_preview(self):
        for campaign in self:
            mailing = campaign.mailing_id.sudo()  # rendered for a reader of the campaign
            partner = campaign.line_ids.partner_id.filtered("email")[:1]
            if not (mailing and partner):
                campaign.mailing_preview_subject = False
                campaign.mailing_preview = False
                continue
            # the e-mail's own rendering (inline template and QWeb), as
            # mass_mailing renders it for each recipient
            campaign.mailing_preview_subject = mailing._render_field("subject", partner.ids)[
                partner.id
            ]
            campaign.mailing_preview = mailing._render_field("body_html", partner.ids)[partner.id]

    def action_send_mailing(self):
        """A sales manager sends the campaign's e-mail without being an
        e-mail marketing user: to the campaign's customers only, the e-mail
        the campaign's wizard prepared."""
        self.ensure_one()
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(
                self.env._("Only sales administrators may send a win-back campaign's e-mail.")
            )
        self.check_access("write")
        if not self.mailing_id or self.mailing_state != "draft":
            raise UserError(self.env._("The campaign's e-mail is not a draft waiting to be sent."))
        # sudo: the mailing is the campaign's own (created by its wizard for its
        # customers); the manager's right to the campaign was checked above
        self.mailing_id.sudo().action_put_in_queue()
        return True

    def action_open_mailing(self):
        """The campaign's e-mail, to send or schedule it (e-mail marketing users)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "mailing.mailing",
            "res_id": self.mailing_id.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_close(self):
        self.state = "closed"

    def action_reopen(self):
        self.state = "running"

    def action_view_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_segmentation.action_partner_segment_winback_line"
        )
        action["domain"] = [("campaign_id", "=", self.id)]
        return action

    def action_view_opportunities(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_opportunities")
        action.update({"domain": [("winback_campaign_id", "=", self.id)], "context": {}})
        return action
