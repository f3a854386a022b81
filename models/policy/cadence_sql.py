# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The SQL of the contact cadence."""

from odoo.tools import SQL


def cadence_due(now, activity_type_id):
    """Commercial partners whose segments ask for more contact than they had:
    (partner, salesperson, touches a year, last contact).  A contact is a
    message or e-mail, a done activity or a sent mailing, to the partner or
    one of its contacts; partners with an open follow-up are left out."""
    return SQL(
        """
        WITH freq AS (
            SELECT a.partner_id, MAX(s.contact_frequency) AS f
              FROM partner_segment_assignment a
              JOIN partner_segment s ON s.id = a.segment_id
             WHERE s.contact_frequency > 0 AND s.active
          GROUP BY a.partner_id
        ), family AS (
            SELECT p.id, p.commercial_partner_id
              FROM res_partner p JOIN freq ON freq.partner_id = p.commercial_partner_id
        ), last AS (
            SELECT family.commercial_partner_id AS partner_id, MAX(c.d) AS last_date
              FROM (SELECT m.res_id AS pid, m.date AS d FROM mail_message m
                     WHERE m.model = 'res.partner'
                       AND (m.message_type IN ('comment', 'email')
                            OR m.mail_activity_type_id IS NOT NULL)
                    UNION ALL
                    SELECT t.res_id, t.sent_datetime FROM mailing_trace t
                     WHERE t.model = 'res.partner' AND t.sent_datetime IS NOT NULL) c
              JOIN family ON family.id = c.pid
          GROUP BY family.commercial_partner_id
        )
        SELECT freq.partner_id, p.user_id, freq.f, last.last_date
          FROM freq
          JOIN res_partner p ON p.id = freq.partner_id
     LEFT JOIN last ON last.partner_id = freq.partner_id
         WHERE p.active AND p.user_id IS NOT NULL
           AND (last.last_date IS NULL
                OR last.last_date < %(now)s - make_interval(secs => 86400 * 365.0 / freq.f))
           AND NOT EXISTS (SELECT 1 FROM mail_activity ma
                            WHERE ma.res_model = 'res.partner' AND ma.res_id = freq.partner_id
                              AND ma.activity_type_id = %(type)s AND ma.active)
      ORDER BY freq.partner_id
        """,
        now=now,
        type=activity_type_id,
    )
