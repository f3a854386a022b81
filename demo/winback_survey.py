# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Demo of the exit survey: a win-back campaign on the lost customers where
one customer declined and answered the survey, and another declined and has
the survey waiting."""

from odoo import Command


def generate(env):
    lost = env.ref("partner_segmentation.segment_life_lost")
    partners = (
        env["partner.segment.assignment"]
        .search([("segment_id", "=", lost.id)], order="partner_id")
        .partner_id[:3]
    )
    if len(partners) < 2:
        return env["partner.segment.winback.campaign"]
    campaign = env["partner.segment.winback.campaign"].create(
        {
            "name": env._("Win back lost customers"),
            # the demo's sales manager, not the user who installs the demo
            "user_id": env.ref("base.user_admin").id,
            "exit_survey": True,
            "segment_ids": [Command.set(lost.ids)],
            "line_ids": [
                Command.create({"partner_id": p.id, "segment_id": lost.id, "user_id": p.user_id.id})
                for p in partners
            ],
        }
    )
    answered, waiting = campaign.line_ids.sorted("partner_id")[:2]
    price = env.ref("partner_segmentation.churn_reason_price")
    for line in answered | waiting:
        line.churn_reason_id = price  # the customer turned the offer down
        if line.outcome != "declined":
            line.outcome = "declined"
    (answered | waiting).action_send_exit_survey()
    question = campaign.exit_survey_id.question_ids[:1]
    reason = env.ref("partner_segmentation.churn_reason_competitor")
    competitor = question.suggested_answer_ids.filtered(
        lambda a: a.segment_churn_reason_id == reason
    )
    answer = answered.survey_user_input_id
    answer._save_lines(question, competitor.id, comment=env._("A local wholesaler is cheaper."))
    answer._mark_done()
    return campaign
