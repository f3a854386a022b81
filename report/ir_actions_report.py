# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, models

# PDF reports of the addon that run no script: wkhtmltopdf need not wait
# (``report.print_delay``, a second by default) for anything to draw itself
SCRIPTLESS_REPORTS = frozenset({"partner_segmentation.report_segmentation_summary"})


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
