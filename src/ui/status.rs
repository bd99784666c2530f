//! The app's state as text, for where the window's widgets cannot be read: in a browser,
//! egui draws on a canvas that a screen reader sees as one picture, so the page reads the
//! week, the selection and the notice out from a live region, and keeps every indicator's
//! value in a region beside it ([`crate::platform::show_status`]).

use super::notice::Notice;
use super::text::{slot_value, week_title};
use crate::session::Session;

/// The scenario, the week, what is selected and the notice shown, if any: e.g. `Mali
/// 2013. Week 2 of 18 · 21 Jan 2013. Selected: none.`
pub fn status_text(session: &Session, notice: Option<&Notice>) -> String {
    let model = session.model();
    let mut text = format!(
        "{}. {}.",
        model.scenario.title,
        week_title(model, session.cursor())
    );
    if let Some(exercise) = session.exercise() {
        text.push_str(&format!(" Exercise: {}.", exercise.title));
    }
    let selected: Vec<&str> = session
        .selection()
        .iter()
        .filter_map(|&c| model.scenario.choices.get(c).map(|c| c.label.as_str()))
        .collect();
    if session.cursor() < model.turns() {
        if selected.is_empty() {
            text.push_str(" Selected: none.");
        } else {
            text.push_str(&format!(" Selected: {}.", selected.join(", ")));
        }
    }
    if let Some(notice) = notice {
        text.push_str(&format!(" {}", notice.title));
        for line in &notice.lines {
            text.push_str(&format!(" {line}"));
        }
    }
    text
}

/// Every indicator's value at the week shown: `Territory held by armed groups: 62 %; …`.
pub fn values_text(session: &Session) -> String {
    let model = session.model();
    let state = session.state();
    let values: Vec<String> = (0..model.scenario.indicators.len())
        .filter_map(|i| {
            let slot = model.layout.indicator(i);
            let value = state.get(slot)?;
            Some(format!(
                "{}: {}",
                model.scenario.indicators[i].name,
                slot_value(model, slot, *value)
            ))
        })
        .collect();
    values.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario;
    use crate::session::Command;

    #[test]
    fn the_status_names_the_week_the_selection_and_the_values() {
        let mut session = Session::new(scenario::default_model().unwrap());
        let first = session.model().scenario.indicators[0].name.clone();
        let text = status_text(&session, None);
        assert!(
            text.contains(&format!("Week 1 of {}", session.model().turns())),
            "{text}"
        );
        assert!(text.contains("Selected: none."), "{text}");
        assert!(values_text(&session).starts_with(&format!("{first}: ")));
        let choice = (0..session.model().choices.len())
            .find(|&c| session.availability(c).is_ok())
            .unwrap();
        session.apply(Command::Toggle(choice)).unwrap();
        let label = session.model().scenario.choices[choice].label.clone();
        assert!(status_text(&session, None).contains(&format!("Selected: {label}.")));
        session.apply(Command::Commit).unwrap();
        let notice = Notice::error("Could not open x.ron", "x.ron:3:7: expected a number");
        let text = status_text(&session, Some(&notice));
        assert!(
            text.contains(&format!("Week 2 of {}", session.model().turns())),
            "{text}"
        );
        assert!(
            text.ends_with("Could not open x.ron x.ron:3:7: expected a number"),
            "{text}"
        );
    }
}
