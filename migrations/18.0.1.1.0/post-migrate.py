# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""No activity is not a rank: the shipped schemes on a 12-month metric leave
out the partners without activity (their records are noupdate, so a
database installed before keeps its schemes as they were, unless the user
had already chosen otherwise).  Boundaries stored before (with partner ids)
no longer fit: the next partial run ranks everyone, the next full run
stores them again (engine.classify.BOUNDARY_FORMAT)."""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE partner_segment_scheme s
           SET no_activity = 'exclude'
          FROM ir_model_data d
         WHERE d.module = 'partner_segmentation' AND d.model = 'partner.segment.scheme'
           AND d.name IN ('scheme_value_abc', 'scheme_volume_units')
           AND d.res_id = s.id AND s.no_activity = 'rank'
        """
    )
