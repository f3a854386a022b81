/** @odoo-module **/
import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");
const RISK = "prepayment required";

tours.add("partner_segmentation_salesperson_watch_list", {
    steps: () => [
        {
            content: "My own customer who entered a watched segment is listed",
            trigger: ".o_list_view .o_data_row:contains('Overdue Trading SIA'):contains('At risk')",
        },
        {
            content: "Another salesperson's customer is not",
            trigger: ".o_list_view:not(:contains('Plovdiv Stores'))",
        },
        {
            content: "Plan an activity from the list",
            trigger: ".o_data_row:contains('Overdue Trading SIA') button[name=action_plan_activity]",
            run: "click",
        },
        {
            content: "Odoo's activity form opens on the customer",
            trigger: ".modal .o_form_view .o_field_widget[name=activity_type_id]",
        },
        {
            content: "Close it",
            trigger: ".modal-header .btn-close",
            run: "click",
        },
        {
            content: "Back on the list",
            trigger: ".o_list_view:not(:has(.modal))",
        },
    ],
});

tours.add("partner_segmentation_salesperson_quotation_warning", {
    steps: () => [
        {
            content: "Choose the customer on a new quotation",
            trigger: ".o_field_widget[name=partner_id] input",
            run: "edit Overdue Trading",
        },
        {
            content: "Pick it",
            trigger: ".o-autocomplete--dropdown-menu .dropdown-item:contains('Overdue Trading SIA')",
            run: "click",
        },
        {
            content: "Odoo's warning shows the segment's message",
            trigger: `.modal:contains('${RISK}')`,
        },
        {
            content: "Acknowledge it",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The banner above the quotation keeps saying it",
            trigger: `.o_segment_sale_warning:contains('${RISK}')`,
        },
        {
            content: "Save the quotation",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved: the quotation has its number",
            trigger: ".o_breadcrumb:contains('S0')",
        },
        {
            content: "The warning is still above it",
            trigger: `.o_segment_sale_warning:contains('${RISK}')`,
        },
    ],
});

tours.add("partner_segmentation_manager_watch_and_opportunity", {
    steps: () => [
        {
            content: "Take away the 'My Customers' filter",
            trigger: ".o_searchview_facet:contains('My Customers') .o_facet_remove",
            run: "click",
        },
        {
            content: "The sales manager sees every salesperson's customers to watch",
            trigger: ".o_list_view:contains('Overdue Trading SIA'):contains('Plovdiv Stores')",
        },
        {
            content: "Open the customer's opportunity",
            trigger: ".o_main_navbar",
            run: function () {
                const id = JSON.parse(
                    sessionStorage.getItem("partner_segmentation.tour_expected") || "{}"
                ).lead_id;
                window.location.href = `/odoo/action-crm.crm_lead_opportunities/${id}`;
            },
            expectUnloadPage: true,
        },
        {
            content: "The opportunity shows the segment's sales warning",
            trigger: `.o_form_view .o_segment_sale_warning:contains('${RISK}')`,
        },
    ],
});
