# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from markupsafe import Markup

from odoo import models

from ...engine import common


class ResPartner(models.Model):
    """Customer card check (scheme ``card_check``): the segment actions that
    ask salespeople to correct the cards the check flags."""

    _inherit = "res.partner"

    def _segment_card_missing(self):
        """Labels of the card fields this partner has left empty."""
        self.ensure_one()
        labels = []
        for fname in ("customer_type", "governance_type", "sales_channel_id"):
            if not self[fname]:
                labels.append(self._fields[fname]._description_string(self.env))
        return labels

    def action_segment_card_check_todo(self):
        """Segment action of the card check's flagged segments: one to-do for
        the salesperson of each partner, naming what to correct.  A partner
        that already has an open card-check to-do gets it updated, never a
        second one; partners without a salesperson get none (the completeness
        report lists them)."""
        activity_type = self.env.ref(
            "partner_segmentation.mail_activity_type_card_check", raise_if_not_found=False
        )
        if not activity_type:
            return False
        segment = self.env["partner.segment"].browse(self.env.context.get("segment_id")).exists()
        model_id = self.env["ir.model"]._get_id("res.partner")
        # due on the run's day (the engine's reference day)
        today = common.today_of(self.env)
        for partners in self._segment_action_pages():
            partners = partners.filtered("user_id")
            open_todos = self.env["mail.activity"].search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", partners.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
            todo_of = {todo.res_id: todo for todo in open_todos}
            vals_list = []
            for partner in partners:
                problems = [*([segment.name] if segment else []), *partner._segment_card_missing()]
                problems = list(dict.fromkeys(problems))
                note = Markup("<p>%s</p><ul>%s</ul>") % (
                    self.env._("Please check and correct the customer card:"),
                    Markup("").join(Markup("<li>%s</li>") % problem for problem in problems),
                )
                if partner.id in todo_of:
                    todo_of[partner.id].note = note
                    continue
                vals_list.append(
                    {
                        "res_model_id": model_id,
                        "res_id": partner.id,
                        "activity_type_id": activity_type.id,
                        "user_id": partner.user_id.id,
                        "date_deadline": today,
                        "summary": self.env._("Correct the customer card"),
                        "note": note,
                    }
                )
            self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
                vals_list
            )
        return True

    def action_segment_card_check_done(self):
        """Segment action of the card check's 'complete' segment: the open
        card-check to-dos of these partners are marked done."""
        activity_type = self.env.ref(
            "partner_segmentation.mail_activity_type_card_check", raise_if_not_found=False
        )
        if not activity_type:
            return False
        for partners in self._segment_action_pages():
            todos = self.env["mail.activity"].search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", partners.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
            todos.action_feedback(feedback=self.env._("The customer card is complete."))
        return True
