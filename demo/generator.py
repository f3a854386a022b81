# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Demo data: about sixty companies with three years of sales, so that every
shipped segment has members after install.

Deterministic (fixed seed) and relative to the day of install, Odoo's own
demo documents included (moved to that day first: demo/align.py).  Orders
and invoices are made through the ORM in batches; their dates are then set in
the past.
"""

import datetime
import random

from odoo import Command, fields

from . import align

# (profile, how many): each profile says how a company buys
PROFILES = [
    ("key_account", 6),  # big, monthly, for three years: A / VIP / regular / MVC
    ("large", 6),  # quarterly, large amounts
    ("medium", 10),  # every two months, medium amounts
    ("small", 8),  # a few small orders a year
    ("growing", 4),  # small last year, large this year: MGC
    ("at_risk", 5),  # stopped 7-11 months ago
    ("lost", 4),  # nothing for more than a year
    ("new", 5),  # first order in the last four months
    ("negative", 1),  # credit notes above invoices
    ("prospect_hot", 3),  # no order, opportunity at 80 %
    ("prospect_warm", 3),  # 50 %
    ("prospect_early", 3),  # 15 %
    ("prospect_cold", 2),  # no opportunity
    # RFM groups the profiles above leave empty
    ("cant_lose", 1),  # ordered every few weeks for years, stopped 8 months ago
    ("promising", 1),  # one order, three weeks ago
    ("attention", 1),  # eleven orders two months apart, the last a month ago
    ("lost_once", 1),  # one order, long ago
    ("about_to_sleep", 3),  # two orders, the last one to two months ago
]

NAMES = [
    "Alder",
    "Birch",
    "Cedar",
    "Dogwood",
    "Elm",
    "Fir",
    "Ginkgo",
    "Hazel",
    "Ilex",
    "Juniper",
    "Kapok",
    "Larch",
    "Maple",
    "Nutmeg",
    "Oak",
    "Poplar",
    "Quince",
    "Rowan",
    "Spruce",
    "Teak",
    "Ulmus",
    "Viburnum",
    "Willow",
    "Xylosma",
    "Yew",
    "Zelkova",
]
# what the demo companies buy; each customer type favours its own products
PRODUCTS = [
    "Pallet of mineral water",
    "Case of olive oil",
    "Box of vitamins",
    "Headphones",
    "Coffee beans 1 kg",
    "Shelf display unit",
    "Phone charger",
    "Herbal tea",
]
PRODUCT_WEIGHTS = {
    "wholesale": [30, 25, 5, 5, 20, 10, 3, 2],
    "retail": [5, 10, 20, 15, 10, 5, 20, 15],
    "buyer": [2, 5, 25, 20, 8, 1, 24, 15],
}
SUFFIXES = ["Trading", "Retail", "Pharma", "Foods", "Electronics", "Wholesale", "Stores"]


def _company_names(count, rng):
    names = [f"{tree} {suffix}" for suffix in SUFFIXES for tree in NAMES]
    rng.shuffle(names)
    return names[:count]


def _order_days(profile, rng):
    """Days ago and amount of each order of a company of ``profile``."""
    if profile == "key_account":
        return [(d + rng.randint(0, 9), rng.uniform(9000, 16000)) for d in range(15, 1080, 30)]
    if profile == "large":
        return [(d + rng.randint(0, 20), rng.uniform(8000, 14000)) for d in range(20, 1080, 91)]
    if profile == "medium":
        return [(d + rng.randint(0, 15), rng.uniform(1500, 3500)) for d in range(25, 1080, 61)]
    if profile == "small":
        return [(d + rng.randint(0, 40), rng.uniform(150, 900)) for d in range(40, 1080, 150)]
    if profile == "growing":
        previous = [(d, rng.uniform(1000, 2000)) for d in (400, 500, 620)]
        return previous + [
            (d + rng.randint(0, 10), rng.uniform(4000, 6000)) for d in range(10, 330, 45)
        ]
    if profile == "at_risk":
        last = rng.randint(200, 330)
        return [(d, rng.uniform(800, 2500)) for d in range(last, 1080, 75)]
    if profile == "lost":
        last = rng.randint(400, 600)
        return [(d, rng.uniform(500, 2000)) for d in range(last, 1080, 90)]
    if profile == "new":
        first = rng.randint(30, 120)
        return [(d, rng.uniform(500, 3000)) for d in range(first, 0, -35)]
    if profile == "cant_lose":
        return [(d, rng.uniform(800, 1500)) for d in range(240, 1080, 25)]
    if profile == "promising":
        return [(22, rng.uniform(300, 800))]
    if profile == "attention":
        return [(d, rng.uniform(800, 1500)) for d in range(35, 660, 60)]
    if profile == "lost_once":
        return [(600, rng.uniform(500, 1000))]
    if profile == "about_to_sleep":
        last = rng.randint(31, 45)
        return [(last + 240, rng.uniform(300, 700)), (last, rng.uniform(300, 700))]
    if profile == "negative":
        return [(d, rng.uniform(700, 1200)) for d in (60, 200, 500)]
    return []


def generate(env):
    rng = random.Random(20261122)
    today = fields.Date.context_today(env.user)
    align.align(env, today)
    Partner = env["res.partner"].with_context(tracking_disable=True)
    channels = env["partner.sales.channel"].search([])
    products = env["product.product"].create(
        [
            {
                "name": name,
                "type": "consu",
                "list_price": 100.0,
                "taxes_id": False,
                "default_code": f"SEG-DEMO-{index}",
            }
            for index, name in enumerate(PRODUCTS, start=1)
        ]
    )
    # products are drawn from their own generator: amounts and dates stay the same
    product_rng = random.Random(20261123)
    salespeople = env.ref("base.user_admin") | env.ref("base.user_demo", raise_if_not_found=False)
    wanted = sum(count for _profile, count in PROFILES)
    names = iter(_company_names(wanted, rng))
    companies = []  # (partner, profile)
    for profile, count in PROFILES:
        for _i in range(count):
            vip = profile in ("key_account", "large")
            companies.append(
                (
                    {
                        "name": next(names),
                        "is_company": True,
                        "email": False,
                        "customer_rank": 0 if profile.startswith("prospect") else 1,
                        "user_id": rng.choice(salespeople.ids),
                        "customer_type": rng.choice(
                            ["wholesale", "retail"] if vip else ["retail", "buyer"]
                        ),
                        "governance_type": rng.choice(["independent", "group", "purchasing_group"]),
                        "sales_channel_id": rng.choice(channels.ids) if channels else False,
                    },
                    profile,
                )
            )
    partners = Partner.create([values for values, _profile in companies])
    for partner in partners:
        partner.email = f"purchasing@{partner.name.lower().replace(' ', '-')}.example.com"
    Partner.create(
        [
            {
                "name": f"{first} {partner.name.split()[0]}",
                "parent_id": partner.id,
                "type": "contact",
                "email": f"{first.lower()}@{partner.name.lower().replace(' ', '-')}.example.com",
            }
            for partner in partners
            for first in ("Anna", "Marek")
        ][::2]
    )

    order_vals, order_dates = [], []
    for partner, (_values, profile) in zip(partners, companies, strict=True):
        weights = PRODUCT_WEIGHTS[partner.customer_type or "retail"]
        for days, amount in _order_days(profile, rng):
            if days > 1090 or days < 1:
                continue
            product = product_rng.choices(products, weights)[0]
            order_vals.append(
                {
                    "partner_id": partner.id,
                    "user_id": partner.user_id.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": max(1, round(amount / 100)),
                                "price_unit": round(amount / max(1, round(amount / 100)), 2),
                                "tax_id": [Command.clear()],
                            }
                        )
                    ],
                }
            )
            order_dates.append(today - datetime.timedelta(days=days))
    orders = (
        env["sale.order"].with_context(tracking_disable=True, mail_notrack=True).create(order_vals)
    )
    orders.action_confirm()
    invoice_vals = []
    for order, day in zip(orders, order_dates, strict=True):
        invoice_vals.append(
            {
                "move_type": "out_invoice",
                "partner_id": order.partner_id.id,
                "invoice_date": day,
                "invoice_date_due": day + datetime.timedelta(days=30),
                "invoice_payment_term_id": False,
                "invoice_origin": order.name,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": order.order_line.product_id.id,
                            "quantity": order.order_line.product_uom_qty,
                            "price_unit": order.order_line.price_unit,
                            "tax_ids": [Command.clear()],
                            "sale_line_ids": [Command.link(order.order_line.id)],
                        }
                    )
                ],
            }
        )
    profile_of = {p.id: profile for p, (_v, profile) in zip(partners, companies, strict=True)}
    for partner in partners.filtered(lambda p: profile_of[p.id] == "negative"):
        invoice_vals.append(
            {
                "move_type": "out_refund",
                "partner_id": partner.id,
                "invoice_date": today - datetime.timedelta(days=30),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": products[0].id,
                            "quantity": 1,
                            "price_unit": 3500.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
    moves = env["account.move"].with_context(tracking_disable=True).create(invoice_vals)
    moves.action_post()
    _pay_invoices(env, moves.filtered(lambda m: m.move_type == "out_invoice"), profile_of, today)
    # put the orders back on their dates (confirmation stamps them with now)
    for order, day in zip(orders, order_dates, strict=True):
        order.date_order = datetime.datetime.combine(day, datetime.time(10))

    # prospects: opportunities of different probabilities
    probabilities = {"prospect_hot": 80, "prospect_warm": 50, "prospect_early": 15}
    leads = []
    for partner, (_values, profile) in zip(partners, companies, strict=True):
        if profile in probabilities:
            leads.append(
                {
                    "name": f"{partner.name}: first order",
                    "type": "opportunity",
                    "partner_id": partner.id,
                    "user_id": partner.user_id.id,
                    "probability": probabilities[profile],
                    "expected_revenue": rng.randint(5, 40) * 1000,
                }
            )
    env["crm.lead"].with_context(tracking_disable=True).create(leads)

    _customer_cards(partners, profile_of)

    # annual potential (customer card): share of wallet for the 2×2
    revenue = env.ref("partner_segmentation.metric_revenue_12m").values_for_partners(partners)
    shares = [0.3, 0.85, 0.4, 0.7]
    for index, (partner, (_values, profile)) in enumerate(zip(partners, companies, strict=True)):
        if profile.startswith("prospect") or profile == "lost":
            continue
        share = shares[index % len(shares)]
        partner.annual_potential = round(max(revenue[partner.id], 2000) / share, -2)
    return partners


# how each profile pays (credit scheme): days after the due date's month
# starts; None leaves the last year's invoices open
PAYMENT_DELAY = {
    "key_account": 0,
    "large": 0,
    "growing": 0,
    "new": 0,
    "negative": 0,
    "medium": 40,
    "small": None,
    "at_risk": None,
}


def _pay_invoices(env, invoices, profile_of, today):
    """Invoices older than a year are paid; the last year's by profile:
    on time, late, or not at all (one payment run per month, so that the
    demo stays quick).  A key account keeps its last invoice open against
    a credit limit."""
    year_ago = today - datetime.timedelta(days=365)
    batches = {}
    for move in invoices:
        delay = PAYMENT_DELAY.get(profile_of[move.partner_id.id], 0)
        due = move.invoice_date_due
        if due <= year_ago:
            pay_on = today
        elif delay is None:
            continue
        else:
            pay_on = due.replace(day=1) + datetime.timedelta(days=delay)
            if pay_on > today:
                continue
        batches.setdefault(pay_on, env["account.move"])
        batches[pay_on] |= move
    key_account = next(pid for pid, profile in profile_of.items() if profile == "key_account")
    last = invoices.filtered(lambda m: m.partner_id.id == key_account).sorted("invoice_date")[-1:]
    for pay_on, moves in sorted(batches.items()):
        moves -= last
        if moves:
            env["account.payment.register"].with_context(
                active_model="account.move", active_ids=moves.ids
            ).create({"payment_date": pay_on, "group_payment": True})._create_payments()
    last.partner_id.credit_limit = round(last.amount_total / 2, -2)


def _customer_cards(partners, profile_of):
    """Cards to check: some incomplete, prospects recorded as potential,
    one new customer still recorded as potential."""
    new_seen = False
    for index, partner in enumerate(partners):
        profile = profile_of[partner.id]
        if profile.startswith("prospect"):
            partner.customer_status = "potential"
        elif profile == "new" and not new_seen:
            partner.customer_status = "potential"  # ordered since: the card check flags it
            new_seen = True
        else:
            partner.customer_status = "existing"
        if profile in ("small", "medium") and index % 3 == 0:
            partner.sales_channel_id = False
        if profile == "at_risk" and index % 2 == 0:
            partner.governance_type = False
