//! The presenter view, for the projector: the week, the key indicators and this week's
//! news in large type, with the facilitator's controls beside them: the week's timer,
//! firing an inject now, locking or unlocking choices, and the class's decision, which the
//! teacher commits for a class playing one shared session.

use eframe::egui::{self, RichText};

use super::a11y::label;
use super::actions::Action;
use super::charts::ChartView;
use super::classroom::{ClassAction, ClassView, TimerAction, act, clock_text};
use super::lesson::week_prompts;
use super::text::{COMMIT, signed, slot_value, week_title};
use crate::session::{Command, Session};

pub use super::text::PRESENTER;

/// The presenter view, in place of the play screen.
pub fn presenter_ui(
    ui: &mut egui::Ui,
    session: &Session,
    charts: &ChartView,
    class: &ClassView,
    actions: &mut Vec<Action>,
) {
    // The class's stage keeps at least two thirds of the window.
    let widest = (0.34 * ui.available_width()).clamp(260.0, 640.0);
    egui::Panel::right("facilitator")
        .resizable(true)
        .default_size(380.0_f32.min(widest))
        .size_range(260.0_f32.min(widest)..=widest)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| facilitator_ui(ui, session, class, actions));
        });
    egui::CentralPanel::default().show(ui, |ui| {
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| stage_ui(ui, session, charts));
    });
}

/// What the class sees: the week, the question, the indicators and the news.
fn stage_ui(ui: &mut egui::Ui, session: &Session, charts: &ChartView) {
    let model = session.model();
    let cursor = session.cursor();
    label(
        ui,
        RichText::new(week_title(model, cursor)).size(40.0).strong(),
    );
    ui.add_space(8.0);
    for prompt in week_prompts(session) {
        label(ui, RichText::new(prompt).size(28.0).italics());
        ui.add_space(6.0);
    }
    ui.add_space(8.0);
    let state = session.state();
    let before = cursor.checked_sub(1).map(|t| session.run().state(t));
    let rows: Vec<[RichText; 3]> = model
        .scenario
        .indicators
        .iter()
        .enumerate()
        .filter(|&(i, _)| charts.selected.get(i).copied().unwrap_or(false))
        .map(|(i, indicator)| {
            let slot = model.layout.indicator(i);
            let change = before.map(|b| state[slot] - b[slot]).unwrap_or(0.0);
            let precision = Some(indicator.precision as usize);
            [
                RichText::new(&indicator.name).size(24.0),
                RichText::new(slot_value(model, slot, state[slot]))
                    .size(30.0)
                    .strong(),
                RichText::new(format!("{} this week", signed(change, precision))).size(20.0),
            ]
        })
        .collect();
    // A table when the stage is wide; on a narrow one (a small screen, a large zoom) each
    // name above its value, so that no number is cut off.
    if ui.available_width() >= 760.0 {
        egui::Grid::new("presenter_indicators")
            .num_columns(3)
            .spacing([28.0, 10.0])
            .show(ui, |ui| {
                for [name, value, change] in rows {
                    label(ui, name);
                    label(ui, value);
                    label(ui, change);
                    ui.end_row();
                }
            });
    } else {
        for [name, value, change] in rows {
            label(ui, name);
            ui.horizontal_wrapped(|ui| {
                label(ui, value);
                label(ui, change);
            });
            ui.add_space(6.0);
        }
    }
    ui.add_space(16.0);
    let Some(record) = cursor
        .checked_sub(1)
        .and_then(|t| session.run().turns.get(t))
    else {
        label(
            ui,
            RichText::new("No news yet: the first week is to be decided.").size(24.0),
        );
        return;
    };
    if record.events.is_empty() {
        label(ui, RichText::new("No major news this week.").size(24.0));
    }
    for fired in &record.events {
        label(
            ui,
            RichText::new(&model.scenario.events[fired.event].title)
                .size(32.0)
                .strong(),
        );
        label(ui, RichText::new(&fired.text).size(22.0));
        ui.add_space(10.0);
    }
}

/// The teacher's controls.
fn facilitator_ui(
    ui: &mut egui::Ui,
    session: &Session,
    class: &ClassView,
    actions: &mut Vec<Action>,
) {
    let model = session.model();
    if ui
        .button(RichText::new("Leave presenter mode (F5)").size(16.0))
        .clicked()
    {
        act(actions, ClassAction::TogglePresenter);
    }
    ui.add_space(8.0);
    timer_ui(ui, session, class, actions);
    ui.separator();
    label(
        ui,
        RichText::new("The class's decision").size(20.0).strong(),
    );
    if session.cursor() >= model.turns() {
        label(ui, "The scenario is over: open the debrief.");
    } else {
        for (c, choice) in model.scenario.choices.iter().enumerate() {
            let selected = session.selection().contains(&c);
            let available = session.availability(c);
            let response = ui
                .add_enabled(
                    available.is_ok() || selected,
                    egui::Button::selectable(selected, RichText::new(&choice.label).size(18.0)),
                )
                .accessible_name(choice.label.clone());
            let response = match available {
                Err(reason) => response.on_disabled_hover_text(reason.to_string()),
                Ok(()) => response,
            };
            if response.clicked() {
                actions.push(Action::Session(Command::Toggle(c)));
            }
        }
        ui.add_space(4.0);
        super::student::reason_ui(ui, session, actions);
        if let Err(refusal) = session.selection_check() {
            label(
                ui,
                RichText::new(format!("Cannot commit: {refusal}"))
                    .color(ui.visuals().error_fg_color),
            );
        }
        let commit = ui
            .add_enabled(
                session.selection_check().is_ok(),
                egui::Button::new(RichText::new(COMMIT).size(22.0).strong())
                    .min_size(egui::vec2(ui.available_width(), 40.0)),
            )
            .on_hover_text("Play the week with what the class decided (Enter).");
        if commit.clicked() {
            actions.push(Action::Session(Command::Commit));
        }
    }
    ui.separator();
    inject_ui(ui, session, actions);
    ui.separator();
    locks_ui(ui, session, actions);
}

fn timer_ui(ui: &mut egui::Ui, session: &Session, class: &ClassView, actions: &mut Vec<Action>) {
    let minutes = session.exercise().map_or(0, |e| e.settings.week_minutes);
    let Some(timer) = class.timer.filter(|_| minutes > 0) else {
        label(ui, "No time limit for the weeks.");
        return;
    };
    let now = ui.input(|i| i.time);
    let left = timer.left(minutes, now);
    let text = RichText::new(clock_text(left)).size(44.0).strong();
    label(
        ui,
        if left > 0.0 {
            text
        } else {
            text.color(ui.visuals().error_fg_color)
        },
    );
    ui.horizontal(|ui| {
        let paused = timer.paused_at.is_some();
        if ui
            .button(if paused {
                "Resume timer"
            } else {
                "Pause timer"
            })
            .clicked()
        {
            act(
                actions,
                ClassAction::Timer(if paused {
                    TimerAction::Resume
                } else {
                    TimerAction::Pause
                }),
            );
        }
        if ui.button("Restart timer").clicked() {
            act(actions, ClassAction::Timer(TimerAction::Restart));
        }
    });
}

/// Fire an event now: the scenario's injects first, then every other event that has not
/// fired on this branch.
fn inject_ui(ui: &mut egui::Ui, session: &Session, actions: &mut Vec<Action>) {
    let model = session.model();
    label(
        ui,
        RichText::new("Inject an event this week")
            .size(20.0)
            .strong(),
    );
    if !session.at_head() || session.is_finished() {
        label(ui, "Go to the week being decided to inject an event.");
        return;
    }
    let pending = session
        .injects(session.active())
        .and_then(|i| i.get(&session.cursor()))
        .cloned()
        .unwrap_or_default();
    let state = session.state();
    let mut event_button = |ui: &mut egui::Ui, e: usize| {
        let event = &model.scenario.events[e];
        let fired = state[model.layout.fired + e] > 0.0 && !event.repeat;
        if pending.contains(&e) {
            label(
                ui,
                format!("“{}” will happen when the week is played.", event.title),
            );
        } else if ui
            .add_enabled(
                !fired,
                egui::Button::new(format!("Inject “{}”", event.title)),
            )
            .on_hover_text(&event.text)
            .on_disabled_hover_text("It has happened already.")
            .clicked()
        {
            actions.push(Action::Session(Command::Inject(e)));
        }
    };
    let (injects, others): (Vec<usize>, Vec<usize>) =
        (0..model.scenario.events.len()).partition(|&e| model.scenario.events[e].inject);
    if injects.is_empty() {
        label(
            ui,
            RichText::new("The scenario marks no event as an inject.").small(),
        );
    }
    for e in injects {
        event_button(ui, e);
    }
    egui::CollapsingHeader::new("Other events of the scenario").show(ui, |ui| {
        for e in others {
            event_button(ui, e);
        }
    });
}

fn locks_ui(ui: &mut egui::Ui, session: &Session, actions: &mut Vec<Action>) {
    let model = session.model();
    label(ui, RichText::new("Lock choices").size(20.0).strong());
    let Some(exercise) = session.exercise() else {
        label(
            ui,
            "Open an exercise file to lock choices (File > Open, a .exercise.ron file).",
        );
        return;
    };
    let turn = session.cursor();
    for (c, choice) in model.scenario.choices.iter().enumerate() {
        let mut locked = exercise.lock(c, turn).is_some();
        if ui
            .checkbox(&mut locked, format!("Lock “{}”", choice.label))
            .changed()
        {
            actions.push(Action::Session(Command::SetLock(c, locked)));
        }
    }
}
