/** @odoo-module **/
// Segment badges: every segment is shown (colour 0 included, which the
// kanban version of many2many_tags hides), with its full name, and a lock
// icon (Font Awesome, no emoji font needed) on a segment set by hand.
import { registry } from "@web/core/registry";
import {
    Many2ManyTagsField,
    many2ManyTagsField,
} from "@web/views/fields/many2many_tags/many2many_tags_field";

export class SegmentTagsField extends Many2ManyTagsField {
    static props = {
        ...Many2ManyTagsField.props,
        lockField: { type: String, optional: true },
    };

    getTagProps(record) {
        const props = super.getTagProps(record);
        if (this.props.lockField && record.data[this.props.lockField]) {
            props.icon = "fa-lock";
        }
        if (this.props.readonly) {
            delete props.onClick;
        }
        return props;
    }
}

export const segmentTagsField = {
    ...many2ManyTagsField,
    component: SegmentTagsField,
    relatedFields: (fieldInfo) => {
        const fields = many2ManyTagsField.relatedFields(fieldInfo);
        if (fieldInfo.options.lock_field) {
            fields.push({ name: fieldInfo.options.lock_field, type: "boolean" });
        }
        return fields;
    },
    extractProps(fieldInfo, dynamicInfo) {
        const props = many2ManyTagsField.extractProps(fieldInfo, dynamicInfo);
        props.lockField = fieldInfo.options.lock_field;
        return props;
    },
    additionalClasses: ["o_field_many2many_tags", "o_segment_tags"],
};

registry.category("fields").add("segment_tags", segmentTagsField);
registry.category("fields").add("kanban.segment_tags", segmentTagsField);
