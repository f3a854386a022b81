# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Mailing lists that follow segments, in a two-company database, tried
over XML-RPC as the company-A mass-mailing user who found that a list of
theirs collected company B's contacts."""

from odoo import Command
from odoo.tests import new_test_user, tagged

from .test_rights_companies_reports import CompaniesRpcCase


@tagged("post_install", "-at_install")
class TestMailingListsOfCompanies(CompaniesRpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mailer_a = new_test_user(
            cls.env,
            "seg_mailer_a",
            groups="base.group_user,mass_mailing.group_mass_mailing_user",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        cls.customer.email = "rights@co.example"
        cls.b_only = cls.make_partner(
            "B Only Co", company_id=cls.company_b.id, email="only@b.example"
        )
        cls.b_buyers = cls.scheme_b.segment_ids
        cls.b_emails = ["rights@co.example", "only@b.example"]

    def lists(self, name):
        return self.env["mailing.list"].search([("name", "=", name)])

    def contact_emails(self):
        return self.env["mailing.contact"].search([("email", "in", self.b_emails)])

    def test_b_is_there(self):
        """B's segment holds both partners (the tests below could not fail otherwise)."""
        self.recompute_as(self.scheme_b)
        partners = self.Assignment.search([("segment_id", "in", self.b_buyers.ids)]).partner_id
        self.assertEqual(partners & (self.customer | self.b_only), self.customer | self.b_only)

    def test_list_following_b_segment_refused(self):
        self.assertRpcRefused(
            "may only follow segments you may read",
            self.mailer_a,
            "mailing.list",
            "create",
            [
                {
                    "name": "Stolen B",
                    "segment_ids": [(6, 0, self.b_buyers.ids)],
                    "segment_sync": True,
                }
            ],
        )
        self.assertFalse(self.lists("Stolen B"))
        # an existing list of A's may not be turned to B's segment either
        own = self.rpc(self.mailer_a, "mailing.list", "create", [{"name": "A list"}])
        self.assertRpcRefused(
            "may only follow segments you may read",
            self.mailer_a,
            "mailing.list",
            "write",
            own,
            {"segment_ids": [(6, 0, self.b_buyers.ids)], "segment_sync": True},
        )
        self.assertFalse(self.lists("A list").segment_ids)
        self.assertFalse(self.lists("A list").segment_sync)
        # nor a mailing sent to it (its recipient filter, computed from the
        # segments, already reads them as the user)
        self.assertRpcRefused(
            r"may only be sent to segments you may read|'read' access to:\n- Customer Segment",
            self.mailer_a,
            "mailing.mailing",
            "create",
            [{"subject": "Stolen B mailing", "segment_ids": [(6, 0, self.b_buyers.ids)]}],
        )
        self.assertFalse(self.env["mailing.mailing"].search([("subject", "=", "Stolen B mailing")]))

    def test_list_saved_before_the_check_collects_nobody_of_b(self):
        """A list of A's user that follows B's segment (saved before the
        check): the next run of B syncs it with its owner's rights, not the
        superuser's."""
        stolen = (
            self.env["mailing.list"]
            .with_user(self.mailer_a)
            .sudo()  # as stored before the check: skips it, keeps the owner
            .create(
                {
                    "name": "Stolen B",
                    "segment_ids": [Command.set(self.b_buyers.ids)],
                    "segment_sync": True,
                }
            )
        )
        self.assertEqual(stolen.create_uid, self.mailer_a)
        self.recompute_as(self.scheme_b)
        self.assertTrue(stolen.segment_sync_date, "the run synced the list")
        self.assertFalse(stolen.contact_ids)
        self.assertFalse(self.contact_emails(), "no contact made of B's addresses")
        rows = self.rpc(
            self.mailer_a, "mailing.list", "read", stolen.ids, ["contact_count", "contact_ids"]
        )
        self.assertEqual((rows[0]["contact_count"], rows[0]["contact_ids"]), (0, []))

    def test_list_of_own_segment_still_synced(self):
        """The owner's rights still fill the list from the segments they may read."""
        list_id = self.rpc(
            self.mailer_a,
            "mailing.list",
            "create",
            [{"name": "A big", "segment_ids": [(6, 0, self.big.ids)], "segment_sync": True}],
        )
        self.recompute_as(self.scheme)
        mailing_list = self.env["mailing.list"].browse(list_id)
        self.assertEqual(mailing_list.contact_ids.mapped("email"), ["rights@co.example"])
