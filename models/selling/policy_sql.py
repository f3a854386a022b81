# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The SQL of the selling policies: a segment's pricelist and payment terms
set on its members, as Odoo 18 stores company-dependent fields (a ``jsonb``
column of ``res_partner``, ``{"<company id>": <record id>}``; a missing key
falls back to Odoo's default).

Work table ``psseg_policy_todo(partner_id, company_id, prov_id, prov_value,
cur, want_segment, want_value)``: for each commercial partner of the scope
and company, what its segments want (the winning segment and its value),
what the segments set earlier (``partner_segment_policy_value``) and what
the partner has now.  Every statement is set-based over that table.
"""

from odoo.tools import SQL

CREATE_TODO = SQL(
    """
    CREATE TEMP TABLE IF NOT EXISTS psseg_policy_scope (partner_id integer PRIMARY KEY)
        ON COMMIT DROP;
    CREATE TEMP TABLE IF NOT EXISTS psseg_policy_todo (
        partner_id integer NOT NULL,
        company_id integer NOT NULL,
        prov_id integer,
        prov_value integer,
        cur integer,
        want_segment integer,
        want_value integer
    ) ON COMMIT DROP;
    TRUNCATE psseg_policy_scope, psseg_policy_todo;
    """
)


def scope_from_changes(scheme_id, segment_ids):
    """The commercial partners of this scheme's changes (``psseg_change``)
    that entered or left a segment with a policy."""
    return SQL(
        """
        INSERT INTO psseg_policy_scope (partner_id)
        SELECT DISTINCT partner_id FROM psseg_change
         WHERE scheme_id = %(scheme)s
           AND (from_id = ANY(%(ids)s) OR to_id = ANY(%(ids)s))
        ON CONFLICT DO NOTHING
        """,
        scheme=scheme_id,
        ids=list(segment_ids),
    )


def scope_from_partners(partner_ids):
    return SQL(
        """
        INSERT INTO psseg_policy_scope (partner_id)
        SELECT DISTINCT p.commercial_partner_id FROM res_partner p WHERE p.id = ANY(%s)
        ON CONFLICT DO NOTHING
        """,
        list(partner_ids),
    )


def segment_boundary(segment_id, after, limit):
    """The partner id that ends a range of ``limit`` members of the segment
    after ``after`` (no row: the rest fits in one range)."""
    return SQL(
        """
        SELECT partner_id FROM partner_segment_assignment
         WHERE segment_id = %s AND partner_id > %s
      ORDER BY partner_id OFFSET %s LIMIT 1
        """,
        segment_id,
        after,
        max(limit - 1, 0),
    )


def scope_from_segment(segment_id, after, upto):
    """The segment's members and the partners it set a value on, with ids
    in (after, upto] (``upto`` None: no end)."""
    upper = SQL("AND partner_id <= %s", upto) if upto is not None else SQL()
    return SQL(
        """
        INSERT INTO psseg_policy_scope (partner_id)
        SELECT partner_id FROM partner_segment_assignment
         WHERE segment_id = %(segment)s AND partner_id > %(after)s %(upper)s
        UNION
        SELECT partner_id FROM partner_segment_policy_value
         WHERE segment_id = %(segment)s AND partner_id > %(after)s %(upper)s
        ON CONFLICT DO NOTHING
        """,
        segment=segment_id,
        after=after,
        upper=upper,
    )


SCOPE_COUNT = SQL("SELECT COUNT(*) FROM psseg_policy_scope")
ANALYZE_SCOPE = SQL("ANALYZE psseg_policy_scope")
ANALYZE_TODO = SQL("ANALYZE psseg_policy_todo")


def fill_todo(field, column, policies):
    """What is to be done, per partner of the scope and company.

    ``policies``: rows (segment id, company id, value id, priority, scheme
    sequence, scheme id), one per company a segment's policy applies to.
    The winner among a partner's segments: the highest priority, then the
    scheme listed first (scheme sequence, then id)."""
    segs, companies, values, prios, seqs, schemes = (
        (list(col) for col in zip(*policies, strict=True)) if policies else ([], [], [], [], [], [])
    )
    col = SQL.identifier("p", column)
    return SQL(
        """
        WITH pol AS (
            SELECT * FROM unnest(%(segs)s::int[], %(companies)s::int[], %(values)s::int[],
                                 %(prios)s::int[], %(seqs)s::int[], %(schemes)s::int[])
                   AS pol(segment_id, company_id, value_id, priority, scheme_sequence, scheme_id)
        ), want AS (
            SELECT DISTINCT ON (a.partner_id, pol.company_id)
                   a.partner_id, pol.company_id, pol.segment_id, pol.value_id
              FROM psseg_policy_scope s
              JOIN partner_segment_assignment a ON a.partner_id = s.partner_id
              JOIN pol ON pol.segment_id = a.segment_id
          ORDER BY a.partner_id, pol.company_id, pol.priority DESC, pol.scheme_sequence,
                   pol.scheme_id, pol.segment_id
        ), prov AS (
            SELECT v.id, v.partner_id, v.company_id, v.value_id
              FROM psseg_policy_scope s
              JOIN partner_segment_policy_value v ON v.partner_id = s.partner_id
             WHERE v.field = %(field)s
        )
        INSERT INTO psseg_policy_todo
               (partner_id, company_id, prov_id, prov_value, cur, want_segment, want_value)
        SELECT k.partner_id, k.company_id, prov.id, prov.value_id,
               CASE WHEN jsonb_typeof(%(col)s -> k.company_id::text) = 'number'
                    THEN (%(col)s ->> k.company_id::text)::int END,
               want.segment_id, want.value_id
          FROM (SELECT partner_id, company_id FROM want
                UNION SELECT partner_id, company_id FROM prov) k
          JOIN res_partner p ON p.id = k.partner_id
          LEFT JOIN want ON want.partner_id = k.partner_id AND want.company_id = k.company_id
          LEFT JOIN prov ON prov.partner_id = k.partner_id AND prov.company_id = k.company_id
        """,
        segs=segs,
        companies=companies,
        values=values,
        prios=prios,
        seqs=seqs,
        schemes=schemes,
        field=field,
        col=col,
    )


TRUNCATE_TODO = SQL("TRUNCATE psseg_policy_todo")
TODO_COMPANIES = SQL("SELECT DISTINCT company_id FROM psseg_policy_todo")

# the partner's value is the segments' to change: none yet, or what they set
_OURS = "(t.prov_id IS NULL AND t.cur IS NULL OR t.prov_id IS NOT NULL AND t.cur = t.prov_value)"


def set_values(column, company_id):
    """Set the winning value on the commercial partners whose value is the
    segments' to change, and on all their contacts: a contact carries its
    company's value, as Odoo's sync of commercial fields writes it on every
    contact whenever the company's changes (a contact made under a company
    even gets the default pricelist of that day as its own value)."""
    col = SQL.identifier(column)
    return SQL(
        """
        UPDATE res_partner p
           SET %(col)s = COALESCE(p.%(col)s, '{}'::jsonb)
                         || jsonb_build_object(%(key)s, t.want_value)
          FROM psseg_policy_todo t
         WHERE t.company_id = %(company)s AND p.commercial_partner_id = t.partner_id
           AND t.want_value IS NOT NULL AND t.cur IS DISTINCT FROM t.want_value
           AND %(ours)s
        """,
        col=col,
        key=str(company_id),
        company=company_id,
        ours=SQL(_OURS),
    )


def restore_values(column, company_id):
    """Put back what the segments set where no segment wants a value any
    more and the partner still has the segments' value: the key goes, on
    the partner and on its contacts (which follow it, as above), and
    Odoo's default applies again, as before the segment set it."""
    col = SQL.identifier(column)
    return SQL(
        """
        UPDATE res_partner p
           SET %(col)s = p.%(col)s - %(key)s
          FROM psseg_policy_todo t
         WHERE t.company_id = %(company)s AND p.commercial_partner_id = t.partner_id
           AND t.want_value IS NULL AND t.prov_id IS NOT NULL AND t.cur = t.prov_value
        """,
        col=col,
        key=str(company_id),
        company=company_id,
    )


def write_provenance(field, uid):
    """Record what the segments set: rows go where nothing is set by them any
    more or a user changed the value by hand since; they follow a new
    winner; they are added where the segments set a value."""
    ours = SQL(_OURS)
    return [
        SQL(
            """
            DELETE FROM partner_segment_policy_value v
             USING psseg_policy_todo t
             WHERE v.id = t.prov_id
               AND (t.want_value IS NULL OR t.cur IS DISTINCT FROM t.prov_value)
            """
        ),
        SQL(
            """
            UPDATE partner_segment_policy_value v
               SET segment_id = t.want_segment, value_id = t.want_value,
                   write_uid = %(uid)s, write_date = now() AT TIME ZONE 'UTC'
              FROM psseg_policy_todo t
             WHERE v.id = t.prov_id AND t.want_value IS NOT NULL AND t.cur = t.prov_value
               AND (v.segment_id, v.value_id) IS DISTINCT FROM (t.want_segment, t.want_value)
            """,
            uid=uid,
        ),
        SQL(
            """
            INSERT INTO partner_segment_policy_value
                   (partner_id, company_id, field, segment_id, value_id,
                    create_uid, create_date, write_uid, write_date)
            SELECT t.partner_id, t.company_id, %(field)s, t.want_segment, t.want_value,
                   %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
              FROM psseg_policy_todo t
             WHERE t.prov_id IS NULL AND t.cur IS NULL AND t.want_value IS NOT NULL
               AND %(ours)s
            """,
            field=field,
            uid=uid,
            ours=ours,
        ),
    ]


def forget_by_hand(field, partner_ids, company_id):
    """A user set the value by hand on these partners: the segments' record
    of it goes (the value is the user's now, and no segment overwrites it).
    Only commercial partners count: their contacts receive the value from
    them (Odoo's sync of commercial fields), which is no choice of a user."""
    return SQL(
        """
        DELETE FROM partner_segment_policy_value v
         USING res_partner p
         WHERE p.id = ANY(%s) AND p.id = p.commercial_partner_id AND v.partner_id = p.id
           AND v.field = %s AND v.company_id = %s
        """,
        list(partner_ids),
        field,
        company_id,
    )
