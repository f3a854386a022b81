# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Who may be classified, and who is a customer or a prospect.

*Own partners* are never classified, by any scheme: the partners of the
companies of this database and of internal users (archived ones included:
a former colleague's partner is a staff record, not a customer).

*Customers and prospects* (the shipped schemes' partner filter, the
``customer_or_prospect`` field of contacts) are the commercial partners,
own partners aside, that

- bought: a confirmed sale order, or a posted customer invoice, credit note
  or sales receipt, of any company of the database;
- have an opportunity (a CRM lead of type opportunity), open, won or lost:
  a lost opportunity is archived, and its partner stays a prospect (the
  *cold* one of *Prospect likelihood*); a lead that is not yet an
  opportunity does not count;
- or are marked *Potential customer* on their customer card.

An order, invoice or opportunity of a contact counts for its company.  All
are plain SQL subqueries of partner ids, set-based: the ORM puts
them in the partners' query as ``IN`` / ``NOT IN`` subqueries.
"""

from odoo.tools import SQL

# the customer documents that say a partner bought (account.move.move_type)
SALE_MOVE_TYPES = ("out_invoice", "out_refund", "out_receipt")


def flush(env):
    """Write what the subqueries read to the database first."""
    env["res.partner"].flush_model(["commercial_partner_id", "customer_status"])
    env["res.company"].flush_model(["partner_id"])
    env["res.users"].flush_model(["partner_id", "share"])
    env["sale.order"].flush_model(["partner_id", "state"])
    env["account.move"].flush_model(["partner_id", "state", "move_type"])
    env["crm.lead"].flush_model(["partner_id", "type"])


def own_partners():
    """(Subquery of) ids of the partners of the database's companies and internal users."""
    return SQL(
        """(
        SELECT partner_id FROM res_company
        UNION ALL
        SELECT partner_id FROM res_users WHERE share IS NOT TRUE
        )"""
    )


def customer_domain():
    """The domain of the partners whose commercial partner is a customer or
    a prospect, own partners left out: an OR of one ``IN`` subquery per
    source, each a plain join the planner turns into a semi-join (by hash
    for a whole customer base, through the indexes on the partners'
    commercial partner and the documents' partner for chosen partners).
    The engine splits the OR into a UNION of its branches
    (:func:`.classify.inline_searches`, :func:`.classify.or_branches`)."""
    bought = SQL(
        """(
        SELECT p.commercial_partner_id FROM sale_order o
          JOIN res_partner p ON p.id = o.partner_id
         WHERE o.state = 'sale'
        )"""
    )
    invoiced = SQL(
        """(
        SELECT p.commercial_partner_id FROM account_move m
          JOIN res_partner p ON p.id = m.partner_id
         WHERE m.state = 'posted' AND m.move_type IN %s
        )""",
        SALE_MOVE_TYPES,
    )
    opportunity = SQL(
        """(
        SELECT p.commercial_partner_id FROM crm_lead l
          JOIN res_partner p ON p.id = l.partner_id
         WHERE l.type = 'opportunity'
        )"""
    )
    return [
        ("commercial_partner_id", "not in", own_partners()),
        "|",
        "|",
        "|",
        ("commercial_partner_id", "in", bought),
        ("commercial_partner_id", "in", invoiced),
        ("commercial_partner_id", "in", opportunity),
        # a field of the customer card: contacts hold their company's
        ("customer_status", "=", "potential"),
    ]
