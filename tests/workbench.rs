//! The author's workbench and live reload, driven as an author does: a scenario file opened
//! in the app, edited in the workbench or in another editor, checked, fixed, saved and
//! played, with the session kept across versions.

use std::fs;
use std::path::{Path, PathBuf};

use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use sandtable::session::Command;
use sandtable::ui::{Action, SandtableApp};

use crate::util::gui::{app_from, click, mali_session as mali, shows};
use crate::util::temp_dir;

const TINY: &str = include_str!("data/tiny.ron");

/// The app on `tiny.ron` opened from a folder of its own, begun.
fn opened(name: &str) -> (Harness<'static, SandtableApp>, PathBuf) {
    let dir = temp_dir(name);
    let path = dir.join("tiny.ron");
    fs::write(&path, TINY).unwrap();
    let mut harness = app_from(SandtableApp::new_for_test(mali()));
    harness.state_mut().apply(Action::Open(path.clone()));
    harness.run();
    assert_eq!(harness.state().session().model().scenario.id, "tiny");
    assert_eq!(harness.state().watched_scenario(), Some(path.as_path()));
    click(&mut harness, "Begin");
    (harness, path)
}

/// Writes a new version of the file, with a modification time the watch can tell apart.
fn rewrite(path: &Path, text: &str) {
    fs::write(path, text).unwrap();
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(2);
    let file = fs::File::options().write(true).open(path).unwrap();
    file.set_modified(later).unwrap();
}

/// The workbench, which the test has opened.
fn editor_of<'h>(
    harness: &'h Harness<'_, SandtableApp>,
) -> &'h sandtable::ui::workbench::Workbench {
    harness
        .state()
        .view()
        .workbench
        .as_ref()
        .expect("the workbench is open")
}

fn notice(harness: &Harness<'_, SandtableApp>) -> String {
    harness
        .state()
        .view()
        .notice
        .as_ref()
        .map_or_else(String::new, |n| {
            std::iter::once(n.title.clone())
                .chain(n.lines.iter().cloned())
                .collect::<Vec<_>>()
                .join("\n")
        })
}

#[test]
fn a_change_on_disk_reloads_the_scenario_and_keeps_the_session() {
    let (mut harness, path) = opened("reload");
    let model = harness.state().session().model().clone();
    let id = |name: &str| {
        model
            .scenario
            .choices
            .iter()
            .position(|c| c.id == name)
            .unwrap()
    };
    let app = harness.state_mut();
    app.apply(Action::Session(Command::Toggle(id("sandbags"))));
    app.apply(Action::Session(Command::Commit));
    app.apply(Action::Session(Command::Toggle(id("raise_dikes"))));
    app.apply(Action::Session(Command::Commit));
    harness.run();
    assert_eq!(harness.state().session().cursor(), 2);

    // The author renames a choice the session took and changes a number.
    let edited = TINY
        .replace("\"raise_dikes\"", "\"build_dikes\"")
        .replace("initial: 2.0", "initial: 2.5");
    rewrite(&path, &edited);
    harness.state_mut().check_watched_file();
    harness.run();
    let session = harness.state().session();
    assert_eq!(session.model().source, edited);
    assert_eq!(session.cursor(), 2, "the weeks played are replayed");
    let decisions = session.active_branch().decisions.clone();
    let sandbags = session
        .model()
        .scenario
        .choices
        .iter()
        .position(|c| c.id == "sandbags")
        .unwrap();
    assert_eq!(decisions[0], vec![sandbags]);
    assert!(
        decisions[1].is_empty(),
        "the renamed choice is left out: {decisions:?}"
    );
    let text = notice(&harness);
    assert!(
        text.contains("tiny.ron changed on disk and is reloaded"),
        "{text}"
    );
    assert!(
        text.contains("raise_dikes"),
        "what was left out is named: {text}"
    );
    let water = session
        .model()
        .scenario
        .indicators
        .iter()
        .position(|i| i.id == "water");
    assert!(water.is_some());

    // A version that does not load leaves the game as it was and says where it is broken.
    let broken = edited.replace("turns: 4", "turns: four");
    rewrite(&path, &broken);
    harness.state_mut().check_watched_file();
    harness.run();
    assert_eq!(harness.state().session().model().source, edited);
    let text = notice(&harness);
    assert!(
        text.contains("does not load; the game goes on as it was"),
        "{text}"
    );
    let (line, _) = crate::util::position_of(&broken, "four");
    assert!(text.contains(&format!("tiny.ron:{line}:")), "{text}");
    let _ = fs::remove_dir_all(path.parent().unwrap());
}

#[test]
fn the_workbench_shows_problems_in_place_fixes_saves_with_comments_and_plays() {
    let (mut harness, path) = opened("workbench");
    click(&mut harness, "File");
    click(&mut harness, "Edit the scenario…");
    assert!(shows(&harness, "No problems: the scenario loads."));
    assert!(harness.state().view().workbench.is_some());

    // Changed elsewhere while the workbench has no edits: it shows the new text, checked.
    let typo = TINY.replace(
        "policy: \"clamp(mayor.budget_spent / 10, 0, 1)\"",
        "policy: \"clamp(mayr.budget_spent / 10, 0, 1)\"",
    );
    rewrite(&path, &format!("// Edited by hand.\n{typo}"));
    harness.state_mut().check_watched_file();
    harness.run();
    let workbench = editor_of(&harness);
    assert!(workbench.text.starts_with("// Edited by hand."));
    assert_eq!(workbench.problems.len(), 1, "{:?}", workbench.problems);
    let problem = workbench.problems[0].clone();
    let (line, _) = crate::util::position_of(&workbench.text, "mayr.");
    assert_eq!(problem.line, line);
    assert!(shows(&harness, "1 problem (marked in the text)"));
    // The session still plays the version before: a broken text is not played.
    assert!(!harness.state().session().model().source.contains("mayr."));

    // The quick fix puts the suggested name in, and the text checks clean.
    click(&mut harness, "Use `mayor.budget_spent`");
    harness.run();
    let workbench = editor_of(&harness);
    assert!(workbench.problems.is_empty(), "{:?}", workbench.problems);
    assert!(workbench.text.contains("clamp(mayor.budget_spent"));
    assert!(workbench.unsaved());

    // Typing goes in where the fix left the cursor.
    harness.get_by_label("Scenario text").focus();
    harness.run();
    harness.get_by_label("Scenario text").type_text(" + 0");
    harness.run();
    for _ in 0..40 {
        harness.step();
    }
    let workbench = editor_of(&harness);
    let text = workbench.text.clone();
    assert!(
        text.contains("clamp(mayor.budget_spent + 0 / 10"),
        "typing reaches the text"
    );
    assert!(workbench.problems.is_empty(), "{:?}", workbench.problems);

    click(&mut harness, "Save");
    let on_disk = fs::read_to_string(&path).unwrap();
    assert_eq!(on_disk, text, "saved as written, comments kept");
    assert!(on_disk.starts_with("// Edited by hand."));
    assert!(!editor_of(&harness).unsaved());
    // Its own save does not come back as a change from elsewhere.
    harness.state_mut().check_watched_file();
    harness.run();
    assert!(!notice(&harness).contains("changed on disk"));

    // Play it: the session goes on with the text as written.
    click(&mut harness, "Play it");
    assert_eq!(harness.state().session().model().source, text);
    assert!(notice(&harness).contains("every decision of the session still applies"));
    let _ = fs::remove_dir_all(path.parent().unwrap());
}

#[test]
fn edits_in_the_workbench_are_not_replaced_by_a_change_on_disk() {
    let (mut harness, path) = opened("conflict");
    click(&mut harness, "File");
    click(&mut harness, "Edit the scenario…");
    harness.get_by_label("Scenario text").focus();
    harness.run();
    harness
        .get_by_label("Scenario text")
        .type_text("\n// mine\n");
    harness.run();
    rewrite(&path, &format!("// theirs\n{TINY}"));
    harness.state_mut().check_watched_file();
    harness.run();
    let workbench = editor_of(&harness);
    assert!(workbench.text.contains("// mine"));
    assert!(workbench.changed_on_disk);
    assert!(shows(
        &harness,
        "The file changed on disk while you were editing it here."
    ));
    // Closing keeps the edits for when it opens again.
    harness.state_mut().apply(Action::Workbench(
        sandtable::ui::workbench::WorkbenchAction::Close,
    ));
    harness.run();
    assert!(harness.state().view().workbench_hidden);
    click(&mut harness, "File");
    click(&mut harness, "Edit the scenario…");
    assert!(
        harness
            .state()
            .view()
            .workbench
            .as_ref()
            .unwrap()
            .text
            .contains("// mine")
    );
    click(&mut harness, "Take the version on disk (drops your edits)");
    let workbench = editor_of(&harness);
    assert!(workbench.text.starts_with("// theirs"));
    assert!(!workbench.unsaved());
    let _ = fs::remove_dir_all(path.parent().unwrap());
}

#[test]
fn the_structured_view_edits_the_text_in_place_undoes_and_tries_it() {
    let (mut harness, path) = opened("structure");
    click(&mut harness, "File");
    click(&mut harness, "Edit the scenario…");
    click(&mut harness, "Council (council)");
    harness
        .get_by_label("council on spending: salience")
        .set_value_accesskit(0.35);
    harness.run();
    let workbench = editor_of(&harness);
    let edited = TINY.replacen(
        "(position: 0.0, salience: 1.0)",
        "(position: 0.0, salience: 0.35)",
        1,
    );
    assert_eq!(
        workbench.text, edited,
        "only the value changes; comments stay"
    );
    for _ in 0..40 {
        harness.step();
    }
    let workbench = editor_of(&harness);
    assert!(workbench.problems.is_empty(), "{:?}", workbench.problems);
    let model = workbench.model.clone().unwrap();
    assert_eq!(model.scenario.actors[1].stances["spending"].salience, 0.35);

    // Ctrl+Z in the text takes the slider's change back too, and Ctrl+Shift+Z puts it back.
    harness.get_by_label("Scenario text").focus();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run();
    assert_eq!(editor_of(&harness).text, TINY);
    harness.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::Z,
    );
    harness.run();
    assert_eq!(editor_of(&harness).text, edited);

    // A label typed in its line is written as a RON string, quotes escaped.
    click(&mut harness, "Council (council)");
    click(&mut harness, "Evacuate (evacuate)");
    harness.get_by_label("evacuate label").focus();
    harness.run();
    harness.get_by_label("evacuate label").type_text(" \"now\"");
    harness.run();
    let text = harness
        .state()
        .view()
        .workbench
        .as_ref()
        .unwrap()
        .text
        .clone();
    assert!(
        text.contains(r#"label: "Evacuate \"now\"""#),
        "{}",
        text.lines().find(|l| l.contains("evacuate")).unwrap_or("")
    );
    harness
        .get_by_label("evacuate max_times")
        .set_value_accesskit(2.0);
    harness.run();
    let text = harness
        .state()
        .view()
        .workbench
        .as_ref()
        .unwrap()
        .text
        .clone();
    assert!(
        text.contains("max_times: Some(2)"),
        "a whole number stays whole"
    );

    // Undo takes the edits back one by one, Redo puts them back.
    click(&mut harness, "Undo");
    assert!(
        harness
            .state()
            .view()
            .workbench
            .as_ref()
            .unwrap()
            .text
            .contains("max_times: Some(1)")
    );
    click(&mut harness, "Redo");
    assert!(
        harness
            .state()
            .view()
            .workbench
            .as_ref()
            .unwrap()
            .text
            .contains("max_times: Some(2)")
    );
    for _ in 0..3 {
        click(&mut harness, "Undo");
    }
    assert_eq!(editor_of(&harness).text, TINY);
    click(&mut harness, "Redo");
    assert_eq!(editor_of(&harness).text, edited);

    // Futures of the text as it stands, as `sandtable ensemble` prints them.
    click(&mut harness, "Try it");
    harness.get_by_label("1,000 futures").click();
    for _ in 0..400 {
        harness.step();
        if harness
            .state()
            .view()
            .workbench
            .as_ref()
            .unwrap()
            .trial
            .answer()
            .is_some()
        {
            break;
        }
    }
    let answer = editor_of(&harness)
        .trial
        .answer()
        .map(str::to_string)
        .expect("the futures ran");
    let expected = sandtable::ui::workbench::trial::run(
        &sandtable::scenario::load_str("tiny.ron", &edited).unwrap(),
        &sandtable::ui::workbench::trial::TrialKind::Futures(None),
        Default::default(),
    )
    .unwrap();
    assert_eq!(answer, expected, "the futures are those of the edited text");
    assert!(shows(&harness, "Tiny crisis — futures with no choices"));

    // Saved as written, then played.
    click(&mut harness, "Save");
    assert_eq!(fs::read_to_string(&path).unwrap(), edited);
    click(&mut harness, "Play it");
    assert_eq!(
        harness.state().session().model().scenario.actors[1].stances["spending"].salience,
        0.35
    );
    let _ = fs::remove_dir_all(path.parent().unwrap());
}
