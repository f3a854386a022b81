/** @odoo-module **/
// A segment (many2one) as a badge in its segment's colour, as the segment
// tags show it; Odoo's badge widget only knows decorations, so in a list
// every segment came out grey.  Options: color_field (default "color").
import { registry } from "@web/core/registry";
import { BadgeField, badgeField } from "@web/views/fields/badge/badge_field";

export class SegmentBadgeField extends BadgeField {
    static template = "partner_segmentation.SegmentBadgeField";
    static props = {
        ...BadgeField.props,
        colorField: { type: String, optional: true },
    };
    static defaultProps = {
        ...BadgeField.defaultProps,
        colorField: "color",
    };

    get colorClass() {
        return `o_tag_color_${this.props.record.data[this.props.colorField] || 0}`;
    }
}

export const segmentBadgeField = {
    ...badgeField,
    component: SegmentBadgeField,
    supportedTypes: ["many2one"],
    extractProps(fieldInfo, dynamicInfo) {
        return {
            ...badgeField.extractProps(fieldInfo, dynamicInfo),
            colorField: fieldInfo.options.color_field,
        };
    },
};

registry.category("fields").add("segment_badge", segmentBadgeField);
