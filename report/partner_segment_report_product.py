# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import datetime

from odoo import api, fields, models
from odoo.tools import SQL

from . import common

# class A up to 80 % of a group's revenue, B up to 95 %, C the rest; a
# product belongs to the first class whose cut-off is above the cumulative
# share of the products ranked before it (the README's Pareto rule)
CUTOFF_A, CUTOFF_B = 80, 95


class PartnerSegmentReportProduct(models.Model):
    """Product ABC per customer group: for the customers of each segment,
    customer type and sales channel, the products ranked by their 12-month
    invoiced revenue with their own A / B / C class in that group.  Written
    by one statement at the end of every full run."""

    _name = "partner.segment.report.product"
    _description = "Product ABC per Customer Group"
    _order = "group_kind, scheme_id, segment_id, customer_type, sales_channel_id, rank"
    _rec_name = "product_id"

    group_kind = fields.Selection(
        [("segment", "Segment"), ("customer_type", "Customer Type"), ("channel", "Sales Channel")],
        string="Customer Group",
        required=True,
        readonly=True,
    )
    scheme_id = fields.Many2one("partner.segment.scheme", readonly=True, ondelete="cascade")
    segment_id = fields.Many2one(
        "partner.segment", string="Customer Segment", readonly=True, ondelete="cascade"
    )
    customer_type = fields.Selection(
        selection=lambda self: self.env["res.partner"]._fields["customer_type"].selection,
        readonly=True,
    )
    sales_channel_id = fields.Many2one("partner.sales.channel", readonly=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", readonly=True, ondelete="cascade")
    product_id = fields.Many2one("product.product", readonly=True, ondelete="cascade")
    date = fields.Date(readonly=True)
    # the products' own class, named so that it is not read as the customers'
    # segment (Value ABC's segments are A, B and C too)
    abc_class = fields.Selection(
        [("A", "Products A"), ("B", "Products B"), ("C", "Products C")],
        string="Product Class",
        readonly=True,
    )
    rank = fields.Integer(readonly=True, aggregator="min")
    revenue = fields.Monetary(
        string="Revenue (12 months)", readonly=True, currency_field="currency_id"
    )
    # a product's share of its group: summed over products of several groups
    # it means nothing (three groups read 300 %), so no total
    revenue_share = fields.Float(
        string="Share of the Group (%)", readonly=True, aggregator=None, digits=(16, 1)
    )
    cumulative_share = fields.Float(
        string="Cumulative Share (%)", readonly=True, aggregator="max", digits=(16, 1)
    )
    quantity = fields.Float(readonly=True)
    # a customer buys several products: their counts do not add up either
    customer_count = fields.Integer(string="Customers", readonly=True, aggregator=None)
    currency_id = fields.Many2one("res.currency", related="company_id.currency_id")

    def init(self):
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS partner_segment_report_product_group_idx "
            "ON partner_segment_report_product (group_kind, segment_id)"
        )

    @api.model
    def _refresh(self, day):
        """Rewrite the whole table: one grouped scan of the posted customer
        invoice lines of the 12 months up to ``day``."""
        cr = self.env.cr
        cr.execute("TRUNCATE partner_segment_report_product")
        cr.execute(
            SQL(
                """
                WITH lines AS (
                    SELECT m.commercial_partner_id AS partner_id, l.product_id, l.company_id,
                           SUM(-l.balance) AS revenue,
                           SUM(CASE WHEN m.move_type = 'out_refund' THEN -l.quantity
                                    ELSE l.quantity END) AS quantity
                      FROM account_move_line l
                      JOIN account_move m ON m.id = l.move_id
                     WHERE m.move_type IN ('out_invoice', 'out_refund') AND m.state = 'posted'
                       AND m.invoice_date > %(start)s AND m.invoice_date <= %(day)s
                       AND l.display_type = 'product' AND l.product_id IS NOT NULL
                  GROUP BY 1, 2, 3
                ),
                grouped AS (
                    SELECT 'segment' AS group_kind, a.scheme_id, a.segment_id,
                           NULL::varchar AS customer_type, NULL::integer AS sales_channel_id,
                           l.company_id, l.product_id, SUM(l.revenue) AS revenue,
                           SUM(l.quantity) AS quantity, COUNT(DISTINCT l.partner_id) AS customers
                      FROM lines l
                      JOIN partner_segment_assignment a
                        ON a.partner_id = l.partner_id AND a.segment_id IS NOT NULL
                  GROUP BY a.scheme_id, a.segment_id, l.company_id, l.product_id
                    UNION ALL
                    SELECT 'customer_type', NULL, NULL, p.customer_type, NULL,
                           l.company_id, l.product_id, SUM(l.revenue), SUM(l.quantity),
                           COUNT(DISTINCT l.partner_id)
                      FROM lines l JOIN res_partner p ON p.id = l.partner_id
                     WHERE p.customer_type IS NOT NULL
                  GROUP BY p.customer_type, l.company_id, l.product_id
                    UNION ALL
                    SELECT 'channel', NULL, NULL, NULL, p.sales_channel_id,
                           l.company_id, l.product_id, SUM(l.revenue), SUM(l.quantity),
                           COUNT(DISTINCT l.partner_id)
                      FROM lines l JOIN res_partner p ON p.id = l.partner_id
                     WHERE p.sales_channel_id IS NOT NULL
                  GROUP BY p.sales_channel_id, l.company_id, l.product_id
                ),
                ranked AS (
                    SELECT g.*,
                           ROW_NUMBER() OVER w AS rank,
                           SUM(GREATEST(g.revenue, 0)) OVER w AS cum,
                           SUM(GREATEST(g.revenue, 0)) OVER (PARTITION BY g.group_kind,
                               g.segment_id, g.customer_type, g.sales_channel_id, g.company_id)
                               AS total
                      FROM grouped g
                    WINDOW w AS (PARTITION BY g.group_kind, g.segment_id, g.customer_type,
                                 g.sales_channel_id, g.company_id
                                 ORDER BY g.revenue DESC, g.product_id
                                 ROWS UNBOUNDED PRECEDING)
                )
                INSERT INTO partner_segment_report_product
                       (group_kind, scheme_id, segment_id, customer_type, sales_channel_id,
                        company_id, product_id, date, rank, revenue, quantity, customer_count,
                        revenue_share, cumulative_share, abc_class,
                        create_uid, write_uid, create_date, write_date)
                SELECT r.group_kind, r.scheme_id, r.segment_id, r.customer_type,
                       r.sales_channel_id, r.company_id, r.product_id, %(day)s, r.rank,
                       r.revenue, r.quantity, r.customers,
                       CASE WHEN r.total > 0 THEN 100.0 * GREATEST(r.revenue, 0) / r.total END,
                       CASE WHEN r.total > 0 THEN 100.0 * r.cum / r.total END,
                       CASE WHEN r.total > 0 AND r.revenue > 0
                                 AND 100.0 * (r.cum - r.revenue) / r.total < %(a)s THEN 'A'
                            WHEN r.total > 0 AND r.revenue > 0
                                 AND 100.0 * (r.cum - r.revenue) / r.total < %(b)s THEN 'B'
                            ELSE 'C' END,
                       %(uid)s, %(uid)s, NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC'
                  FROM ranked r
                """,
                start=day - datetime.timedelta(days=common.REVENUE_DAYS),
                day=day,
                a=CUTOFF_A,
                b=CUTOFF_B,
                uid=self.env.uid,
            )
        )
        self.invalidate_model()
