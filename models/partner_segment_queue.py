# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Partners waiting for a near-real-time recompute.

When a sale, an invoice or an opportunity changes, the commercial partner is
queued by one set-based statement in the writer's transaction
(:meth:`PartnerSegmentQueue._enqueue`), and the queue's cron recomputes the
queued partners shortly after, as a partial run.

Each writing transaction queues its own rows (unique per partner and
transaction), so that a recompute never takes a row whose writer has not
committed yet: rows of a transaction still open are invisible to the cron,
stay in the queue and are taken by the next call, which sees that
transaction's data.  The first statement of a transaction that queues
something also adds one trigger of the queue's cron, due at once, and the
cron workers are woken at commit (as ``ir.cron._trigger()`` does).  The
cron's own hourly call is a safety net only.
"""

import datetime
import logging

from odoo import api, fields, models
from odoo.tools import SQL, sql

_logger = logging.getLogger(__name__)

CRON_XMLID = ("partner_segmentation", "ir_cron_segment_queue")
# partners taken by one call of the cron; Odoo calls again at once for more
BATCH = 5000
# when a full run holds the engine's lock, try again this much later
RETRY_DELAY = datetime.timedelta(seconds=60)
NOTIFY_KEY = "partner_segmentation.queue_notify"


class PartnerSegmentQueue(models.Model):
    # rows are written by the SQL below only (read-only ACL, and the ORM's
    # create / write / unlink refuse anyone but the engine)
    _name = "partner.segment.queue"
    _inherit = ["partner.segment.engine.record"]
    _description = "Segmentation Queue"
    _order = "id"
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner", required=True, ondelete="cascade", readonly=True, index=True
    )
    create_date = fields.Datetime(string="Queued On", readonly=True)

    def _auto_init(self):
        # the writing transaction, so that its rows are its own (see above):
        # a column beside the ORM's, made with the table; not an ORM field:
        # nobody reads or writes it but this model's SQL
        res = super()._auto_init()
        cr = self.env.cr
        if not sql.column_exists(cr, self._table, "xact"):
            sql.create_column(cr, self._table, "xact", "bigint NOT NULL DEFAULT txid_current()")
        sql.create_unique_index(
            cr, "partner_segment_queue_xact_partner", self._table, ["xact", "partner_id"]
        )
        return res

    def _engine_write_message(self):
        return self.env._("The segmentation queue is kept by the engine only.")

    # ------------------------------------------------------------------
    # Queueing (in the writer's transaction: one statement, nothing else)
    # ------------------------------------------------------------------
    @api.model
    def _enqueue(self, records, partner_field="partner_id"):
        """Queue the commercial partners of ``records`` (through their
        ``partner_field``) for a recompute: one statement, which also adds a
        trigger of the queue's cron for the transaction's first rows.  Nothing
        is queued while the queue's cron is archived."""
        if not records:
            return
        records.flush_recordset([partner_field])
        table = SQL.identifier(records._table)
        column = SQL.identifier(records._table, records._fields[partner_field].name)
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                WITH cron AS (
                    SELECT c.id FROM ir_cron c
                      JOIN ir_model_data d ON d.res_id = c.id AND d.model = 'ir.cron'
                     WHERE d.module = %(module)s AND d.name = %(name)s AND c.active
                ), queued AS (
                    INSERT INTO partner_segment_queue (partner_id, create_date)
                    SELECT DISTINCT COALESCE(p.commercial_partner_id, p.id),
                           now() AT TIME ZONE 'UTC'
                      FROM %(table)s JOIN res_partner p ON p.id = %(column)s
                     WHERE %(table)s.id = ANY(%(ids)s) AND EXISTS (SELECT 1 FROM cron)
                    ON CONFLICT DO NOTHING
                    RETURNING 1
                ), triggered AS (
                    INSERT INTO ir_cron_trigger
                           (cron_id, call_at, create_uid, create_date, write_uid, write_date)
                    SELECT cron.id, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC',
                           %(uid)s, now() AT TIME ZONE 'UTC'
                      FROM cron
                     WHERE EXISTS (SELECT 1 FROM queued)
                       AND NOT EXISTS (SELECT 1 FROM partner_segment_queue
                                        WHERE xact = txid_current())
                    RETURNING cron_id
                )
                SELECT cron_id FROM triggered
                """,
                module=CRON_XMLID[0],
                name=CRON_XMLID[1],
                table=table,
                column=column,
                ids=records.ids,
                uid=self.env.uid,
            )
        )
        row = cr.fetchone()
        if row and not cr.postcommit.data.get(NOTIFY_KEY):
            # wake the cron workers at commit, as ir.cron._trigger() does for
            # a job due now (no query here: the notification is sent after
            # the commit, outside the writer's transaction)
            cr.postcommit.data[NOTIFY_KEY] = True
            cr.postcommit.add(self.env["ir.cron"].browse(row[0])._notifydb)

    # ------------------------------------------------------------------
    # The queue's cron
    # ------------------------------------------------------------------
    def _take(self, limit):
        """Remove up to ``limit`` queued rows; returns their partners."""
        self.env.cr.execute(
            SQL(
                """
                WITH taken AS (
                    DELETE FROM partner_segment_queue
                     WHERE id IN (SELECT id FROM partner_segment_queue ORDER BY id LIMIT %s)
                 RETURNING partner_id)
                SELECT DISTINCT partner_id FROM taken ORDER BY partner_id
                """,
                limit,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _cron_process(self, limit=BATCH):
        """Recompute the queued partners (a partial run of every active
        scheme); reports what is left so that Odoo calls again at once."""
        cr = self.env.cr
        done = 0
        try:
            with cr.savepoint():
                partner_ids = self._take(limit)
                if partner_ids and self._recompute(partner_ids) is None:
                    raise _EngineBusy()
                done = len(partner_ids)
        except _EngineBusy:
            _logger.info("Segmentation queue: a run is in progress, trying again later")
            cron = self.env.ref(".".join(CRON_XMLID))
            cron._trigger(fields.Datetime.now() + RETRY_DELAY)
            return
        cr.execute("SELECT COUNT(*) FROM partner_segment_queue")
        remaining = cr.fetchone()[0]
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _process_between_steps(self, limit=BATCH):
        """Recompute the partners queued so far, committed, from a cron
        worker between two steps of a full run (:func:`..engine.run.process`):
        an invoice posted while a long run goes on moves its customer after
        the step under way, not after the rest of the worker's call (up to
        half the cron's time limit) and whatever other job it picks first.
        What is left is for the queue's own cron (its trigger is there)."""
        cr = self.env.cr
        cr.execute("SELECT EXISTS (SELECT 1 FROM partner_segment_queue)")
        if not cr.fetchone()[0]:
            return 0
        done = 0
        try:
            with cr.savepoint():
                partner_ids = self._take(limit)
                if partner_ids and self._recompute(partner_ids) is None:
                    raise _EngineBusy()
                done = len(partner_ids)
        except _EngineBusy:
            return 0  # the rows are back; the queue's cron retries them
        except Exception:
            # the rows are back too: the full run goes on, and the queue's
            # own cron meets (and reports) the error
            _logger.exception("Segmentation queue: recompute between steps failed")
            return 0
        cr.commit()  # pylint: disable=invalid-commit
        return done

    def _recompute(self, partner_ids):
        """Run every active scheme for these partners; ``None`` when another
        run holds the engine's lock."""
        from ..engine import run

        schemes = self.env["partner.segment.scheme"].search([("active", "=", True)])
        if not schemes:
            return True
        partners = self.env["res.partner"].browse(partner_ids).exists()
        return run.run(self.env, schemes, partners=partners, trigger="queue")


class _EngineBusy(Exception):
    """Another run holds the engine's lock: the taken rows go back."""
