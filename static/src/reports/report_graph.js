/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
// Graphs of the segmentation reports with both axes titled (Odoo titles
// neither by default) and the legend titled with what its colours are.
// The Pareto curve also runs from 0 % to 100 % on both axes, its x axis
// labelled every 10 % of partners (a category axis of up to 101 points
// otherwise reads "2, 5, 7…").
import { registry } from "@web/core/registry";
import { graphView } from "@web/views/graph/graph_view";
import { GraphRenderer } from "@web/views/graph/graph_renderer";

function fieldString(metaData, index) {
    const groupBy = metaData.groupBy[index];
    const field = groupBy && metaData.fields[groupBy.fieldName];
    return field ? field.string : "";
}

export class TitledGraphRenderer extends GraphRenderer {
    getScaleOptions() {
        const scales = super.getScaleOptions();
        if (scales.x) {
            const text = fieldString(this.model.metaData, 0);
            scales.x.title = { display: Boolean(text), text };
            scales.y.title = { ...scales.y.title, display: true };
        }
        return scales;
    }

    getLegendOptions() {
        const options = super.getLegendOptions();
        const text = this.model.metaData.mode !== "pie" && fieldString(this.model.metaData, 1);
        if (text) {
            options.title = { display: true, text };
        }
        return options;
    }
}

export class ParetoGraphRenderer extends TitledGraphRenderer {
    getScaleOptions() {
        const scales = super.getScaleOptions();
        if (!scales.x) {
            return scales;
        }
        const { labels } = this.model.data;
        const few = labels.length <= 21;
        scales.x.ticks = {
            ...scales.x.ticks,
            autoSkip: few,
            maxRotation: 0,
            callback: (val, index) => {
                const label = labels[index];
                return few || Number(label) % 10 === 0 ? label : null;
            },
        };
        scales.y.min = 0;
        scales.y.max = 100;
        scales.y.ticks = { ...scales.y.ticks, stepSize: 10 };
        return scales;
    }
}

registry.category("views").add("partner_segment_titled_graph", {
    ...graphView,
    Renderer: TitledGraphRenderer,
});
registry.category("views").add("partner_segment_pareto_graph", {
    ...graphView,
    Renderer: ParetoGraphRenderer,
});
