# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Badges on contacts: only the schemes marked *Show on contacts* give a
badge on the cards and lists (every scheme stays on the Segmentation tab and
in ``segment_ids``), with the segment's short label; counts of classified
customers, not of their contacts."""

import importlib.util
from pathlib import Path

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import SizeAndParetoCase

MIGRATION = Path(__file__).parent.parent / "migrations" / "18.0.1.3.0" / "post-migrate.py"


def load_migration():
    spec = importlib.util.spec_from_file_location("badges_post_migrate", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestBadges(SizeAndParetoCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact = cls.env["res.partner"].create({"name": "Anna Big", "parent_id": cls.big.id})
        cls.other_contact = cls.env["res.partner"].create(
            {"name": "Boris Big", "parent_id": cls.big.id}
        )

    def test_shipped_schemes_shown_on_contacts(self):
        shown = self.Scheme.with_context(active_test=False).search(
            [("show_on_contacts", "=", True)]
        )
        self.assertEqual(
            shown,
            self.env.ref("partner_segmentation.scheme_value_abc")
            | self.env.ref("partner_segmentation.scheme_lifecycle"),
        )

    def test_shipped_short_labels_are_whole_and_short(self):
        segments = self.env["partner.segment"].with_context(active_test=False).search([])
        shipped = segments.filtered(lambda s: s.get_external_id()[s.id].startswith("partner_"))
        self.assertTrue(shipped)
        for segment in shipped.filtered("scheme_id.show_on_contacts"):
            self.assertTrue(segment.short_name, f"{segment.display_name} has no badge label")
        for segment in shipped.filtered("short_name"):
            self.assertLessEqual(len(segment.short_name), 26, segment.short_name)
        self.assertEqual(self.env.ref("partner_segmentation.segment_abc_a").short_name, "Value A")

    def test_cards_show_only_marked_schemes(self):
        self.recompute(self.rules | self.pareto)
        self.pareto.show_on_contacts = True
        assignments = self.big.segment_assignment_ids
        self.assertEqual(len(assignments), 2)
        pareto_badge = assignments.filtered(lambda a: a.scheme_id == self.pareto)
        for partner in (self.big, self.contact):
            self.assertEqual(partner.segment_badge_ids, assignments, "the tab shows all")
            self.assertEqual(partner.segment_card_badge_ids, pareto_badge)
            # segment_ids (mailing domains, the public name) is unchanged
            self.assertEqual(partner.segment_ids, assignments.segment_id)
        self.pareto.show_on_contacts = False
        self.assertFalse(self.contact.segment_card_badge_ids)
        self.rules.show_on_contacts = True
        self.assertEqual(self.contact.segment_card_badge_ids.scheme_id, self.rules)

    def test_badge_label(self):
        self.recompute(self.rules)
        assignment = self.big.segment_assignment_ids
        badge = assignment.with_context(segment_badge=True)
        self.assertEqual(badge.display_name, "test_size: Large", "no label: the full name")
        self.large.short_name = "Large customer"
        self.assertEqual(assignment.with_context(segment_badge=True).display_name, "Large customer")
        self.assertEqual(assignment.display_name, "test_size: Large", "elsewhere the full name")

    def test_scheme_and_segment_forms(self):
        with Form(self.rules) as form:
            form.show_on_contacts = True
        self.assertTrue(self.rules.show_on_contacts)
        with Form(self.large) as form:
            form.short_name = "Big spender"
        self.assertEqual(self.large.short_name, "Big spender")

    def test_classified_customers_filter_counts_customers(self):
        """Grouped by segment the contacts count with their company; the
        search view's *Classified customers* filter counts customers."""
        self.recompute(self.rules)
        Partner = self.env["res.partner"]
        everyone = Partner._read_group(
            [("segment_ids", "=", self.large.id)], ["segment_ids"], ["__count"]
        )
        self.assertEqual(everyone, [(self.large, 4)], "Big and its two contacts, Mid")
        arch = self.env.ref("partner_segmentation.res_partner_view_search_segmentation").arch
        self.assertIn("filter_segment_customers", arch)
        customers = Partner._read_group(
            [("segment_ids", "=", self.large.id), ("segment_assignment_ids", "!=", False)],
            ["segment_ids"],
            ["__count"],
        )
        self.assertEqual(customers, [(self.large, 2)], "Big and Mid")
        # the Customers by Segment list counts customers
        action = self.env.ref("partner_segmentation.action_res_partner_segmented")
        domain = safe_eval(action.domain)
        self.assertEqual(Partner.search_count([*domain, ("segment_ids", "=", self.large.id)]), 2)

    def test_migration_sets_shipped_values(self):
        abc = self.env.ref("partner_segmentation.scheme_value_abc")
        size = self.env.ref("partner_segmentation.scheme_size")
        segment_a = self.env.ref("partner_segmentation.segment_abc_a")
        segment_b = self.env.ref("partner_segmentation.segment_abc_b")
        abc.show_on_contacts = False
        segment_a.short_name = False
        segment_b.short_name = "Kept"
        self.env.flush_all()
        load_migration().migrate(self.env.cr, "18.0.1.2.0")
        self.env.invalidate_all()
        self.assertTrue(abc.show_on_contacts)
        self.assertFalse(size.show_on_contacts)
        self.assertEqual(segment_a.short_name, "Value A")
        self.assertEqual(segment_b.short_name, "Kept", "a label already set is kept")

    def test_segment_code_made_from_name(self):
        """Users name segments; the code (for formulas and exports) is made
        from the name, unique in the scheme, and never emptied."""
        first, second, third, cyrillic = self.env["partner.segment"].create(
            [
                {"scheme_id": self.rules.id, "name": "Key accounts"},
                {"scheme_id": self.rules.id, "name": "Key accounts!"},
                {"scheme_id": self.rules.id, "name": "At risk (> 180 days)"},
                {"scheme_id": self.rules.id, "name": "Потерянные"},
            ]
        )
        self.assertEqual(first.code, "KEY_ACCOUNTS")
        self.assertEqual(second.code, "KEY_ACCOUNTS_2", "unique in the scheme")
        self.assertEqual(third.code, "AT_RISK_180_DAYS")
        self.assertEqual(cyrillic.code, "SEGMENT")
        with self.assertRaisesRegex(ValidationError, "The segment code .* is not valid"):
            first.code = ""
            first.flush_recordset()
