# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import split_every

from ..engine import apply, classify_sql, metrics_read
from ..engine import run as engine_run

# Segmentation data is for the company's staff: portal and public users read
# none of it, not even on their own partner.
SEGMENTATION_READERS = "base.group_user"
# a segment action's partners read and written a page at a time: a first
# classification puts most of the partners of a base in a segment at once
ACTION_PAGE = 1000


class ResPartner(models.Model):
    _inherit = "res.partner"

    segment_ids = fields.Many2many(
        "partner.segment",
        "res_partner_segment_rel",
        "partner_id",
        "segment_id",
        string="Segments",
        readonly=True,
        copy=False,
        help="Current segments of this partner's commercial entity, one per "
        "scheme (contacts carry their company's segments).",
        groups=SEGMENTATION_READERS,
    )
    segment_assignment_ids = fields.One2many(
        "partner.segment.assignment",
        "partner_id",
        string="Segment Assignments",
        readonly=True,
        groups=SEGMENTATION_READERS,
    )
    segment_history_ids = fields.One2many(
        "partner.segment.history",
        "partner_id",
        readonly=True,
        groups=SEGMENTATION_READERS,
    )
    segment_badge_ids = fields.Many2many(
        "partner.segment.assignment",
        string="Segment Badges",
        compute="_compute_segment_badge_ids",
        help="The commercial partner's assignments, a lock on those set by hand.",
        groups=SEGMENTATION_READERS,
    )
    segment_card_badge_ids = fields.Many2many(
        "partner.segment.assignment",
        string="Segment Badges on Cards",
        compute="_compute_segment_badge_ids",
        help="The assignments of the schemes shown on contacts, a lock on those set by hand.",
        groups=SEGMENTATION_READERS,
    )
    segment_metric_html = fields.Html(
        string="Metric Values",
        compute="_compute_segment_metric_html",
        sanitize=False,
        groups=SEGMENTATION_READERS,
    )
    segment_metric_values = fields.Json(
        string="Metric Values (data)",
        compute="_compute_segment_metric_values",
        groups=SEGMENTATION_READERS,
    )
    # What staff record on the customer card (checked by the card check).
    customer_type = fields.Selection(
        [("wholesale", "Wholesale"), ("retail", "Retail"), ("buyer", "Buyer / end user")],
        tracking=True,
        groups=SEGMENTATION_READERS,
    )
    governance_type = fields.Selection(
        [
            ("independent", "Independent"),
            ("group", "Part of a group"),
            ("purchasing_group", "Purchasing group"),
        ],
        string="Governance",
        tracking=True,
        groups=SEGMENTATION_READERS,
    )
    sales_channel_id = fields.Many2one(
        "partner.sales.channel",
        tracking=True,
        ondelete="restrict",
        groups=SEGMENTATION_READERS,
    )
    customer_status = fields.Selection(
        [("existing", "Existing customer"), ("potential", "Potential customer")],
        tracking=True,
        help="What staff record: a customer who buys, or one who may buy. The card "
        "check flags a potential customer who ordered in the last year.",
        groups=SEGMENTATION_READERS,
    )
    annual_potential = fields.Monetary(
        currency_field="segment_currency_id",
        help="Estimated yearly spend of this customer in your product range "
        "(all suppliers); used for share of wallet.",
        groups=SEGMENTATION_READERS,
    )
    segment_currency_id = fields.Many2one(
        "res.currency",
        string="Potential Currency",
        compute="_compute_segment_currency_id",
        help="The annual potential is in the currency of the partner's company, or of the "
        "first company for shared partners.",
        groups=SEGMENTATION_READERS,
    )

    @api.depends("company_id")
    def _compute_segment_currency_id(self):
        # One currency whoever reads it: the partner's company's, or the first
        # company's for shared partners (that of the metrics without company).
        first = self.env["res.company"].sudo().search([], limit=1)  # its currency only
        for partner in self:
            partner.segment_currency_id = (partner.company_id or first).currency_id

    def init(self):
        result = super().init()
        # the engine's test of a commercial partner, estimated from statistics
        self.env.cr.execute(classify_sql.HAS_COMMERCIAL_STATISTICS)
        if not self.env.cr.rowcount:
            self.env.cr.execute(classify_sql.CREATE_COMMERCIAL_STATISTICS)
        return result

    @api.depends(
        "commercial_partner_id.segment_assignment_ids",
        "commercial_partner_id.segment_assignment_ids.scheme_id.show_on_contacts",
    )
    def _compute_segment_badge_ids(self):
        for partner in self:
            assignments = partner.commercial_partner_id.segment_assignment_ids.filtered(
                "segment_id"
            )
            partner.segment_badge_ids = assignments
            partner.segment_card_badge_ids = assignments.filtered("scheme_id.show_on_contacts")

    @api.depends_context("lang", "uid", "allowed_company_ids")
    def _compute_segment_metric_html(self):
        # sudo: only to format the values the table already shows (as the engine reads them)
        Metric = self.env["partner.segment.metric"].sudo()
        for partner in self:
            rows = [dict(row) for row in partner.segment_metric_values or []]
            metrics = {
                m.code: m for m in Metric.search([("code", "in", [r["code"] for r in rows])])
            }
            for row in rows:
                metric = metrics.get(row["code"])
                row["display"] = metric._format_value(row["value"]) if metric else row["value"]
            partner.segment_metric_html = self.env["ir.qweb"]._render(
                "partner_segmentation.partner_metric_table", {"rows": rows}
            )

    @api.depends_context("lang", "uid", "allowed_company_ids")
    def _compute_segment_metric_values(self):
        for partner in self:
            partner.segment_metric_values = (
                metrics_read.partner_metric_table(self.env, partner.commercial_partner_id)
                if partner.id
                else []
            )

    @api.model
    def search_panel_select_multi_range(self, field_name, **kwargs):
        """The Customers-by-Segment panel groups segments by scheme: there
        each segment shows its own full name (the scheme is its group) and
        the schemes come in their sequence, not by name."""
        if field_name != "segment_ids":
            return super().search_panel_select_multi_range(field_name, **kwargs)
        result = super(
            ResPartner, self.with_context(segment_short_name=True)
        ).search_panel_select_multi_range(field_name, **kwargs)
        if kwargs.get("group_by") == "scheme_id":
            schemes = self.env["partner.segment.scheme"].with_context(active_test=False)
            ranks = {
                scheme.id: rank
                for rank, scheme in enumerate(
                    schemes.search([]).sorted(lambda s: (s.sequence, s.id)), start=1
                )
            }
            for value in result.get("values", []):
                value["group_sequence"] = ranks.get(value.get("group_id"), len(ranks) + 1)
        return result

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, **kwargs):
        """Odoo checks a field's groups on read, not on search: without this
        a portal user could learn their company's segment or potential by
        searching their own partner on guessed values.  Internal users pay
        nothing for it."""
        if not self.env.su and (self.env.user._is_portal() or self.env.user._is_public()):
            self._check_segmentation_search(domain, order)
        return super()._search(domain, offset=offset, limit=limit, order=order, **kwargs)

    def _check_segmentation_search(self, domain, order):
        names = {
            leaf[0].split(".")[0]
            for leaf in domain or ()
            if isinstance(leaf, (list, tuple)) and isinstance(leaf[0], str)
        }
        names.update(part.split()[0] for part in (order or "").split(",") if part.strip())
        hidden = sorted(
            name
            for name in names
            if name in self._fields
            and "partner_segmentation" in (self._fields[name]._modules or ())
            and not self._fields[name].is_accessible(self.env)
        )
        if hidden:
            raise AccessError(
                self.env._(
                    "You may not search contacts by their segmentation (%(fields)s).",
                    fields=", ".join(hidden),
                )
            )

    @api.model
    def _commercial_fields(self):
        return [
            *super()._commercial_fields(),
            "customer_type",
            "governance_type",
            "sales_channel_id",
            "customer_status",
            "annual_potential",
        ]

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        children = partners.filtered(lambda p: p.parent_id)
        if children:
            apply.sync_partner_segments(self.env, children.ids)
        return partners

    def write(self, vals):
        res = super().write(vals)
        if "parent_id" in vals or "is_company" in vals:
            # commercial_partner_id may have changed for them and their contacts
            ids = self.with_context(active_test=False).search([("id", "child_of", self.ids)]).ids
            apply.sync_partner_segments(self.env, ids)
        return res

    def _segmentation_members(self):
        """Ids of the partners whose commercial partner is one of these,
        archived ones included."""
        return (
            self.with_context(active_test=False)
            .search([("commercial_partner_id", "in", self.ids)])
            .ids
        )

    @api.model
    def _segmentation_selected_companies(self):
        """Commercial partners of the contacts selected in the context (the
        wizards opened from the contact list start from them)."""
        context = self.env.context
        if context.get("active_model") != "res.partner" or not context.get("active_ids"):
            return self.browse()
        return self.browse(context["active_ids"]).commercial_partner_id

    def action_segment_override(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Set a Segment by Hand"),
            "res_model": "partner.segment.override.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def action_segment_recompute(self):
        """Recompute every active scheme of the user's companies for these
        partners' commercial entities: any segmentation user (salespersons
        included) on partners they may read."""
        if not (
            self.env.su or self.env.user.has_group("partner_segmentation.group_segmentation_user")
        ):
            raise AccessError(self.env._("Only segmentation users may recompute segments."))
        self.check_access("read")
        run = engine_run.run_or_queue(
            self.env,
            self.env["partner.segment.scheme"].search([("active", "=", True)]),
            partners=self.commercial_partner_id,
            trigger="partner",
        )
        return run._button_notification(self.env._("Segments recomputed"))

    def action_segment_schedule_call(self):
        """Segment action (``on_enter_action_id``): schedule a call for each
        partner's salesperson, e.g. when a customer becomes at risk.  The
        engine runs it once per recompute on the batch that entered, with the
        segment in the context (``segment_id``); partners that already have
        an open call about that segment get no second one."""
        segment = self.env["partner.segment"].browse(self.env.context.get("segment_id"))
        call = self.env.ref("mail.mail_activity_data_call", raise_if_not_found=False)
        if not call:
            return False
        if segment.exists():
            summary = self.env._(
                "Now in segment %(segment)s: call them", segment=segment.display_name
            )
            note = segment.strategy or ""
        else:
            summary, note = self.env._("Segment changed: call them"), ""
        for page in self._segment_action_pages():
            partners = page.filtered(
                lambda p: (
                    not p.activity_ids.filtered(
                        lambda a: a.activity_type_id == call and a.summary == summary
                    )
                )
            )
            for user, batch in partners.grouped("user_id").items():
                batch.activity_schedule(
                    activity_type_id=call.id,
                    summary=summary,
                    note=note,
                    user_id=user.id or self.env.uid,
                )
        return True

    def _segment_action_pages(self):
        """The commercial partners of these partners, ACTION_PAGE partners at
        a time, each page's fields read as they are needed (not every field
        of the partners, prefetched for all of them); once a page is done,
        its work is flushed and the cache emptied, so that a million partners
        take the memory of one page.  A commercial partner met in two pages
        (through two of its contacts) comes in both: what the first wrote,
        the second finds."""
        for ids in split_every(ACTION_PAGE, self.ids):
            page = self.browse(ids).with_context(prefetch_fields=False)
            yield page.commercial_partner_id
            self.env.invalidate_all()  # flushes, then lets the page's records go
