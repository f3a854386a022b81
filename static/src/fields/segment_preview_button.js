/** @odoo-module **/
// Preview before applying: sends the form's unsaved changes to the server,
// which runs the engine on them in a rolled-back savepoint and opens the
// result; nothing is saved.
import { Component } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";

export class SegmentPreviewButton extends Component {
    static template = "partner_segmentation.SegmentPreviewButton";
    static props = { ...standardWidgetProps, method: { type: String } };

    setup() {
        // not useService: on a phone the button sits in a menu that closes
        // (and is destroyed) on click, while the preview is still coming
        this.orm = this.env.services.orm;
        this.action = this.env.services.action;
    }

    async onClick() {
        const record = this.props.record;
        await record.isDirty(); // the field being edited commits its value
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
        // the dialog focuses its first button, which on a phone is the movers'
        // at the bottom of the preview: show the preview from its top
        const dialogs = document.querySelectorAll(".modal .o_segment_preview");
        dialogs[dialogs.length - 1]?.closest(".modal-body")?.scrollTo({ top: 0 });
    }
}

registry.category("view_widgets").add("segment_preview_button", {
    component: SegmentPreviewButton,
    extractProps: ({ attrs }) => ({ method: attrs.method }),
});
