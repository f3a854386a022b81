/** @odoo-module **/
import { registry } from "@web/core/registry";
import { expectedFigures, shows } from "./tour_expected";

const tours = registry.category("web_tour.tours");

function expected(key) {
    return expectedFigures()[key];
}

const tile = (key) => `.o_segmentation_cockpit .o_cockpit_tile[data-key=${key}]`;

/** The list (or, on a phone, the cards) shows exactly the ``key`` records. */
function listsExactly(key) {
    return {
        content: "Exactly those customers are listed",
        trigger: ".o_list_view .o_data_row, .o_kanban_view .o_kanban_record:not(.o_kanban_ghost)",
        run() {
            const rows = document.querySelectorAll(
                ".o_list_view .o_data_row, .o_kanban_view .o_kanban_record:not(.o_kanban_ghost)"
            ).length;
            if (rows !== expected(key)) {
                throw new Error(`${rows} records listed, ${expected(key)} expected (${key})`);
            }
        },
    };
}

function backToCockpit() {
    return [
        {
            content: "Back to the cockpit",
            trigger: ".o_back_button",
            run: "click",
        },
        {
            content: "The cockpit is back",
            trigger: `${tile("at_risk")} .o_cockpit_value`,
        },
    ];
}

tours.add("partner_segmentation_cockpit", {
    steps: () => [
        {
            content: "The share of the A customers' revenue",
            trigger: `${tile("a_share")} .o_cockpit_value${shows("a_share")}`,
        },
        {
            content: "The customers at risk or lost",
            trigger: `${tile("at_risk")} .o_cockpit_value${shows("at_risk")}`,
        },
        {
            content: "The revenue at risk",
            trigger: `${tile("revenue_at_risk")} .o_cockpit_value${shows("revenue_at_risk")}`,
        },
        {
            content: "The win-back rate",
            trigger: `${tile("winback_rate")} .o_cockpit_value${shows("winback_rate")}`,
        },
        {
            content: "Value ABC's segments: the A customers",
            trigger: `.o_cockpit_segments tr[data-id] .o_cockpit_customers${shows("abc_a")}`,
        },
        {
            content: "Open the customers at risk or lost",
            trigger: tile("at_risk"),
            run: "click",
        },
        listsExactly("at_risk"),
        ...backToCockpit(),
        {
            content: "Choose a salesperson",
            trigger: ".o_cockpit_filters select[name=user_id]",
            run: () => {
                const select = document.querySelector(".o_cockpit_filters select[name=user_id]");
                select.value = String(expected("salesperson_id"));
                select.dispatchEvent(new Event("change"));
            },
        },
        {
            content: "Their customers at risk or lost",
            trigger: `${tile("at_risk")} .o_cockpit_value${shows("salesperson_at_risk")}`,
        },
        {
            content: "Open them",
            trigger: tile("at_risk"),
            run: "click",
        },
        listsExactly("salesperson_at_risk"),
        ...backToCockpit(),
        {
            content: "The movers in the period",
            trigger: ".o_cockpit_movers tbody tr",
        },
    ],
});

tours.add("partner_segmentation_marketer_path", {
    steps: () => [
        {
            content: "Open the apps",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open Email Marketing",
            trigger: ".o_app[data-menu-xmlid='mass_mailing.mass_mailing_menu_root']",
            run: "click",
        },
        {
            content: "Open its Segmentation menu",
            trigger: ".o_menu_sections button[data-menu-xmlid='partner_segmentation.menu_mass_mailing_segmentation']",
            run: "click",
        },
        {
            content: "Segments",
            trigger: ".dropdown-item[data-menu-xmlid='partner_segmentation.menu_mass_mailing_segments']",
            run: "click",
        },
        {
            content: "The segments, in Email Marketing",
            trigger: ".o_main_navbar .o_menu_brand:contains('Email Marketing')",
        },
        {
            content: "The segments are listed",
            trigger: ".o_kanban_view .o_kanban_record:contains('Lost')",
        },
        {
            content: "Open the Segmentation menu again",
            trigger: ".o_menu_sections button[data-menu-xmlid='partner_segmentation.menu_mass_mailing_segmentation']",
            run: "click",
        },
        {
            content: "Mailing by Segment",
            trigger: ".dropdown-item[data-menu-xmlid='partner_segmentation.menu_mass_mailing_by_segment']",
            run: "click",
        },
        {
            content: "Type the segment",
            trigger: ".modal .o_field_widget[name=segment_ids] input",
            run: "edit Lost",
        },
        {
            content: "Choose Lifecycle: Lost",
            trigger: ".o-autocomplete--dropdown-menu .dropdown-item:contains('Lifecycle: Lost')",
            run: "click",
        },
        {
            content: "Who it reaches",
            trigger: `.modal .o_segment_recipient_count${shows("recipients")}`,
        },
        {
            content: "Subject",
            trigger: ".modal .o_field_widget[name=subject] input",
            run: "edit Come back to us",
        },
        {
            content: "Create the mailing",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The mailing targets the segment (its form loads the mail editor)",
            trigger:
                "body:not(:has(.modal)) .o_field_widget[name=segment_ids] .o_tag:contains('Lifecycle: Lost')",
            timeout: 30000,
        },
    ],
});
