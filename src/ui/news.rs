//! The News tab: what happened in the week just played, and the weeks before it.

use eframe::egui::{self, RichText};

use super::a11y::label;
use crate::scenario::Model;
use crate::session::Session;
use crate::sim::TurnRecord;

/// The News tab.
pub fn news_ui(ui: &mut egui::Ui, session: &Session) {
    let model = session.model();
    let run = session.run();
    let cursor = session.cursor().min(run.turns.len());
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if cursor == 0 {
                label(ui, RichText::new("No news yet").heading());
                label(
                    ui,
                    "Choose what to do in the first week on the right and press Commit week. \
                     What happens will be reported here.",
                );
                return;
            }
            label(
                ui,
                RichText::new(format!("This week: {}", week_span(model, cursor - 1))).heading(),
            );
            week_ui(ui, model, &run.turns[cursor - 1], true);
            if cursor > 1 {
                ui.add_space(12.0);
                ui.separator();
                label(ui, RichText::new("Earlier weeks").heading());
                for t in (0..cursor - 1).rev() {
                    ui.add_space(8.0);
                    label(ui, RichText::new(week_span(model, t)).strong().size(15.0));
                    week_ui(ui, model, &run.turns[t], false);
                }
            }
        });
}

/// `week 2, 22 to 29 Jan 2013`.
fn week_span(model: &Model, turn: usize) -> String {
    format!(
        "week {}, {} to {}",
        turn + 1,
        super::text::short_date(model.date(turn)),
        model.date(turn + 1).human()
    )
}

fn week_ui(ui: &mut egui::Ui, model: &Model, record: &TurnRecord, latest: bool) {
    let s = &model.scenario;
    let decided = super::text::choice_labels(model, &record.choices);
    let decided = if decided.is_empty() {
        "You decided nothing new.".to_string()
    } else {
        format!("You decided: {}.", decided.join("; "))
    };
    label(ui, RichText::new(decided).italics());
    if record.events.is_empty() {
        label(ui, RichText::new("No major news.").weak());
    }
    for fired in &record.events {
        ui.add_space(4.0);
        let title = &s.events[fired.event].title;
        if latest {
            label(ui, RichText::new(title).strong().size(16.0));
        } else {
            label(ui, RichText::new(title).strong());
        }
        label(ui, &fired.text);
    }
}
