# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import models

from ..engine import classify


class PartnerSegmentSchemeEngine(models.AbstractModel):
    """The engine's extension points on a scheme, in the way of Odoo's own
    apps (crm's ``_pls_*`` methods, ``sale.report``'s
    ``_select_additional_fields``): another addon extends them by inheriting
    ``partner.segment.scheme``.

    * a classification method: ``selection_add`` on ``method``, and its
      function in :meth:`_classifiers` (and in :meth:`_ranking_methods` when
      it ranks partners by ``metric_id``);
    * work around a run: :meth:`_after_classify`, :meth:`_after_apply` (the
      partners a step moved), :meth:`_after_recompute`, :meth:`_after_run_steps`.
    """

    _name = "partner.segment.scheme.engine"
    _description = "Segmentation Scheme: Engine Extension Points"

    def _classifiers(self):
        """{method: function(env, scheme, scope_ids)}: how a scheme of each
        ``method`` fills ``psseg_result`` (partner_id, segment_id) with its
        partners (``scope_ids``: only those, or None for everyone; see
        :mod:`..engine.classify`), one statement per scheme."""
        return {
            "rules": classify.classify_rules,
            "pareto": classify.classify_pareto,
            "quantile": classify.classify_quantile,
        }

    def _ranking_methods(self):
        """The methods that rank partners by the scheme's ``metric_id``
        (required; the history keeps its value at each change; a run of
        chosen partners computes everyone's values unless the scheme stored
        its boundaries, see :mod:`..engine.classify`)."""
        return classify.RANKING_METHODS

    def _after_recompute(self, run):
        """Called once at the end of every run with the schemes that ran, after
        assignments, chatter and segment actions.  Features that follow the
        segments (dynamic mailing lists, …) extend it."""
        return True

    def _after_apply(self, run_id):
        """Called in the step that writes this scheme's changes (one scheme;
        a large scheme's partners are written over several committed steps,
        each calling it for its range), right after they are written, in
        every kind of run (full, chosen partners, queued by an order or an
        invoice).  The work table ``psseg_change`` (partner_id, scheme_id,
        from_id, to_id) then holds the step's changes; this scheme's are the
        rows with ``scheme_id = self.id``.  Features that act on the partners
        entering or leaving a segment (policies set on the partner, …) extend
        it, with set-based SQL over those rows; an error fails the scheme's
        step like any other."""
        return True

    def _after_classify(self, run):
        """Called in ``run``'s step that classifies this scheme (one scheme),
        right after the classification and before anything is written, while
        the engine's work tables hold what it computed: ``psseg_result``
        (partner_id, segment_id) and ``psseg_value`` (metric_id, partner_id,
        value; in a full run, for every partner).  Features that keep
        something of the ranking as it was computed (reports, …) extend it;
        they must not fail the scheme."""
        return True

    def _after_run_steps(self, run):
        """Work at the end of ``run`` too long to share a step: names of
        methods of this model, each called in a step of its own (committed
        apart, within the cron's time limit) with the run, after
        ``_after_recompute``.  Features that rebuild something as large as
        the customer base after a run (reports, …) extend it."""
        return []
