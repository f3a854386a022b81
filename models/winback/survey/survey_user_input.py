# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import models


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    def _mark_done(self):
        res = super()._mark_done()
        # The customer submits the exit survey through the public survey pages
        # (no rights on win-back lines): the lines linked to these very answers
        # are updated with what the customer chose, nothing else.
        lines = (
            self.env["partner.segment.winback.line"]
            .sudo()
            .search([("survey_user_input_id", "in", self.ids)])
        )
        lines._record_survey_answer()
        return res
