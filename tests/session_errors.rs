//! Errors a teacher can act on: a session file cut off says so, decisions that no longer
//! fit name their branch and week and the rest of the session can be opened, and the error
//! details are shown whole.

use sandtable::scenario::FileErrorKind;
use sandtable::session::{Command, Session};
use sandtable::ui::{Action, SandtableApp};

use crate::util::gui::{app, click, mali_session, shows, sized};
use crate::util::{TINY, temp_dir, tiny};

/// A tiny session with two branches: "Main" plays sandbags for three weeks, "Branch 2"
/// differs from week 2 on.
fn two_branches() -> Session {
    let mut s = Session::new(tiny());
    let bags = s.model().choice_index("sandbags").expect("sandbags");
    let dikes = s.model().choice_index("raise_dikes").expect("dikes");
    for _ in 0..3 {
        s.apply(Command::Select(vec![bags])).expect("select");
        s.apply(Command::Commit).expect("commit");
    }
    s.apply(Command::GoTo(1)).expect("go back");
    s.apply(Command::Select(vec![dikes])).expect("select");
    s.apply(Command::Commit).expect("branch");
    s.apply(Command::Select(vec![bags])).expect("select");
    s.apply(Command::Commit).expect("commit");
    s
}

/// The session text with a decision `"sandbags"` of branch 2 (its first week's, or its
/// third and last week's) replaced by `id`.
fn with_branch_two_choice(text: &str, id: &str, last: bool) -> String {
    let branch_two = text.find("\"Branch 2\"").expect("branch 2 in the file");
    let (head, tail) = text.split_at(branch_two);
    // Branch 2's weeks: sandbags, raise_dikes, sandbags.
    let at = if last {
        tail.rfind("\"sandbags\"")
    } else {
        tail.find("\"sandbags\"")
    };
    let at = at.expect("a sandbags week");
    format!(
        "{head}{}\"{id}\"{}",
        &tail[..at],
        &tail[at + "\"sandbags\"".len()..]
    )
}

#[test]
fn a_session_file_cut_off_anywhere_says_so() {
    let text = two_branches().to_ron();
    // Inside the embedded scenario, between branches, and just before the last bracket.
    let branches = text.find("branches:").expect("branches");
    for cut in [text.len() / 3, branches + 40, text.trim_end().len() - 1] {
        let err = Session::from_ron("class.session.ron", &text[..cut]).expect_err("cut off");
        assert_eq!(
            err.kind,
            FileErrorKind::CutOff,
            "cut at {cut}: {}",
            err.short()
        );
        let short = err.short();
        assert!(short.contains("cut off"), "{short}");
        assert!(short.contains("not copied"), "{short}");
        assert!(short.starts_with("class.session.ron:"), "{short}");
    }
    // A whole file with a mistake in it is not called cut off.
    let typo = text.replacen("seed:", "sed:", 1);
    let err = Session::from_ron("class.session.ron", &typo).expect_err("typo");
    assert_eq!(err.kind, FileErrorKind::Invalid, "{}", err.short());
}

#[test]
fn an_unknown_choice_names_its_branch_and_week_and_the_rest_opens() {
    let s = two_branches();
    let text = with_branch_two_choice(&s.to_ron(), "airlift", true);
    let err = Session::from_ron("class.session.ron", &text).expect_err("refused");
    assert_eq!(err.kind, FileErrorKind::NoLongerFits);
    assert_eq!(err.diagnostics.len(), 1);
    let short = err.short();
    assert!(
        short.contains("branch 2 (\"Branch 2\"), week 3: the session takes a choice `airlift`"),
        "{short}"
    );
    assert!(
        short.contains("the rest of the session can be opened"),
        "{short}"
    );

    let (rest, dropped) = Session::from_ron_lenient("class.session.ron", &text).expect("opens");
    assert_eq!(dropped.len(), 1);
    assert_eq!(
        (dropped[0].branch.clone(), dropped[0].week),
        (Some((1, "Branch 2".into())), Some(2))
    );
    // Everything else is as it was: the first branch whole, the second without that choice.
    assert_eq!(rest.branches()[0], s.branches()[0]);
    let b = &rest.branches()[1];
    assert_eq!(b.decisions.len(), 3);
    assert_eq!(b.decisions[..2], s.branches()[1].decisions[..2]);
    assert!(b.decisions[2].is_empty());
}

#[test]
fn a_week_that_cannot_be_replayed_is_left_out_with_the_weeks_after() {
    let s = two_branches();
    // Evacuating is refused while the water is low, as it is in the first week.
    let text = with_branch_two_choice(&s.to_ron(), "evacuate", false);
    let err = Session::from_ron("class.session.ron", &text).expect_err("refused");
    assert_eq!(err.kind, FileErrorKind::NoLongerFits);
    let short = err.short();
    assert!(short.contains("branch 2 (\"Branch 2\"), week 1"), "{short}");
    assert!(
        short.contains("cannot be replayed: The water is not high enough"),
        "{short}"
    );
    let (rest, dropped) = Session::from_ron_lenient("class.session.ron", &text).expect("opens");
    assert_eq!(dropped.len(), 1);
    assert_eq!(rest.branches()[0], s.branches()[0]);
    assert!(rest.branches()[1].decisions.is_empty());
}

#[test]
fn the_app_offers_to_open_the_rest_and_lists_what_was_left_out() {
    let dir = temp_dir("open-rest");
    let path = dir.join("edited.session.ron");
    let s = two_branches();
    std::fs::write(&path, with_branch_two_choice(&s.to_ron(), "airlift", true)).expect("write");
    let mut harness = app(mali_session());
    harness.state_mut().apply(Action::Open(path.clone()));
    harness.run();
    assert!(shows(
        &harness,
        "week 3: the session takes a choice `airlift`"
    ));
    assert_eq!(harness.state().session().model().scenario.id, "mali-2013");
    click(&mut harness, "Open the rest of the session");
    let opened = harness.state().session();
    assert_eq!(opened.model().scenario.id, "tiny");
    assert_eq!(opened.branches().len(), 2);
    // Not tied to the edited file, so that Ctrl+S cannot overwrite what was left out.
    assert_eq!(harness.state().session_path(), None);
    let notice = harness
        .state()
        .view()
        .notice
        .clone()
        .expect("what was left out");
    assert!(!notice.error);
    assert!(shows(&harness, "without what no longer fits"));
    assert!(shows(&harness, "branch 2 (\"Branch 2\"), week 3"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_app_says_a_cut_off_session_was_not_copied_completely() {
    let dir = temp_dir("cut-gui");
    let path = dir.join("half.session.ron");
    let text = two_branches().to_ron();
    std::fs::write(&path, &text[..text.len() / 2]).expect("write");
    let mut harness = app(mali_session());
    harness.state_mut().apply(Action::Open(path));
    harness.run();
    assert!(shows(&harness, "cut off"));
    assert!(shows(
        &harness,
        "probably not copied or downloaded completely"
    ));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_error_details_show_the_whole_message() {
    let dir = temp_dir("details");
    let path = dir.join("many.ron");
    // Four misspelt names: four problems, each with its source line and hint.
    let mut text = TINY.to_string();
    for (from, to) in [
        ("value: \"rain\"", "value: \"rian\""),
        ("condition: \"damage == 0\"", "condition: \"damag == 0\""),
        ("condition: \"water > 2.5\"", "condition: \"watr > 2.5\""),
        ("value: \"damage\", unit", "value: \"damge\", unit"),
    ] {
        assert!(text.contains(from), "{from}");
        text = text.replacen(from, to, 1);
    }
    std::fs::write(&path, &text).expect("write");
    let mut harness = sized(SandtableApp::new_for_test(mali_session()), 800.0);
    harness.state_mut().apply(Action::Open(path));
    harness.run();
    click(&mut harness, "Details");
    let notice = harness.state().view().notice.clone().expect("a notice");
    let details = notice.details.expect("details");
    let lines: Vec<&str> = details.lines().filter(|l| l.trim().len() > 3).collect();
    assert!(lines.len() >= 8, "{details}");
    for line in lines {
        assert!(
            shows(&harness, line.trim()),
            "not shown: {line:?}\n{details}"
        );
    }
}
