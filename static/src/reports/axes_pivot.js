/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
// Pivots of the segmentation reports whose rows and columns are the same
// kind of thing (segments: where partners came from, where they went): the
// corner cell names what the columns and the rows are, with the notes the
// action's context gives (``axes_pivot_notes``: {rows, cols}; the migration
// report's days).
import { registry } from "@web/core/registry";
import { pivotView } from "@web/views/pivot/pivot_view";
import { PivotRenderer } from "@web/views/pivot/pivot_renderer";

export class AxesPivotRenderer extends PivotRenderer {
    static template = "partner_segmentation.AxesPivotRenderer";

    axisLabel(groupBys) {
        const { fields } = this.model.metaData;
        return groupBys
            .map((groupBy) => fields[groupBy.split(":")[0]]?.string)
            .filter(Boolean)
            .join(" › ");
    }

    get axisLabels() {
        const { rowGroupBys, colGroupBys } = this.model.metaData;
        const notes = this.model.searchParams?.context?.axes_pivot_notes || {};
        const withNote = (label, note) => (label && note ? `${label}: ${note}` : label);
        return {
            rows: withNote(this.axisLabel(rowGroupBys), notes.rows),
            cols: withNote(this.axisLabel(colGroupBys), notes.cols),
        };
    }
}

registry.category("views").add("partner_segment_axes_pivot", {
    ...pivotView,
    Renderer: AxesPivotRenderer,
});
