//! The Help window: keyboard shortcuts and how to play.

use eframe::egui::{self, RichText};

use super::a11y::label;
use super::actions::{Action, Tab};

/// The keyboard shortcuts, as (keys, what they do), with [`tab_shortcuts`] after
/// Alt+Left / Alt+Right.
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

/// The app's own words, in plain language; the scenario's words are in its glossary.
pub const APP_WORDS: &[(&str, &str)] = &[
    (
        "wants",
        "Where an actor would like your policy to be on an issue, from 0 to 100 (the ends \
         are named when you hover the bar).",
    ),
    (
        "your policy",
        "Where you stand on the issue now; your choices move it.",
    ),
    (
        "pressure point",
        "Where all the actors together push, each counted by how much it cares and how \
         strong it is. A policy far from it costs you approval.",
    ),
    (
        "cares",
        "How much an issue matters to an actor, from 0 (not at all) to 100.",
    ),
    (
        "approval",
        "How close your policy is to what an actor wants on the issues it cares about, \
         out of 100.",
    ),
    (
        "futures",
        "The same weeks simulated many times, with the uncertain numbers and the chance \
         events drawn again each time: what could have happened.",
    ),
    (
        "10–90 % of futures",
        "The band that holds 8 futures in 10; half of them are inside the darker 25–75 % band.",
    ),
    (
        "about the same",
        "Two paths are called better or worse only when 9 futures in 10 differ the same \
         way; otherwise the difference is luck.",
    ),
    (
        "branch",
        "Another path from a past week, where you chose differently. The debrief \
         compares your branches.",
    ),
];

/// The shortcuts of the tabs in words, from [`Tab::ALL`]: (`Ctrl+1 … Ctrl+5`, `News,
/// Indicators, Why, What if, Debrief`).
pub fn tab_shortcuts() -> (String, String) {
    let first = Tab::ALL[0].shortcut();
    let last = Tab::ALL[Tab::ALL.len() - 1].shortcut();
    let names: Vec<&str> = Tab::ALL.iter().map(|t| t.label()).collect();
    (format!("{first} … {last}"), names.join(", "))
}

/// Every keyboard shortcut in the order the help lists them.
pub fn shortcuts() -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = SHORTCUTS
        .iter()
        .map(|(keys, what)| (keys.to_string(), what.to_string()))
        .collect();
    let after = all
        .iter()
        .position(|(keys, _)| keys.starts_with("Alt+Left"))
        .map_or(all.len(), |k| k + 1);
    all.insert(after, tab_shortcuts());
    all
}

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
                 happened, the Indicators tab charts it against real observations (and, at \
                 the end, against what was actually decided), and the Why tab shows what moved \
                 each number.",
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
            label(ui, RichText::new("Words the app uses").strong());
            egui::Grid::new("app_words")
                .num_columns(2)
                .striped(true)
                .show(ui, |ui| {
                    for (word, meaning) in APP_WORDS {
                        label(ui, RichText::new(*word).strong());
                        label(ui, *meaning);
                        ui.end_row();
                    }
                });
            ui.add_space(8.0);
            label(ui, RichText::new("Keyboard shortcuts").strong());
            egui::Grid::new("shortcuts")
                .num_columns(2)
                .striped(true)
                .show(ui, |ui| {
                    for (keys, what) in shortcuts() {
                        label(ui, RichText::new(keys).monospace());
                        label(ui, what);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_lists_the_tabs_in_the_order_of_the_tab_bar() {
        let all = shortcuts();
        let k = all.iter().position(|(keys, _)| keys == "Ctrl+1 … Ctrl+5");
        let k = k.expect("the tabs' shortcuts");
        assert_eq!(all[k].1, "News, Indicators, Why, What if, Debrief");
        assert!(all[k - 1].0.starts_with("Alt+Left"));
        assert_eq!(Tab::WhatIf.shortcut(), "Ctrl+4");
        assert_eq!(Tab::Debrief.key(), egui::Key::Num5);
        assert_eq!(all.len(), SHORTCUTS.len() + 1);
    }
}
