# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from datetime import timedelta

from pytz import timezone, utc

from odoo import api, fields, models

OUTCOMES = [
    ("pending", "Pending"),
    ("no_answer", "No answer"),
    ("won_back", "Won back"),
    ("declined", "Declined"),
]


class PartnerSegmentWinbackLine(models.Model):
    """One customer of a win-back campaign: its opportunity, why it left and
    what came of it.

    The outcome is the user's to set.  Until they do, it follows what the
    data says (``outcome_auto``): won back once the line's opportunity is won
    or the customer (or one of its contacts) confirms an order on or after the
    campaign's start; declined when the opportunity is lost or the recorded
    reason counts as a refusal; no answer once the customer was contacted and
    the campaign's answer period is over; pending before that (a campaign
    just started has nobody who failed to answer).  It is refreshed when the
    line changes, when a win-back opportunity changes stage or is lost or
    restored, when an order of a customer in a running campaign is confirmed
    or cancelled, and daily for the answer period — never on writes of other
    leads or orders."""

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
    lead_id = fields.Many2one(
        "crm.lead", string="Opportunity", ondelete="set null", index="btree_not_null"
    )
    churn_reason_id = fields.Many2one("partner.segment.churn.reason", string="Why they left")
    churn_note = fields.Text(string="Note")
    outcome = fields.Selection(OUTCOMES, required=True, default="pending", index=True)
    outcome_manual = fields.Boolean(
        string="Outcome Set by Hand",
        help="The user chose the outcome; orders and the opportunity no longer change it.",
    )
    outcome_auto = fields.Selection(
        OUTCOMES,
        string="Automatic Outcome",
        compute="_compute_outcome_auto",
        help="What orders, the opportunity and the reason say.",
    )
    contacted = fields.Boolean(compute="_compute_contacted")
    revenue_recovered = fields.Monetary(
        compute="_compute_revenue_recovered",
        currency_field="currency_id",
        help="Untaxed amount of the orders confirmed since the campaign started, in the "
        "campaign company's currency.",
    )

    _sql_constraints = [
        (
            "campaign_partner_unique",
            "UNIQUE(campaign_id, partner_id)",
            "A customer appears once in a campaign.",
        ),
    ]

    # ------------------------------------------------------------------
    # What the data says
    # ------------------------------------------------------------------
    def _orders_since_start(self):
        """{line: confirmed orders of its customer (and contacts) in the
        campaign's company, dated on or after the campaign's start}."""
        result = dict.fromkeys(self, self.env["sale.order"])
        lines = self.filtered(lambda line: line.partner_id and line.date_start)
        if not lines:
            return result
        orders = (
            self.env["sale.order"]
            .sudo()  # figures of the campaign: the line's reader may not read every order
            .search(
                [
                    ("partner_id", "child_of", lines.partner_id.ids),
                    ("state", "=", "sale"),
                    ("company_id", "in", lines.company_id.ids),
                    # a day early: the order's day is its day where the campaign runs
                    ("date_order", ">=", min(lines.mapped("date_start")) - timedelta(days=1)),
                ]
            )
        )
        for line in lines:
            # the campaign's day and the order's, both in its responsible's time zone
            tz = timezone(line.campaign_id.user_id.tz or self.env.user.tz or "UTC")
            result[line] = orders.filtered(
                lambda o, line=line, tz=tz: (
                    o.partner_id.commercial_partner_id == line.partner_id
                    and o.company_id == line.company_id
                    and utc.localize(o.date_order).astimezone(tz).date() >= line.date_start
                )
            )
        return result

    # No @api.depends on the opportunity or the orders: a dependency would make
    # every write of any lead or order look for win-back lines.  The value is
    # computed when read, and afresh by _refresh_outcome().
    def _compute_outcome_auto(self):
        orders = self._orders_since_start()
        for line in self:
            lead = line.lead_id.sudo().with_context(active_test=False)
            if orders[line] or (lead.active and lead.stage_id.is_won):
                line.outcome_auto = "won_back"
            elif line.churn_reason_id.means_declined or (
                lead and not lead.active and not lead.probability
            ):
                line.outcome_auto = "declined"
            elif line.contacted and line._answer_period_over():
                line.outcome_auto = "no_answer"
            else:
                line.outcome_auto = "pending"

    def _answer_period_over(self):
        """The campaign's answer period has passed, counted in days from its
        start where its responsible works."""
        self.ensure_one()
        campaign = self.campaign_id
        if not campaign.date_start:
            return False
        tz = campaign.user_id.tz or self.env.user.tz or "UTC"
        today = fields.Date.context_today(self.with_context(tz=tz))
        return today >= fields.Date.add(campaign.date_start, days=campaign.answer_days)

    def _refresh_outcome(self):
        """Bring the outcome of the lines not set by hand to the automatic one."""
        lines = self.filtered(lambda line: not line.outcome_manual)
        lines.invalidate_recordset(["outcome_auto"])
        for line in lines:
            if line.outcome != line.outcome_auto:
                line.with_context(winback_outcome_auto=True).outcome = line.outcome_auto

    def _compute_contacted(self):
        """Contacted: the campaign's e-mail was sent to the customer (sent,
        opened or replied: not a draft, a queued, bounced or failed one), or
        an activity on the line's opportunity was done.  An outcome or a
        churn reason alone is no contact."""
        traces = (
            self.env["mailing.trace"]
            .sudo()  # the campaign's figures: its reader may not read the mailing's traces
            .search(
                [
                    ("mass_mailing_id", "in", self.campaign_id.sudo().mailing_id.ids),
                    ("trace_status", "in", ("sent", "open", "reply")),
                ]
            )
        )
        mailed = set(traces.mapped("res_id"))
        for line in self:
            lead = line.lead_id.with_context(active_test=False)
            line.contacted = bool(
                line.partner_id.id in mailed
                or (lead and lead.activity_ids.filtered(lambda a: not a.active))
                or (lead and lead.message_ids.filtered("mail_activity_type_id"))
            )

    def _compute_revenue_recovered(self):
        orders = self._orders_since_start()
        for line in self:
            # amount_untaxed is in the order's currency; currency_rate is the
            # company-to-order rate of the order's date (as sale.report uses it)
            line.revenue_recovered = sum(
                order.amount_untaxed / (order.currency_rate or 1.0) for order in orders[line]
            )

    # ------------------------------------------------------------------
    # Writes
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "outcome" in vals and "outcome_manual" not in vals:
                vals["outcome_manual"] = True
        lines = super().create(vals_list)
        lines._refresh_outcome()
        return lines

    def write(self, vals):
        if (
            "outcome" in vals
            and "outcome_manual" not in vals
            and not self.env.context.get("winback_outcome_auto")
        ):
            vals = dict(vals, outcome_manual=True)
        res = super().write(vals)
        if {"churn_reason_id", "lead_id", "outcome_manual", "partner_id"} & vals.keys():
            self._refresh_outcome()
        if "outcome" in vals and not self.env.context.get("winback_outcome_auto"):
            self._close_opportunities()
        return res

    def _close_opportunities(self):
        """An outcome set by hand closes the line's opportunity in CRM:
        *Declined* marks it lost, with the churn reason as its lost reason;
        *Won back* marks it won."""
        for line in self.filtered("lead_id"):
            lead = line.lead_id
            if line.outcome == "won_back" and not (lead.active and lead.stage_id.is_won):
                lead.action_set_won()
            elif line.outcome == "declined" and lead.active:
                lead.action_set_lost(lost_reason_id=line._lost_reason().id)

    def _lost_reason(self):
        """CRM's lost reason named after the line's churn reason (made once)."""
        self.ensure_one()
        if not self.churn_reason_id:
            return self.env["crm.lost.reason"]
        # sudo: the reason list is the sales manager's, but whoever may close the
        # opportunity records why it was lost; only a name is created
        Reason = self.env["crm.lost.reason"].sudo()
        name = self.churn_reason_id.name
        return Reason.search([("name", "=", name)], limit=1) or Reason.create({"name": name})

    def action_outcome_won_back(self):
        """The card's button on a phone: the customer came back (closes the
        opportunity as won, like choosing the outcome in the list)."""
        self.outcome = "won_back"
        return True

    def action_outcome_declined(self):
        """The card's button on a phone: the customer refused (marks the
        opportunity lost, with the churn reason)."""
        self.outcome = "declined"
        return True

    def action_outcome_auto(self):
        """Let the outcome follow orders and the opportunity again."""
        self.outcome_manual = False
        self._refresh_outcome()
        return True

    @api.model
    def _cron_refresh_answer_period(self):
        """Daily: the lines still waiting whose answer period ends turn to
        *No answer* (and back to *Pending* if the period is lengthened)."""
        lines = self.search(
            [
                ("campaign_id.state", "=", "running"),
                ("outcome_manual", "=", False),
                ("outcome", "in", ("pending", "no_answer")),
            ]
        )
        lines._refresh_outcome()
        return lines

    @api.model
    def _refresh_for_partners(self, partners):
        """Refresh the lines of running campaigns of these commercial partners."""
        lines = self.sudo().search(  # the engine of the figures, not the user's edit
            [
                ("partner_id", "in", partners.ids),
                ("campaign_id.state", "=", "running"),
                ("outcome_manual", "=", False),
            ]
        )
        lines._refresh_outcome()
        return lines
