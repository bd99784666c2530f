//! No student loses work: everything that replaces the session asks first when it has
//! unsaved work (Save / Don't save / Cancel), the session replaced stays in the autosave
//! history, closing the window is a normal quit, and a crashed run's session is offered
//! back without being overwritten.

use std::path::Path;

use eframe::egui;
use egui::ViewportId;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use sandtable::autosave::AutosaveStore;
use sandtable::session::Session;
use sandtable::ui::{Action, SandtableApp, Screen};

use crate::util::gui::{app, app_from, click, mali_session, play_empty_weeks, shows};
use crate::util::temp_dir;

/// A process id no running process has: what a crashed run leaves in its lock.
const GONE: u32 = u32::MAX;

/// The app with its autosave in `dir`, begun and played for `weeks` weeks.
fn played_app(dir: &Path, weeks: usize) -> Harness<'static, SandtableApp> {
    let mut harness =
        app_from(SandtableApp::new_for_test(mali_session()).with_autosave(dir.to_path_buf()));
    click(&mut harness, "Begin");
    play_empty_weeks(&mut harness, weeks);
    harness
}

fn new_game(harness: &mut Harness<'_, SandtableApp>) {
    click(harness, "File");
    click(harness, "New game on the built-in scenario");
}

fn asked(harness: &Harness<'_, SandtableApp>) -> bool {
    harness.state().pending_replacement().is_some()
}

/// Sends the window manager's close request, as a window's close button does.
fn close_window(harness: &mut Harness<'_, SandtableApp>) {
    harness
        .input_mut()
        .viewports
        .entry(ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    harness.step();
}

fn close_cancelled(harness: &Harness<'_, SandtableApp>) -> bool {
    harness
        .output()
        .viewport_output
        .get(&ViewportId::ROOT)
        .is_some_and(|v| v.commands.contains(&egui::ViewportCommand::CancelClose))
}

#[test]
fn a_new_game_with_unsaved_work_asks_and_cancel_keeps_the_session() {
    let dir = temp_dir("ask-cancel");
    let mut harness = played_app(&dir, 3);
    let before = harness.state().session().to_ron();
    new_game(&mut harness);
    assert!(asked(&harness));
    assert!(shows(
        &harness,
        "Save this game before you start a new game?"
    ));
    assert!(shows(&harness, "Week 4 of 34"));
    // Nothing behind the question reacts: Enter does not commit a week.
    harness.key_press(egui::Key::Enter);
    harness.run();
    assert_eq!(harness.state().session().played(), 3);

    click(&mut harness, "Cancel");
    assert!(!asked(&harness));
    assert_eq!(harness.state().session().to_ron(), before);
    assert_eq!(harness.state().view().screen, Screen::Play);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_fresh_game_is_replaced_without_a_question() {
    let mut harness = app(mali_session());
    click(&mut harness, "Begin");
    new_game(&mut harness);
    assert!(!asked(&harness));
    assert_eq!(harness.state().view().screen, Screen::Briefing);
}

#[test]
fn dont_save_replaces_the_session_and_keeps_it_in_the_recovery_list() {
    let dir = temp_dir("dont-save");
    let mut harness = played_app(&dir, 4);
    let played = harness.state().session().to_ron();
    click(&mut harness, "File");
    click(&mut harness, "Restart this scenario");
    assert!(shows(
        &harness,
        "Save this game before you restart this scenario?"
    ));
    click(&mut harness, "Don't save");
    assert!(!asked(&harness));
    assert_eq!(harness.state().session().played(), 0);
    assert_eq!(harness.state().view().screen, Screen::Briefing);

    click(&mut harness, "File");
    click(&mut harness, "Recover an autosave…");
    let title = harness.state().session().model().scenario.title.clone();
    assert!(shows(&harness, &format!("{title} · Week 5 of 34")));
    assert!(shows(&harness, "branch “Main”"));
    assert!(shows(&harness, "saved 20"), "the date it was saved");
    click(&mut harness, "Open this autosave");
    // The restarted game had nothing to lose: no question.
    assert!(!asked(&harness));
    let s = harness.state().session();
    assert_eq!(s.to_ron(), played);
    assert_eq!(harness.state().view().screen, Screen::Play);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn save_saves_the_session_then_replaces_it() {
    let dir = temp_dir("save-first");
    let path = dir.join("before-new.session.ron");
    let mut harness = played_app(&dir, 2);
    let played = harness.state().session().to_ron();
    new_game(&mut harness);
    click(&mut harness, "Save");
    // No file yet: the app asks where, then goes on.
    assert_eq!(harness.state().session().played(), 2);
    let field = harness.get_by_label("Save the session as (.session.ron):");
    field.focus();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.run();
    harness
        .get_by_label("Save the session as (.session.ron):")
        .type_text(&path.display().to_string());
    harness.run();
    click(&mut harness, "Save to this file");
    let saved = Session::load(&path).expect("saved before the new game");
    assert_eq!(saved.to_ron(), played);
    assert_eq!(harness.state().session().played(), 0);
    assert_eq!(harness.state().session_path(), None);

    // With a file already, Save writes it and goes on at once.
    click(&mut harness, "Begin");
    play_empty_weeks(&mut harness, 1);
    harness.state_mut().apply(Action::SaveTo(path.clone()));
    play_empty_weeks(&mut harness, 1);
    let two_weeks = harness.state().session().to_ron();
    new_game(&mut harness);
    click(&mut harness, "Save");
    assert_eq!(Session::load(&path).expect("saved").to_ron(), two_weeks);
    assert_eq!(harness.state().session().played(), 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn opening_a_file_asks_first() {
    let dir = temp_dir("open-asks");
    let other = dir.join("other.session.ron");
    let mut elsewhere = mali_session();
    elsewhere
        .apply(sandtable::session::Command::Commit)
        .expect("a week");
    elsewhere.save(&other).expect("saved");
    let mut harness = played_app(&dir, 3);
    harness.state_mut().apply(Action::Open(other.clone()));
    harness.run();
    assert!(shows(
        &harness,
        "Save this game before you open other.session.ron?"
    ));
    click(&mut harness, "Cancel");
    assert_eq!(harness.state().session().played(), 3);
    harness.state_mut().apply(Action::Open(other.clone()));
    harness.run();
    click(&mut harness, "Don't save");
    assert_eq!(harness.state().session().to_ron(), elsewhere.to_ron());
    assert_eq!(harness.state().session_path(), Some(other.as_path()));
    // Opened from its file and unchanged: replacing it needs no question.
    new_game(&mut harness);
    assert!(!asked(&harness));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn closing_the_window_asks_like_quit() {
    let dir = temp_dir("close");
    let mut harness = played_app(&dir, 2);
    close_window(&mut harness);
    assert!(close_cancelled(&harness), "the close waits for the answer");
    harness.run();
    assert!(shows(&harness, "Save this game before you quit?"));
    click(&mut harness, "Cancel");
    assert!(!harness.state().quitting());
    assert_eq!(harness.state().session().played(), 2);

    click(&mut harness, "File");
    click(&mut harness, "Quit");
    assert!(shows(&harness, "Save this game before you quit?"));
    click(&mut harness, "Don't save");
    assert!(harness.state().quitting());
    // The closed session is in the history, not offered as a crash.
    let store = AutosaveStore::new(dir.clone());
    let entries = store.entries();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].state, sandtable::autosave::EntryState::Released);
    let (summary, _) = AutosaveStore::summary(&entries[0]).expect("readable");
    assert_eq!(summary.cursor, 2);
    assert_eq!(store.crashed(), Vec::new());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn closing_the_window_with_nothing_to_lose_just_quits() {
    let mut harness = app(mali_session());
    close_window(&mut harness);
    assert!(!close_cancelled(&harness));
    assert!(harness.state().quitting());
}

#[test]
fn undo_with_nothing_to_undo_is_a_quiet_notice() {
    let mut harness = app(mali_session());
    click(&mut harness, "Begin");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run();
    let notice = harness.state().view().notice.clone().expect("a notice");
    assert!(!notice.error);
    assert!(shows(&harness, "Nothing to undo"));
}

#[test]
fn a_crashed_session_is_offered_back_and_never_overwritten() {
    let dir = temp_dir("crash");
    // A run that will die: its locks name a process that is gone.
    let crashed = SandtableApp::new_for_test(mali_session())
        .with_autosave_store(AutosaveStore::with_owner(dir.clone(), GONE));
    let mut first = app_from(crashed);
    click(&mut first, "Begin");
    play_empty_weeks(&mut first, 2);
    let lost = first.state().session().to_ron();
    drop(first);

    let mut next = app_from(SandtableApp::new_for_test(mali_session()).with_autosave(dir.clone()));
    assert!(shows(&next, "did not close properly"));
    assert!(shows(&next, "Week 3 of 34"));
    // Playing on writes the new game elsewhere.
    click(&mut next, "Begin");
    click(&mut next, "Commit week");
    let crashed_file = &AutosaveStore::new(dir.clone()).crashed()[0];
    assert_eq!(
        Session::load(&crashed_file.path).expect("kept").to_ron(),
        lost
    );
    click(&mut next, "Restore");
    // The new game has a week of its own: it asks, and keeps it in the history.
    assert!(asked(&next));
    click(&mut next, "Don't save");
    assert_eq!(next.state().session().to_ron(), lost);
    assert!(!shows(&next, "did not close properly"));
    // Restored, the session is unsaved work until saved to a file.
    assert!(next.state().has_unsaved_work());
    let store = AutosaveStore::new(dir.clone());
    assert_eq!(store.crashed(), Vec::new());
    let weeks: Vec<usize> = store
        .entries()
        .iter()
        .filter_map(|e| AutosaveStore::summary(e).ok())
        .map(|(s, _)| s.cursor)
        .collect();
    assert!(weeks.contains(&1) && weeks.contains(&2), "{weeks:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn two_crashes_in_a_row_offer_both_sessions() {
    let dir = temp_dir("two-crashes");
    for (owner, weeks) in [(GONE, 2), (GONE - 1, 5)] {
        let dying = SandtableApp::new_for_test(mali_session())
            .with_autosave_store(AutosaveStore::with_owner(dir.clone(), owner));
        let mut harness = app_from(dying);
        click(&mut harness, "Begin");
        play_empty_weeks(&mut harness, weeks);
    }
    let mut next = app_from(SandtableApp::new_for_test(mali_session()).with_autosave(dir.clone()));
    assert!(shows(&next, "did not close properly"));
    assert!(shows(&next, "One more session was left the same way"));
    click(&mut next, "File");
    click(&mut next, "Recover an autosave…");
    assert!(shows(&next, "Week 3 of 34"));
    assert!(shows(&next, "Week 6 of 34"));
    let _ = std::fs::remove_dir_all(&dir);
}
