# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import datetime

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ...engine.common import today_of
from . import cockpit_sql as Q
from .cockpit_sql import period_dates

PERIODS = ("12m", "3m", "30d", "ytd", "last_year")
CHURN_SCHEME_XMLID = "partner_segmentation.scheme_churn_risk"
CHURN_SCHEME_CODE = "churn_risk"


class PartnerSegmentCockpit(models.AbstractModel):
    """The manager's cockpit: every figure of the client action
    ``partner_segmentation.cockpit`` in one call, grouped in SQL over the rows
    the user may read (their access rights and record rules per company),
    each with the domain of the records it counts."""

    _name = "partner.segment.cockpit"
    _description = "Segmentation Cockpit"

    # ------------------------------------------------------------------
    # Filters
    # ------------------------------------------------------------------
    def _period_options(self):
        return [
            ("12m", self.env._("Last 12 months")),
            ("3m", self.env._("Last 3 months")),
            ("30d", self.env._("Last 30 days")),
            ("ytd", self.env._("This year")),
            ("last_year", self.env._("Last year")),
        ]

    def _period(self, key):
        return period_dates(key, today_of(self.env))

    def _normalize(self, filters):
        filters = dict(filters or {})
        companies = self.env.companies
        company_id = filters.get("company_id")
        if company_id and company_id not in companies.ids:
            raise AccessError(self.env._("You may not see the figures of this company."))
        return {
            "period": filters.get("period") if filters.get("period") in PERIODS else "12m",
            "company_id": company_id or False,
            "team_id": filters.get("team_id") or False,
            "user_id": filters.get("user_id") or False,
            "scheme_id": filters.get("scheme_id") or False,
        }

    def _partner_domain(self, filters):
        """The customers the figures are about: commercial partners of the
        chosen company, salesperson and sales team (a partner's team is its
        salesperson's, as in the reports)."""
        domain = [("parent_id", "=", False)]
        if filters["company_id"]:
            domain += ["|", ("company_id", "=", False), ("company_id", "=", filters["company_id"])]
        if filters["user_id"]:
            domain.append(("user_id", "=", filters["user_id"]))
        if filters["team_id"]:
            domain.append(("user_id.sale_team_id", "=", filters["team_id"]))
        return domain

    def _companies(self, filters):
        return self.env.companies.filtered(
            lambda c: not filters["company_id"] or c.id == filters["company_id"]
        )

    # ------------------------------------------------------------------
    # The figures
    # ------------------------------------------------------------------
    @api.model
    def get_cockpit_data(self, filters=None):
        """All the cockpit shows for ``filters`` (period, company_id,
        team_id, user_id, scheme_id): tiles, the chosen scheme's segments and
        movers, the filters' choices.  Segmentation users only."""
        if not self.env.user.has_group("partner_segmentation.group_segmentation_user"):
            raise AccessError(self.env._("Only segmentation users may open the cockpit."))
        filters = self._normalize(filters)
        options = self._options()
        # the company filter narrows the companies the rules let through
        cockpit = self.with_context(allowed_company_ids=self._companies(filters).ids)
        return cockpit._cockpit_data(filters, options)

    def _cockpit_data(self, filters, options):
        date_from, date_to = self._period(filters["period"])
        ctx = {
            "filters": filters,
            "date_from": date_from,
            "date_to": date_to,
            "partner_domain": self._partner_domain(filters),
            "rates": self._rates(date_to),
        }
        ctx["partners"] = self.env["res.partner"]._search(ctx["partner_domain"]).subselect()
        ctx["moves"] = self._moves_query(ctx)
        scheme = self._chosen_scheme(filters)
        filters["scheme_id"] = scheme.id
        currency = self.env.company.currency_id
        result = {
            "filters": filters,
            "date_from": fields.Date.to_string(date_from),
            "date_to": fields.Date.to_string(date_to),
            "currency": {
                "id": currency.id,
                "symbol": currency.symbol,
                "position": currency.position,
                "digits": currency.decimal_places,
            },
            "options": options,
            "tiles": [],
            "segments": [],
            "movers": [],
        }
        result["tiles"] = self._tiles(ctx)
        if scheme:
            result["segments"] = self._segments(ctx, scheme)
            result["movers"] = self._movers(ctx, scheme)
        return result

    def _options(self):
        Scheme = self.env["partner.segment.scheme"]
        users = self.env["res.users"].search([("share", "=", False)], order="name")
        teams = self.env["crm.team"].search([("active", "=", True)], order="name")
        return {
            "periods": self._period_options(),
            "companies": [(c.id, c.name) for c in self.env.user.company_ids & self.env.companies]
            if len(self.env.companies) > 1
            else [],
            "teams": [(t.id, t.name) for t in teams],
            "users": [(u.id, u.name) for u in users],
            "schemes": [(s.id, s.name) for s in Scheme.search([("active", "=", True)])],
        }

    def _chosen_scheme(self, filters):
        Scheme = self.env["partner.segment.scheme"]
        if filters["scheme_id"]:
            scheme = Scheme.search([("id", "=", filters["scheme_id"])])
            if scheme:
                return scheme
        return self._scheme("partner_segmentation.scheme_value_abc", "value_abc") or Scheme.search(
            [], limit=1
        )

    def _scheme(self, xmlid, code):
        """An active scheme the user may read, by its XML id, else its code."""
        scheme = self.env.ref(xmlid, raise_if_not_found=False)
        Scheme = self.env["partner.segment.scheme"]
        ids = [scheme.id] if scheme else []
        return Scheme.search(["|", ("id", "in", ids), ("code", "=", code)], order="id", limit=1)

    def _rates(self, day):
        """{company id: rate from its currency to the user's company's}."""
        target = self.env.company.currency_id
        return {
            company.id: company.currency_id._get_conversion_rate(
                company.currency_id, target, self.env.company, day
            )
            for company in self.env.companies
        }

    def _moves_domain(self, ctx):
        return [
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("state", "=", "posted"),
            ("invoice_date", ">=", ctx["date_from"]),
            ("invoice_date", "<=", ctx["date_to"]),
            ("company_id", "in", self.env.companies.ids),
        ]

    def _moves_query(self, ctx):
        """The invoices of the period the user may read; None without access
        to invoices (no revenue figure then)."""
        Move = self.env["account.move"]
        if not Move.has_access("read"):
            return None
        return Move._search(self._moves_domain(ctx)).subselect()

    def _fetch(self, query):
        self.env.flush_all()
        self.env.cr.execute(query)
        return self.env.cr.fetchall()

    def _segment_figures(self, ctx, segments):
        """{segment id: (customers, revenue)} of these segments; revenue
        False without access to invoices (XML-RPC carries no None)."""
        if not segments:
            return {}
        assignments = self.env["partner.segment.assignment"]._search([]).subselect()
        rows = self._fetch(
            Q.by_segment(assignments, ctx["partners"], segments.ids, ctx["moves"], ctx["rates"])
        )
        figures = {segment.id: (0, 0.0 if ctx["moves"] else False) for segment in segments}
        figures.update({row[0]: (row[1], row[2] if ctx["moves"] else False) for row in rows})
        return figures

    def _total_revenue(self, ctx):
        if ctx["moves"] is None:
            return None
        return self._fetch(Q.total_revenue(ctx["moves"], ctx["partners"], ctx["rates"]))[0][0]

    def _customers_action(self, ctx, segments, name):
        return {
            "res_model": "res.partner",
            "name": name,
            "domain": [
                *ctx["partner_domain"],
                ("segment_assignment_ids.segment_id", "in", segments.ids),
            ],
        }

    def _tile(self, key, title, value, kind, action, sub=""):
        return {
            "key": key,
            "title": title,
            "value": value,
            "kind": kind,
            "action": action,
            "sub": sub,
        }

    def _tiles(self, ctx):
        lifecycle = self._scheme("partner_segmentation.scheme_lifecycle", "lifecycle")
        abc = self._scheme("partner_segmentation.scheme_value_abc", "value_abc")
        a_segment = abc.segment_ids.filtered(lambda s: s.code == "A")[:1]
        risk = lifecycle.segment_ids.filtered(lambda s: s.code in ("AT_RISK", "LOST"))
        churn = self._cockpit_churn_segments()
        figures = self._segment_figures(ctx, a_segment | risk | churn)
        total = self._total_revenue(ctx)
        tiles = []
        if a_segment and total is not None:
            count, revenue = figures[a_segment.id]
            tiles.append(
                self._tile(
                    "a_share",
                    self.env._("Revenue from A customers"),
                    revenue / total if total else 0.0,
                    "percent",
                    self._customers_action(ctx, a_segment, a_segment.display_name),
                    sub=self.env._("Customers: %(count)s", count=count),
                )
            )
        if risk:
            count = sum(figures[s.id][0] for s in risk)
            action = self._customers_action(ctx, risk, self.env._("Customers at risk or lost"))
            tiles.append(
                self._tile(
                    "at_risk",
                    self.env._("Customers at risk or lost"),
                    count,
                    "integer",
                    action,
                    sub=" · ".join(f"{s.name}: {figures[s.id][0]}" for s in risk),
                )
            )
            if total is not None:
                tiles.append(
                    self._tile(
                        "revenue_at_risk",
                        self.env._("Revenue at risk"),
                        sum(figures[s.id][1] for s in risk),
                        "monetary",
                        action,
                        sub=self.env._("their revenue in the period"),
                    )
                )
        tiles += self._winback_tiles(ctx)
        if churn:
            count = sum(figures[s.id][0] for s in churn)
            tiles.append(
                self._tile(
                    "churn",
                    self.env._("High churn risk"),
                    count,
                    "integer",
                    self._customers_action(
                        ctx, churn, self.env._("Customers with a high churn risk")
                    ),
                    sub=", ".join(churn.mapped("name")),
                )
            )
        return tiles

    def _cockpit_churn_segments(self):
        """The segments of customers with a high churn risk: those coded
        ``CHURN_HIGH`` (as shipped) or ``HIGH``, else the first, of the scheme
        ``scheme_churn_risk`` (XML id, else code ``churn_risk``), once that
        scheme has assignments; none otherwise (the tile is then left out)."""
        scheme = self._scheme(CHURN_SCHEME_XMLID, CHURN_SCHEME_CODE)
        if not scheme or not self.env["partner.segment.assignment"].search_count(
            [("scheme_id", "=", scheme.id), ("segment_id", "!=", False)], limit=1
        ):
            return self.env["partner.segment"]
        segments = scheme.segment_ids.sorted("sequence")
        high = segments.filtered(lambda s: (s.code or "").upper() in ("HIGH", "CHURN_HIGH"))
        return high or segments[:1]

    def _winback_tiles(self, ctx):
        Line = self.env["partner.segment.winback.line"]
        if not Line.has_access("read"):
            return []
        domain = [
            ("date_start", ">=", ctx["date_from"]),
            ("date_start", "<=", ctx["date_to"]),
            ("company_id", "in", self.env.companies.ids),
            ("partner_id", "any", ctx["partner_domain"]),
        ]
        lines = Line._search(domain).subselect()
        targeted, won = self._fetch(Q.winback_counts(lines, ctx["partners"]))[0]
        won_domain = [*domain, ("outcome", "=", "won_back")]
        won_lines = Line._search(won_domain).subselect()
        revenue = self._fetch(
            Q.winback_revenue(won_lines, ctx["partners"], ctx["rates"], self.env.user.tz or "UTC")
        )[0][0]
        action = {
            "res_model": "partner.segment.winback.line",
            "name": self.env._("Won back"),
            "domain": won_domain,
        }
        return [
            self._tile(
                "winback_rate",
                self.env._("Win-back rate"),
                won / targeted if targeted else 0.0,
                "percent",
                {
                    "res_model": "partner.segment.winback.line",
                    "name": self.env._("Win-back customers"),
                    "domain": domain,
                },
                sub=self.env._("Won back: %(won)s of %(targeted)s", won=won, targeted=targeted),
            ),
            self._tile(
                "winback_revenue",
                self.env._("Won-back revenue"),
                revenue,
                "monetary",
                action,
                sub=self.env._("orders since their campaign started"),
            ),
        ]

    def _segments(self, ctx, scheme):
        segments = scheme.segment_ids.sorted("sequence")
        figures = self._segment_figures(ctx, segments)
        return [
            {
                "id": segment.id,
                "name": segment.name,
                "color": segment.color,
                "customers": figures[segment.id][0],
                "revenue": figures[segment.id][1],
                "action": self._customers_action(ctx, segment, segment.display_name),
            }
            for segment in segments
        ]

    def _day_start(self, day):
        """When ``day`` begins for the user (see :func:`.cockpit_sql.day_start`)."""
        return Q.day_start(day, self.env.context.get("tz") or self.env.user.tz)

    def _movers(self, ctx, scheme):
        # the changes of the period's days as the user counts them, not UTC's
        domain = [
            ("scheme_id", "=", scheme.id),
            ("date", ">=", self._day_start(ctx["date_from"])),
            ("date", "<", self._day_start(ctx["date_to"] + datetime.timedelta(days=1))),
        ]
        history = self.env["partner.segment.history"]._search(domain).subselect()
        rows = self._fetch(Q.movers(history, ctx["partners"]))
        names = {
            s.id: s.name
            for s in self.env["partner.segment"]
            .with_context(active_test=False)
            .browse({r[0] for r in rows if r[0]} | {r[1] for r in rows if r[1]})
        }
        none = self.env._("Not classified")
        return [
            {
                "from": names.get(from_id, none),
                "to": names.get(to_id, none),
                "count": count,
                "action": {
                    "res_model": "partner.segment.history",
                    "name": f"{scheme.name}: {names.get(from_id, none)} → {names.get(to_id, none)}",
                    "domain": [
                        *domain,
                        ("from_segment_id", "=", from_id or False),
                        ("to_segment_id", "=", to_id or False),
                        ("partner_id", "any", ctx["partner_domain"]),
                    ],
                },
            }
            for from_id, to_id, count in rows
        ]
