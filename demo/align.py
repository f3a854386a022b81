# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Odoo's own demo documents, moved to the day this demo is installed.

Odoo dates its demo orders, invoices and opportunities relative to the day
their database was built ("a week ago", "a month ago").  A demo or test
database is often copied from a template built weeks earlier: those
documents are then weeks older than Odoo meant, while this addon's demo is
dated relative to its own install.  The classification of Odoo's demo
customers, and through the rankings everybody's, would then depend on the
template's age.  Moving Odoo's documents by that age makes the demo the same
whatever day its template was built.

Only documents that Odoo's demo data created (they carry an external id of
another module) and their lines are moved; nothing of a real database.
"""

from odoo.tools import SQL

# (table, model, columns) moved by the template's age; timestamps and dates alike
DOCUMENTS = [
    ("sale_order", "sale.order", ["date_order", "validity_date", "commitment_date", "create_date"]),
    ("account_move", "account.move", ["date", "invoice_date", "invoice_date_due", "create_date"]),
    (
        "crm_lead",
        "crm.lead",
        ["date_open", "date_closed", "date_deadline", "date_last_stage_update", "create_date"],
    ),
]
# lines moved with their document: (table, document column, parent table, columns)
LINES = [
    ("account_move_line", "move_id", "account_move", ["date", "invoice_date", "date_maturity"])
]


def template_age(env, today):
    """Days between the day Odoo's sale demo was loaded and ``today`` (0 when
    there is no such demo or it was loaded today)."""
    env.cr.execute(
        """SELECT MIN(create_date)::date FROM ir_model_data
            WHERE module = 'sale' AND model = 'sale.order'"""
    )
    built = env.cr.fetchone()[0]
    return max((today - built).days, 0) if built else 0


def _existing(env, table, columns):
    env.cr.execute(
        """SELECT column_name FROM information_schema.columns
            WHERE table_name = %s AND column_name = ANY(%s)""",
        [table, columns],
    )
    found = {row[0] for row in env.cr.fetchall()}
    return [column for column in columns if column in found]


def _moved(columns, days):
    return SQL(", ").join(
        SQL("%s = %s + %s * INTERVAL '1 day'", SQL.identifier(c), SQL.identifier(c), days)
        for c in columns
    )


def shift_odoo_demo_documents(env, days):
    """Move Odoo's demo documents ``days`` days (later when positive), and
    the load date of their external ids with them, so that the template's age
    reads 0 afterwards."""
    if not days:
        return
    for table, model, columns in DOCUMENTS:
        columns = _existing(env, table, columns)
        env.cr.execute(
            SQL(
                """UPDATE %(table)s t SET %(moved)s
                    WHERE t.id IN (
                          SELECT res_id FROM ir_model_data
                           WHERE model = %(model)s AND module != 'partner_segmentation')""",
                table=SQL.identifier(table),
                moved=_moved(columns, days),
                model=model,
            )
        )
    for table, parent_column, parent, columns in LINES:
        parent_model = next(model for t, model, _c in DOCUMENTS if t == parent)
        env.cr.execute(
            SQL(
                """UPDATE %(table)s l SET %(moved)s
                    WHERE l.%(parent_column)s IN (
                          SELECT res_id FROM ir_model_data
                           WHERE model = %(model)s AND module != 'partner_segmentation')""",
                table=SQL.identifier(table),
                moved=_moved(_existing(env, table, columns), days),
                parent_column=SQL.identifier(parent_column),
                model=parent_model,
            )
        )
    env.cr.execute(
        """UPDATE ir_model_data SET create_date = create_date + %s * INTERVAL '1 day'
            WHERE module = 'sale' AND model = 'sale.order'""",
        [days],
    )
    env.invalidate_all()


def align(env, today):
    """Move Odoo's demo documents by the template's age; return the days moved."""
    days = template_age(env, today)
    shift_odoo_demo_documents(env, days)
    return days
