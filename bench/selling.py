# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Selling policies at scale: a segment's pricelist set on 100,000 customers
entering it, against writing the same company-dependent values by bare SQL
(the floor), and the same policy applied by the cron in committed steps.

Works on any database with the addon: it adds its own customers (by SQL,
``--partners``), a scheme with one segment holding them all, and rolls
everything back at the end.  Appends its table to bench/results-<size>.md.
"""

import sys
import time
from pathlib import Path

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

sys.path.insert(0, str(Path(__file__).parent))

from bench import open_bench, segment_of, write_results

REPEAT = 3


def _customers(cr, count):
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, is_company, active, type,
                                 autopost_bills, create_date, write_date)
        SELECT 'Selling bench ' || g, 'Selling bench ' || g, TRUE, TRUE, 'contact',
               'ask', now(), now()
          FROM generate_series(1, %s) g
        RETURNING id
        """,
        [count],
    )
    ids = [row[0] for row in cr.fetchall()]
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id WHERE id BETWEEN %s AND %s",
        [min(ids), max(ids)],
    )
    return ids


def _floor(cr, ids, company_id, pricelist_id):
    """The same values written by one bare UPDATE: the floor."""
    t0 = time.perf_counter()
    cr.execute(
        SQL(
            """
            UPDATE res_partner p
               SET specific_property_product_pricelist =
                   COALESCE(p.specific_property_product_pricelist, '{}'::jsonb)
                   || jsonb_build_object(%s, %s)
              FROM unnest(%s::int[]) AS t(id)
             WHERE p.commercial_partner_id = t.id
            """,
            str(company_id),
            pricelist_id,
            ids,
        )
    )
    return time.perf_counter() - t0


def main():
    args, registry = open_bench(("--partners", {"type": int, "default": 100000}))
    from odoo.addons.partner_segmentation.models.selling import policy

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = env.company
        ids = _customers(cr, args.partners)
        pricelist = env["product.pricelist"].create(
            {"name": "Selling bench", "company_id": company.id}
        )
        segment = segment_of(env, cr, ids, "Selling bench", "selling_bench")
        # the policy in place, not yet applied (as when a run moves them in)
        cr.execute(
            "UPDATE partner_segment SET pricelist_id = %s WHERE id = %s",
            [pricelist.id, segment.id],
        )
        env.invalidate_all()
        cr.execute("ANALYZE res_partner; ANALYZE partner_segment_assignment")
        cr.execute("SAVEPOINT selling_bench")
        floors, applied, stepped = [], [], []
        for _i in range(REPEAT):
            floors.append(_floor(cr, ids, company.id, pricelist.id))
            cr.execute("ROLLBACK TO SAVEPOINT selling_bench")
            env.invalidate_all()
            t0 = time.perf_counter()
            policy.apply_segment(env, segment)
            applied.append(time.perf_counter() - t0)
            cr.execute("SELECT COUNT(*) FROM partner_segment_policy_value")
            written = cr.fetchone()[0]
            cr.execute("ROLLBACK TO SAVEPOINT selling_bench")
            env.invalidate_all()
            t0, after, steps = time.perf_counter(), 0, 0
            while True:  # the cron's committed steps (here savepoints)
                after = policy.apply_segment(env, segment, after, 20000)
                steps += 1
                if after is None:
                    break
            stepped.append(time.perf_counter() - t0)
            cr.execute("ROLLBACK TO SAVEPOINT selling_bench")
            env.invalidate_all()
        cr.rollback()
    floor, best, best_steps = min(floors), min(applied), min(stepped)
    rows = [
        (
            f"Pricelist policy set on {args.partners:,} customers entering a segment "
            f"({written:,} values recorded; best of {REPEAT})",
            f"{best:.2f} s",
            f"{best / floor:.1f}× the floor",
            "≤ 2× the floor",
        ),
        (
            f"The same in the cron's steps of 20,000 ({steps} steps)",
            f"{best_steps:.2f} s",
            f"{best_steps / floor:.1f}× the floor",
            "",
        ),
        (
            "Floor: the same property values written by one bare SQL UPDATE",
            f"{floor:.2f} s",
            "1.0×",
            "",
        ),
    ]
    write_results(
        args.size,
        [
            f"### Selling policies ({args.size})",
            "",
            "| measure | value | ratio | target |",
            "| --- | --- | --- | --- |",
            *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows),
        ],
    )


if __name__ == "__main__":
    main()
