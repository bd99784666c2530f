//! The classroom: the lesson part of the format, students' names and reasons, hand-in,
//! exercise files (tabs, locks, injects) and the presenter view.

use std::sync::Arc;

use egui_kittest::kittest::Queryable;

use sandtable::exercise::{self, ExerciseFile, Settings};
use sandtable::scenario::{self, PromptAt};
use sandtable::session::{Command, CommandError, Session, Student};
use sandtable::ui::classroom::{ClassAction, hand_in_file_name};
use sandtable::ui::{Action, SandtableApp, Tab};

use crate::util::gui::{app, click, label_of, mali_session, shows, sized};
use crate::util::{TINY, mali, position_of, sandtable, temp_dir};

/// The tiny scenario with a lesson appended after `paths`.
fn tiny_with_lesson(lesson: &str) -> String {
    let end = TINY.rfind(')').expect("tiny.ron ends with )");
    format!("{}    lesson: {lesson},\n)\n", &TINY[..end])
}

/// The tiny scenario with an event that only an exercise or the teacher fires.
fn tiny_with_inject() -> String {
    TINY.replacen(
        "    events: [",
        "    events: [\n        Event(id: \"storm\", title: \"Storm warning\", text: \"A storm is coming: the river stands at {water} m.\", inject: true,\n              effects: [Effect(target: \"water\", value: \"1.5\")]),",
        1,
    )
}

/// An exercise file embedding `scenario`, with `settings`.
fn exercise_text(scenario: &str, settings: Settings) -> String {
    let file = ExerciseFile {
        format: 1,
        title: "Flood class".into(),
        instructions: "Keep the town dry.".into(),
        scenario: scenario.into(),
        scenario_file: String::new(),
        settings,
    };
    ron::ser::to_string_pretty(&file, ron::ser::PrettyConfig::new().struct_names(true))
        .expect("serializes")
}

fn located(text: &str, needle: &str, message: &str, err: &scenario::FileError) {
    let (line, column) = position_of(text, needle);
    let d = err
        .diagnostics
        .iter()
        .find(|d| d.message.contains(message))
        .unwrap_or_else(|| panic!("no problem mentions `{message}`:\n{}", err.short()));
    assert_eq!((d.line, d.column), (line, column), "{}", err.short());
    assert!(d.hint.is_some(), "`{message}` has no hint");
}

#[test]
fn a_scenario_without_a_lesson_loads_as_before_and_mali_has_one() {
    let tiny = scenario::load_str("tiny.ron", TINY).expect("loads");
    assert!(tiny.scenario.lesson.is_empty());
    let mali = mali();
    let lesson = &mali.scenario.lesson;
    assert_eq!(lesson.total_minutes(), 45);
    assert!(lesson.objectives.len() >= 3);
    assert!(lesson.debrief.len() >= 4);
    assert!(!lesson.teacher_notes.is_empty());
    // Every prompt is at a week the scenario has or after an event it has.
    for prompt in &lesson.prompts {
        match &prompt.at {
            PromptAt::Turn(t) => assert!((*t as usize) < mali.turns()),
            PromptAt::Event(id) => assert!(mali.scenario.events.iter().any(|e| &e.id == id)),
        }
    }
    assert!(lesson.terms_in("The C-17 flies for AFISMA.").len() == 2);
}

#[test]
fn lesson_errors_are_located_with_a_hint() {
    let text = tiny_with_lesson(
        r#"(
        objectives: ["Know why dikes matter"],
        timing: [(activity: "Play", minutes: 0)],
        prompts: [
            (at: Turn(9), text: "Too late"),
            (at: Event("alarn"), text: "After the alarm"),
        ],
        glossary: [
            (term: "Dike", definition: "A wall against water"),
            (term: "dike", definition: "The same word again"),
        ],
    )"#,
    );
    let err = scenario::load_str("lesson.ron", &text).expect_err("refused");
    located(&text, "Turn(9)", "turn 9 is past the last turn (3)", &err);
    located(
        &text,
        "Event(\"alarn\")",
        "no event has the id `alarn`",
        &err,
    );
    located(&text, "0)]", "0 minutes", &err);
    located(&text, "\"dike\"", "defined twice", &err);
    let alarm = err
        .diagnostics
        .iter()
        .find(|d| d.message.contains("alarn"))
        .and_then(|d| d.hint.clone());
    assert_eq!(alarm.as_deref(), Some("did you mean `alarm`?"));
    // An unknown field of the lesson is named like any other.
    let text = tiny_with_lesson("(objectivs: [])");
    let err = scenario::load_str("lesson.ron", &text).expect_err("refused");
    assert!(
        err.short().contains("did you mean `objectives`?"),
        "{}",
        err.short()
    );
}

#[test]
fn week_prompts_show_beside_the_news_and_the_debrief_lists_the_questions() {
    let mut h = sized(SandtableApp::new_for_test(mali_session()), 1400.0);
    let lesson = h.state().session().model().scenario.lesson.clone();
    click(&mut h, "Begin");
    let first = lesson.prompts_at(0, &[]);
    assert!(!first.is_empty());
    assert!(shows(&h, first[0]), "the first week's question is shown");
    // The week-3 question (Addis Ababa) is shown in week 3 and not before.
    let third = lesson.prompts_at(2, &[])[0].to_string();
    assert!(!shows(&h, &third));
    click(&mut h, "Commit week");
    click(&mut h, "Commit week");
    assert!(shows(&h, &third));
    // The glossary words of the week come with their definitions.
    assert!(shows(&h, "Words to know"));
}

#[test]
fn reasons_and_the_student_round_trip_through_hand_in_and_reopen_identically() {
    let dir = temp_dir("hand-in");
    let mut h = sized(SandtableApp::new_for_test(mali_session()), 1600.0);
    let session = h.state().session().clone();
    click(&mut h, "Begin");
    // Week 1 with a reason, typed into the field as a student would.
    click(&mut h, &label_of(&session, "humanitarian_aid"));
    h.get_by_label("Why I chose this").click();
    h.run();
    h.get_by_label("Why I chose this")
        .type_text("People are fleeing");
    h.run();
    click(&mut h, "Commit week");
    assert_eq!(h.state().session().reason(0, 0), Some("People are fleeing"));
    // Two more weeks, then a branch from week 2 with its own reason and a fixed parameter.
    let model = session.model().clone();
    let aid = model.choice_index("extend_c17_until").expect("choice");
    let end = model.choice_index("extend_c17_week").expect("choice");
    let app = h.state_mut();
    for command in [
        Command::Select(vec![aid]),
        Command::SetReason("France asked and it costs little".into()),
        Command::Commit,
        Command::Commit,
        Command::GoTo(1),
        Command::Select(vec![end]),
        Command::SetReason("One more week, then we decide again".into()),
        Command::Commit,
        Command::Commit,
        Command::SetParameter(0, Some(5.0)),
    ] {
        app.apply(Action::Session(command));
    }
    h.run();
    assert_eq!(h.state().session().branches().len(), 2);
    // Hand in: the window asks the name, and the file is named after the student.
    h.state_mut()
        .apply(Action::Class(ClassAction::HandInWindow(true)));
    h.run();
    for (field, text) in [("Your name", "Ada Lovelace"), ("Class or group", "12B")] {
        h.get_by_label(field).click();
        h.run();
        h.get_by_label(field).type_text(text);
        h.run();
    }
    h.state_mut()
        .apply(Action::Class(ClassAction::SetFolder(dir.clone())));
    h.run();
    assert!(shows(&h, "File: Lovelace-Ada-mali-2013.session.ron"));
    click(&mut h, "Hand in now");
    let file = dir.join("Lovelace-Ada-mali-2013.session.ron");
    assert!(file.is_file(), "handed in as {}", file.display());
    assert!(shows(&h, "Handed in as"));

    let played = h.state().session().clone();
    let back = Session::load(&file).expect("the handed-in file opens");
    assert_eq!(back.student(), played.student());
    assert_eq!(back.student().map(|s| s.group.as_str()), Some("12B"));
    assert_eq!(back.overrides(), played.overrides());
    assert_eq!(back.branches(), played.branches());
    for b in 0..played.branches().len() {
        let (a, z) = (played.branch_run(b).unwrap(), back.branch_run(b).unwrap());
        assert_eq!(a.turns.len(), z.turns.len());
        for (x, y) in a.turns.iter().zip(&z.turns) {
            let same = x
                .state
                .iter()
                .zip(&y.state)
                .all(|(p, q)| p.to_bits() == q.to_bits());
            assert!(same, "branch {b}: a number differs after reopening");
            assert_eq!(x.events, y.events);
        }
        for t in 0..a.turns.len() {
            assert_eq!(
                back.reason(b, t),
                played.reason(b, t),
                "branch {b} week {t}"
            );
        }
    }
    assert_eq!(back.reason(0, 1), Some("France asked and it costs little"));
    assert_eq!(back.reason(1, 0), Some("People are fleeing"));
    assert_eq!(
        back.reason(1, 1),
        Some("One more week, then we decide again")
    );
    assert_eq!(back.to_ron(), played.to_ron());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_reason_shows_in_the_timeline_and_the_debrief() {
    let mut h = sized(SandtableApp::new_for_test(mali_session()), 1400.0);
    click(&mut h, "Begin");
    let turns = h.state().session().model().turns();
    h.state_mut()
        .apply(Action::Session(Command::SetReason("Wait and see".into())));
    h.state_mut().apply(Action::Session(Command::Commit));
    h.run();
    // The timeline's week button carries the reason in its hover text; the week's state
    // is part of it.
    for _ in 1..turns {
        h.state_mut().apply(Action::Session(Command::Commit));
    }
    h.run();
    assert_eq!(h.state().view().tab, Tab::Debrief);
    assert!(shows(&h, "Your choices, and why"));
    assert!(shows(&h, "“Wait and see”"));
    assert!(shows(&h, "Questions to discuss"));
}

#[test]
fn handing_in_over_other_work_asks_first() {
    let dir = temp_dir("hand-in-again");
    let mut h = sized(SandtableApp::new_for_test(mali_session()), 1600.0);
    click(&mut h, "Begin");
    let student = Student {
        name: "Ada Lovelace".into(),
        group: "12B".into(),
    };
    h.state_mut()
        .apply(Action::Session(Command::SetStudent(student.clone())));
    let file = dir.join(hand_in_file_name(Some(&student), "mali-2013"));
    h.state_mut()
        .apply(Action::Class(ClassAction::HandIn(dir.clone())));
    h.run();
    let first = std::fs::read_to_string(&file).expect("handed in");
    // The same work handed in again replaces nothing that matters: no question.
    h.state_mut()
        .apply(Action::Class(ClassAction::HandIn(dir.clone())));
    h.run();
    assert!(shows(&h, "Handed in as"));

    // A week later, the file there holds other work: it is kept unless the student agrees.
    h.state_mut().apply(Action::Session(Command::Commit));
    h.state_mut()
        .apply(Action::Class(ClassAction::HandIn(dir.clone())));
    h.run();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), first);
    assert!(shows(&h, "Not handed in"));
    h.state_mut()
        .apply(Action::Class(ClassAction::HandInWindow(true)));
    h.run();
    h.state_mut()
        .apply(Action::Class(ClassAction::SetFolder(dir.clone())));
    h.run();
    assert!(shows(
        &h,
        "A file of this name with other work in it is in the folder already."
    ));
    click(&mut h, "Replace it and hand in");
    let now = Session::load(&file).expect("the new hand-in opens");
    assert_eq!(now.cursor(), 1);
    assert_ne!(std::fs::read_to_string(&file).unwrap(), first);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hand_in_names_are_safe() {
    let student = Student {
        name: "Jean-Luc  Picard".into(),
        group: "".into(),
    };
    assert_eq!(
        hand_in_file_name(Some(&student), "mali-2013"),
        "Picard-Jean-Luc-mali-2013.session.ron"
    );
    assert_eq!(hand_in_file_name(None, "../x"), "student-x.session.ron");
}

fn flood_exercise() -> exercise::Loaded {
    let settings: Settings = ron::from_str(
        r#"(
            tabs: [(tab: WhatIf, shown: FromTurn(2)), (tab: Why, shown: Never)],
            history: AtDebrief,
            locks: [(choice: "raise_dikes", from_turn: 0, to_turn: Some(1), reason: "Not before week 3.")],
            injects: [(event: "storm", turn: 1)],
            reasons_required: true,
        )"#,
    )
    .expect("settings parse");
    let text = exercise_text(&tiny_with_inject(), settings);
    exercise::load_str("flood.exercise.ron", &text, None).expect("the exercise loads")
}

fn flood_session() -> Session {
    let loaded = flood_exercise();
    Session::with_exercise(Arc::new(loaded.model), loaded.exercise)
}

#[test]
fn a_locked_choice_cannot_be_taken_until_its_week_and_says_why() {
    let mut s = flood_session();
    let dikes = s.model().choice_index("raise_dikes").unwrap();
    let err = s.apply(Command::Toggle(dikes)).unwrap_err();
    assert_eq!(err.to_string(), "Not before week 3.");
    // Forcing the selection does not get past Commit either.
    s.apply(Command::Select(vec![dikes])).unwrap();
    s.apply(Command::SetReason("try".into())).unwrap();
    assert!(matches!(
        s.apply(Command::Commit),
        Err(CommandError::Refused(_))
    ));
    s.apply(Command::Select(vec![])).unwrap();
    s.apply(Command::Commit).unwrap();
    s.apply(Command::SetReason("wait".into())).unwrap();
    s.apply(Command::Commit).unwrap();
    // Week 3: unlocked.
    assert!(s.availability(dikes).is_ok());
    s.apply(Command::Toggle(dikes)).unwrap();
    // The teacher locks it again from now on; the lock is kept in the session file.
    s.apply(Command::SetLock(dikes, true)).unwrap();
    assert!(s.selection().is_empty());
    assert!(s.availability(dikes).is_err());
    let back = Session::from_ron("x.session.ron", &s.to_ron()).unwrap();
    assert!(back.availability(dikes).is_err());
    let mut back = back;
    back.apply(Command::SetLock(dikes, false)).unwrap();
    assert!(back.availability(dikes).is_ok());
}

#[test]
fn a_required_reason_holds_the_week() {
    let mut s = flood_session();
    assert_eq!(s.apply(Command::Commit), Err(CommandError::ReasonRequired));
    s.apply(Command::SetReason("Sandbags are cheap".into()))
        .unwrap();
    s.apply(Command::Commit).unwrap();
    assert_eq!(s.played(), 1);
}

#[test]
fn an_inject_fires_at_its_week_in_every_copy_and_replays_the_same() {
    let storm_fired = |s: &Session, t: usize| {
        let storm = s
            .model()
            .scenario
            .events
            .iter()
            .position(|e| e.id == "storm");
        s.run().turns[t]
            .events
            .iter()
            .any(|f| Some(f.event) == storm)
    };
    let bags = |s: &Session| s.model().choice_index("sandbags").unwrap();
    // Two students, different choices: the storm comes in week 2 for both, never else.
    let mut students = [flood_session(), flood_session()];
    for (i, s) in students.iter_mut().enumerate() {
        for _ in 0..4 {
            if i == 1 {
                let b = bags(s);
                let _ = s.apply(Command::Toggle(b));
            }
            s.apply(Command::SetReason("because".into())).unwrap();
            s.apply(Command::Commit).unwrap();
        }
        assert!(storm_fired(s, 1), "student {i}");
        assert!(!storm_fired(s, 0) && !storm_fired(s, 2) && !storm_fired(s, 3));
    }
    // The storm raised the water by 1.5 m in week 2 compared with the bare scenario.
    let bare = Session::new(scenario::load_str("t.ron", &tiny_with_inject()).unwrap());
    let mut bare = bare;
    for _ in 0..2 {
        bare.apply(Command::Commit).unwrap();
    }
    let water = students[0].model().layout.indicator(0);
    let diff = students[0].run().state(2)[water] - bare.run().state(2)[water];
    assert!(
        (diff - 1.5).abs() < 1e-9,
        "the storm adds 1.5 m, got {diff}"
    );
    // Without the exercise, the inject-only event never fires by itself.
    assert!(bare.run().turns.iter().all(|t| {
        t.events
            .iter()
            .all(|f| bare.model().scenario.events[f.event].id != "storm")
    }));
    // Saved and reopened, the numbers are the same to the bit.
    for s in &students {
        let back = Session::from_ron("x.session.ron", &s.to_ron()).unwrap();
        assert_eq!(back.run(), s.run());
        assert!(back.exercise().is_some());
    }
}

#[test]
fn the_teacher_injects_an_event_now() {
    let mut s = flood_session();
    let storm = s
        .model()
        .scenario
        .events
        .iter()
        .position(|e| e.id == "storm")
        .unwrap();
    s.apply(Command::Inject(storm)).unwrap();
    s.apply(Command::SetReason("r".into())).unwrap();
    s.apply(Command::Commit).unwrap();
    assert!(s.run().turns[0].events.iter().any(|f| f.event == storm));
    // It cannot be injected into a week already played.
    s.apply(Command::GoTo(0)).unwrap();
    assert_eq!(
        s.apply(Command::Inject(storm)),
        Err(CommandError::NotAtHead)
    );
    let back = Session::from_ron("x.session.ron", &s.to_ron()).unwrap();
    assert_eq!(back.run(), s.run());
}

/// Whether a widget is named exactly `label`.
fn has(h: &egui_kittest::Harness<'_, SandtableApp>, label: &str) -> bool {
    h.query_all_by_label(label).next().is_some()
}

#[test]
fn hidden_tabs_are_hidden_until_their_week() {
    let mut h = app(flood_session());
    click(&mut h, "Begin");
    // The exercise asks who plays.
    assert!(h.state().view().class.student.is_some());
    click(&mut h, "Later");
    assert!(h.state().view().class.student.is_none());
    assert!(!has(&h, "What if"), "What if is hidden in week 1");
    assert!(!has(&h, "Why"), "Why is never shown");
    assert!(has(&h, "Indicators"));
    h.state_mut().apply(Action::SetTab(Tab::WhatIf));
    assert_eq!(h.state().view().tab, Tab::News);
    for _ in 0..2 {
        h.state_mut()
            .apply(Action::Session(Command::SetReason("r".into())));
        h.state_mut().apply(Action::Session(Command::Commit));
    }
    h.run();
    assert!(has(&h, "What if"), "What if opens in week 3");
    assert!(!has(&h, "Why"));
    // History is kept for the debrief.
    assert!(h.state().derived().reference.is_none());
}

#[test]
fn the_mali_exercise_file_checks_and_opens() {
    let out = sandtable(&["check", "exercises/mali-class.exercise.ron"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("ok, exercise (scenario mali-2013, 1 locks"),
        "{stdout}"
    );
    let loaded = exercise::load_file(std::path::Path::new("exercises/mali-class.exercise.ron"))
        .expect("loads");
    let s = Session::with_exercise(Arc::new(loaded.model), loaded.exercise);
    let sof = s.model().choice_index("send_special_forces").unwrap();
    assert!(s.availability(sof).is_err());
    assert!(s.reasons_required());
}

#[test]
fn bad_exercise_files_are_refused_with_their_place() {
    let dir = temp_dir("bad-exercise");
    let text = exercise_text(
        TINY,
        ron::from_str(r#"(locks: [(choice: "sandbag")], injects: [(event: "alarm", turn: 7)])"#)
            .unwrap(),
    );
    let path = dir.join("bad.exercise.ron");
    std::fs::write(&path, &text).unwrap();
    let out = sandtable(&["check", path.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let (line, column) = position_of(&text, "\"sandbag\"");
    assert!(
        stderr.contains(&format!("bad.exercise.ron:{line}:{column}")),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `sandbags`?"), "{stderr}");
    assert!(
        stderr.contains("turn 7 is past the scenario's last turn (3)"),
        "{stderr}"
    );
    // A misspelt setting is a RON error at its place.
    std::fs::write(&path, text.replace("locks:", "lokcs:")).unwrap();
    let out = sandtable(&["check", path.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `locks`?"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_presenter_shows_the_week_large_and_commits_for_the_class() {
    let mut h = sized(SandtableApp::new_for_test(mali_session()), 1000.0);
    let session = h.state().session().clone();
    click(&mut h, "Begin");
    h.state_mut()
        .apply(Action::Class(ClassAction::TogglePresenter));
    h.run();
    assert!(shows(&h, "Leave presenter mode (F5)"));
    assert!(shows(&h, "Week 1 of"));
    assert!(shows(&h, "The class's decision"));
    click(&mut h, &label_of(&session, "humanitarian_aid"));
    click(&mut h, "Commit week");
    let aid = session.model().choice_index("humanitarian_aid").unwrap();
    assert_eq!(
        h.state().session().active_branch().decisions,
        vec![vec![aid]]
    );
    assert!(shows(&h, "Week 2 of"));
    click(&mut h, "Leave presenter mode (F5)");
    assert!(shows(&h, "This week's choices"));
}
