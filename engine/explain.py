# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Why partners are in their segment of a ranking (Pareto, quantile)
scheme: their own metric values, computed for them only, placed against
the boundaries stored by the last full run exactly as a partial run
places them (:func:`.classify.placement`): no ranking of everyone,
nothing written, any number of partners in one statement.  SQL text:
:mod:`.explain_sql`.
"""

from . import classify, metrics
from . import explain_sql as Q
from .common import today_of


def place(env, scheme, partner_ids, companies=None):
    """(placement, {partner id: (metric value, segment id or None, in the
    scheme's partners)}) of ``partner_ids`` (commercial partners) in
    ranking ``scheme``; the placement is None (and so is every segment)
    when the scheme has no stored boundaries that fit it.

    The values count the source records of ``companies`` (ids; None: every
    company) and those without a company, as :func:`.metrics_read.metric_values`;
    ``env`` reads the configuration and the records (the engine's: superuser)."""
    partner_ids = list(partner_ids)
    placed = classify.placement(scheme)
    if not partner_ids or not scheme.metric_id:
        return placed, {}
    env.flush_all()
    values = metrics.select_metric(env, scheme.metric_id, partner_ids, today_of(env), companies)
    universe = classify._universe(env, scheme, partner_ids)  # pylint: disable=protected-access
    env.cr.execute(Q.placed_partners(values, partner_ids, universe, placed))
    return placed, {
        pid: (value, segment, member) for pid, value, member, segment in env.cr.fetchall()
    }
