//! The desktop app driven headlessly with `egui_kittest`: widgets found by their
//! accessible names (what a screen reader reads), clicked, and the visible text and the
//! session checked after each step.

use std::path::Path;

use eframe::egui;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable, by};

use sandtable::autosave::AutosaveStore;
use sandtable::scenario;
use sandtable::session::Session;
use sandtable::ui::charts::SeriesKind;
use sandtable::ui::{Action, SandtableApp, Screen, Tab};

use crate::util::gui::{
    app, app_from, choice, click, label_of, mali_session, play_empty_weeks, shows, sized,
};
use crate::util::{TINY, temp_dir};

#[test]
fn the_app_opens_on_the_briefing_of_the_mali_scenario() {
    let harness = sized(SandtableApp::new_for_test(mali_session()), 2000.0);
    let title = &harness.state().session().model().scenario.title;
    assert_eq!(harness.state().view().screen, Screen::Briefing);
    assert!(shows(&harness, title));
    for section in [
        "The situation",
        "Your role",
        "Your goals",
        "The actors at a glance",
    ] {
        assert!(shows(&harness, section), "the briefing shows {section}");
    }
    assert!(shows(&harness, "It is Tuesday 15 January 2013"));
    assert!(shows(&harness, "Crisis envelope: 250 CAD M"));
    harness.get_by_role_and_label(Role::Button, "Begin");
}

/// A whole game of the Mali scenario, from the briefing to the debrief, by clicking.
#[test]
fn a_full_play_through_of_mali_from_briefing_to_debrief() {
    // Tall enough for every choice of the week and its news.
    let mut harness = sized(SandtableApp::new_for_test(mali_session()), 2000.0);
    click(&mut harness, "Begin");
    assert_eq!(harness.state().view().screen, Screen::Play);
    assert!(shows(&harness, "Week 1 of 34 · 15 Jan 2013"));

    let session = harness.state().session().clone();
    let extend = label_of(&session, "extend_c17_until");
    let push = label_of(&session, "election_push");
    let aid = label_of(&session, "humanitarian_aid");
    let end = label_of(&session, "end_c17");

    // Week 1: two choices, their cost against what Canada holds, then commit.
    click(&mut harness, &aid);
    click(&mut harness, &push);
    assert_eq!(harness.state().session().selection().len(), 2);
    assert!(shows(&harness, "Crisis envelope: 13.5 of 250 CAD M"));
    assert!(shows(&harness, "Political capital: 2 of 25 points"));
    click(&mut harness, "Commit week");
    let s = harness.state().session();
    assert_eq!((s.played(), s.cursor()), (1, 1));
    assert!(s.selection().is_empty());
    let budget = s.model().layout.resources[s.model().role()].start;
    assert!((s.state()[budget] - (250.0 - 13.5)).abs() < 1e-9);
    assert!(shows(&harness, "Week 2 of 34 · 22 Jan 2013"));
    // The news of the week, as rendered by the engine.
    for fired in &s.run().turns[0].events {
        let title = &s.model().scenario.events[fired.event].title;
        assert!(shows(&harness, title), "the news shows “{title}”");
    }
    assert!(shows(&harness, &format!("You decided: {aid}; {push}.")));

    // The rest of the weeks: France's request answered in week 2, aid when it can be
    // given, the plane home in week 12.
    for week in 2..=34 {
        let s = harness.state().session().clone();
        assert_eq!(s.cursor(), week - 1);
        let mut picked = Vec::new();
        if week == 2 {
            click(&mut harness, &extend);
            picked.push(choice(s.model(), "extend_c17_until"));
        }
        if s.availability(choice(s.model(), "humanitarian_aid"))
            .is_ok()
            && week % 3 == 0
        {
            click(&mut harness, &aid);
            picked.push(choice(s.model(), "humanitarian_aid"));
        }
        if week == 12 && s.availability(choice(s.model(), "end_c17")).is_ok() {
            click(&mut harness, &end);
            picked.push(choice(s.model(), "end_c17"));
        }
        picked.sort_unstable();
        click(&mut harness, "Commit week");
        let s = harness.state().session();
        assert_eq!(s.played(), week, "week {week} is played");
        assert_eq!(s.run().turns[week - 1].choices, picked);
    }

    // The debrief: outcomes and goals side by side with what Canada did.
    let s = harness.state().session();
    assert!(s.is_finished());
    assert_eq!(harness.state().view().tab, Tab::Debrief);
    assert!(shows(&harness, "Debrief: Mali 2013"));
    assert!(shows(&harness, "your path “Main” met"));
    assert!(shows(&harness, "Against “What Canada did”, your path did"));
    let debrief = &harness.state().derived().debrief;
    assert_eq!(debrief.columns[0].name, "Main");
    assert_eq!(debrief.columns[1].name, "What Canada did");
    let met = debrief.columns[0].goals.iter().filter(|&&g| g).count();
    assert!(shows(&harness, &format!("met {met} of 7 goals")));
    for outcome in &s.model().scenario.outcomes {
        assert!(shows(&harness, &outcome.name));
    }
    assert!(harness.query_by_label("Commit week").is_none());
    assert!(shows(&harness, "The scenario is over."));
}

#[test]
fn going_back_to_a_week_and_choosing_differently_makes_a_branch() {
    let mut harness = app(mali_session());
    click(&mut harness, "Begin");
    play_empty_weeks(&mut harness, 3);
    let main_run = harness.state().session().run().clone();

    click(&mut harness, "Week 2");
    let s = harness.state().session();
    assert_eq!((s.cursor(), s.played()), (1, 3));
    assert!(shows(&harness, "You are looking back at week 2"));
    let aid = label_of(s, "humanitarian_aid");
    click(&mut harness, &aid);
    assert!(shows(&harness, "Different choices: starts a new branch"));
    click(&mut harness, "Commit week");

    let s = harness.state().session();
    assert_eq!(s.branches().len(), 2);
    assert_eq!(s.active(), 1);
    assert_eq!(s.active_branch().name, "Branch 2");
    assert_eq!(s.active_branch().parent, Some((0, 1)));
    assert_eq!(s.played(), 2);
    assert_eq!(s.run().state(1), main_run.state(1));
    assert!(shows(&harness, "from “Main” at week 2"));

    // Rename it.
    click(&mut harness, "Rename “Branch 2”");
    harness
        .get_by_label("New name for “Branch 2”")
        .type_text(" with aid");
    harness.run();
    click(&mut harness, "Save name");
    assert_eq!(
        harness.state().session().active_branch().name,
        "Branch 2 with aid"
    );

    // Switch back to the first branch: it is untouched.
    click(&mut harness, "Main");
    let s = harness.state().session();
    assert_eq!(s.active(), 0);
    assert_eq!(s.run(), &main_run);
    assert!(shows(&harness, "branch “Main”"));
}

#[test]
fn undo_takes_back_the_last_week_by_button_and_by_ctrl_z() {
    // Tall enough that every choice of week 1 is in view.
    let mut harness = sized(SandtableApp::new_for_test(mali_session()), 1600.0);
    click(&mut harness, "Begin");
    let aid = label_of(harness.state().session(), "humanitarian_aid");
    click(&mut harness, &aid);
    click(&mut harness, "Commit week");
    play_empty_weeks(&mut harness, 1);
    assert_eq!(harness.state().session().played(), 2);

    click(&mut harness, "Undo last week");
    assert_eq!(harness.state().session().played(), 1);
    assert!(shows(&harness, "Week 2 of 34"));

    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run();
    let s = harness.state().session();
    assert_eq!(s.played(), 0);
    // The undone week's choices are selected again.
    assert!(
        s.selection()
            .contains(&choice(s.model(), "humanitarian_aid"))
    );
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run();
    assert!(shows(&harness, "Nothing to undo"));
}

#[test]
fn enter_begins_and_commits_the_week() {
    let mut harness = sized(SandtableApp::new_for_test(mali_session()), 1600.0);
    harness.key_press(egui::Key::Enter);
    harness.run();
    assert_eq!(harness.state().view().screen, Screen::Play);
    let aid = label_of(harness.state().session(), "humanitarian_aid");
    click(&mut harness, &aid);
    harness.key_press(egui::Key::Enter);
    harness.run();
    let s = harness.state().session();
    assert_eq!(s.played(), 1);
    assert_eq!(
        s.run().turns[0].choices,
        vec![choice(s.model(), "humanitarian_aid")]
    );
}

#[test]
fn comparing_branches_overlays_them_on_the_charts_and_in_the_debrief() {
    let mut harness = app(mali_session());
    click(&mut harness, "Begin");
    play_empty_weeks(&mut harness, 34);
    click(&mut harness, "Week 1");
    let end = label_of(harness.state().session(), "end_c17");
    // The debrief's week-by-week table names the choice too: tick the box.
    harness
        .get_all_by_label(&end)
        .find(|n| n.accesskit_node().role() != Role::Label)
        .expect("the choice's box")
        .click();
    harness.run();
    click(&mut harness, "Commit week");
    assert_eq!(harness.state().session().active(), 1);

    click(&mut harness, "Compare “Main” on the charts");
    assert_eq!(harness.state().view().charts.overlay, Some(0));
    click(&mut harness, "Indicators");
    assert!(shows(&harness, "French troops in Mali (soldiers)"));
    let s = harness.state().session().clone();
    let main_run = s.branch_run(0).expect("Main replays");
    let chart = &harness.state().derived().charts[0];
    let overlay = chart
        .series
        .iter()
        .find(|line| line.kind == SeriesKind::Overlay)
        .expect("the overlaid branch is drawn");
    assert_eq!(overlay.name, "Main");
    let slot = s.model().layout.indicator(0);
    let ys: Vec<f64> = overlay.points.iter().map(|p| p.y).collect();
    assert_eq!(ys, main_run.series(slot));
    // The chart's numbers are also text.
    assert!(shows(
        &harness,
        &format!(
            "Branch 2 {}",
            s.model().format_indicator(0, s.state()[slot])
        )
    ));

    // Finish the branch: the debrief compares it with Main and with history.
    play_empty_weeks(&mut harness, 33);
    let debrief = &harness.state().derived().debrief;
    let names: Vec<&str> = debrief.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Branch 2", "What Canada did", "Main"]);
    assert!(shows(&harness, "Of your other branches, “Main”"));
}

#[test]
fn unavailable_choices_are_greyed_with_the_reason_and_cannot_be_committed() {
    let mut harness = sized(SandtableApp::new_for_test(mali_session()), 1200.0);
    click(&mut harness, "Begin");
    let s = harness.state().session().clone();
    let trainers = choice(s.model(), "send_trainers");
    assert!(s.availability(trainers).is_err());
    let label = label_of(&s, "send_trainers");
    let node = harness.get_by_label(&label);
    assert!(node.accesskit_node().is_disabled());
    node.click();
    harness.run();
    assert!(harness.state().session().selection().is_empty());
    assert!(shows(&harness, "Not before the week of 22 Jan 2013."));
    // Even pressed through the accessibility tree, the choice is not taken.
    harness.get_by_label(&label).click_accesskit();
    harness.run();
    assert!(harness.state().session().selection().is_empty());
    click(&mut harness, "Commit week");
    let s = harness.state().session();
    assert_eq!(s.played(), 1);
    assert!(s.run().turns[0].choices.is_empty());
    // A selection that costs more than Canada holds cannot be committed either.
    let mut s = s.clone();
    let dev = choice(s.model(), "development_package");
    let all: Vec<usize> = (0..s.model().choices.len()).filter(|&c| c != dev).collect();
    s.apply(sandtable::session::Command::Select(all))
        .expect("a selection");
    assert!(s.selection_check().is_err());
    let mut harness = app(s);
    click(&mut harness, "Back to the game");
    assert!(
        harness
            .get_by_label("Commit week")
            .accesskit_node()
            .is_disabled()
    );
    assert!(shows(&harness, "Cannot commit:"));
    click(&mut harness, "Commit week");
    assert_eq!(harness.state().session().played(), 1);
}

/// Writes the tiny scenario with a typo into a temporary file.
fn broken_scenario(dir: &Path) -> (std::path::PathBuf, usize, usize) {
    let text = TINY.replacen("initial: 2.0", "initail: 2.0", 1);
    let path = dir.join("broken.ron");
    std::fs::write(&path, &text).expect("write the broken scenario");
    let (line, column) = crate::util::position_of(&text, "initail");
    (path, line, column)
}

#[test]
fn a_broken_scenario_shows_its_error_and_the_session_is_kept() {
    let dir = temp_dir("gui-broken");
    let (path, line, column) = broken_scenario(&dir);
    let mut harness = app(mali_session());
    click(&mut harness, "Begin");
    play_empty_weeks(&mut harness, 2);
    let before = harness.state().session().to_ron();

    click(&mut harness, "File");
    click(&mut harness, "Open a path…");
    harness
        .get_by_label("Path of a scenario (.ron) or a session (.session.ron):")
        .type_text(&path.display().to_string());
    harness.run();
    click(&mut harness, "Open this file");

    let expected = format!("{}:{line}:{column}:", path.display());
    assert!(
        shows(&harness, &expected),
        "the error names {expected}: {:?}",
        harness.state().view().notice
    );
    assert!(shows(&harness, "initail"));
    assert!(shows(&harness, "The current session is unchanged."));
    let notice = harness.state().view().notice.clone().expect("a notice");
    assert!(notice.error);
    // The app goes on with the same session.
    assert_eq!(harness.state().session().to_ron(), before);
    click(&mut harness, "Dismiss");
    click(&mut harness, "Commit week");
    assert_eq!(harness.state().session().played(), 3);

    // A hostile file: not text at all.
    let binary = dir.join("noise.ron");
    std::fs::write(&binary, [0xffu8, 0xfe, 0x00, 0x42]).expect("write");
    harness.state_mut().apply(Action::Open(binary));
    harness.run();
    assert!(shows(&harness, "not UTF-8"));
    assert_eq!(harness.state().session().played(), 3);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_session_saved_and_reopened_is_identical() {
    let dir = temp_dir("gui-save");
    let path = dir.join("class.session.ron");
    // Tall enough that every choice of week 1 is in view.
    let mut harness = sized(SandtableApp::new_for_test(mali_session()), 1600.0);
    click(&mut harness, "Begin");
    let aid = label_of(harness.state().session(), "humanitarian_aid");
    click(&mut harness, &aid);
    click(&mut harness, "Commit week");
    play_empty_weeks(&mut harness, 3);
    click(&mut harness, "Week 3");
    click(&mut harness, &aid);
    click(&mut harness, "Commit week");
    assert_eq!(harness.state().session().branches().len(), 2);

    // Save as, through the app's own file window.
    click(&mut harness, "File");
    click(&mut harness, "Save as…");
    let field = harness.get_by_label("Save the session as (.session.ron):");
    field.focus();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.run();
    harness
        .get_by_label("Save the session as (.session.ron):")
        .type_text(&path.display().to_string());
    harness.run();
    click(&mut harness, "Save to this file");
    assert!(path.exists());
    assert_eq!(harness.state().session_path(), Some(path.as_path()));
    assert!(shows(&harness, "Saved to"));
    let saved = harness.state().session().clone();

    // Open it in a fresh app: the same state, to the last number.
    let mut other = app(mali_session());
    other.state_mut().apply(Action::Open(path.clone()));
    other.run();
    let back = other.state().session();
    assert_eq!(back.to_ron(), saved.to_ron());
    assert_eq!(back.run(), saved.run());
    assert_eq!(back.branches(), saved.branches());
    assert_eq!(
        (back.active(), back.cursor()),
        (saved.active(), saved.cursor())
    );
    assert_eq!(other.state().view().screen, Screen::Play);
    assert!(
        other
            .state()
            .prefs()
            .recent
            .iter()
            .any(|p| p.ends_with("class.session.ron"))
    );

    // Ctrl+S saves again to the same file, atomically.
    play_empty_weeks(&mut other, 1);
    other.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    other.run();
    let again = Session::load(&path).expect("the saved file opens");
    assert_eq!(again.to_ron(), other.state().session().to_ron());
    let leftovers = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .count();
    assert_eq!(leftovers, 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_session_is_autosaved_and_offered_back_after_a_crash() {
    let dir = temp_dir("gui-autosave");
    // A run that dies without a clean exit: its autosave's lock names a process that is gone.
    let dying = SandtableApp::new_for_test(mali_session())
        .with_autosave_store(AutosaveStore::with_owner(dir.clone(), u32::MAX));
    let mut harness = app_from(dying);
    assert!(harness.state().view().restore.is_none());
    click(&mut harness, "Begin");
    play_empty_weeks(&mut harness, 2);
    let file = harness
        .state()
        .autosave_store()
        .and_then(|store| store.current())
        .expect("an autosave")
        .to_path_buf();
    let autosaved = Session::load(&file).expect("an autosave");
    assert_eq!(autosaved.to_ron(), harness.state().session().to_ron());
    drop(harness);

    let mut next = app_from(SandtableApp::new_for_test(mali_session()).with_autosave(dir.clone()));
    assert!(shows(&next, "did not close properly"));
    assert!(shows(&next, "Week 3 of 34"));
    // Playing on autosaves the new game without losing the one offered back.
    click(&mut next, "Begin");
    click(&mut next, "Commit week");
    assert!(shows(&next, "did not close properly"));
    assert_eq!(
        Session::load(&file).expect("kept").to_ron(),
        autosaved.to_ron()
    );
    click(&mut next, "Restore");
    click(&mut next, "Don't save");
    let s = next.state().session();
    assert_eq!(s.to_ron(), autosaved.to_ron());
    assert_eq!(next.state().view().screen, Screen::Play);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn help_lists_the_shortcuts_and_the_theme_switches() {
    let mut harness = app(mali_session());
    harness.key_press(egui::Key::F1);
    harness.run();
    assert!(shows(&harness, "Keyboard shortcuts"));
    assert!(shows(&harness, "Ctrl+Z"));
    click(&mut harness, "Close help");
    assert!(!harness.state().view().help);

    let dark = harness.ctx.global_style().visuals.dark_mode;
    let button = if dark { "Light theme" } else { "Dark theme" };
    click(&mut harness, button);
    assert_eq!(harness.state().prefs().dark, Some(!dark));
    assert_eq!(harness.ctx.global_style().visuals.dark_mode, !dark);
}

#[test]
fn ctrl_and_a_digit_show_the_tab_at_that_place_in_the_tab_bar() {
    let mut harness = app(mali_session());
    click(&mut harness, "Begin");
    assert_eq!(Tab::ALL[3], Tab::WhatIf);
    for (k, tab) in Tab::ALL.into_iter().enumerate().take(4) {
        harness.key_press_modifiers(egui::Modifiers::COMMAND, tab.key());
        harness.run();
        assert_eq!(harness.state().view().tab, tab, "Ctrl+{}", k + 1);
    }
    // The debrief only once the scenario is over.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Tab::Debrief.key());
    harness.run();
    assert_eq!(harness.state().view().tab, Tab::WhatIf);
    harness.key_press(egui::Key::F1);
    harness.run();
    assert!(shows(&harness, "Ctrl+1 … Ctrl+5"));
    assert!(shows(&harness, "News, Indicators, Why, What if, Debrief"));
}

#[test]
fn the_actors_panel_reads_as_text() {
    // Tall enough for France's resources: text out of view is not in the tree.
    let mut harness = sized(SandtableApp::new_for_test(mali_session()), 1100.0);
    click(&mut harness, "Begin");
    let s = harness.state().session();
    let france = s
        .model()
        .scenario
        .actors
        .iter()
        .position(|a| a.id == "france")
        .expect("France");
    let approval = s.state()[s.model().layout.approval(france)];
    let text = format!(
        "Approval of your policy: {} / 100",
        scenario::format_number(approval, 0)
    );
    assert!(shows(&harness, &text), "{text}");
    assert!(shows(&harness, "wants 70 · your policy"));
    assert!(shows(&harness, "Political resolve: 70 index 0-100"));
}

#[test]
fn the_why_tab_lists_the_causes_of_the_week() {
    let mut harness = sized(SandtableApp::new_for_test(mali_session()), 3000.0);
    click(&mut harness, "Begin");
    let aid = label_of(harness.state().session(), "humanitarian_aid");
    click(&mut harness, &aid);
    click(&mut harness, "Commit week");
    click(&mut harness, "Why");
    assert!(shows(&harness, "Why things changed in week 1"));
    assert!(shows(&harness, &format!("Cost of your choice “{aid}”")));
    assert!(shows(
        &harness,
        "Canada (you): Crisis envelope (CAD M): -13 (from 250 to 237)"
    ));
}

#[test]
fn another_scenario_opens_on_its_briefing() {
    let dir = temp_dir("gui-tiny");
    let path = dir.join("tiny.ron");
    std::fs::write(&path, TINY).expect("write");
    let mut harness = app(mali_session());
    harness.state_mut().apply(Action::Open(path));
    harness.run();
    let s = harness.state().session();
    assert_eq!(s.model().scenario.id, "tiny");
    assert_eq!(harness.state().view().screen, Screen::Briefing);
    assert!(shows(&harness, &s.model().scenario.title.clone()));
    click(&mut harness, "Begin");
    click(&mut harness, "Commit week");
    assert_eq!(harness.state().session().played(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A file dropped on the window, as the windowing system hands it over.
#[derive(Debug)]
struct Dropped(std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn a_session_dropped_on_the_window_opens() {
    let dir = temp_dir("gui-drop");
    let path = dir.join("dropped.session.ron");
    let mut played = mali_session();
    played
        .apply(sandtable::session::Command::Commit)
        .expect("a week");
    played.save(&path).expect("saved");

    let mut harness = app(mali_session());
    harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(path.clone())));
    harness.run();
    let s = harness.state().session();
    assert_eq!(s.to_ron(), played.to_ron());
    assert_eq!(harness.state().view().screen, Screen::Play);
    assert_eq!(harness.state().session_path(), Some(path.as_path()));
    assert!(shows(&harness, "Week 2 of 34"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(feature = "snapshot")]
mod snapshots {
    //! Deliberate image snapshots, rendered on the CPU (lavapipe or llvmpipe). They fail,
    //! not skip, when no graphics adapter is found.

    use super::*;

    fn snapshot_app(session: Session) -> Harness<'static, SandtableApp> {
        let mut harness = Harness::builder()
            .with_size(egui::vec2(1280.0, 800.0))
            .wgpu()
            .build_eframe(move |_cc| SandtableApp::new_for_test(session));
        harness.run();
        harness
    }

    #[test]
    fn snapshot_briefing() {
        let mut harness = snapshot_app(mali_session());
        harness.snapshot("briefing");
    }

    #[test]
    fn snapshot_mid_game() {
        let mut harness = snapshot_app(mali_session());
        click(&mut harness, "Begin");
        let session = harness.state().session().clone();
        for id in ["fund_afisma", "election_push"] {
            click(&mut harness, &label_of(&session, id));
        }
        play_empty_weeks(&mut harness, 6);
        click(&mut harness, &label_of(&session, "humanitarian_aid"));
        click(&mut harness, "Indicators");
        harness.remove_cursor();
        harness.run();
        harness.snapshot("mid_game");
    }

    #[test]
    fn snapshot_debrief() {
        let mut harness = snapshot_app(mali_session());
        click(&mut harness, "Begin");
        play_empty_weeks(&mut harness, 34);
        harness.remove_cursor();
        harness.run();
        harness.snapshot("debrief");
    }
}

/// Measures the CPU time of one frame mid-game with four charts shown, as eframe spends it:
/// the app's ui and the tessellation, with the pointer moving over a chart. Run by hand:
/// `cargo test --release --test tests gui::frame_time -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, run by hand in release mode"]
fn frame_time_mid_game_with_charts() {
    let mut harness = app(mali_session());
    click(&mut harness, "Begin");
    play_empty_weeks(&mut harness, 6);
    click(&mut harness, "Indicators");
    measure_frames(
        harness.into_state(),
        "mid-game, Indicators tab with 4 charts",
    );
}

/// The same with the most branches a session may hold, all listed in the timeline.
#[test]
#[ignore = "a measurement, run by hand in release mode"]
fn frame_time_with_the_most_branches() {
    let mut harness = app_from(SandtableApp::new_for_test(most_branches()));
    harness.state_mut().apply(Action::Begin);
    harness.run();
    click(&mut harness, "Indicators");
    measure_frames(
        harness.into_state(),
        &format!(
            "{} branches, Indicators tab",
            sandtable::scenario::limits::MAX_BRANCHES
        ),
    );
}

/// A Mali session at the branch limit: each branch forks the one before at week 1.
fn most_branches() -> Session {
    use sandtable::session::Command;
    let mut s = mali_session();
    let (a, b) = (
        choice(s.model(), "humanitarian_aid"),
        choice(s.model(), "election_push"),
    );
    s.apply(Command::Select(vec![a])).unwrap();
    s.apply(Command::Commit).unwrap();
    s.apply(Command::Commit).unwrap();
    while s.branches().len() < sandtable::scenario::limits::MAX_BRANCHES {
        s.apply(Command::GoTo(0)).unwrap();
        let other = if s.active_branch().decisions[0] == [a] {
            b
        } else {
            a
        };
        s.apply(Command::Select(vec![other])).unwrap();
        s.apply(Command::Commit).unwrap();
    }
    s
}

#[test]
fn a_session_at_the_branch_limit_draws_no_frame_while_idle() {
    // A frame that asks for the next one would keep a core busy while nobody touches it.
    let mut harness = app_from(SandtableApp::new_for_test(most_branches()));
    harness.state_mut().apply(Action::Begin);
    harness.run();
    click(&mut harness, "Indicators");
    assert_eq!(
        harness.state().session().branches().len(),
        sandtable::scenario::limits::MAX_BRANCHES
    );
    let steps = harness.run();
    assert!(steps <= 2, "{steps} frames while idle");
    assert!(shows(&harness, "Branches"));
}

/// Prints the mean, median and 95th percentile of 300 frames of `app` at 1280×800, without
/// and with AccessKit (as when a screen reader runs), after 100 frames to warm up.
fn measure_frames(mut app: SandtableApp, what: &str) {
    use eframe::App as _;
    use std::time::Instant;

    for accesskit in [false, true] {
        let ctx = egui::Context::default();
        if accesskit {
            ctx.enable_accesskit();
        }
        let mut frame = eframe::Frame::_new_kittest();
        let size = egui::vec2(1280.0, 800.0);
        let mut times = Vec::new();
        for i in 0..400 {
            let x = 600.0 + (i % 100) as f32 * 2.5;
            let input = egui::RawInput {
                screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, size)),
                events: vec![egui::Event::PointerMoved(egui::pos2(x, 250.0))],
                time: Some(i as f64 / 60.0),
                ..Default::default()
            };
            let start = Instant::now();
            let output = ctx.run_ui(input, |ui| app.ui(ui, &mut frame));
            let shapes = ctx.tessellate(output.shapes, output.pixels_per_point);
            times.push(start.elapsed().as_secs_f64() * 1000.0);
            assert!(!shapes.is_empty());
        }
        let mut measured = times[100..].to_vec();
        measured.sort_by(f64::total_cmp);
        let mean = measured.iter().sum::<f64>() / measured.len() as f64;
        let p95 = measured[measured.len() * 95 / 100];
        println!(
            "frame {what}, AccessKit {}: mean {mean:.2} ms, median {:.2} ms, p95 {p95:.2} ms",
            if accesskit { "on" } else { "off" },
            measured[measured.len() / 2]
        );
    }
}

#[test]
fn what_was_actually_decided_waits_for_the_debrief_unless_asked() {
    let mut harness = app(mali_session());
    click(&mut harness, "Begin");
    click(&mut harness, "Commit week");
    click(&mut harness, "Indicators");
    // Mid-game, no line of what Canada did and no box to show it, and no real observation
    // dated after the week shown.
    assert!(harness.state().derived().reference.is_none());
    assert!(!shows(&harness, "Show “What Canada did”"));
    let step = harness.state().session().model().scenario.clock.step_days as f64;
    let observed = |h: &Harness<'_, SandtableApp>| -> (usize, usize) {
        let charts = &h.state().derived().charts;
        let all = charts.iter().map(|c| c.observed.len()).sum();
        let later = charts
            .iter()
            .flat_map(|c| &c.observed)
            .filter(|p| p.x > step)
            .count();
        (all, later)
    };
    let (shown, later) = observed(&harness);
    assert!(shown > 0);
    assert_eq!(later, 0);
    harness.state_mut().apply(Action::ShowHistoryEarly(true));
    harness.run();
    assert!(harness.state().prefs().history_early);
    assert!(harness.state().derived().reference.is_some());
    assert!(shows(&harness, "Show “What Canada did”"));
    assert!(
        observed(&harness).1 > 0,
        "the later observations when asked"
    );
    // Switched off again, then the scenario played out: the debrief has it anyway.
    harness.state_mut().apply(Action::ShowHistoryEarly(false));
    harness.run();
    assert!(harness.state().derived().reference.is_none());
    let turns = harness.state().session().model().turns();
    play_empty_weeks(&mut harness, turns - 1);
    assert!(harness.state().session().is_finished());
    assert!(harness.state().derived().reference.is_some());
    assert!(shows(&harness, "Against “What Canada did”"));
}

#[test]
fn the_debrief_sets_the_real_decisions_beside_the_students_week_by_week() {
    let mut session = mali_session();
    let aid = choice(session.model(), "humanitarian_aid");
    session
        .apply(sandtable::session::Command::SetReason(
            "People first".into(),
        ))
        .unwrap();
    session
        .apply(sandtable::session::Command::Toggle(aid))
        .unwrap();
    session.apply(sandtable::session::Command::Commit).unwrap();
    while !session.is_finished() {
        session.apply(sandtable::session::Command::Commit).unwrap();
    }
    let model = session.model().clone();
    // Tall enough to show the table below the outcomes and goals.
    let mut harness = sized(SandtableApp::new_for_test(session), 3000.0);
    harness.state_mut().apply(Action::Begin);
    harness.state_mut().apply(Action::SetTab(Tab::Debrief));
    harness.run();
    let weeks = &harness.state().derived().debrief.weeks;
    let first = weeks.first().expect("week 1 is listed");
    assert_eq!(first.turn, 0);
    assert_eq!(
        first.mine,
        label_of(harness.state().session(), "humanitarian_aid")
    );
    assert_eq!(first.reason.as_deref(), Some("People first"));
    // Week 1 of the history path urges elections; its later C-17 extension is listed in
    // its own week, where the student took nothing.
    let history = model.path_decisions("history").expect("a history path");
    for (t, taken) in history.iter().enumerate().filter(|(_, c)| !c.is_empty()) {
        let row = weeks
            .iter()
            .find(|w| w.turn == t)
            .unwrap_or_else(|| panic!("week {} is listed", t + 1));
        for &c in taken {
            assert!(
                row.reference.contains(&model.scenario.choices[c].label),
                "week {}: {row:?}",
                t + 1
            );
        }
    }
    assert!(shows(&harness, "Week by week"));
    assert!(shows(&harness, "Your choices, and why"));
}

#[test]
fn the_debrief_calls_the_same_path_about_the_same_in_every_outcome() {
    // Playing exactly what Canada did: the paired futures differ by nothing, so nothing is
    // called better or worse, whatever the one played run shows.
    let mut session = mali_session();
    let history = session
        .model()
        .path_decisions("history")
        .expect("a history path");
    for week in &history {
        session
            .apply(sandtable::session::Command::Select(week.clone()))
            .unwrap();
        session.apply(sandtable::session::Command::Commit).unwrap();
    }
    assert!(session.is_finished());
    let mut harness = sized(SandtableApp::new_for_test(session), 800.0);
    harness.state_mut().apply(Action::Begin);
    harness.run();
    let debrief = &harness.state().derived().debrief;
    let outcomes = harness.state().session().model().scenario.outcomes.len();
    assert_eq!(debrief.paired.len(), outcomes);
    for d in &debrief.paired {
        assert_eq!((d.min, d.max), (0.0, 0.0));
    }
    let against = debrief
        .summary
        .iter()
        .find(|p| p.starts_with("Against"))
        .expect("a comparison with what Canada did");
    assert!(!against.contains("better on"), "{against}");
    assert!(!against.contains("worse on"), "{against}");
    assert!(against.contains("about the same on"), "{against}");
    assert!(shows(&harness, "no change in any future"));
}

#[test]
fn a_debrief_difference_within_luck_is_about_the_same() {
    // One paid choice more than Canada made changes the played run's numbers a little; the
    // debrief calls an outcome better or worse only when 9 futures in 10 agree.
    let mut session = mali_session();
    let model = session.model().clone();
    let history = model.path_decisions("history").expect("a history path");
    let never_taken = |c: &usize| !history.iter().any(|w| w.contains(c));
    let mut extra = None;
    for (t, week) in history.iter().enumerate() {
        let mut week = week.clone();
        if t == 5 {
            // A second aircraft, which Canada never sent: it costs money.
            let c = choice(&model, "add_c130j");
            assert!(never_taken(&c) && session.availability(c).is_ok());
            extra = Some(c);
            week.push(c);
            week.sort_unstable();
        }
        session
            .apply(sandtable::session::Command::Select(week))
            .unwrap();
        session.apply(sandtable::session::Command::Commit).unwrap();
    }
    let mut harness = sized(SandtableApp::new_for_test(session), 800.0);
    harness.state_mut().apply(Action::Begin);
    harness.run();
    let debrief = &harness.state().derived().debrief;
    let mine = &debrief.columns[0].outcomes;
    let theirs = &debrief.columns[1].outcomes;
    let summary = debrief.summary.join(" ");
    for (o, outcome) in model.scenario.outcomes.iter().enumerate() {
        let d = &debrief.paired[o];
        let clear = d.p5 > 0.0 || d.p95 < 0.0;
        if !clear {
            // Within luck: never in the better or worse lists, whatever the played run says.
            assert!(
                !summary.contains(&format!("better on {}", outcome.name))
                    && !summary.contains(&format!("worse on {}", outcome.name)),
                "{}: {} vs {} with {d:?} in “{summary}”",
                outcome.name,
                mine[o],
                theirs[o]
            );
        }
    }
    assert!(extra.is_some(), "a choice was added");
    // The cost is higher in every future: that one is clear.
    let cost = model
        .scenario
        .outcomes
        .iter()
        .position(|o| o.id == "cost")
        .expect("a cost outcome");
    assert!(debrief.paired[cost].p5 > 0.0, "{:?}", debrief.paired[cost]);
    assert!(summary.contains("worse on Cost to Canada"), "{summary}");
}

#[test]
fn every_chart_has_a_name_and_its_values_for_a_screen_reader() {
    let mut harness = app(mali_session());
    click(&mut harness, "Begin");
    click(&mut harness, "Commit week");
    click(&mut harness, "Indicators");
    let chart = harness.get(
        by().role(Role::Image)
            .label_contains("Chart of French troops in Mali"),
    );
    let name = chart.accesskit_node().label().unwrap_or_default();
    let session = harness.state().session();
    let slot = session.model().layout.indicator(
        session
            .model()
            .indicator_index("french_troops")
            .expect("French troops"),
    );
    let now = scenario::format_number(session.state()[slot], 0);
    assert!(name.contains("(soldiers)"), "{name}");
    assert!(name.contains("Week by week:"), "{name}");
    assert!(name.contains(&format!("Main {now}")), "{name}");
}

#[test]
fn the_help_explains_the_words_under_the_stance_bars() {
    let mut harness = sized(SandtableApp::new_for_test(mali_session()), 2400.0);
    click(&mut harness, "Begin");
    // The numbers under a bar use the same words as the help.
    assert!(shows(
        &harness,
        "wants 20 · your policy 20 · pressure point"
    ));
    harness.key_press(egui::Key::F1);
    harness.run();
    for (word, meaning) in sandtable::ui::help::APP_WORDS {
        assert!(shows(&harness, word), "{word}");
        assert!(shows(&harness, meaning), "{meaning}");
    }
}
