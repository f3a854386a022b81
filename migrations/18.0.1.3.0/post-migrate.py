# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Badges: the shipped schemes shown on the contacts' cards and lists (Value
ABC and Lifecycle) and the shipped segments' short badge labels.  Their
records are noupdate, so a database installed before gets them here; a label
a user has already set is kept."""

from psycopg2.extras import Json

SHOWN_SCHEMES = ("scheme_value_abc", "scheme_lifecycle")

SHORT_NAMES = {
    "segment_card_retail_wholesale": "Retail ordering wholesale",
    "segment_card_potential_buying": "Potential that ordered",
    "segment_card_incomplete": "Card incomplete",
    "segment_card_complete": "Card complete",
    "segment_credit_risk": "Risk",
    "segment_credit_over_limit": "Over credit limit",
    "segment_credit_watch": "Watch",
    "segment_credit_good": "Good payer",
    "segment_rfm_champions": "Champions",
    "segment_rfm_loyal": "Loyal customers",
    "segment_rfm_potential_loyalists": "Potential loyalists",
    "segment_rfm_new": "New customers",
    "segment_rfm_promising": "Promising",
    "segment_rfm_need_attention": "Need attention",
    "segment_rfm_about_to_sleep": "About to sleep",
    "segment_rfm_cant_lose": "Can't lose them",
    "segment_rfm_at_risk": "At risk",
    "segment_rfm_lost": "Lost",
    "segment_rfm_hibernating": "Hibernating",
    "segment_abc_a": "Value A",
    "segment_abc_b": "Value B",
    "segment_abc_c": "Value C",
    "segment_size_vip": "VIP",
    "segment_size_large": "Large customer",
    "segment_size_medium": "Medium customer",
    "segment_size_small": "Small customer",
    "segment_life_prospect": "Prospect",
    "segment_life_lost": "Lost",
    "segment_life_at_risk": "At risk",
    "segment_life_new": "New",
    "segment_life_regular": "Regular",
    "segment_life_occasional": "Occasional",
    "segment_prospect_a": "Likely prospect",
    "segment_prospect_b": "Possible prospect",
    "segment_prospect_c": "Early prospect",
    "segment_prospect_d": "Cold prospect",
    "segment_growth_negative": "Negative value",
    "segment_growth_mvc": "Most valuable",
    "segment_growth_mgc": "Most growing",
    "segment_growth_other": "Other customers",
    "segment_wallet_keep": "High share, large volume",
    "segment_wallet_develop": "Low share, large volume",
    "segment_wallet_contact": "High share, small volume",
    "segment_wallet_acquire": "Low share, small volume",
    "segment_volume_top": "Top volume",
    "segment_volume_high": "High volume",
    "segment_volume_medium": "Medium volume",
    "segment_volume_low": "Low volume",
}


def migrate(cr, version):
    cr.execute(
        """
        UPDATE partner_segment_scheme s
           SET show_on_contacts = TRUE
          FROM ir_model_data d
         WHERE d.module = 'partner_segmentation' AND d.model = 'partner.segment.scheme'
           AND d.name IN %s AND d.res_id = s.id
        """,
        [SHOWN_SCHEMES],
    )
    for xmlid, label in SHORT_NAMES.items():
        cr.execute(
            """
            UPDATE partner_segment g
               SET short_name = %s
              FROM ir_model_data d
             WHERE d.module = 'partner_segmentation' AND d.model = 'partner.segment'
               AND d.name = %s AND d.res_id = g.id AND g.short_name IS NULL
            """,
            [Json({"en_US": label}), xmlid],
        )
