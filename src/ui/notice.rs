//! Banners over the app: a notice (an error with its file, line and column, or a
//! confirmation) and the offer to restore the autosave after a crash.

use eframe::egui::{self, RichText};

use super::a11y::label;
use super::actions::Action;
use super::files::RestoreOffer;
use crate::scenario::FileError;

/// A message shown in a banner until dismissed.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub error: bool,
    pub title: String,
    /// One line each, e.g. `broken.ron:12:5: unknown field … (hint)`.
    pub lines: Vec<String>,
    /// The full report (source lines underlined), shown on request.
    pub details: Option<String>,
}

impl Notice {
    pub fn info(title: impl Into<String>) -> Self {
        Self {
            error: false,
            title: title.into(),
            lines: Vec::new(),
            details: None,
        }
    }

    pub fn file_error(title: impl Into<String>, e: &FileError) -> Self {
        let mut lines: Vec<String> = e.short().lines().map(str::to_string).collect();
        lines.push("The current session is unchanged.".into());
        Self {
            error: true,
            title: title.into(),
            lines,
            details: Some(e.to_string()),
        }
    }

    pub fn error(title: impl Into<String>, line: impl Into<String>) -> Self {
        Self {
            error: true,
            title: title.into(),
            lines: vec![line.into()],
            details: None,
        }
    }
}

/// The banner of a notice.
pub fn notice_ui(ui: &mut egui::Ui, notice: &Notice, actions: &mut Vec<Action>) {
    let color = if notice.error {
        ui.visuals().error_fg_color
    } else {
        ui.visuals().text_color()
    };
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        label(ui, RichText::new(&notice.title).strong().color(color));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("Dismiss").clicked() {
                actions.push(Action::DismissNotice);
            }
        });
    });
    for line in &notice.lines {
        label(ui, RichText::new(line).color(color));
    }
    if let Some(details) = &notice.details {
        egui::CollapsingHeader::new("Details").show(ui, |ui| {
            egui::ScrollArea::vertical()
                .max_height(220.0)
                .show(ui, |ui| {
                    label(ui, RichText::new(details).monospace());
                });
        });
    }
    ui.add_space(4.0);
}

/// The offer to restore the autosave after a crash.
pub fn restore_ui(ui: &mut egui::Ui, offer: &RestoreOffer, actions: &mut Vec<Action>) {
    ui.add_space(4.0);
    ui.horizontal_wrapped(|ui| {
        label(
            ui,
            RichText::new(format!(
                "Sandtable did not close properly last time. Restore the autosaved session \
                 ({}{})?",
                offer.description,
                saved_ago(offer)
            ))
            .strong(),
        );
        if ui.button("Restore").clicked() {
            actions.push(Action::RestoreAutosave(true));
        }
        if ui.button("Discard").clicked() {
            actions.push(Action::RestoreAutosave(false));
        }
    });
    ui.add_space(4.0);
}

/// `, saved 5 minutes ago`, when the time is known.
fn saved_ago(offer: &RestoreOffer) -> String {
    let Some(elapsed) = offer.saved.and_then(|t| t.elapsed().ok()) else {
        return String::new();
    };
    let minutes = elapsed.as_secs() / 60;
    match minutes {
        0 => ", saved less than a minute ago".into(),
        1 => ", saved a minute ago".into(),
        2..120 => format!(", saved {minutes} minutes ago"),
        _ if minutes < 48 * 60 => format!(", saved {} hours ago", minutes / 60),
        _ => format!(", saved {} days ago", minutes / (24 * 60)),
    }
}
