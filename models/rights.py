# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Who administers segmentation, as the models' own checks ask it."""

MANAGER_GROUP = "partner_segmentation.group_segmentation_manager"


def is_segmentation_manager(env):
    """Superuser mode (the addon's own calls), or a segmentation administrator."""
    return env.su or env.user.has_group(MANAGER_GROUP)
