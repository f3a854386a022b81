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
