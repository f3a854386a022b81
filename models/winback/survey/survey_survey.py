# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class SurveySurvey(models.Model):
    _inherit = "survey.survey"

    segment_exit_survey = fields.Boolean(
        string="Win-back Exit Survey",
        help="Win-back campaigns may send this survey to the customers who decline their "
        "offer. Only surveys marked so can be chosen on a campaign.",
    )
