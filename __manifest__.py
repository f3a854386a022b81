# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
{
    "name": "Customer Segmentation",
    "summary": "Classify every customer and prospect by value, size, lifecycle "
    "and potential; act on segments with mailings and win-back campaigns",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/partner-segmentation/partner_segmentation",
    "author": "Customer Segmentation contributors",
    "license": "LGPL-3",
    "depends": ["contacts", "sale_management", "crm", "mass_mailing"],
    "data": [
        "security/partner_segmentation_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron.xml",
        "data/partner_sales_channel_data.xml",
        "data/mail_activity_data.xml",
        "data/partner_segment_metric_data.xml",
        "data/partner_segment_scheme_data.xml",
        "views/partner_segment_metric_templates.xml",
        "views/partner_segment_assignment_views.xml",
        "views/partner_segment_scheme_views.xml",
        "views/partner_segment_views.xml",
        "views/partner_segment_metric_views.xml",
        "views/partner_segment_run_views.xml",
        "views/res_partner_views.xml",
        "wizards/partner_segment_override_wizard_views.xml",
        "wizards/partner_segment_mailing_wizard_views.xml",
        "views/mailing_views.xml",
        "views/partner_segmentation_menus.xml",
    ],
    "demo": ["demo/partner_segmentation_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "partner_segmentation/static/src/js/tours/*.js",
        ],
    },
    "application": True,
}
