# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


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

    @api.constrains("segment_ids")
    def _check_segments_readable(self):
        """A list follows only segments the user who sets them may read (a
        segment of another company would bring that company's contacts)."""
        for mailing_list in self:
            # sudo: the linked ids, whether the user may read them or not
            if not mailing_list.sudo().segment_ids.with_env(self.env)._all_readable():
                raise ValidationError(
                    self.env._(
                        "Mailing list '%(list)s' may only follow segments you may read.",
                        list=mailing_list.name,
                    )
                )

    def _segment_owner_env(self):
        """The environment the list's members are searched in: its owner's
        (who made it), with the owner's own companies (not those of whoever
        triggered the sync); never the superuser's.  None without an owner."""
        self.ensure_one()
        owner = self.sudo().create_uid  # sudo: who made it, whoever syncs it
        if not owner:
            return None
        context = {k: v for k, v in self.env.context.items() if k != "allowed_company_ids"}
        return self.env(user=owner.id, su=False, context=dict(context, active_test=True))

    def _segment_recipient_emails(self):
        """{normalized email: (name, email)} of the partners in the segments,
        blacklisted addresses excluded, as the list's owner may read them.
        A list that follows a segment its owner may not read collects nobody
        (dropping that segment would widen the AND between schemes)."""
        self.ensure_one()
        env = self._segment_owner_env()
        if env is None:
            return {}
        Partner = env["res.partner"]
        # sudo: the linked ids only; whether the owner may read them is checked next
        segments = self.sudo().segment_ids.with_env(env)
        if not segments._all_readable():
            return {}
        domain = env["partner.segment"]._recipient_domain(segments, self.segment_include_contacts)
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
