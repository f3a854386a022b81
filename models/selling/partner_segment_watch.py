# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import datetime

from markupsafe import Markup, escape

from odoo import api, fields, models, tools
from odoo.tools import SQL

# how long a customer stays on the list after entering a watched segment
WATCH_DAYS = 30
# the weekly summary tells the entries of the last week
SUMMARY_DAYS = 7


class PartnerSegmentWatch(models.Model):
    """My customers to watch: the customers who entered a segment flagged
    *watch* in the last 30 days and are still in it, with their
    salesperson (a salesperson sees their own, by record rule)."""

    _name = "partner.segment.watch"
    _description = "Customer to Watch"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    scheme_id = fields.Many2one("partner.segment.scheme", readonly=True)
    segment_id = fields.Many2one("partner.segment", string="Entered", readonly=True)
    from_segment_id = fields.Many2one("partner.segment", string="Left", readonly=True)
    date = fields.Datetime(string="Since", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    revenue_12m = fields.Monetary(
        string="Revenue (12 months)",
        compute="_compute_revenue_12m",
        currency_field="currency_id",
        help="Invoiced, untaxed, less credit notes, over the last 12 months "
        "(the invoices you may read).",
    )
    currency_id = fields.Many2one("res.currency", compute="_compute_revenue_12m")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %(table)s AS (
                    SELECT h.id, h.partner_id, p.user_id, h.scheme_id,
                           h.to_segment_id AS segment_id, h.from_segment_id, h.date,
                           sc.company_id
                      FROM partner_segment_history h
                      JOIN partner_segment s ON s.id = h.to_segment_id AND s.watch
                      JOIN partner_segment_scheme sc ON sc.id = h.scheme_id
                      JOIN res_partner p ON p.id = h.partner_id
                     WHERE h.date >= (now() AT TIME ZONE 'UTC') - make_interval(days => %(days)s)
                       AND h.from_segment_id IS DISTINCT FROM h.to_segment_id
                       AND EXISTS (SELECT 1 FROM partner_segment_assignment a
                                    WHERE a.partner_id = h.partner_id
                                      AND a.segment_id = h.to_segment_id)
                       AND NOT EXISTS (SELECT 1 FROM partner_segment_history h2
                                        WHERE h2.partner_id = h.partner_id
                                          AND h2.scheme_id = h.scheme_id
                                          AND h2.to_segment_id = h.to_segment_id
                                          AND (h2.date, h2.id) > (h.date, h.id))
                )
                """,
                table=SQL.identifier(self._table),
                days=WATCH_DAYS,
            )
        )

    @api.depends_context("company")
    def _compute_revenue_12m(self):
        currency = self.env.company.currency_id
        since = fields.Date.context_today(self) - datetime.timedelta(days=365)
        groups = self.env["account.move"]._read_group(
            [
                ("commercial_partner_id", "in", self.partner_id.ids),
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("invoice_date", ">", since),
                ("company_id", "in", self.env.companies.ids),
            ],
            ["commercial_partner_id"],
            ["amount_untaxed_signed:sum"],
        )
        revenue = {partner.id: amount for partner, amount in groups}
        for line in self:
            line.currency_id = currency
            line.revenue_12m = revenue.get(line.partner_id.id, 0.0)

    def action_plan_activity(self):
        """Plan an activity on the customer (Odoo's activity form)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Plan an Activity"),
            "res_model": "mail.activity",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "default_res_id": self.partner_id.id,
                "default_user_id": self.env.uid,
                "default_summary": self.env._(
                    "%(customer)s entered %(segment)s",
                    customer=self.partner_id.display_name,
                    segment=self.segment_id.display_name,
                ),
            },
        }

    def action_open_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    @api.model
    def _cron_weekly_summary(self):
        """One e-mail per salesperson with the customers of theirs that
        entered a watched segment in the last week; never one per customer.
        Returns the mails queued."""
        since = fields.Datetime.now() - datetime.timedelta(days=SUMMARY_DAYS)
        # sudo: the cron reads every salesperson's list to send each their own
        lines = self.sudo().search([("date", ">=", since), ("user_id", "!=", False)])
        mails = self.env["mail.mail"]
        for user, user_lines in lines.grouped("user_id").items():
            if not user.active or not user.email:
                continue
            self_user = self.with_user(user).with_context(lang=user.lang)
            body = self_user._summary_body(user_lines.with_user(user))
            mails |= (
                self.env["mail.mail"]
                .sudo()
                .create(
                    {
                        "subject": self_user.env._(
                            "Customers to watch: %(count)s this week", count=len(user_lines)
                        ),
                        "body_html": body,
                        "email_to": user.email_formatted,
                        "recipient_ids": [(4, user.partner_id.id)],
                        "auto_delete": True,
                    }
                )
            )
        return mails

    def _summary_body(self, lines):
        rows = Markup("").join(
            Markup("<li>%s: %s → %s</li>")
            % (
                escape(line.partner_id.display_name),
                escape(line.from_segment_id.display_name or self.env._("none")),
                escape(line.segment_id.display_name),
            )
            for line in lines
        )
        intro = self.env._("Your customers who entered a watched segment this week:")
        return Markup("<p>%s</p><ul>%s</ul>") % (intro, rows)
