//! Text that screen readers can read reliably.
//!
//! egui gives a label its readable text (its text runs) only while the label is on screen,
//! but keeps the label in the accessibility tree when a scroll area or a panel clips it.
//! Screen readers cache that a label has text, then fail to read it once it is scrolled
//! out of view (AT-SPI answers "unknown interface"). [`label`] therefore exposes a label to
//! assistive technology only while it is visible, like egui does for hidden widgets.

use eframe::egui::{self, Response, Stroke, Ui, WidgetInfo, WidgetText};

/// A label, in the accessibility tree only while it is on screen.
pub fn label(ui: &mut Ui, text: impl Into<WidgetText>) -> Response {
    let (position, galley, response) = egui::Label::new(text).layout_in_ui(ui);
    if ui.is_rect_visible(response.rect) {
        response.widget_info(|| {
            WidgetInfo::labeled(egui::accesskit::Role::Label, ui.is_enabled(), galley.text())
        });
        let color = ui.visuals().text_color();
        egui::text_selection::LabelSelectionState::label_text_selection(
            ui,
            &response,
            position,
            galley,
            color,
            Stroke::NONE,
        );
    }
    response
}
