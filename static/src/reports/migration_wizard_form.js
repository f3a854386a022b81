/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
// The migration wizard opened alone (a link, a bookmark, a reload: no view
// under its dialog): closing it without choosing shows the report of the
// default days instead of a blank page.  Opened over a view, closing it
// returns to that view as any dialog does.
import { onWillUnmount } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { formView } from "@web/views/form/form_view";
import { FormController } from "@web/views/form/form_controller";

export class MigrationWizardFormController extends FormController {
    setup() {
        super.setup();
        // the services themselves: useService's wrappers never answer once
        // the component is gone, which is when they are needed here
        const { action, orm } = this.env.services;
        this.openedAlone = Boolean(this.env.inDialog) && !action.currentController;
        this.reportOpened = false;
        onWillUnmount(() => {
            if (this.openedAlone && !this.reportOpened && !action.currentController) {
                orm.call(this.props.resModel, "action_open_default_report", [])
                    .then((report) => {
                        // nothing opened meanwhile (a menu clicked, a report shown)
                        if (!action.currentController) {
                            action.doAction(report);
                        }
                    });
            }
        });
    }

    async beforeExecuteActionButton(clickParams) {
        const result = await super.beforeExecuteActionButton(clickParams);
        if (clickParams.name === "action_open_report" && result !== false) {
            this.reportOpened = true;
        }
        return result;
    }
}

registry.category("views").add("partner_segment_migration_wizard_form", {
    ...formView,
    Controller: MigrationWizardFormController,
});
