# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Russian, Lithuanian, Spanish and Bulgarian: every term translated with its
placeholders and markup intact, and a user who works in one of them sees the
addon in it, numbers and money included."""

import functools

import polib

from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools.misc import file_path

from . import po_rules
from .common import SegmentationCase

LANGUAGES = {"ru_RU": "ru", "lt_LT": "lt", "es_ES": "es", "bg_BG": "bg"}
I18N = "partner_segmentation/i18n/"


@functools.cache
def catalog(code):
    """{msgid: msgstr} of a language's .po, read once per test run."""
    return {e.msgid: e.msgstr for e in polib.pofile(file_path(f"{I18N}{code}.po"))}


@tagged("post_install", "-at_install")
class TestTranslationFiles(TransactionCase):
    def test_every_language_is_complete_and_intact(self):
        pot = file_path(f"{I18N}partner_segmentation.pot")
        for code in LANGUAGES.values():
            with self.subTest(code):
                self.assertEqual(po_rules.problems(pot, file_path(f"{I18N}{code}.po")), [])

    def test_rules_find_each_kind_of_break(self):
        template = polib.POFile()
        for msgid in ("Hello %(name)s", "<b>Bold</b> text", "Plain", "Gone", "Fine"):
            template.append(polib.POEntry(msgid=msgid))
        broken = polib.POFile()
        for msgid, msgstr in (
            ("Hello %(name)s", "Hola %(nombre)s"),
            ("<b>Bold</b> text", "<i>Negrita</i> texto"),
            ("Plain", ""),
            ("Fine", "Bien"),
            ("Extra", "Sobra"),
        ):
            broken.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
        template.save("/tmp/psseg_rules.pot")
        broken.save("/tmp/psseg_rules.po")
        found = po_rules.problems("/tmp/psseg_rules.pot", "/tmp/psseg_rules.po")
        self.assertEqual(
            [line.split(":")[0] for line in found],
            ["placeholders differ", "markup differs", "untranslated", "missing", "not in the .pot"],
        )


@tagged("post_install", "-at_install")
class TestUserLanguages(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lang in LANGUAGES:
            cls.env["res.lang"]._activate_lang(lang)
        cls.env["ir.module.module"]._load_module_terms(
            ["partner_segmentation"], list(LANGUAGES), overwrite=True
        )
        cls.customer = cls.make_partner("Language Co")
        cls.make_invoice(cls.customer, 1150.0, days_ago=10)
        cls.users = {
            lang: new_test_user(
                cls.env,
                f"seg_{code}",
                groups="sales_team.group_sale_manager,"
                "partner_segmentation.group_segmentation_manager",
                lang=lang,
            )
            for lang, code in LANGUAGES.items()
        }

    def env_of(self, lang):
        user = self.users[lang]
        return self.env(user=user, context=user.with_user(user).context_get())

    def assertTranslated(self, text, msgid, code):
        translation = catalog(code)[msgid]
        self.assertNotEqual(translation, msgid, f"{code}: '{msgid}' is the same in English")
        self.assertIn(translation, text, f"{code}: '{msgid}'")

    def test_menu_scheme_form_and_partner_tab_in_the_users_language(self):
        for lang, code in LANGUAGES.items():
            with self.subTest(lang):
                env = self.env_of(lang)
                self.assertEqual(env.lang, lang)
                menu = env.ref("partner_segmentation.menu_segmentation_root")
                self.assertTranslated(menu.name, "Segmentation", code)
                self.assertTranslated(
                    env.ref("partner_segmentation.menu_segmentation_schemes").name, "Schemes", code
                )
                form = env["partner.segment.scheme"].get_views([(False, "form")])
                self.assertTranslated(form["views"]["form"]["arch"], "Policy and Actions", code)
                fields = form["models"]["partner.segment.scheme"]["fields"]
                self.assertTranslated(fields["segment_ids"]["string"], "Segments", code)
                partner_form = env["res.partner"].get_views([(False, "form")])
                self.assertTranslated(partner_form["views"]["form"]["arch"], "Segmentation", code)
                scheme = env.ref("partner_segmentation.scheme_lifecycle")
                self.assertTranslated(scheme.name, "Lifecycle", code)

    def test_metric_table_numbers_follow_the_language(self):
        expected = {"ru_RU": "1\N{NO-BREAK SPACE}150,00", "es_ES": "1.150,00", "lt_LT": "1.150,00"}
        expected["bg_BG"] = "1150,00"
        for lang, number in expected.items():
            with self.subTest(lang):
                html = str(self.customer.with_env(self.env_of(lang)).segment_metric_html)
                self.assertIn(number.replace("\N{NO-BREAK SPACE}", " "), html.replace("\xa0", " "))
                self.assertNotIn("1,150.00", html)
