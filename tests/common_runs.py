# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Runs as cron work in tests: each call of the cron a fresh job cursor,
commits are Odoo's test commits (``registry.enter_test_mode``: a commit
releases a savepoint, a rollback or a killed worker returns to it), as in
Odoo's own cron tests."""

from unittest.mock import patch

from odoo import api
from odoo.addons.partner_segmentation.engine import run as engine_run

from .common import SizeAndParetoCase

ENGINE_LOG = "odoo.addons.partner_segmentation.engine.run"


class Killed(BaseException):
    """A worker killed mid-step: nothing of the step's transaction stays."""


class RunStepsCase(SizeAndParetoCase):
    """Queued runs worked through by the cron's calls, in the test's transaction."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partners = [cls.big, cls.mid, cls.small, cls.none]
        cls.cron = cls.env.ref(engine_run.PROCESS_CRON)
        # the fixture's documents queued their customers; the queue's cron
        # has taken them before these runs start (the cron worker of a full
        # run takes what is queued before each step)
        cls.env.cr.execute("DELETE FROM partner_segment_queue")

    def setUp(self):
        super().setUp()
        self.registry.enter_test_mode(self.cr)
        self.addCleanup(self.registry.leave_test_mode)
        self.progress = []
        notify_progress = patch.object(
            type(self.env["ir.cron"]),
            "_notify_progress",
            lambda cron, **kw: self.progress.append(kw),
        )
        notify_progress.start()
        self.addCleanup(notify_progress.stop)

    def process(self, limit=1000):
        """One cron call (a fresh job cursor) with ``limit`` seconds."""
        try:
            with (
                patch.object(engine_run, "time_limit", lambda: limit),
                self.registry.cursor() as cr,
            ):
                env = api.Environment(cr, self.env.uid, dict(self.env.context))
                return engine_run.process(env)
        finally:
            self.env.invalidate_all()

    def queue(self, schemes=None, partners=None):
        schemes = schemes or (self.rules | self.pareto)
        return engine_run.queue(self.env, schemes, partners=partners, trigger="manual")

    def triggers(self):
        return self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])

    def assert_classified(self):
        self.assertEqual(self.codes(self.partners, self.rules), ["Large", "Large", "Small", None])
        self.assertEqual(self.codes(self.partners, self.pareto), ["A", "C", "C", "C"])
        for scheme, count in ((self.rules, 3), (self.pareto, 4)):
            history = self.History.search([("scheme_id", "=", scheme.id)])
            self.assertEqual(len(history), count, "one history row per partner, never two")
            self.assertEqual(len(history.partner_id), count)
