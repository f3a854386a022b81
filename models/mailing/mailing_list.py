# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class MailingList(models.Model):
    _inherit = "mailing.list"

    segment_ids = fields.Many2many(
        "partner.segment",
        string="Segments",
        help="Partners of these segments (OR within a scheme, AND between schemes) "
        "are members of the list.",
    )
    segment_include_contacts = fields.Boolean(string="Include Contacts", default=True)
    segment_sync = fields.Boolean(
        string="Follow Segments",
        help="Re-synchronise the members after every segmentation run: partners "
        "who entered are added, those who left are removed; manual subscriptions "
        "are kept.",
    )
    segment_sync_date = fields.Datetime(string="Last Segment Sync", readonly=True)

    def _segment_recipient_emails(self):
        """{normalized email: (name, email)} of the partners in the segments,
        blacklisted addresses excluded."""
        self.ensure_one()
        Partner = self.env["res.partner"].with_context(active_test=True)
        domain = self.env["partner.segment"]._recipient_domain(
            self.segment_ids, self.segment_include_contacts
        )
        if not domain:
            return {}
        rows = Partner.search_read(
            [*domain, ("email_normalized", "!=", False), ("is_blacklisted", "=", False)],
            ["name", "email", "email_normalized"],
            order="id",
        )
        emails = {}
        for row in rows:
            emails.setdefault(row["email_normalized"], (row["name"], row["email"]))
        return emails

    def _sync_segments(self):
        """Add the segments' partners missing from the list and remove the
        synced members who left; manual subscriptions are never touched and
        no address is subscribed twice."""
        Contact = self.env["mailing.contact"].sudo()
        Subscription = self.env["mailing.subscription"].sudo()
        for mailing_list in self.filtered("segment_ids"):
            wanted = mailing_list._segment_recipient_emails()
            subscriptions = Subscription.search([("list_id", "=", mailing_list.id)])
            present = {}
            for sub in subscriptions:
                present.setdefault(sub.contact_id.email_normalized, sub)
            # an opted-out subscription stays: it is what keeps the address
            # out when the partner comes back into the segments
            stale = subscriptions.filtered(
                lambda s, w=wanted: (
                    s.segment_synced and not s.opt_out and s.contact_id.email_normalized not in w
                )
            )
            stale.unlink()
            missing = [email for email in wanted if email not in present]
            existing = {
                c.email_normalized: c
                for c in Contact.search([("email_normalized", "in", missing)], order="id desc")
            }
            new_contacts = Contact.create(
                [
                    {"name": wanted[e][0], "email": wanted[e][1]}
                    for e in missing
                    if e not in existing
                ]
            )
            existing.update({c.email_normalized: c for c in new_contacts})
            Subscription.create(
                [
                    {
                        "list_id": mailing_list.id,
                        "contact_id": existing[e].id,
                        "segment_synced": True,
                    }
                    for e in missing
                ]
            )
            mailing_list.segment_sync_date = fields.Datetime.now()
        self.invalidate_recordset(["contact_ids", "subscription_ids"])
        return True

    def action_sync_segments(self):
        self._sync_segments()
        return True
