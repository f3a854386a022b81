# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column


class AccountMove(models.Model):
    _inherit = "account.move"

    segment_paid_date = fields.Date(
        string="Paid On",
        compute="_compute_segment_paid_date",
        store=True,
        copy=False,
        help="The day the last payment was reconciled with this invoice, once fully "
        "paid; the credit scheme measures days late from the due date to this day.",
    )

    def _auto_init(self):
        # On a database with many invoices, fill the new column with one
        # statement instead of computing it invoice by invoice at install.
        if not column_exists(self.env.cr, "account_move", "segment_paid_date"):
            create_column(self.env.cr, "account_move", "segment_paid_date", "date")
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE account_move m SET segment_paid_date = x.paid
                      FROM (SELECT l.move_id, MAX(p.max_date) AS paid
                              FROM account_move_line l
                              JOIN account_partial_reconcile p
                                ON l.id IN (p.debit_move_id, p.credit_move_id)
                             WHERE l.display_type = 'payment_term'
                          GROUP BY l.move_id) x
                     WHERE x.move_id = m.id AND m.payment_state IN ('paid', 'in_payment')
                    """
                )
            )
        return super()._auto_init()

    @api.depends(
        "payment_state",
        "line_ids.matched_debit_ids.max_date",
        "line_ids.matched_credit_ids.max_date",
    )
    def _compute_segment_paid_date(self):
        for move in self:
            if move.payment_state not in ("paid", "in_payment"):
                move.segment_paid_date = False
                continue
            terms = move.line_ids.filtered(lambda line: line.display_type == "payment_term")
            partials = terms.matched_debit_ids | terms.matched_credit_ids
            move.segment_paid_date = max(partials.mapped("max_date"), default=False)
