/** @odoo-module **/
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("partner_segmentation_open_contacts", {
    url: "/odoo/contacts",
    steps: () => [
        {
            content: "The Contacts kanban shows the demo companies",
            trigger: ".o_kanban_record:contains('Azure Interior')",
        },
        {
            content: "Switch to the list view",
            trigger: "button.o_list",
            run: "click",
        },
        {
            content: "The list shows the contacts",
            trigger: ".o_list_view .o_data_row",
        },
    ],
});
