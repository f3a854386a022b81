/** @odoo-module **/
import { registry } from "@web/core/registry";
import { expectedFigures } from "./tour_expected";

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
                const id = expectedFigures().lead_id;
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

tours.add("partner_segmentation_salesperson_watch_list_phone", {
    steps: () => [
        {
            content: "On a phone, a card per customer with the whole name",
            trigger: ".o_kanban_view .o_kanban_record:contains('Overdue Trading SIA'):contains('At risk')",
        },
        {
            content: "Another salesperson's customer is not listed",
            trigger: ".o_kanban_view:not(:contains('Plovdiv Stores'))",
        },
        {
            content: "Plan an activity from the card",
            trigger:
                ".o_kanban_record:contains('Overdue Trading SIA') button[name=action_plan_activity]",
            run: "click",
        },
        {
            content: "Odoo's activity form opens on the customer",
            trigger: ".modal .o_form_view .o_field_widget[name=activity_type_id]",
        },
        {
            content: "Close it",
            trigger: ".modal-header .btn-close, .modal .o_form_button_cancel",
            run: "click",
        },
        {
            content: "Back on the cards",
            trigger: "body:not(:has(.modal)) .o_kanban_view",
        },
    ],
});

tours.add("partner_segmentation_manager_segment_coupons", {
    steps: () => [
        {
            content: "The segment form has the coupons button",
            trigger: ".o_form_view .o_form_statusbar button[name=action_segment_coupons]",
            run: "click",
        },
        {
            content: "Odoo's coupon generation opens for the segment",
            trigger: ".modal .o_field_widget[name=segment_id]:contains('At risk')",
        },
        {
            content: "Choose the coupon program",
            trigger: ".modal .o_field_widget[name=program_id] input",
            run: "edit Thank-you",
        },
        {
            content: "Pick it",
            trigger: ".o-autocomplete--dropdown-menu .dropdown-item:contains('Thank-you coupon')",
            run: "click",
        },
        {
            content: "One coupon for each of the segment's two customers",
            trigger: ".modal .o_field_widget[name=coupon_qty]:contains('2')",
        },
        {
            content: "Generate them",
            trigger: ".modal button[name=generate_coupons]",
            run: "click",
        },
        {
            content: "Done: back on the segment",
            trigger: "body:not(:has(.modal)) .o_form_view button[name=action_segment_coupons]",
        },
    ],
});
