//! What the layout checks need to know about a frame: where content is meant to run past
//! the edge of what is shown, because it scrolls sideways (a wide table, the week strip).
//!
//! Text cut off at the side of its panel is a layout bug everywhere else, and the layout
//! tests look for it on every screen, at every window size and zoom they try. Each sideways
//! scroll area marks its viewport with [`scrolls_sideways`] so that those tests can tell a
//! table that scrolls from a label that does not fit.

use eframe::egui::{self, Rect, Ui};

fn key() -> egui::Id {
    egui::Id::unique("sandtable_sideways_viewports")
}

/// Forgets the previous frame's viewports; called once at the start of each frame.
pub fn begin_frame(ctx: &egui::Context) {
    ctx.data_mut(|d| d.remove_temp::<Vec<Rect>>(key()));
}

/// Marks the area `ui` shows as the visible part of content that scrolls sideways.
/// Called from inside the scroll area's contents.
pub fn scrolls_sideways(ui: &Ui) {
    let viewport = ui.clip_rect();
    ui.ctx()
        .data_mut(|d| d.get_temp_mut_or_default::<Vec<Rect>>(key()).push(viewport));
}

/// This frame's viewports of content that scrolls sideways.
pub fn sideways_viewports(ctx: &egui::Context) -> Vec<Rect> {
    ctx.data(|d| d.get_temp::<Vec<Rect>>(key()).unwrap_or_default())
}
