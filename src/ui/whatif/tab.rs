//! The What-if tab: a row of its sections, and the one picked.

use eframe::egui;

use super::widgets::act;
use super::{Analysis, WhatIf, WhatIfAction, compare, explain, futures, sensitivity};
use crate::session::Session;
use crate::ui::actions::Action;
use crate::ui::charts::IndicatorChart;

/// The What-if tab.
pub fn whatif_ui(
    ui: &mut egui::Ui,
    whatif: &WhatIf,
    session: &Session,
    charts: &[IndicatorChart],
    actions: &mut Vec<Action>,
) {
    let s = &whatif.settings;
    ui.horizontal_wrapped(|ui| {
        for section in Analysis::ALL {
            if ui
                .selectable_label(s.section == section, section.label())
                .clicked()
            {
                act(actions, WhatIfAction::Section(section));
            }
        }
    });
    ui.separator();
    // Up and down only: the words wrap to the width, and the wide tables scroll sideways
    // on their own.
    egui::ScrollArea::vertical()
        .id_salt(("whatif_section", s.section.label()))
        .auto_shrink([false, false])
        .show(ui, |ui| match s.section {
            Analysis::Futures => futures::futures_ui(ui, whatif, session, charts, actions),
            Analysis::Compare => compare::compare_ui(ui, whatif, session, charts, actions),
            Analysis::Explain => explain::explain_ui(ui, whatif, session, actions),
            Analysis::Sensitivity => sensitivity::sensitivity_ui(ui, whatif, session, actions),
        });
}
