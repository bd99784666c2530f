//! Banners over the app: a notice (an error with its file, line and column, or a
//! confirmation) and the offer to restore the autosave after a crash.

use web_time::SystemTime;

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
    /// A button offering what can be done about it: (its label, what it does).
    pub offer: Option<(String, Action)>,
    /// Whether the full report is shown.
    pub show_details: bool,
}

impl Notice {
    pub fn info(title: impl Into<String>) -> Self {
        Self {
            error: false,
            title: title.into(),
            lines: Vec::new(),
            details: None,
            offer: None,
            show_details: false,
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
            offer: None,
            show_details: false,
        }
    }

    /// The same notice with a button: `label`, doing `action`.
    pub fn with_offer(mut self, label: impl Into<String>, action: Action) -> Self {
        self.offer = Some((label.into(), action));
        self
    }

    pub fn error(title: impl Into<String>, line: impl Into<String>) -> Self {
        Self {
            error: true,
            title: title.into(),
            lines: vec![line.into()],
            details: None,
            offer: None,
            show_details: false,
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
    if let Some((text, action)) = &notice.offer
        && ui.button(text).clicked()
    {
        actions.push(action.clone());
    }
    if let Some(details) = &notice.details {
        let text = if notice.show_details {
            "Hide details"
        } else {
            "Details"
        };
        if ui.button(text).clicked() {
            actions.push(Action::ToggleDetails);
        }
        if notice.show_details {
            details_ui(ui, details);
        }
    }
    ui.add_space(4.0);
}

/// The whole report, one label per line so that the source lines and their underlines stay
/// aligned; it scrolls when it is taller than most of the window.
fn details_ui(ui: &mut egui::Ui, details: &str) {
    let max_height = (ui.ctx().content_rect().height() * 0.6).max(160.0);
    let row = ui.text_style_height(&egui::TextStyle::Monospace);
    // As tall as the report from the first frame, so that nothing is clipped meanwhile.
    let height = (row * details.lines().count() as f32).min(max_height);
    egui::ScrollArea::both()
        .max_height(max_height)
        .min_scrolled_height(height)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            super::layout::scrolls_sideways(ui);
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
            ui.spacing_mut().item_spacing.y = 0.0;
            for line in details.lines() {
                label(ui, RichText::new(line).monospace());
            }
        });
}

/// The offer to restore the autosave after a crash.
pub fn restore_ui(ui: &mut egui::Ui, offer: &RestoreOffer, actions: &mut Vec<Action>) {
    ui.add_space(4.0);
    ui.horizontal_wrapped(|ui| {
        let saved = offer
            .saved
            .and_then(time_ago)
            .map_or_else(String::new, |ago| format!(", saved {ago}"));
        let more = match offer.more {
            0 => String::new(),
            1 => " One more session was left the same way: see File > Recover an autosave….".into(),
            n => format!(
                " {n} more sessions were left the same way: see File > Recover an autosave…."
            ),
        };
        label(
            ui,
            RichText::new(format!(
                "Sandtable did not close properly last time. Restore the autosaved session \
                 ({}{saved})?{more}",
                offer.description,
            ))
            .strong(),
        );
        if ui.button("Restore").clicked() {
            actions.push(Action::RestoreAutosave(true));
        }
        if ui
            .button("Not now")
            .on_hover_text("The session stays in File > Recover an autosave….")
            .clicked()
        {
            actions.push(Action::RestoreAutosave(false));
        }
    });
    ui.add_space(4.0);
}

/// `5 minutes ago`, when the time is not in the future.
pub fn time_ago(time: SystemTime) -> Option<String> {
    let minutes = time.elapsed().ok()?.as_secs() / 60;
    Some(match minutes {
        0 => "less than a minute ago".into(),
        1 => "a minute ago".into(),
        2..120 => format!("{minutes} minutes ago"),
        _ if minutes < 48 * 60 => format!("{} hours ago", minutes / 60),
        _ => format!("{} days ago", minutes / (24 * 60)),
    })
}
