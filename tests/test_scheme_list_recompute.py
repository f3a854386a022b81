# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The schemes list recomputes the selected schemes (*Recompute*) or every
active one (*Recompute All*), as a segmentation administrator does it over
RPC; a salesperson is refused and no run is recorded."""

from odoo.tests import tagged

from .test_rights_rpc import RpcCase

SCHEME = "partner.segment.scheme"


@tagged("post_install", "-at_install")
class TestSchemeListRecompute(RpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.make_scheme("test_list_other", "rules", [{"name": "All"}])
        cls.third = cls.make_scheme("test_list_third", "rules", [{"name": "All"}])
        cls.Run = cls.env["partner.segment.run"]

    def last_run(self):
        return self.Run.search([], order="id desc", limit=1)

    def test_manager_recomputes_the_selection(self):
        before = self.last_run()
        selection = self.scheme | self.other
        action = self.rpc(self.manager, SCHEME, "action_recompute", selection.ids)
        self.assertEqual(action["params"]["title"], "Segmentation recomputed")
        run = self.last_run()
        self.assertNotEqual(run, before)
        self.assertEqual(run.scheme_ids, selection, "the selected schemes only")
        self.assertEqual(self.segment_of(self.customer, self.scheme), self.big)
        self.assertFalse(self.segment_of(self.customer, self.third), "not selected")

    def test_manager_recomputes_all(self):
        # a selection does not narrow Recompute All: every active scheme runs
        self.rpc(self.manager, SCHEME, "action_recompute_all", self.scheme.ids)
        run = self.last_run()
        active = self.Scheme.search([("active", "=", True)])
        self.assertEqual(run.scheme_ids, active)
        self.assertIn(self.third, run.scheme_ids)
        # and with nothing selected, as the list's header button calls it
        self.rpc(self.manager, SCHEME, "action_recompute_all", [])
        self.assertEqual(self.last_run().scheme_ids, active)

    def test_salesperson_refused(self):
        before = self.Run.search_count([])
        for method, ids in (
            ("action_recompute", (self.scheme | self.other).ids),
            ("action_recompute_all", []),
        ):
            with self.subTest(method):
                self.assertRpcRefused(
                    "Only segmentation administrators may recompute",
                    self.salesperson,
                    SCHEME,
                    method,
                    ids,
                )
        self.assertEqual(self.Run.search_count([]), before)
        self.assertFalse(self.segment_of(self.customer, self.scheme))
