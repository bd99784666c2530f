//! File > Recover an autosave: the sessions the autosave store holds (replaced, closed,
//! crashed, or open in another window), each with its date, scenario, branch and week, to
//! open again.

use std::path::PathBuf;
use web_time::{SystemTime, UNIX_EPOCH};

use eframe::egui::{self, RichText};

use super::a11y::label;
use super::actions::Action;
use super::text::week_title;
use crate::autosave::{AutosaveStore, EntryState};
use crate::scenario::date::Date;

/// One autosave as listed.
#[derive(Debug, Clone, PartialEq)]
pub struct RecoverItem {
    pub path: PathBuf,
    /// "Mali 2013: one plane, or more? · Week 5 of 18 · 21 Jan 2013 · branch “Main”".
    pub description: String,
    /// "saved 2026-12-01 20:58 UTC (3 minutes ago)".
    pub saved: String,
    pub state: EntryState,
    /// Why it cannot be opened, if it cannot.
    pub error: Option<String>,
}

/// The list, read from the store when the window opens.
pub fn recover_items(store: &AutosaveStore) -> Vec<RecoverItem> {
    store
        .entries()
        .into_iter()
        .map(|entry| {
            let saved = entry.saved.map_or_else(String::new, saved_when);
            match AutosaveStore::summary(&entry) {
                Ok((summary, session)) => RecoverItem {
                    description: format!(
                        "{} · {} · branch “{}”",
                        summary.scenario,
                        week_title(session.model(), summary.cursor),
                        summary.branch
                    ),
                    path: entry.path,
                    saved,
                    state: entry.state,
                    error: None,
                },
                Err(e) => RecoverItem {
                    description: entry
                        .path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    path: entry.path,
                    saved,
                    state: entry.state,
                    error: Some(e.short().trim_end().to_string()),
                },
            }
        })
        .collect()
}

/// The Recover window.
pub fn recover_ui(ctx: &egui::Context, items: &[RecoverItem], actions: &mut Vec<Action>) {
    let mut open = true;
    egui::Window::new("Recover an autosave")
        .open(&mut open)
        .collapsible(false)
        .default_width(620.0)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            label(
                ui,
                "Every session is saved automatically after each change. The last ones are \
                 kept here, newest first, also after a crash or when another game replaced \
                 them.",
            );
            ui.add_space(6.0);
            if items.is_empty() {
                label(ui, RichText::new("There are no autosaves yet.").italics());
            }
            egui::ScrollArea::vertical()
                .max_height(420.0)
                .show(ui, |ui| {
                    for (i, item) in items.iter().enumerate() {
                        ui.push_id(i, |ui| item_ui(ui, item, actions));
                        ui.separator();
                    }
                });
            if ui.button("Close").clicked() {
                actions.push(Action::ShowRecover(false));
            }
        });
    if !open {
        actions.push(Action::ShowRecover(false));
    }
}

fn item_ui(ui: &mut egui::Ui, item: &RecoverItem, actions: &mut Vec<Action>) {
    label(ui, RichText::new(&item.description).strong());
    let state = match item.state {
        EntryState::Crashed => " · the app did not close properly",
        EntryState::InUse => " · open in another window",
        EntryState::Released => "",
    };
    label(ui, format!("{}{state}", item.saved));
    match &item.error {
        Some(error) => {
            label(
                ui,
                RichText::new(format!("It cannot be opened: {error}"))
                    .color(ui.visuals().error_fg_color),
            );
        }
        None => {
            if ui
                .button("Open this autosave")
                .on_hover_text(item.description.clone())
                .clicked()
            {
                actions.push(Action::Recover(item.path.clone()));
            }
        }
    }
}

/// "saved 2026-12-01 20:58 UTC (3 minutes ago)".
fn saved_when(time: SystemTime) -> String {
    let seconds = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let day = Date::from_ymd(1970, 1, 1).map(|d| d.plus_days((seconds / 86_400) as i64));
    let minute_of_day = (seconds % 86_400) / 60;
    let date = day.map_or_else(String::new, |d| d.to_string());
    format!(
        "saved {date} {:02}:{:02} UTC{}",
        minute_of_day / 60,
        minute_of_day % 60,
        super::notice::time_ago(time).map_or_else(String::new, |ago| format!(" ({ago})"))
    )
}
