from . import engine
from . import models
from . import wizards
from . import report


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
