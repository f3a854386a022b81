# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestTourContacts(HttpCase):
    def test_open_contacts(self):
        """Contacts opens in a real browser with the module installed."""
        self.start_tour("/odoo/contacts", "partner_segmentation_open_contacts", login="admin")
