//! The News tab: what happened in the week just played (what you decided, the news, what
//! changed), and the weeks before it. A story that goes on week after week in the same
//! words is told once and then said to continue.

use eframe::egui::{self, RichText};

use super::a11y::label;
use super::text::{choice_labels, signed, slot_value, with_unit};
use crate::scenario::{Model, format_number};
use crate::session::Session;
use crate::sim::Run;

/// The heading of the latest week's news: `Week 3, 29 Jan to 5 Feb 2013: what happened`.
pub fn latest_heading(model: &Model, cursor: usize) -> String {
    format!("{}: what happened", week_span(model, cursor - 1))
}

/// The News tab.
pub fn news_ui(ui: &mut egui::Ui, session: &Session) {
    let model = session.model();
    let run = session.run();
    let cursor = session.cursor().min(run.turns.len());
    // A new week starts at the top of its news.
    egui::ScrollArea::vertical()
        .id_salt(("news", cursor))
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
            label(ui, RichText::new(latest_heading(model, cursor)).heading());
            if cursor < model.turns() {
                label(
                    ui,
                    RichText::new(format!(
                        "You are now deciding week {} ({}).",
                        cursor + 1,
                        model.date(cursor).human()
                    ))
                    .weak(),
                );
            }
            week_ui(ui, model, run, cursor - 1, true);
            changes_ui(ui, model, run, cursor - 1);
            if cursor > 1 {
                ui.add_space(12.0);
                ui.separator();
                label(ui, RichText::new("Earlier weeks").heading());
                for t in (0..cursor - 1).rev() {
                    ui.add_space(8.0);
                    label(ui, RichText::new(week_span(model, t)).strong().size(15.0));
                    week_ui(ui, model, run, t, false);
                }
            }
        });
}

/// `Week 2, 22 to 29 Jan 2013`: the week of turn `turn`, numbered as the header numbers
/// the week being decided.
fn week_span(model: &Model, turn: usize) -> String {
    format!(
        "Week {}, {} to {}",
        turn + 1,
        super::text::short_date(model.date(turn)),
        model.date(turn + 1).human()
    )
}

/// The first week of the run of weeks up to `turn` in which `event` told the same text,
/// if it told it the week before too.
fn continues_since(run: &Run, turn: usize, event: usize, text: &str) -> Option<usize> {
    let same = |t: usize| {
        run.turns[t]
            .events
            .iter()
            .any(|f| f.event == event && f.text == text)
    };
    let mut first = turn;
    while first > 0 && same(first - 1) {
        first -= 1;
    }
    (first < turn).then_some(first)
}

fn week_ui(ui: &mut egui::Ui, model: &Model, run: &Run, turn: usize, latest: bool) {
    let s = &model.scenario;
    let record = &run.turns[turn];
    let decided = choice_labels(model, &record.choices);
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
        let since = continues_since(run, turn, fired.event, &fired.text);
        if latest {
            label(ui, RichText::new(title).strong().size(16.0));
        } else {
            label(ui, RichText::new(title).strong());
        }
        match since {
            // The latest week tells the story in full, and says since when it goes on.
            Some(first) if latest => {
                label(ui, &fired.text);
                label(
                    ui,
                    RichText::new(format!(
                        "Continues, as every week since week {}.",
                        first + 1
                    ))
                    .small()
                    .weak(),
                );
            }
            Some(_) => {
                label(
                    ui,
                    RichText::new("Continues, as the week before.")
                        .small()
                        .weak(),
                );
            }
            None => {
                label(ui, &fired.text);
            }
        }
    }
}

/// The change of each indicator over the week, those that moved, in the file's order.
pub fn week_changes(model: &Model, run: &Run, turn: usize) -> Vec<String> {
    let before = run.state(turn);
    let after = run.state(turn + 1);
    model
        .scenario
        .indicators
        .iter()
        .enumerate()
        .filter_map(|(i, indicator)| {
            let slot = model.layout.indicator(i);
            let (a, b) = (before[slot], after[slot]);
            let p = indicator.precision as usize;
            let change = signed(b - a, Some(p));
            if format_number(a, p) == format_number(b, p) {
                return None;
            }
            Some(format!(
                "{}: {} ({} from {})",
                indicator.name,
                slot_value(model, slot, b),
                with_unit(change, &indicator.unit),
                format_number(a, p)
            ))
        })
        .collect()
}

fn changes_ui(ui: &mut egui::Ui, model: &Model, run: &Run, turn: usize) {
    ui.add_space(8.0);
    label(ui, RichText::new("What changed this week").strong());
    let changes = week_changes(model, run, turn);
    if changes.is_empty() {
        label(ui, RichText::new("Nothing measured changed.").weak());
    }
    for change in changes {
        label(ui, change);
    }
}

/// What the weeks played from `from` to the cursor brought, in one or two sentences: shown
/// at the top of the window after a commit, and announced to screen readers.
pub fn played_summary(session: &Session, from: usize) -> Option<String> {
    let model = session.model();
    let run = session.run();
    let to = session.cursor().min(run.turns.len());
    if to <= from {
        return None;
    }
    let weeks = if to - from == 1 {
        format!("Week {} played", from + 1)
    } else {
        format!("Weeks {} to {} played", from + 1, to)
    };
    let mut titles: Vec<&str> = Vec::new();
    for t in from..to {
        for fired in &run.turns[t].events {
            let title = model.scenario.events[fired.event].title.as_str();
            if continues_since(run, t, fired.event, &fired.text).is_none()
                && !titles.contains(&title)
            {
                titles.push(title);
            }
        }
    }
    let news = if titles.is_empty() {
        "no new headlines".to_string()
    } else {
        format!("news: {}", titles.join("; "))
    };
    let next = if to < model.turns() {
        format!(" Now deciding week {}.", to + 1)
    } else {
        " The scenario is over: the Debrief tab compares your path.".to_string()
    };
    Some(format!("{weeks}: {news}.{next}"))
}

/// The summary of the weeks just played, with a button to the News tab; a live region, so
/// that screen readers say it when it changes.
pub fn played_summary_ui(ui: &mut egui::Ui, summary: &str, actions: &mut Vec<super::Action>) {
    ui.horizontal_wrapped(|ui| {
        let response = label(ui, RichText::new(summary).strong());
        ui.ctx().accesskit_node_builder(response.id, |node| {
            node.set_live(egui::accesskit::Live::Polite);
        });
        if ui
            .small_button("Read the news")
            .on_hover_text("The News tab: what happened, what you decided and what changed.")
            .clicked()
        {
            actions.push(super::Action::SetTab(super::Tab::News));
        }
    });
}
