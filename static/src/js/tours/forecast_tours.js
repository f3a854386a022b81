/** @odoo-module **/
import { registry } from "@web/core/registry";
import { shows } from "./tour_expected";

const tours = registry.category("web_tour.tours");

const field = (name) => `.o_form_view .o_field_widget[name=${name}]`;
const total = ".o_segment_forecast_backtest tr.fw-bold";
const fittedNow = `${field("date_fitted")}:not(:contains(2020))`;

/** The parameters of the forecast in words, as the test computed them. */
function inWords() {
    return [
        {
            content: "Purchase days a year of an active customer",
            trigger: `${field("purchase_rate_year")}${shows("purchase_rate_year")}`,
        },
        {
            content: "The share who stay active after a purchase",
            trigger: `${field("stay_share")}${shows("stay_share")}`,
        },
        {
            content: "The average spend of a purchase day",
            trigger: `${field("average_spend")}${shows("average_spend")}`,
        },
        {
            content: "The customers it is fitted on",
            trigger: `${field("customer_count")}${shows("customer_count")}`,
        },
        {
            content: "Those who bought on more than one day",
            trigger: `${field("repeat_customer_count")}${shows("repeat_customer_count")}`,
        },
    ];
}

/**
 * Press the header's button ``name`` (behind the actions button on a
 * phone), until ``done`` (a selector) shows.
 */
function pressHeaderButton(name, content, done) {
    const selector = `button[name=${name}]`;
    return [
        {
            content,
            trigger: ".o_form_view .o_form_statusbar, .o_control_panel button:has(i.fa-cog)",
            run(helpers) {
                const button = [
                    ...document.querySelectorAll(`.o_form_view .o_form_statusbar ${selector}`),
                ].find((b) => b.offsetParent);
                return helpers.click(
                    button || document.querySelector(".o_control_panel button:has(i.fa-cog)")
                );
            },
        },
        {
            content: `${content} (from the menu on a phone)`,
            trigger: `${done}, .o-dropdown--menu ${selector}`,
            run(helpers) {
                const item = document.querySelector(`.o-dropdown--menu ${selector}`);
                if (item) {
                    return helpers.click(item);
                }
            },
        },
    ];
}

tours.add("partner_segmentation_forecast", {
    url: "/odoo/action-partner_segmentation.action_partner_segment_forecast",
    steps: () => [
        {
            content: "Open the shipped forecast",
            trigger: ".o_data_row td[name=name]:contains(Repeat orders), .o_kanban_record:contains(Repeat orders)",
            run: "click",
        },
        ...inWords(),
        ...pressHeaderButton("action_request_backtest", "Make the back-test", total),
        {
            content: "The back-test's customers",
            trigger: `${total} td:eq(1)${shows("backtest_customers")}`,
        },
        {
            content: "The purchase days that happened since the cut-off",
            trigger: `${total} td:eq(2)${shows("backtest_actual")}`,
        },
        {
            content: "The purchase days the forecast predicted",
            trigger: `${total} td:eq(3)${shows("backtest_predicted")}`,
        },
        {
            content: "Those with no repeat purchase before the cut-off",
            trigger: `.o_segment_forecast_backtest tbody tr:first td:eq(1)${shows("backtest_first_customers")}`,
        },
        {
            content: "Open the back-test's chart",
            trigger: ".o_form_view button[name=action_backtest_chart]",
            run: "click",
        },
        {
            content: "The chart: actual and predicted per group",
            trigger: ".o_graph_view .o_graph_renderer canvas",
        },
        {
            content: "Back to the forecast",
            trigger: ".o_breadcrumb .o_back_button, .o_breadcrumb li.breadcrumb-item a:contains(Repeat orders)",
            run: "click",
        },
        ...pressHeaderButton("action_request_fit", "Fit now", fittedNow),
        {
            content: "Fitted now (the test left an old fit's date)",
            trigger: fittedNow,
        },
        ...inWords(),
    ],
});

tours.add("partner_segmentation_forecast_queued", {
    url: "/odoo/action-partner_segmentation.action_partner_segment_forecast",
    steps: () => [
        {
            content: "Open the shipped forecast",
            trigger: ".o_data_row td[name=name]:contains(Repeat orders), .o_kanban_record:contains(Repeat orders)",
            run: "click",
        },
        {
            content: "The form is there, with the old fit",
            trigger: `${field("date_fitted")}:contains(2020)`,
        },
        ...pressHeaderButton(
            "action_request_fit",
            "Fit now, on a source too large to fit in the request",
            ".o_form_view .alert-info:contains(A fit is queued)"
        ),
        {
            content: "Queued, not fitted: the form says so",
            trigger: ".o_form_view .alert-info:contains(A fit is queued):contains(notified when it ends)",
        },
        {
            content: "The old fit is still shown",
            trigger: `${field("date_fitted")}:contains(2020)`,
        },
    ],
});
