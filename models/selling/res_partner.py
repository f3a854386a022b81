# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models

from . import policy_sql

# the fields a user sets by hand, per policy
HAND_FIELDS = {
    "pricelist": ("property_product_pricelist", "specific_property_product_pricelist"),
    "payment_term": ("property_payment_term_id",),
}


class ResPartner(models.Model):
    """Where a customer's pricelist and payment terms come from (a segment or
    a user), and the segments' sales warning."""

    _inherit = "res.partner"

    pricelist_origin = fields.Char(
        compute="_compute_policy_origin",
        string="Pricelist From",
        groups="base.group_user",
        help="Whether the customer's pricelist was set by a segment or by hand.",
    )
    payment_term_origin = fields.Char(
        compute="_compute_policy_origin",
        string="Payment Terms From",
        groups="base.group_user",
        help="Whether the customer's payment terms were set by a segment or by hand.",
    )

    @api.depends_context("company")
    @api.depends(
        "commercial_partner_id.specific_property_product_pricelist",
        "commercial_partner_id.property_payment_term_id",
    )
    def _compute_policy_origin(self):
        commercial = self.commercial_partner_id
        # sudo: the records say which segment set a value the user sees on the card
        rows = (
            self.env["partner.segment.policy.value"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", commercial.ids),
                    ("company_id", "=", self.env.company.id),
                ]
            )
        )
        set_by = {(row.partner_id.id, row.field): row for row in rows}
        for partner in self:
            company = partner.commercial_partner_id
            for field, name, current in (
                ("pricelist", "pricelist_origin", company.specific_property_product_pricelist),
                ("payment_term", "payment_term_origin", company.property_payment_term_id),
            ):
                row = set_by.get((company.id, field))
                if row and current.id == row.value_id:
                    partner[name] = self.env._(
                        "Segment %(segment)s", segment=row.segment_id.sudo().display_name
                    )
                elif current:
                    partner[name] = self.env._("Set by hand")
                else:
                    partner[name] = self.env._("Default")

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        partners._forget_default_pricelist(
            [
                partner
                for partner, vals in zip(partners, vals_list, strict=True)
                if vals.get("property_product_pricelist")
                and "specific_property_product_pricelist" not in vals
            ]
        )
        return partners

    def _forget_default_pricelist(self, partners):
        """Odoo's form sends a new partner's computed pricelist (the default
        one) back on saving, and its inverse stores it as the partner's own
        unless it is the country's: a value nobody chose, which would read as
        set by hand (and no segment would ever set one).  Where the value is
        what Odoo's default gives anyway, it goes: the default applies, as for
        a partner created any other way."""
        own = self.browse([p.id for p in partners if p.is_company or not p.parent_id]).filtered(
            "specific_property_product_pricelist"
        )
        if not own:
            return
        stored = {p.id: p.specific_property_product_pricelist for p in own}
        own.with_context(segment_policy=True).specific_property_product_pricelist = False
        defaults = self.env["product.pricelist"]._get_partner_pricelist_multi(own.ids)
        for partner in own:
            if defaults.get(partner.id) != stored[partner.id]:  # chosen: the user's
                partner.with_context(
                    segment_policy=True
                ).specific_property_product_pricelist = stored[partner.id]

    def write(self, vals):
        if not self.env.context.get("segment_policy"):
            for field, names in HAND_FIELDS.items():
                if any(name in vals for name in names):
                    self.env["partner.segment.policy.value"].flush_model()
                    self.env.cr.execute(
                        policy_sql.forget_by_hand(field, self.ids, self.env.company.id)
                    )
                    self.env["partner.segment.policy.value"].invalidate_model()
        return super().write(vals)

    def _segment_sale_warning(self):
        """(level, message) of the sales warnings of the partner's segments:
        ``block`` if one blocks, ``warning`` if one warns, else
        ``no-message``; the message names each segment."""
        self.ensure_one()
        # sudo: the warnings are read wherever the partner is sold to,
        # whatever the seller may read of the segmentation
        segments = self.sudo().commercial_partner_id.segment_ids.filtered(
            lambda s: s.sale_warn != "no-message"
        )
        if not segments:
            return "no-message", ""
        level = "block" if "block" in segments.mapped("sale_warn") else "warning"
        message = "\n".join(f"{s.display_name} — {s.sale_warn_msg}" for s in segments)
        return level, message
