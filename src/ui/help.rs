//! The Help window: keyboard shortcuts and how to play.

use eframe::egui::{self, RichText};

use super::a11y::label;
use super::actions::Action;

/// The keyboard shortcuts, as (keys, what they do).
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Enter", "Commit week (on the briefing: begin)"),
    (
        "Ctrl+Enter",
        "Play on to the next decision: commit, then play the planned weeks until something new can be decided",
    ),
    ("Space", "Tick or untick the focused choice"),
    ("Tab / Shift+Tab", "Move between controls"),
    ("Ctrl+Z", "Undo the last week"),
    ("Alt+Left / Alt+Right", "Look at the previous / next week"),
    ("Ctrl+1 … Ctrl+5", "News, Indicators, Why, Debrief, What if"),
    ("Ctrl+O", "Open a scenario or a session"),
    ("Ctrl+S", "Save the session"),
    ("Ctrl+Shift+S", "Save the session as…"),
    ("Ctrl+T", "Switch between the dark and the light theme"),
    ("F5", "Presenter mode: large type for the projector"),
    (
        "Ctrl+Plus / Ctrl+Minus / Ctrl+0",
        "Zoom in / out / back to 100 % (for a projector; each start is at 100 %)",
    ),
    ("F1", "Show or hide this help"),
];

/// The Help window.
pub fn help_ui(ctx: &egui::Context, actions: &mut Vec<Action>) {
    let mut open = true;
    egui::Window::new("Help")
        .open(&mut open)
        .collapsible(false)
        .default_width(460.0)
        .show(ctx, |ui| {
            label(ui, RichText::new("How to play").strong());
            label(
                ui,
                "Each turn is a week. Tick the choices you want on the right (their cost is \
                 taken from what you hold), then press Commit week. The News tab tells what \
                 happened, the Indicators tab charts it against what was actually decided and \
                 real observations, and the Why tab shows what moved each number.",
            );
            label(
                ui,
                "Pick a past week in the timeline to look back; choosing differently there \
                 starts a new branch. At the end, the Debrief compares your branches with what \
                 was actually decided.",
            );
            label(
                ui,
                "Click a later week in the timeline to plan what you would do then: when that \
                 week comes, its choices are ticked for you, and the What if tab simulates \
                 the plan. Play on to the next decision plays the weeks in between.",
            );
            label(
                ui,
                "Sessions are saved as one .session.ron file holding the scenario and every \
                 branch, to hand in or open on another computer. The session is also saved \
                 automatically after every week.",
            );
            ui.add_space(8.0);
            label(ui, RichText::new("Keyboard shortcuts").strong());
            egui::Grid::new("shortcuts")
                .num_columns(2)
                .striped(true)
                .show(ui, |ui| {
                    for (keys, what) in SHORTCUTS {
                        label(ui, RichText::new(*keys).monospace());
                        label(ui, *what);
                        ui.end_row();
                    }
                });
            ui.add_space(8.0);
            if ui.button("Close help").clicked() {
                actions.push(Action::ToggleHelp);
            }
        });
    if !open {
        actions.push(Action::ToggleHelp);
    }
}
