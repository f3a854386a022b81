# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import io

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import trans_export


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def test_pot_is_current(self):
        """Every translatable term of the module is in the shipped .pot
        (run `make pot` after changing user-facing strings)."""
        buffer = io.BytesIO()
        trans_export(False, ["partner_segmentation"], buffer, "po", self.env.cr)
        current = {entry.msgid for entry in polib.pofile(buffer.getvalue().decode())}
        shipped_path = file_path("partner_segmentation/i18n/partner_segmentation.pot")
        shipped = {entry.msgid for entry in polib.pofile(shipped_path)}
        self.assertGreater(len(current), 100)
        self.assertEqual(sorted(current - shipped), [], "terms missing from the .pot: make pot")
        self.assertEqual(sorted(shipped - current), [], "stale terms in the .pot: make pot")
