# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import UserError


class PartnerSegmentWinbackLine(models.Model):
    """One customer of a win-back campaign: its opportunity, why it left and
    what came of it.  The outcome follows orders, invoices and the
    opportunity on its own."""

    _name = "partner.segment.winback.line"
    _description = "Win-back Customer"
    _order = "campaign_id desc, partner_id"
    _rec_name = "partner_id"

    campaign_id = fields.Many2one(
        "partner.segment.winback.campaign", required=True, ondelete="cascade", index=True
    )
    date_start = fields.Date(related="campaign_id.date_start", store=True)
    company_id = fields.Many2one(related="campaign_id.company_id", store=True)
    currency_id = fields.Many2one(related="campaign_id.currency_id")
    partner_id = fields.Many2one("res.partner", required=True, index=True, ondelete="cascade")
    user_id = fields.Many2one("res.users", string="Salesperson")
    segment_id = fields.Many2one("partner.segment", string="From Segment")
    lead_id = fields.Many2one("crm.lead", string="Opportunity", ondelete="set null")
    churn_reason_id = fields.Many2one("partner.segment.churn.reason", string="Why they left")
    churn_note = fields.Text(string="Note")
    outcome = fields.Selection(
        [("no_answer", "No answer"), ("won_back", "Won back"), ("declined", "Declined")],
        compute="_compute_outcome",
        store=True,
        index=True,
    )
    contacted = fields.Boolean(compute="_compute_contacted")
    revenue_recovered = fields.Monetary(
        compute="_compute_revenue_recovered", currency_field="currency_id"
    )

    _sql_constraints = [
        (
            "campaign_partner_unique",
            "UNIQUE(campaign_id, partner_id)",
            "A customer appears once in a campaign.",
        ),
    ]

    def _orders_since_start(self):
        self.ensure_one()
        family = self.partner_id | self.partner_id.child_ids
        return family.sale_order_ids.filtered(
            lambda o: o.state == "sale" and o.date_order.date() >= self.date_start
        )

    def _invoices_since_start(self):
        self.ensure_one()
        family = self.partner_id | self.partner_id.child_ids
        return family.invoice_ids.filtered(
            lambda m: (
                m.state == "posted"
                and m.move_type in ("out_invoice", "out_refund")
                and m.invoice_date
                and m.invoice_date >= self.date_start
            )
        )

    @api.depends(
        "churn_reason_id.means_declined",
        "lead_id.active",
        "lead_id.probability",
        "date_start",
        "partner_id.sale_order_ids.state",
        "partner_id.sale_order_ids.date_order",
        "partner_id.child_ids.sale_order_ids.state",
        "partner_id.invoice_ids.state",
        "partner_id.child_ids.invoice_ids.state",
    )
    def _compute_outcome(self):
        for line in self:
            if (
                line.partner_id
                and line.date_start
                and (
                    line._orders_since_start()
                    or line._invoices_since_start().filtered(lambda m: m.move_type == "out_invoice")
                )
            ):
                line.outcome = "won_back"
            elif line.churn_reason_id.means_declined or (
                line.lead_id and not line.lead_id.active and not line.lead_id.probability
            ):
                line.outcome = "declined"
            else:
                line.outcome = "no_answer"

    def _compute_contacted(self):
        traces = (
            self.env["mailing.trace"]
            .sudo()
            .search(
                [
                    ("mass_mailing_id", "in", self.campaign_id.sudo().mailing_id.ids),
                    ("trace_status", "in", ("sent", "open", "reply", "pending")),
                ]
            )
        )
        mailed = set(traces.mapped("res_id"))
        for line in self:
            lead = line.lead_id.with_context(active_test=False)
            line.contacted = bool(
                line.outcome != "no_answer"
                or line.partner_id.id in mailed
                or line.churn_reason_id
                or (lead and lead.activity_ids.filtered(lambda a: not a.active))
                or (lead and lead.message_ids.filtered("mail_activity_type_id"))
            )

    def _compute_revenue_recovered(self):
        for line in self:
            line.revenue_recovered = sum(
                line._invoices_since_start().mapped("amount_untaxed_signed")
            )

    # ------------------------------------------------------------------
    # Exit survey (offer, refusal, survey, then drop)
    # ------------------------------------------------------------------
    survey_user_input_id = fields.Many2one(
        "survey.user_input", string="Exit Survey Answer", readonly=True, ondelete="set null"
    )
    survey_state = fields.Selection(
        [("sent", "Sent"), ("answered", "Answered"), ("expired", "No answer in time")],
        string="Exit Survey",
        readonly=True,
        index=True,
        copy=False,
    )
    survey_sent_date = fields.Date(string="Survey Sent On", readonly=True, copy=False)

    def _survey_deadline(self):
        self.ensure_one()
        return fields.Date.add(self.survey_sent_date, days=self.campaign_id.exit_survey_days)

    def action_send_exit_survey(self):
        """Send the campaign's exit survey to the declined customers among
        these lines that have not had it yet."""
        lines = self.filtered(lambda line: line.outcome == "declined" and not line.survey_state)
        for campaign, batch in lines.grouped("campaign_id").items():
            if not campaign.exit_survey:
                raise UserError(
                    self.env._(
                        "Campaign '%(name)s' has no exit survey step: switch it on and "
                        "choose a survey first.",
                        name=campaign.name,
                    )
                )
            campaign._check_exit_survey()
            survey = campaign.exit_survey_id
            template = self.env.ref("survey.mail_template_user_input_invite")
            today = fields.Date.context_today(self)
            deadline = fields.Datetime.add(fields.Datetime.now(), days=campaign.exit_survey_days)
            for line in batch:
                # Survey answers belong to the survey app: a salesperson who may
                # run this campaign line invites its own customer, and only that.
                answer = survey.sudo()._create_answer(
                    partner=line.partner_id, check_attempts=False, deadline=deadline
                )
                template.sudo().send_mail(
                    answer.id, email_layout_xmlid="mail.mail_notification_light"
                )
                line.write(
                    {
                        "survey_user_input_id": answer.id,
                        "survey_state": "sent",
                        "survey_sent_date": today,
                    }
                )
        return True

    def _record_survey_answer(self):
        """The customer answered: the reason they chose becomes the line's
        churn reason; what they wrote goes to its note."""
        for line in self.filtered("survey_user_input_id"):
            answer = line.survey_user_input_id
            values = {"survey_state": "answered"}
            notes = []
            for answer_line in answer.user_input_line_ids:
                reason = answer_line.suggested_answer_id.segment_churn_reason_id
                if reason and "churn_reason_id" not in values:
                    values["churn_reason_id"] = reason.id
                text = answer_line.value_char_box or answer_line.value_text_box
                if text:
                    notes.append(text)
            if notes:
                values["churn_note"] = "\n".join(filter(None, [line.churn_note, *notes]))
            line.write(values)

    @api.model
    def _cron_exit_survey_expire(self):
        """Daily: exit surveys not answered in time end the survey step."""
        today = fields.Date.context_today(self)
        lines = self.search([("survey_state", "=", "sent")])
        expired = lines.filtered(lambda line: line._survey_deadline() < today)
        expired.write({"survey_state": "expired"})
        return expired
