# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

from ..engine import classify, customers
from .res_partner import SEGMENTATION_READERS

# context key of the partners a scheme would classify: {"company_id": id or False}
UNIVERSE_CONTEXT = "segmentation_universe"


class ResPartner(models.Model):
    _inherit = "res.partner"

    customer_or_prospect = fields.Boolean(
        string="Customer or Prospect",
        compute="_compute_customer_or_prospect",
        search="_search_customer_or_prospect",
        help="The partner's company bought (a confirmed sale order or a posted customer "
        "invoice, credit note or receipt), has an opportunity (open, won or lost) or is "
        "marked potential on its customer card; never a company of this database nor an "
        "internal user. The shipped segmentation schemes classify these partners.",
        groups=SEGMENTATION_READERS,
    )

    def _compute_customer_or_prospect(self):
        records = self.filtered("id")
        found = set(
            self.browse(records._origin.ids)
            .with_context(active_test=False)
            ._search([("id", "in", records._origin.ids), ("customer_or_prospect", "=", True)])
        )
        for partner in self:
            partner.customer_or_prospect = partner._origin.id in found

    def _search_customer_or_prospect(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on 'Customer or Prospect'."))
        customers.flush(self.env)
        positive = customers.customer_domain()
        if (operator == "=") == value:
            return positive
        return ["!", *expression.AND([positive])]

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, **kwargs):
        """In the context ``segmentation_universe`` ({'company_id': …}, the
        scheme form's partner filter), only the partners a scheme of that
        company would classify: the count and the list the filter shows are
        the run's own universe (:func:`..engine.classify.universe_query`)."""
        universe = self.env.context.get(UNIVERSE_CONTEXT)
        if not isinstance(universe, dict):
            return super()._search(domain, offset=offset, limit=limit, order=order, **kwargs)
        company = self.env["res.company"].browse(universe.get("company_id") or ())
        return classify.universe_query(
            self.with_context(**{UNIVERSE_CONTEXT: False}),
            list(domain or []),
            company,
            offset=offset,
            limit=limit,
            order=order,
            **kwargs,
        )
