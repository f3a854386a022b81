# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The PDF summary's pages are numbered also by a wkhtmltopdf that draws no
HTML footer (the unpatched build of most Linux distributions)."""

import io
from unittest.mock import patch

from reportlab.pdfgen import canvas

from odoo.addons.partner_segmentation.report import ir_actions_report as pdf_numbers
from odoo.tests import TransactionCase, tagged
from odoo.tools.pdf import PdfFileReader


def page_texts(pdf):
    reader = PdfFileReader(io.BytesIO(pdf), strict=False, overwriteWarnings=False)
    texts = []
    for index in range(reader.getNumPages()):
        page = reader.getPage(index)
        extract = getattr(page, "extract_text", None) or page.extractText
        texts.append(" ".join(extract().split()))
    return texts


@tagged("post_install", "-at_install")
class TestReportPageNumbers(TransactionCase):
    def test_every_page_gets_its_number_and_keeps_its_content(self):
        packet = io.BytesIO()
        can = canvas.Canvas(packet)
        for index in range(3):
            can.drawString(72, 700, f"Content of sheet {index + 1}")
            can.showPage()
        can.save()
        numbered = pdf_numbers.number_pages(io.BytesIO(packet.getvalue())).getvalue()
        texts = page_texts(numbered)
        self.assertEqual(len(texts), 3)
        for index, text in enumerate(texts, start=1):
            self.assertIn(f"Content of sheet {index}", text)
            self.assertTrue(text.endswith(f"{index} / 3"), text)

    def test_summary_numbered_only_where_wkhtmltopdf_draws_no_footer(self):
        report = self.env.ref("partner_segmentation.action_report_segmentation_summary")
        scheme = self.env.ref("partner_segmentation.scheme_lifecycle")
        rendered = {}
        for draws_footers in (False, True):
            with patch.object(pdf_numbers, "wkhtmltopdf_draws_footers", return_value=draws_footers):
                self.assertEqual(
                    report._segmentation_numbers_pages(report.report_name), not draws_footers
                )
                pdf, kind = report.with_context(force_report_rendering=True)._render_qweb_pdf(
                    report.report_name, scheme.ids
                )
            self.assertEqual(kind, "pdf")
            rendered[draws_footers] = page_texts(pdf)
        texts = rendered[False]
        self.assertGreaterEqual(len(texts), 2, "the segments start on a page of their own")
        for index, text in enumerate(texts, start=1):
            self.assertTrue(text.endswith(f"{index} / {len(texts)}"), text)
        # a wkhtmltopdf that draws the layout's footer numbers the pages itself
        self.assertFalse(rendered[True][0].endswith(f"1 / {len(texts)}"))
        # other reports are left to their layout
        invoice = self.env.ref("account.account_invoices")
        with patch.object(pdf_numbers, "wkhtmltopdf_draws_footers", return_value=False):
            self.assertFalse(invoice._segmentation_numbers_pages(invoice.report_name))
