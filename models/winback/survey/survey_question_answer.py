# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class SurveyQuestionAnswer(models.Model):
    _inherit = "survey.question.answer"

    segment_churn_reason_id = fields.Many2one(
        "partner.segment.churn.reason",
        string="Churn Reason",
        ondelete="set null",
        help="Win-back exit survey: choosing this answer records this churn reason "
        "on the customer's win-back line.",
    )
