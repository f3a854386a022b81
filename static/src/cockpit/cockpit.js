/** @odoo-module **/
import { Component, onWillStart, onWillUnmount, useEffect, useRef, useState } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { getColor } from "@web/core/colors/colors";
import { formatCurrency } from "@web/core/currency";
import { deserializeDate, formatDate } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { formatInteger, formatPercentage } from "@web/views/fields/formatters";

/**
 * The manager's cockpit: KPI tiles, the chosen scheme's segments and its
 * movers, for a period, a company, a sales team and a salesperson; every
 * figure opens the records it counts.  All figures come from one call,
 * partner.segment.cockpit.get_cockpit_data, computed with the user's rights.
 */
export class SegmentationCockpit extends Component {
    static template = "partner_segmentation.Cockpit";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ data: null, filters: {}, loading: true });
        this.canvasRef = useRef("canvas");
        this.chart = null;
        onWillStart(async () => {
            await loadBundle("web.chartjs_lib");
            await this.load();
        });
        useEffect(
            () => this.renderChart(),
            () => [this.state.data]
        );
        onWillUnmount(() => this.chart && this.chart.destroy());
    }

    async load() {
        this.state.loading = true;
        const data = await this.orm.call("partner.segment.cockpit", "get_cockpit_data", [
            this.state.filters,
        ]);
        this.state.filters = { ...data.filters };
        this.state.data = data;
        this.state.loading = false;
    }

    async onFilterChange(name, ev) {
        const value = ev.target.value;
        this.state.filters[name] = name === "period" ? value : parseInt(value) || false;
        await this.load();
    }

    format(value, kind) {
        if (value === null || value === undefined || value === false) {
            return "—";
        }
        if (kind === "percent") {
            return formatPercentage(value, { digits: [16, 1] });
        }
        if (kind === "monetary") {
            return formatCurrency(value, this.state.data.currency.id, { digits: [69, 0] });
        }
        return formatInteger(value);
    }

    open(action) {
        this.action.doAction({
            type: "ir.actions.act_window",
            name: action.name,
            res_model: action.res_model,
            domain: action.domain,
            views: [
                [false, "list"],
                [false, "form"],
            ],
            target: "current",
        });
    }

    get segments() {
        return this.state.data.segments;
    }

    get maxMovers() {
        return 12;
    }

    get periodLabel() {
        const { date_from, date_to } = this.state.data;
        return _t("%(from)s to %(to)s", {
            from: formatDate(deserializeDate(date_from)),
            to: formatDate(deserializeDate(date_to)),
        });
    }

    renderChart() {
        if (this.chart) {
            this.chart.destroy();
            this.chart = null;
        }
        const canvas = this.canvasRef.el;
        if (!canvas || !this.segments.length) {
            return;
        }
        const segments = this.segments;
        this.chart = new Chart(canvas, {
            type: "bar",
            data: {
                labels: segments.map((s) => s.name),
                datasets: [
                    {
                        label: _t("Customers"),
                        data: segments.map((s) => s.customers),
                        backgroundColor: segments.map((s, i) => getColor(i)),
                    },
                ],
            },
            options: {
                indexAxis: "y",
                maintainAspectRatio: false,
                animation: false,
                plugins: { legend: { display: false } },
                scales: {
                    x: { beginAtZero: true, ticks: { precision: 0 } },
                    y: { ticks: { autoSkip: false } },
                },
                onClick: (ev, elements) => {
                    if (elements.length) {
                        this.open(segments[elements[0].index].action);
                    }
                },
            },
        });
    }
}

registry.category("actions").add("partner_segmentation.cockpit", SegmentationCockpit);
