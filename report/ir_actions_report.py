# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import functools
import io
import subprocess

from reportlab.pdfbase.pdfmetrics import stringWidth

from odoo import api, models
from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin
from odoo.tools.pdf import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    PdfFileReader,
    PdfFileWriter,
)

# PDF reports of the addon that run no script: wkhtmltopdf need not wait
# (``report.print_delay``, a second by default) for anything to draw itself
SCRIPTLESS_REPORTS = frozenset({"partner_segmentation.report_segmentation_summary"})
# PDF reports whose pages are numbered even by a wkhtmltopdf that cannot draw
# the layout's HTML footer (its "Page x / y")
NUMBERED_REPORTS = SCRIPTLESS_REPORTS
PAGE_NUMBER_FONT = "/PsegPageNumber"
PAGE_NUMBER_SIZE = 8
PAGE_NUMBER_BOTTOM = 20  # points above the page's bottom edge, within its margin


@functools.lru_cache(maxsize=1)
def wkhtmltopdf_draws_footers():
    """Whether the wkhtmltopdf binary draws HTML headers and footers: only a
    build with patched Qt does; the one of most Linux distributions ignores
    ``--footer-html``, and the layout's page numbers with it."""
    try:
        out = subprocess.run(
            [_get_wkhtmltopdf_bin(), "--version"], capture_output=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return b"patched qt" in out.lower()


def number_pages(pdf_stream):
    """A copy of the PDF in ``pdf_stream`` with "x / y" at the foot of every
    page (digits and a slash only: right in every language, in any font).
    The numbers are a content stream added to each page, so the pages' own
    content is copied as it is, neither parsed nor decompressed."""
    reader = PdfFileReader(pdf_stream, strict=False, overwriteWarnings=False)
    writer = PdfFileWriter()
    total = reader.getNumPages()
    # the writer's own objects: PyPDF2 1.x named it _addObject
    add_object = getattr(writer, "_add_object", None) or writer._addObject  # pylint: disable=protected-access
    font = add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )

    def stream(data):
        content = DecodedStreamObject()
        (getattr(content, "set_data", None) or content.setData)(data)
        return add_object(content)

    save = stream(b"q\n")
    for index in range(total):
        page = reader.getPage(index)
        width = float(abs(page.mediaBox.getWidth()))
        text = f"{index + 1} / {total}"
        x = (width - stringWidth(text, "Helvetica", PAGE_NUMBER_SIZE)) / 2
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else DictionaryObject()
        fonts = resources.get("/Font")
        fonts = fonts.get_object() if fonts is not None else DictionaryObject()
        fonts[NameObject(PAGE_NUMBER_FONT)] = font
        resources[NameObject("/Font")] = fonts
        page[NameObject("/Resources")] = resources
        contents = page.get("/Contents")
        contents = contents.get_object() if contents is not None else ArrayObject()
        if not isinstance(contents, ArrayObject):
            contents = ArrayObject([page.raw_get("/Contents")])
        number = (
            f"Q q BT {PAGE_NUMBER_FONT} {PAGE_NUMBER_SIZE} Tf 0.42 0.46 0.49 rg "
            f"{x:.2f} {PAGE_NUMBER_BOTTOM} Td ({text}) Tj ET Q\n"
        )
        page[NameObject("/Contents")] = ArrayObject([save, *contents, stream(number.encode())])
        writer.addPage(page)
    output = io.BytesIO()
    writer.write(output)
    return output


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    @api.model
    def _run_wkhtmltopdf(self, bodies, report_ref=False, *args, **kwargs):
        reports = self
        if report_ref and self._get_report(report_ref).report_name in SCRIPTLESS_REPORTS:
            reports = self.with_context(partner_segmentation_print_delay="0")
        return super(IrActionsReport, reports)._run_wkhtmltopdf(bodies, report_ref, *args, **kwargs)

    def _build_wkhtmltopdf_args(self, *args, **kwargs):
        command_args = super()._build_wkhtmltopdf_args(*args, **kwargs)
        delay = self.env.context.get("partner_segmentation_print_delay")
        if delay is not None and "--javascript-delay" in command_args:
            command_args[command_args.index("--javascript-delay") + 1] = delay
        return command_args

    @api.model
    def _segmentation_numbers_pages(self, report_ref):
        """Whether the addon numbers the pages of ``report_ref`` itself."""
        report = self._get_report(report_ref)
        return report.report_name in NUMBERED_REPORTS and not wkhtmltopdf_draws_footers()

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        collected = super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
        if self._segmentation_numbers_pages(report_ref):
            numbered = {}  # a stream shared by several records is numbered once
            for value in collected.values():
                stream = value.get("stream")
                if stream:
                    if id(stream) not in numbered:
                        numbered[id(stream)] = number_pages(stream)
                    value["stream"] = numbered[id(stream)]
        return collected
