# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression


class MailingMailing(models.Model):
    _inherit = "mailing.mailing"

    segment_ids = fields.Many2many(
        "partner.segment",
        string="Segments",
        help="Send to the partners of these segments (OR within a scheme, AND between "
        "schemes), as they are when the mailing is sent.",
    )
    segment_include_contacts = fields.Boolean(
        string="Include Contacts",
        default=True,
        help="Also send to the contacts (with an email) of the segmented companies.",
    )

    @api.constrains("segment_ids")
    def _check_segments_readable(self):
        for mailing in self:
            # sudo: the linked ids, whether the user may read them or not
            if not mailing.sudo().segment_ids.with_env(self.env)._all_readable():
                raise ValidationError(
                    self.env._(
                        "Mailing '%(mailing)s' may only be sent to segments you may read.",
                        mailing=mailing.subject,
                    )
                )

    @api.model
    def _segmentation_email_from(self):
        """Sender of the mailings the segmentation wizards prepare."""
        email_from = self.env.user.email_formatted or self.env.company.email_formatted
        if not email_from:
            raise UserError(
                self.env._("Set an email address on your user or your company to send mailings.")
            )
        return email_from

    @api.depends(
        "mailing_model_id",
        "contact_list_ids",
        "mailing_type",
        "mailing_filter_id",
        "segment_ids",
        "segment_include_contacts",
    )
    def _compute_mailing_domain(self):
        res = super()._compute_mailing_domain()
        for mailing in self.filtered(
            lambda m: m.segment_ids and m.mailing_model_name == "res.partner"
        ):
            mailing.mailing_domain = repr(
                expression.AND(
                    [
                        mailing._get_default_mailing_domain(),
                        self.env["partner.segment"]._recipient_domain(
                            mailing.segment_ids, mailing.segment_include_contacts
                        ),
                    ]
                )
            )
        return res
