/** @odoo-module **/
import { registry } from "@web/core/registry";
import { expectedFigures } from "./tour_expected";

const tours = registry.category("web_tour.tours");

/**
 * The number the test expects under ``key`` (test_tours.py's
 * start_tour_expecting puts them in the session storage), as a selector
 * matching an element whose whole text is that number: a wrong number,
 * whatever it is, keeps the step waiting until the tour fails.
 */
function showsExactly(key) {
    const expected = expectedFigures();
    if (!(key in expected)) {
        throw new Error(`The test starting this tour gives no expected '${key}'`);
    }
    // the element's text is trimmed; integers show with the user's (English) separators
    return `:contains(/^${expected[key].toLocaleString("en-US")}$/)`;
}

function pickMany2one(field, search, label, scope = "") {
    return [
        {
            content: `Type ${search} in ${field}`,
            trigger: `${scope} .o_field_widget[name=${field}] input`,
            run: `edit ${search}`,
        },
        {
            content: `Choose ${label}`,
            trigger: `.o-autocomplete--dropdown-menu .dropdown-item:contains('${label}')`,
            run: "click",
        },
    ];
}

tours.add("partner_segmentation_admin_creates_scheme", {
    steps: () => [
        {
            content: "Create a scheme",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Name it",
            trigger: ".o_field_widget[name=name] input",
            run: "edit Tour key accounts",
        },
        {
            content: "Give it a code",
            trigger: ".o_field_widget[name=code] input",
            run: "edit tour_key_accounts",
        },
        {
            content: "Add a first segment",
            trigger: ".o_field_widget[name=segment_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Segment name",
            trigger: ".modal .o_field_widget[name=name] input",
            run: "edit Big buyers",
        },
        {
            content: "Its badge label (the code is made from the name)",
            trigger: ".modal .o_field_widget[name=short_name] input",
            run: "edit Big buyer",
        },
        {
            content: "Add a condition",
            trigger: ".modal .o_field_widget[name=condition_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "The condition opens in its own small form: a test on a metric by default",
            trigger: ".modal:not(.o_inactive_modal) .o_field_widget[name=condition_type] input[data-value=metric]:checked",
        },
        {
            content: "The fields of a segment test are not shown",
            trigger: ".modal:not(.o_inactive_modal) .o_form_view:not(:has(.o_field_widget[name=ref_segment_ids]))",
        },
        {
            content: "At least 10,000,000 (typed before the metric)",
            trigger: ".modal:not(.o_inactive_modal) .o_field_widget[name=value] input",
            run: "edit 10000000",
        },
        ...pickMany2one("metric_id", "Invoiced revenue, last", "Invoiced revenue, last 12 months", ".modal:not(.o_inactive_modal)"),
        {
            content: "The metric is chosen, the value kept",
            trigger: ".modal:not(.o_inactive_modal) .o_field_widget[name=value] input:value('10,000,000')",
        },
        {
            content: "Save the condition",
            trigger: ".modal:not(.o_inactive_modal) .o_form_button_save",
            run: "click",
        },
        {
            content: "One line sums the condition up",
            trigger: ".modal .o_field_widget[name=condition_ids] .o_data_row:contains('Invoiced revenue, last 12 months at least 10,000,000')",
        },
        {
            content: "Save and add the next segment",
            trigger: ".modal .o_form_button_save_new",
            run: "click",
        },
        {
            content: "A fresh segment form opens",
            trigger: ".modal .o_field_widget[name=condition_ids]:not(:has(.o_data_row))",
        },
        {
            content: "Second segment: the rest",
            trigger: ".modal .o_field_widget[name=name] input",
            run: "edit Everyone else",
        },
        {
            content: "Save and close",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "Both segments are listed",
            trigger: ".o_field_widget[name=segment_ids] .o_data_row:nth-child(2):contains('Everyone else')",
        },
        {
            content: "Save the scheme",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Recompute",
            trigger: "button[name=action_recompute]",
            run: "click",
        },
        {
            content: "The run is reported",
            trigger: ".o_notification:contains('Partners classified')",
        },
        {
            content: "The big buyers are counted: the test's two",
            trigger: `.o_field_widget[name=segment_ids] .o_data_row:contains('Big buyers') td[name=partner_count]${showsExactly("big")}`,
        },
        {
            content: "The smart button counts the classified partners: all the scheme's",
            trigger: `button[name=action_view_partners] .o_stat_value${showsExactly("everyone")}`,
        },
    ],
});

tours.add("partner_segmentation_salesperson_sees_segments", {
    steps: () => [
        {
            content: "The segments of the schemes shown on contacts show as short badges",
            trigger: ".o_field_widget[name=segment_card_badge_ids] .o_tag:contains('New'):not(:contains('Lifecycle'))",
        },
        {
            content: "Open the Segmentation tab",
            trigger: "a.nav-link:contains('Segmentation')",
            run: "click",
        },
        {
            content: "The current segments show each segment in its colour (New: 7), as the badges do",
            trigger: ".o_field_widget[name=segment_badge_ids] .o_tag.o_tag_color_7:contains('New')",
        },
        {
            content: "The history lists the changes",
            trigger: ".o_field_widget[name=segment_history_ids] .o_data_row:contains('Lifecycle')",
        },
        {
            content: "The metric values are shown",
            trigger: ".o_segment_partner_metrics td:contains('Invoiced revenue, last 12 months')",
        },
    ],
});

tours.add("partner_segmentation_user_overrides_segment", {
    steps: () => [
        {
            content: "Open the Segmentation tab",
            trigger: "a.nav-link:contains('Segmentation')",
            run: "click",
        },
        {
            content: "Set a segment by hand",
            trigger: "button[name=action_segment_override]",
            run: "click",
        },
        {
            content: "Choose the scheme (a plain list: easy on a phone too)",
            trigger: ".modal .o_field_widget[name=scheme_id] select",
            run: "selectByLabel Lifecycle",
        },
        {
            content: "Choose the segment among that scheme's",
            trigger: ".modal .o_field_widget[name=segment_id] select:has(option:contains('Regular')):not(:has(option:contains('Value ABC')))",
            run: "selectByLabel Regular",
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name=reason] input",
            run: "edit Key account, decided by the sales director",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The badge shows the lock as an icon (no emoji font needed)",
            trigger: ".o_field_widget[name=segment_card_badge_ids] .o_tag:has(i.fa-lock):contains('Regular')",
        },
        {
            content: "The reason is listed with the assignment",
            trigger: ".o_data_row:contains('Key account, decided by the sales director')",
        },
    ],
});

tours.add("partner_segmentation_marketer_mailing", {
    steps: () => [
        {
            content: "Open the mailing wizard from the segment",
            trigger: "button[name=action_mailing_wizard]",
            run: "click",
        },
        {
            content: "The wizard shows how many will receive it",
            trigger: `.modal .o_segment_recipient_count${showsExactly("recipients")}`,
        },
        {
            content: "Type a segment's name as the wizard shows it",
            trigger: ".modal .o_field_widget[name=segment_ids] input",
            run: "edit Value ABC: A",
        },
        {
            content: "The segment is offered, with its scheme",
            trigger: ".modal .o-autocomplete--dropdown-item:contains('Value ABC: A')",
        },
        {
            content: "Leave it: the mailing stays on the segment it was opened from",
            trigger: ".modal .o_field_widget[name=segment_ids] input",
            run: "clear",
        },
        {
            content: "Subject",
            trigger: ".modal .o_field_widget[name=subject] input",
            run: "edit We miss you",
        },
        {
            content: "Create the mailing",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The mailing form opens, its recipients named by the segment",
            trigger: "body:not(:has(.modal)) .o_field_widget[name=mailing_domain]",
        },
        {
            content: "The mailing targets the segment",
            trigger: "body:not(:has(.modal)) .o_field_widget[name=segment_ids] .o_tag:contains('Lifecycle: Lost')",
        },
    ],
});

tours.add("partner_segmentation_winback_from_lost", {
    steps: () => [
        {
            content: "Start a win-back campaign from the Lost segment",
            trigger: "button:contains('Win-back Campaign')",
            run: "click",
        },
        {
            content: "The wizard counts the lost customers",
            trigger: `.modal .o_winback_target_count${showsExactly("targets")}`,
        },
        {
            content: "Name the campaign",
            trigger: ".modal .o_field_widget[name=name] input",
            run: "edit Tour win-back",
        },
        {
            content: "Start it",
            trigger: ".modal button[name=action_start]",
            run: "click",
        },
        {
            content: "The campaign lists its customers",
            trigger: "body:not(:has(.modal)) .o_field_widget[name=line_ids] .o_data_row:contains('Lost Tour Customer')",
        },
        {
            content: "Results are shown",
            trigger: "body:not(:has(.modal)) .o_field_widget[name=won_back_count]",
        },
    ],
});

tours.add("partner_segmentation_marketer_filters_by_segment", {
    steps: () => [
        {
            content: "The side panel lists the segments by scheme",
            trigger: ".o_search_panel_filter_group header:contains('Lifecycle')",
        },
        {
            content: "Before filtering, the first page shows every classified customer",
            trigger: ".o_kanban_record:contains('Aardvark Lost Tour Co')",
        },
        {
            content: "Tick New under Lifecycle (the scheme is the group)",
            trigger: ".o_search_panel_filter_group:has(header:contains('Lifecycle')) .o_search_panel_filter_value:contains('New') input",
            run: "click",
        },
        {
            content: "The new customer is listed with its badges",
            trigger: ".o_kanban_record:contains('Tour Customer') .o_tag:contains('New')",
        },
        {
            content: "A customer of another lifecycle segment is not",
            trigger: ".o_kanban_renderer:not(:has(.o_kanban_record:contains('Aardvark Lost Tour Co')))",
        },
        {
            content: "Switch to the list",
            trigger: "button.o_list",
            run: "click",
        },
        {
            content: "The list shows the segments as badges too",
            trigger: ".o_data_row:contains('Tour Customer') .o_field_many2many_tags .o_tag:contains('New')",
        },
    ],
});
