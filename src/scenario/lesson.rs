//! Validation of a scenario's lesson plan: prompts at weeks that exist and events that
//! exist, one definition per glossary term, and nothing left blank.

use std::collections::HashMap;

use super::diag::DiagnosticKind;
use super::model::{Lesson, PromptAt, Scenario};
use super::spans::Path;
use super::suggest;

/// A problem in the lesson, located by its path in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct LessonProblem {
    pub kind: DiagnosticKind,
    pub path: Path,
    pub message: String,
    pub hint: Option<String>,
}

/// Every problem in `scenario`'s lesson, in file order.
pub fn check(scenario: &Scenario) -> Vec<LessonProblem> {
    let Lesson {
        objectives,
        timing,
        prompts,
        debrief,
        glossary,
        teacher_notes: _,
    } = &scenario.lesson;
    let root = Path::root().field("lesson");
    let mut problems = Vec::new();
    let mut blank = |path: Path, what: &str| {
        problems.push(LessonProblem {
            kind: DiagnosticKind::Missing,
            path,
            message: format!("{what} is empty"),
            hint: Some("write the text, or remove the entry".into()),
        })
    };
    for (i, text) in objectives.iter().enumerate() {
        if text.trim().is_empty() {
            blank(root.field("objectives").index(i), "an objective");
        }
    }
    for (i, text) in debrief.iter().enumerate() {
        if text.trim().is_empty() {
            blank(root.field("debrief").index(i), "a debrief question");
        }
    }
    for (i, step) in timing.iter().enumerate() {
        if step.activity.trim().is_empty() {
            blank(
                root.field("timing").index(i).field("activity"),
                "the activity",
            );
        }
    }
    for (i, prompt) in prompts.iter().enumerate() {
        if prompt.text.trim().is_empty() {
            blank(root.field("prompts").index(i).field("text"), "the prompt");
        }
    }
    for (i, term) in glossary.iter().enumerate() {
        if term.term.trim().is_empty() {
            blank(root.field("glossary").index(i).field("term"), "the term");
        }
        if term.definition.trim().is_empty() {
            blank(
                root.field("glossary").index(i).field("definition"),
                "the definition",
            );
        }
    }
    for (i, step) in timing.iter().enumerate() {
        if step.minutes == 0 || step.minutes > 600 {
            problems.push(LessonProblem {
                kind: DiagnosticKind::OutOfRange,
                path: root.field("timing").index(i).field("minutes"),
                message: format!("{} minutes is not a length for a step", step.minutes),
                hint: Some("give each step 1 to 600 minutes".into()),
            });
        }
    }
    let turns = scenario.clock.turns;
    for (i, prompt) in prompts.iter().enumerate() {
        let path = root.field("prompts").index(i).field("at");
        match &prompt.at {
            PromptAt::Turn(turn) if *turn >= turns => problems.push(LessonProblem {
                kind: DiagnosticKind::OutOfRange,
                path,
                message: format!(
                    "turn {turn} is past the last turn ({})",
                    turns.saturating_sub(1)
                ),
                hint: Some("turns are counted from 0, as in `paths`".into()),
            }),
            PromptAt::Event(id) if !scenario.events.iter().any(|e| &e.id == id) => {
                problems.push(LessonProblem {
                    kind: DiagnosticKind::UnknownName,
                    path,
                    message: format!("no event has the id `{id}`"),
                    hint: suggest(id, scenario.events.iter().map(|e| e.id.as_str()))
                        .map(|s| format!("did you mean `{s}`?")),
                })
            }
            _ => {}
        }
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, term) in glossary.iter().enumerate() {
        let key = term.term.trim().to_lowercase();
        if key.is_empty() {
            continue;
        }
        if let Some(first) = seen.insert(key, i) {
            problems.push(LessonProblem {
                kind: DiagnosticKind::Conflict,
                path: root.field("glossary").index(i).field("term"),
                message: format!("the term \"{}\" is defined twice", term.term.trim()),
                hint: Some(format!(
                    "glossary[{first}] defines it already; keep one definition"
                )),
            });
        }
    }
    problems
}

impl Lesson {
    /// The prompts for the week starting after `turn` turns, given the events that fired
    /// in the week before it: the week's own prompts first, then the events', in file order.
    pub fn prompts_at<'a>(&'a self, turn: usize, fired: &[&str]) -> Vec<&'a str> {
        let at_turn = self
            .prompts
            .iter()
            .filter(|p| p.at == PromptAt::Turn(turn as u32));
        let at_event = self
            .prompts
            .iter()
            .filter(|p| matches!(&p.at, PromptAt::Event(id) if fired.contains(&id.as_str())));
        at_turn.chain(at_event).map(|p| p.text.as_str()).collect()
    }

    /// The glossary entries whose term appears in `text` (whole words, any case).
    pub fn terms_in<'a>(&'a self, text: &str) -> Vec<&'a super::model::Term> {
        let lower = text.to_lowercase();
        self.glossary
            .iter()
            .filter(|t| {
                let term = t.term.trim().to_lowercase();
                !term.is_empty()
                    && lower.match_indices(&term).any(|(at, _)| {
                        let before = lower[..at].chars().next_back();
                        let after = lower[at + term.len()..].chars().next();
                        !before.is_some_and(char::is_alphanumeric)
                            && !after.is_some_and(char::is_alphanumeric)
                    })
            })
            .collect()
    }

    /// The suggested length of the whole class, in minutes.
    pub fn total_minutes(&self) -> u32 {
        self.timing.iter().map(|s| s.minutes).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::{Prompt, Term};
    use super::*;

    fn lesson() -> Lesson {
        Lesson {
            prompts: vec![
                Prompt {
                    at: PromptAt::Turn(2),
                    text: "Week three".into(),
                },
                Prompt {
                    at: PromptAt::Event("flood".into()),
                    text: "After the flood".into(),
                },
            ],
            glossary: vec![Term {
                term: "C-17".into(),
                definition: "A cargo aircraft".into(),
            }],
            ..Lesson::default()
        }
    }

    #[test]
    fn prompts_are_found_by_week_and_by_event() {
        let l = lesson();
        assert_eq!(l.prompts_at(2, &[]), vec!["Week three"]);
        assert_eq!(l.prompts_at(3, &["flood"]), vec!["After the flood"]);
        assert_eq!(
            l.prompts_at(2, &["flood", "other"]),
            vec!["Week three", "After the flood"]
        );
        assert!(l.prompts_at(1, &["other"]).is_empty());
    }

    #[test]
    fn terms_are_found_as_whole_words() {
        let l = lesson();
        assert_eq!(l.terms_in("The c-17 lands.").len(), 1);
        assert!(l.terms_in("The C-170 lands.").is_empty());
        assert!(l.terms_in("No aircraft.").is_empty());
    }
}
