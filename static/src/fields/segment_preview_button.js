/** @odoo-module **/
// Preview before applying: sends the form's unsaved changes to the server,
// which runs the engine on them in a rolled-back savepoint and opens the
// result; nothing is saved.
import { Component } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";

export class SegmentPreviewButton extends Component {
    static template = "partner_segmentation.SegmentPreviewButton";
    static props = { ...standardWidgetProps, method: { type: String } };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
    }

    async onClick() {
        const record = this.props.record;
        if (!(await record.checkValidity({ displayNotification: true }))) {
            return;
        }
        const action = await this.orm.call(
            "partner.segment.preview.wizard",
            this.props.method,
            [record.resId || false, record._getChanges()],
            { context: record.context }
        );
        await this.action.doAction(action);
    }
}

registry.category("view_widgets").add("segment_preview_button", {
    component: SegmentPreviewButton,
    extractProps: ({ attrs }) => ({ method: attrs.method }),
});
