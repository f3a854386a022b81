/** @odoo-module **/
// Reporting: each report opens with data, switches views, and keeps the
// partners one click away; filters matching nothing show the empty-state help.
import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

function switchView(type) {
    return [
        {
            content: `Open the ${type} view`,
            trigger: `.o_control_panel .o_switch_view.o_${type}, .o_control_panel .o_cp_switch_buttons .dropdown-toggle`,
            run: "click",
        },
        {
            content: `In the ${type} view (or the mobile view menu, pick it)`,
            trigger: `.o_${type}_view, .dropdown-menu .o_switch_view.o_${type}`,
            run(helpers) {
                const item = document.querySelector(`.dropdown-menu .o_switch_view.o_${type}`);
                if (item) {
                    return helpers.click(item);
                }
            },
        },
        {
            content: `The ${type} view is shown`,
            trigger: `.o_${type}_view`,
        },
    ];
}

tours.add("partner_segmentation_report_distribution", {
    steps: () => [
        {
            content: "The pivot lists the schemes with partner counts",
            trigger: ".o_pivot_view .o_pivot th:contains('Value ABC')",
        },
        {
            content: "and their shares of revenue",
            trigger: ".o_pivot_view .o_pivot th:contains('Share of Revenue (%)')",
        },
        {
            content: "Open the partners behind a cell",
            trigger: ".o_pivot_view .o_pivot .o_pivot_cell_value:not(:empty)",
            run: "click",
        },
        {
            content: "They are listed, one click from their card",
            trigger: ".o_list_view .o_data_row button[name=action_open_partner]",
            run: "click",
        },
        {
            content: "The partner's form is open",
            trigger: ".o_form_view .o_notebook a.nav-link:contains('Segmentation')",
        },
    ],
});

tours.add("partner_segmentation_report_distribution_graph", {
    steps: () => [
        {
            content: "The pivot is shown first",
            trigger: ".o_pivot_view .o_pivot",
        },
        ...switchView("graph"),
        {
            content: "A chart is drawn",
            trigger: ".o_graph_view canvas",
        },
    ],
});

tours.add("partner_segmentation_report_empty", {
    steps: () => [
        {
            content: "Open the search options",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Filter on my customers",
            trigger: ".o_filter_menu .o_menu_item:contains('My Customers')",
            run: "click",
        },
        {
            content: "The salesperson has none: Odoo's empty-state help, not an error",
            trigger: ".o_view_nocontent:contains('No classified partner matches')",
        },
    ],
});

tours.add("partner_segmentation_report_sizes", {
    steps: () => [
        {
            content: "Sizes over time: a line per segment",
            trigger: ".o_graph_view canvas",
        },
        {
            content: "filtered on Value ABC",
            trigger: ".o_searchview .o_facet_value:contains('Value ABC')",
        },
    ],
});

tours.add("partner_segmentation_report_migration", {
    steps: () => [
        {
            content: "Choose the days (a month back to today by default)",
            trigger: ".modal .o_field_widget[name=date_from] input",
        },
        {
            content: "Show the migration",
            trigger: ".modal button[name=action_open_report]",
            run: "click",
        },
        {
            content: "Rows: where they came from; columns: where they went",
            trigger: ".o_pivot_view .o_pivot thead th:contains('To')",
        },
        {
            content: "Open the partners of a cell",
            trigger: ".o_pivot_view .o_pivot tbody .o_pivot_cell_value:not(:empty)",
            run: "click",
        },
        {
            content: "One click from each partner",
            trigger: ".o_list_view .o_data_row button[name=action_open_partner]",
            run: "click",
        },
        {
            content: "The partner's form is open",
            trigger: ".o_form_view .o_notebook a.nav-link:contains('Segmentation')",
        },
    ],
});

tours.add("partner_segmentation_report_pareto", {
    steps: () => [
        {
            content: "The Pareto curve of Value ABC, one colour per segment",
            trigger: ".o_graph_view canvas",
        },
        {
            content: "the empty-state text explains the boundary rule when nothing matches; here the curve has data",
            trigger: ".o_graph_view:not(:has(.o_view_nocontent))",
        },
        {
            content: "one line per segment: the cut-offs show where the colour changes",
            trigger: ".o_graph_view .o_graph_renderer",
        },
    ],
});

tours.add("partner_segmentation_report_overlap", {
    steps: () => [
        {
            content: "Value ABC segments against Lifecycle segments",
            trigger: ".o_pivot_view .o_pivot thead th:contains('Lifecycle')",
        },
        {
            content: "with counts",
            trigger: ".o_pivot_view .o_pivot tbody .o_pivot_cell_value:not(:empty)",
        },
    ],
});

tours.add("partner_segmentation_report_product", {
    steps: () => [
        {
            content: "Each segment's products with their own class",
            trigger: ".o_pivot_view .o_pivot th:contains('Value ABC')",
        },
        {
            content: "and revenue",
            trigger: ".o_pivot_view .o_pivot tbody .o_pivot_cell_value:not(:empty)",
        },
        ...switchView("graph"),
        {
            content: "A chart is drawn",
            trigger: ".o_graph_view canvas",
        },
    ],
});

function openPreview(expected) {
    return [
        {
            content: "Preview (in the header, or behind the actions button on a phone)",
            trigger: ".o_form_view .o_form_statusbar, .o_control_panel button:has(i.fa-cog)",
            run(helpers) {
                const button = [...document.querySelectorAll(".o_segment_preview_button")].find(
                    (b) => b.offsetParent
                );
                return helpers.click(
                    button || document.querySelector(".o_control_panel button:has(i.fa-cog)")
                );
            },
        },
        {
            content: "Click Preview if it was in the menu",
            trigger: `${expected}, .o-dropdown--menu .o_segment_preview_button`,
            run(helpers) {
                const item = document.querySelector(".o-dropdown--menu .o_segment_preview_button");
                if (item) {
                    return helpers.click(item);
                }
            },
        },
        {
            content: "The result",
            trigger: expected,
        },
    ];
}

const discardForm = [
    {
        content: "Leave the form without saving",
        trigger: "body:not(:has(.modal)) .o_form_button_cancel",
        run: "click",
    },
    {
        content: "Nothing is left to save",
        trigger: ".o_form_view:not(:has(.o_form_button_cancel:visible))",
    },
];

tours.add("partner_segmentation_preview", {
    steps: () => [
        {
            content: "Lower the A cut-off of Value ABC, without saving",
            trigger: ".o_field_widget[name=pareto_cutoff] input",
            run: "edit 50",
        },
        ...openPreview(".modal:contains('Who would move')"),
        {
            content: "The counts with the unsaved cut-off",
            trigger: ".modal .o_field_widget[name=segment_line_ids] .o_data_row:contains('A')",
        },
        {
            content: "Open the partners who would leave A",
            trigger: ".modal .o_field_widget[name=move_line_ids] .o_data_row:contains('A → B') button[name=action_view_partners]",
            run: "click",
        },
        {
            content: "They are listed",
            trigger: ".modal .o_list_view .o_data_row",
        },
        {
            content: "Close the list",
            trigger: ".modal:has(.o_list_view) .modal-header .btn-close, .modal:has(.o_list_view) .o_mobile_dialog_back, .modal:has(.o_list_view) .modal-header button",
            run: "click",
        },
        ...discardForm,
    ],
});

tours.add("partner_segmentation_preview_invalid", {
    steps: () => [
        {
            content: "A cut-off above 100 %",
            trigger: ".o_field_widget[name=pareto_cutoff] input",
            run: "edit 150",
        },
        ...openPreview(".modal:contains('cut-off must be above 0 and at most 100')"),
        {
            content: "Close the message",
            trigger: ".modal:contains('cut-off must be above 0') .modal-footer .btn-primary",
            run: "click",
        },
        ...discardForm,
    ],
});

tours.add("partner_segmentation_explain", {
    steps: () => [
        {
            content: "Open the Segmentation tab",
            trigger: ".o_notebook .nav-link:contains('Segmentation')",
            run: "click",
        },
        {
            content: "Ask why the customer is in its Value ABC segment",
            // a row on a desktop, a card on a phone
            trigger:
                ".o_field_widget[name=segment_badge_ids] .o_data_row:contains('Value ABC') button[name=action_explain], " +
                ".o_field_widget[name=segment_badge_ids] .o_kanban_record:contains('Value ABC') button[name=action_explain]",
            run: "click",
        },
        {
            content: "The engine's reasons are shown",
            trigger: ".modal .o_segment_explanation:contains('The engine says'):contains('Boundaries stored by the last full run')",
        },
    ],
});
