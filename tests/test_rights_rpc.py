# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Trust, tried over XML-RPC as the least-privileged users who found each
problem: company B's run lines and queued partners are not shown to company
A's employees and managers, and nobody writes them by hand; unfinished runs
and runs with pending segment actions are not deleted; a portal user neither
reads nor searches the addon's partner fields.  Every refusal is asserted
with the fact that nothing was saved or shown."""

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from ..engine import run as engine_run
from .rpc import RpcMixin
from .test_rights import RightsCase


class RpcCase(RpcMixin, RightsCase, HttpCase):
    """RightsCase's data, reached over XML-RPC by real users (the requests
    run in the test's transaction, rolled back at the end)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Segmentation RPC B"})
        a_only = {"company_id": cls.company_a.id, "company_ids": [Command.set(cls.company_a.ids)]}
        cls.employee_a = new_test_user(
            cls.env, "seg_rpc_employee", groups="base.group_user", **a_only
        )
        cls.manager_a = new_test_user(
            cls.env,
            "seg_rpc_manager",
            groups="base.group_user,partner_segmentation.group_segmentation_manager",
            **a_only,
        )


@tagged("post_install", "-at_install")
class TestRunLinesAndQueueRpc(RpcCase):
    """Run lines follow their run's companies, queued partners their
    partner's company; both are written by the engine only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scheme_b = cls.make_scheme(
            "test_rpc_b", "rules", [{"name": "B all", "code": "B_ALL"}], company_id=cls.company_b.id
        )
        cls.run_a = engine_run.run(cls.env, cls.scheme)
        cls.run_b = engine_run.run(cls.env, cls.scheme_b)
        cls.partner_a = cls.make_partner("RPC queued A", company_id=cls.company_a.id)
        cls.partner_b = cls.make_partner("RPC queued B", company_id=cls.company_b.id)
        cls.env.cr.execute(
            "INSERT INTO partner_segment_queue (partner_id, create_date) "
            "SELECT unnest(%s::int[]), now() AT TIME ZONE 'UTC'",
            [[cls.partner_a.id, cls.partner_b.id]],
        )

    def test_b_is_there(self):
        """What must not be shown exists (the tests could not fail otherwise)."""
        self.assertEqual(self.run_b.line_ids.scheme_id, self.scheme_b)
        Queue = self.env["partner.segment.queue"]
        self.assertEqual(Queue.search([]).partner_id & self.partner_b, self.partner_b)

    def test_employee_of_a_reads_no_run_line_of_b(self):
        line_b = self.run_b.line_ids
        rows = self.rpc(
            self.employee_a,
            "partner.segment.run.line",
            "search_read",
            [("run_id", "in", (self.run_a | self.run_b).ids)],
            fields=["scheme_id", "run_id"],
        )
        self.assertEqual([row["run_id"][0] for row in rows], self.run_a.ids, "A's lines only")
        with self.rpc_refused("doesn't have 'read' access to:\n- Segmentation Run: Scheme"):
            self.rpc(self.employee_a, "partner.segment.run.line", "read", line_b.ids, ["error"])

    def test_manager_writes_no_run_line(self):
        run = engine_run.queue(self.env, self.scheme)  # a run in progress
        line = run.line_ids
        self.assertEqual((run.status, line.state), ("queued", "pending"))
        for method, args in (
            ("create", [{"run_id": run.id, "scheme_id": self.scheme.id, "state": "done"}]),
            ("write", [line.ids, {"state": "done", "error": "by hand"}]),
            ("unlink", [line.ids]),
        ):
            with self.subTest(method), self.rpc_refused("by the engine only"):
                self.rpc(self.manager_a, "partner.segment.run.line", method, *args)
        self.assertEqual(run.line_ids, line, "nothing created, nothing deleted")
        self.assertEqual((line.state, line.error), ("pending", False))
        # nor through their run (the engine's records)
        with self.rpc_refused("recorded by the engine only|not allowed to modify"):
            self.rpc(
                self.manager_a,
                "partner.segment.run",
                "write",
                run.ids,
                {"line_ids": [(1, line.id, {"state": "done"})]},
            )
        self.assertEqual(line.state, "pending")

    def test_manager_of_a_reads_no_queued_partner_of_b(self):
        rows = self.rpc(
            self.manager_a,
            "partner.segment.queue",
            "search_read",
            [("partner_id", "in", (self.partner_a | self.partner_b).ids)],
            fields=["partner_id"],
        )
        self.assertEqual([row["partner_id"][0] for row in rows], self.partner_a.ids)
        count = self.rpc(
            self.manager_a,
            "partner.segment.queue",
            "search_count",
            [("partner_id.name", "=", "RPC queued B")],
        )
        self.assertEqual(count, 0, "not even counted")

    def test_manager_writes_no_queue_row(self):
        Queue = self.env["partner.segment.queue"]
        row_a = Queue.search([("partner_id", "=", self.partner_a.id)])
        for method, args in (
            ("create", [{"partner_id": self.partner_b.id}]),
            ("write", [row_a.ids, {"partner_id": self.partner_b.id}]),
            ("unlink", [row_a.ids]),
        ):
            with self.subTest(method), self.rpc_refused("by the engine only"):
                self.rpc(self.manager_a, "partner.segment.queue", method, *args)
        self.assertEqual(
            Queue.search([("partner_id", "in", (self.partner_a | self.partner_b).ids)]).mapped(
                "partner_id"
            ),
            self.partner_a | self.partner_b,
        )
        self.assertEqual(row_a.partner_id, self.partner_a)


@tagged("post_install", "-at_install")
class TestRunDeletionRpc(RpcCase):
    """Segmentation managers may delete old runs, never one that has not
    ended nor one whose segment actions still wait."""

    def test_unfinished_run_not_deleted(self):
        run = engine_run.queue(self.env, self.scheme)
        for status in ("queued", "running"):
            run.sudo().status = status
            with self.subTest(status), self.rpc_refused("has not ended cannot be deleted"):
                self.rpc(self.manager_a, "partner.segment.run", "unlink", run.ids)
            self.assertTrue(run.exists())
            self.assertEqual(len(run.line_ids), 1, "its lines are kept too")

    def test_run_with_pending_actions_not_deleted(self):
        run = engine_run.run(self.env, self.scheme)
        run.sudo().actions_pending = True
        with self.rpc_refused("segment actions are still pending cannot be deleted"):
            self.rpc(self.manager_a, "partner.segment.run", "unlink", run.ids)
        self.assertTrue(run.exists())
        self.assertTrue(run.actions_pending)
        # once the scheduled run ran them, the manager may delete it
        run.sudo().actions_pending = False
        self.assertTrue(self.rpc(self.manager_a, "partner.segment.run", "unlink", run.ids))
        self.assertFalse(run.exists())


@tagged("post_install", "-at_install")
class TestPortalPartnerFieldsRpc(RpcCase):
    """A portal user learns nothing of the addon's fields on their own
    partner, win-back included."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal = new_test_user(cls.env, "seg_rpc_portal", groups="base.group_portal")
        cls.portal_partner = cls.portal.partner_id
        cls.campaign = cls.env["partner.segment.winback.campaign"].create(
            {
                "name": "RPC win-back",
                "line_ids": [Command.create({"partner_id": cls.portal_partner.id})],
            }
        )

    def addon_partner_fields(self):
        fields = [
            field
            for field in self.env["res.partner"]._fields.values()
            if "partner_segmentation" in (field._modules or ())
        ]
        self.assertIn("winback_open", [field.name for field in fields])
        return fields

    def test_every_addon_partner_field_has_groups(self):
        portal = self.env(user=self.portal)
        public = self.env(user=self.env.ref("base.public_user"))
        employee = self.env(user=self.employee_a)
        for field in self.addon_partner_fields():
            with self.subTest(field.name):
                self.assertTrue(field.groups, "the field has groups")
                self.assertFalse(field.is_accessible(portal))
                self.assertFalse(field.is_accessible(public))
                self.assertTrue(field.is_accessible(employee), "staff still read it")

    def test_portal_user_reads_no_winback_open(self):
        self.assertTrue(self.portal_partner.winback_open, "what must not be shown is there")
        partner_id = self.portal_partner.id
        self.assertTrue(
            self.rpc(self.portal, "res.partner", "read", [partner_id], ["name"]), "own partner"
        )
        with self.rpc_refused("winback_open"):
            self.rpc(self.portal, "res.partner", "read", [partner_id], ["winback_open"])
        # not even named among the fields the portal user may read
        fields = self.rpc(self.portal, "res.partner", "fields_get", [], attributes=["type"])
        self.assertIn("name", fields)
        self.assertFalse({field.name for field in self.addon_partner_fields()} & set(fields))

    def test_portal_user_searches_no_winback_open(self):
        for domain in (
            [("winback_open", "=", True)],
            [("id", "=", self.portal_partner.id), ("winback_open", "!=", False)],
        ):
            with self.subTest(domain), self.rpc_refused("by their segmentation \\(winback_open\\)"):
                self.rpc(self.portal, "res.partner", "search", domain)
        with self.rpc_refused("winback_open"):
            self.rpc(
                self.portal,
                "res.partner",
                "read_group",
                [],
                ["id:count"],
                ["winback_open"],
            )
