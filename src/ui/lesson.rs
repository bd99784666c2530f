//! The scenario's lesson in the app: objectives and timing on the briefing, the week's
//! question beside the news, glossary terms with their definitions, the debrief questions
//! with the student's reasons, and the teacher's notes.

use eframe::egui::{self, RichText};

use super::a11y::label;
use crate::scenario::{Lesson, Model};
use crate::session::Session;

/// The lesson's part of the briefing: the exercise's instructions, what the class is for
/// and how long each step takes.
pub fn briefing_lesson_ui(ui: &mut egui::Ui, session: &Session) {
    if let Some(exercise) = session.exercise() {
        ui.add_space(12.0);
        label(ui, RichText::new(&exercise.title).size(19.0).strong());
        ui.add_space(2.0);
        for paragraph in exercise
            .instructions
            .split("\n\n")
            .filter(|p| !p.trim().is_empty())
        {
            label(ui, paragraph.trim());
            ui.add_space(4.0);
        }
        let settings = &exercise.settings;
        if settings.week_minutes > 0 {
            label(
                ui,
                format!(
                    "• You have {} minutes for each week.",
                    settings.week_minutes
                ),
            );
        }
        if settings.reasons_required {
            label(
                ui,
                "• Write one line on why you chose what you chose, every week.",
            );
        }
    }
    let lesson = &session.model().scenario.lesson;
    if lesson.objectives.is_empty() && lesson.timing.is_empty() {
        return;
    }
    ui.add_space(12.0);
    label(ui, RichText::new("This lesson").size(19.0).strong());
    ui.add_space(2.0);
    if !lesson.objectives.is_empty() {
        label(
            ui,
            RichText::new("By the end you should be able to:").strong(),
        );
        for objective in &lesson.objectives {
            label(ui, format!("• {objective}"));
        }
    }
    if !lesson.timing.is_empty() {
        ui.add_space(4.0);
        label(
            ui,
            RichText::new(format!(
                "Suggested timing, {} minutes in all:",
                lesson.total_minutes()
            ))
            .strong(),
        );
        for step in &lesson.timing {
            label(ui, format!("• {} min: {}", step.minutes, step.activity));
        }
    }
}

/// The questions for the week being decided: the week's own, and those of the events that
/// fired in the week just played.
pub fn week_prompts(session: &Session) -> Vec<&str> {
    let model = session.model();
    let cursor = session.cursor();
    let fired: Vec<&str> = match cursor.checked_sub(1) {
        Some(t) => session.run().turns.get(t).map_or(Vec::new(), |record| {
            record
                .events
                .iter()
                .map(|f| model.scenario.events[f.event].id.as_str())
                .collect()
        }),
        None => Vec::new(),
    };
    model.scenario.lesson.prompts_at(cursor, &fired)
}

/// The glossary terms in this week's news and choices.
fn week_terms<'m>(model: &'m Model, session: &Session) -> Vec<&'m crate::scenario::Term> {
    let lesson = &model.scenario.lesson;
    let mut text = String::new();
    if let Some(record) = session
        .cursor()
        .checked_sub(1)
        .and_then(|t| session.run().turns.get(t))
    {
        for fired in &record.events {
            text.push_str(&model.scenario.events[fired.event].title);
            text.push('\n');
            text.push_str(&fired.text);
            text.push('\n');
        }
    }
    for (c, choice) in model.scenario.choices.iter().enumerate() {
        if session.availability(c).is_ok() {
            text.push_str(&choice.label);
            text.push('\n');
            text.push_str(&choice.description);
            text.push('\n');
        }
    }
    lesson.terms_in(&text)
}

/// Above the news: the week's questions for the class, and the words to know this week
/// (each with its definition on hover).
pub fn prompt_ui(ui: &mut egui::Ui, session: &Session) {
    let model = session.model();
    if model.scenario.lesson.is_empty() || session.cursor() >= model.turns() {
        return;
    }
    let prompts = week_prompts(session);
    let terms = week_terms(model, session);
    if prompts.is_empty() && terms.is_empty() {
        return;
    }
    egui::Panel::top("lesson_prompt").show(ui, |ui| {
        ui.add_space(4.0);
        for prompt in &prompts {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                label(ui, RichText::new("Question for the class").small().strong());
                label(ui, RichText::new(*prompt).size(16.0));
            });
        }
        if !terms.is_empty() {
            ui.horizontal_wrapped(|ui| {
                label(ui, RichText::new("Words to know:").small());
                for term in terms {
                    label(ui, RichText::new(&term.term).small().underline())
                        .on_hover_text(&term.definition);
                }
            });
        }
        ui.add_space(4.0);
    });
}

/// In the debrief: the scenario's questions to discuss.
pub fn debrief_questions_ui(ui: &mut egui::Ui, lesson: &Lesson) {
    if lesson.debrief.is_empty() {
        return;
    }
    label(ui, RichText::new("Questions to discuss").strong());
    for (i, question) in lesson.debrief.iter().enumerate() {
        label(ui, format!("{}. {question}", i + 1));
    }
}

/// The glossary, beside the help window (F1).
pub fn glossary_window_ui(ctx: &egui::Context, lesson: &Lesson) {
    if lesson.glossary.is_empty() {
        return;
    }
    egui::Window::new("Glossary")
        .collapsible(true)
        .default_width(380.0)
        .default_pos(ctx.content_rect().right_top() + egui::vec2(-400.0, 60.0))
        .show(ctx, |ui| {
            egui::ScrollArea::vertical()
                .max_height(480.0)
                .show(ui, |ui| {
                    for term in &lesson.glossary {
                        label(ui, RichText::new(&term.term).strong());
                        label(ui, &term.definition);
                        ui.add_space(4.0);
                    }
                });
        });
}

/// The teacher's window: the notes, the timing and every prompt with its week or event.
pub fn teacher_window_ui(ctx: &egui::Context, model: &Model, open: &mut bool) {
    let lesson = &model.scenario.lesson;
    egui::Window::new("For the teacher")
        .open(open)
        .collapsible(false)
        .default_width(520.0)
        .show(ctx, |ui| {
            egui::ScrollArea::vertical()
                .max_height(560.0)
                .show(ui, |ui| {
                    if lesson.is_empty() {
                        label(ui, "This scenario has no lesson plan.");
                        return;
                    }
                    if !lesson.teacher_notes.is_empty() {
                        label(ui, RichText::new("Notes").strong());
                        for paragraph in lesson.teacher_notes.split("\n\n") {
                            label(ui, paragraph.trim());
                            ui.add_space(4.0);
                        }
                    }
                    if !lesson.timing.is_empty() {
                        label(
                            ui,
                            RichText::new(format!("Timing ({} min)", lesson.total_minutes()))
                                .strong(),
                        );
                        for step in &lesson.timing {
                            label(ui, format!("• {} min: {}", step.minutes, step.activity));
                        }
                        ui.add_space(4.0);
                    }
                    if !lesson.prompts.is_empty() {
                        label(ui, RichText::new("Questions during play").strong());
                        for prompt in &lesson.prompts {
                            let when = match &prompt.at {
                                crate::scenario::PromptAt::Turn(t) => {
                                    format!("Week {}", *t as usize + 1)
                                }
                                crate::scenario::PromptAt::Event(id) => {
                                    let title = model
                                        .scenario
                                        .events
                                        .iter()
                                        .find(|e| &e.id == id)
                                        .map_or(id.as_str(), |e| e.title.as_str());
                                    format!("After “{title}”")
                                }
                            };
                            label(ui, format!("{when}: {}", prompt.text));
                        }
                        ui.add_space(4.0);
                    }
                    if !lesson.debrief.is_empty() {
                        label(ui, RichText::new("Debrief questions").strong());
                        for (i, question) in lesson.debrief.iter().enumerate() {
                            label(ui, format!("{}. {question}", i + 1));
                        }
                    }
                });
        });
}
