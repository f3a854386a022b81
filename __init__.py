from odoo.tools import SQL

from . import engine
from . import models
from . import wizards
from . import report

# what the addon's own relations and functions are named after (tables and
# views of its models, Odoo drops them; and those it keeps outside the ORM:
# ``psseg_*``, the engine's temporary work tables, and whatever an earlier
# version left); scripts/test.sh checks that none is left after an uninstall
RELATION_PATTERN = "^(partner_segment|partner_sales_channel|psseg_)"


def uninstall_hook(env):
    """Partners point to sales channels with ON DELETE RESTRICT (a channel in
    use is archived, not deleted).  Uninstalling deletes the channels before
    it drops the partners' column: clear the column first, so that the
    uninstall runs without a failed DELETE per channel in the log."""
    env.cr.execute(
        "UPDATE res_partner SET sales_channel_id = NULL WHERE sales_channel_id IS NOT NULL"
    )
    # Activities of the addon's own types (contact cadence follow-ups, card
    # check to-dos) restrict the deletion of those types: they stay with the
    # users as plain to-dos.
    todo = env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
    if todo:
        env.cr.execute(
            """
            UPDATE mail_activity SET activity_type_id = %s
             WHERE activity_type_id IN (
                   SELECT res_id FROM ir_model_data
                    WHERE module = 'partner_segmentation' AND model = 'mail.activity.type')
            """,
            [todo.id],
        )
    drop_own_relations(env)


def drop_own_relations(env):
    """Drop the tables, views, functions and statistics the addon created
    outside the ORM.  Odoo drops the tables and views of the models (and their
    many2many tables) itself, after this hook: those are left to it."""
    cr = env.cr
    owned = set()
    for model in env.registry.values():
        owned.add(model._table)
        owned.update(
            field.relation
            for field in model._fields.values()
            if field.type == "many2many" and field.store and field.relation
        )
    cr.execute(
        """
        SELECT c.relname, c.relkind
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm')
           AND c.relname ~ %s
        """,
        [RELATION_PATTERN],
    )
    kinds = {"v": SQL("VIEW"), "m": SQL("MATERIALIZED VIEW")}
    for name, kind in cr.fetchall():
        if name not in owned:
            cr.execute(
                SQL(
                    "DROP %s IF EXISTS %s CASCADE",
                    kinds.get(kind, SQL("TABLE")),
                    SQL.identifier(name),
                )
            )
    cr.execute(
        """
        SELECT p.oid::regprocedure::text
          FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = current_schema() AND p.proname ~ %s
        """,
        [RELATION_PATTERN],
    )
    for (signature,) in cr.fetchall():
        # a regprocedure's text is the function's quoted name and argument types
        cr.execute(SQL("DROP FUNCTION IF EXISTS %s CASCADE", SQL(signature)))
    # statistics on Odoo's tables (the engine's test of a commercial partner)
    cr.execute(
        """
        SELECT s.stxname
          FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace
         WHERE n.nspname = current_schema() AND s.stxname ~ %s
        """,
        [RELATION_PATTERN],
    )
    for (name,) in cr.fetchall():
        cr.execute(SQL("DROP STATISTICS IF EXISTS %s", SQL.identifier(name)))
