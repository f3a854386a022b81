/** @odoo-module **/
// A threshold as people write it: 180 and 0.5, not 180.0000 and 0.5000
// (the stored precision is kept; only the trailing zeros are not shown).
import { registry } from "@web/core/registry";
import { formatFloat } from "@web/core/utils/numbers";
import { FloatField, floatField } from "@web/views/fields/float/float_field";

export class FloatCompactField extends FloatField {
    get formattedValue() {
        // shown and edited compact (365, not 365.0000, in a condition's form)
        if (
            typeof this.value !== "number" ||
            !this.props.formatNumber ||
            this.props.inputType === "number"
        ) {
            return super.formattedValue;
        }
        return formatFloat(this.value, { digits: this.props.digits, trailingZeros: false });
    }
}

registry.category("fields").add("float_compact", { ...floatField, component: FloatCompactField });
