/** @odoo-module **/
// The addon's tours wait up to 30 s for each step instead of Odoo's default
// 10 s: on a loaded machine (a CI runner shared with other work) the first
// page of a tour, with its assets, action and data, can take longer than
// 10 s to appear, which says nothing about the addon.  A tour may still set
// its own timeout, and a step its own.
import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");
const TIMEOUT = 30000;

function allowLoad(name, tour) {
    if (name.startsWith("partner_segmentation") && tour && tour.timeout === undefined) {
        tour.timeout = TIMEOUT;
    }
}

for (const [name, tour] of tours.getEntries()) {
    allowLoad(name, tour);
}
tours.addEventListener("UPDATE", ({ detail }) => {
    if (detail.operation === "add") {
        allowLoad(detail.key, detail.value);
    }
});
