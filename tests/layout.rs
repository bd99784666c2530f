//! The layout at the window sizes a class meets (school laptops, an office screen, a
//! projector at 150 % and 200 %): on every screen of a game, no text is cut off at the side
//! of its panel or shortened, none is off the screen, and no two texts are drawn over each
//! other. Tables that scroll sideways are allowed to run past their edge.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use sandtable::session::{Command, Session};
use sandtable::ui::classroom::ClassAction;
use sandtable::ui::whatif::{Analysis, WhatIfAction};
use sandtable::ui::worker::Status;
use sandtable::ui::{Action, SandtableApp, Tab};

use crate::util::gui::{click, mali_session};
use crate::util::layout::{SCREENS, assert_fits, on_screen};

/// Frames until the what-if analysis has its result, at most 180 s (a debug build).
fn settle(harness: &mut Harness<'_, SandtableApp>, analysis: Analysis) {
    let deadline = Instant::now() + Duration::from_secs(180);
    harness.run();
    while matches!(
        harness.state().view().whatif.status(analysis),
        Status::Waiting | Status::Running { .. }
    ) {
        assert!(Instant::now() < deadline, "{analysis:?} did not finish");
        std::thread::sleep(Duration::from_millis(20));
        harness.run();
    }
    harness.run();
}

fn act(harness: &mut Harness<'_, SandtableApp>, action: Action) {
    harness.state_mut().apply(action);
    harness.run();
}

/// A session played to the end of the scenario with no choices.
fn finished_session() -> Session {
    let mut session = mali_session();
    while !session.is_finished() {
        session
            .apply(Command::Commit)
            .expect("an empty week commits");
    }
    session
}

#[test]
fn the_briefing_fits_every_screen() {
    for screen in SCREENS {
        let mut harness = on_screen(SandtableApp::new_for_test(mali_session()), screen);
        assert_fits(&mut harness, "the briefing", true);
    }
}

#[test]
fn every_tab_of_a_game_fits_every_screen() {
    for screen in SCREENS {
        let mut harness = on_screen(SandtableApp::new_for_test(mali_session()), screen);
        click(&mut harness, "Begin");
        act(&mut harness, Action::WhatIf(WhatIfAction::Runs(200)));
        assert_fits(&mut harness, "the first week", true);
        click(&mut harness, "Commit week");
        assert_fits(&mut harness, "the news after a week played", true);
        for tab in [Tab::Indicators, Tab::Why, Tab::WhatIf] {
            act(&mut harness, Action::SetTab(tab));
            if tab == Tab::WhatIf {
                settle(&mut harness, Analysis::Futures);
            }
            assert_fits(&mut harness, tab.label(), true);
        }
        for section in [Analysis::Compare, Analysis::Explain, Analysis::Sensitivity] {
            act(&mut harness, Action::WhatIf(WhatIfAction::Section(section)));
            settle(&mut harness, section);
            assert_fits(&mut harness, section.label(), true);
        }
    }
}

#[test]
fn the_debrief_and_the_presenter_view_fit_every_screen() {
    for screen in SCREENS {
        let mut harness = on_screen(SandtableApp::new_for_test(finished_session()), screen);
        act(&mut harness, Action::Begin);
        act(&mut harness, Action::SetTab(Tab::Debrief));
        assert_fits(&mut harness, "the debrief", true);
        act(&mut harness, Action::Class(ClassAction::TogglePresenter));
        assert_fits(&mut harness, "the presenter view", true);
    }
}

/// A screen in the middle of a game, as a picture.
#[cfg(feature = "snapshot")]
fn snapshot_mid_game(screen: (f32, f32, f32), name: &str) {
    let mut harness = on_screen(SandtableApp::new_for_test(mali_session()), screen);
    click(&mut harness, "Begin");
    click(&mut harness, "Commit week");
    harness.remove_cursor();
    harness.run();
    assert_fits(&mut harness, name, true);
    harness.snapshot(name);
}

/// The smallest screen: a school laptop at 150 %.
#[cfg(feature = "snapshot")]
#[test]
fn snapshot_of_a_laptop_at_150_percent() {
    snapshot_mid_game((1280.0, 800.0, 1.5), "mid_game_1280x800_at_150");
}

/// The largest zoom: a projector at 200 %.
#[cfg(feature = "snapshot")]
#[test]
fn snapshot_of_a_projector_at_200_percent() {
    snapshot_mid_game((1920.0, 1080.0, 2.0), "mid_game_1920x1080_at_200");
}

#[test]
fn the_workbench_fits_every_screen() {
    use sandtable::ui::workbench::WorkbenchAction;
    use sandtable::ui::workbench::trial::TrialKind;
    for screen in SCREENS {
        let mut harness = on_screen(SandtableApp::new_for_test(mali_session()), screen);
        click(&mut harness, "Begin");
        act(&mut harness, Action::Workbench(WorkbenchAction::Open));
        click(&mut harness, "Canada (you) (canada)");
        // The workbench is a window over the game: the game's text under it is not an
        // overlap to report, so only cut, shortened and off-screen text is checked.
        assert_fits(&mut harness, "the workbench", false);
        act(
            &mut harness,
            Action::Workbench(WorkbenchAction::Try(TrialKind::Futures(Some(
                "history".into(),
            )))),
        );
        let workbench = |h: &Harness<'_, SandtableApp>| {
            h.state()
                .view()
                .workbench
                .as_ref()
                .map(|w| w.trial.answer().is_some())
        };
        let deadline = Instant::now() + Duration::from_secs(180);
        while workbench(&harness) != Some(true) {
            assert!(Instant::now() < deadline, "the futures did not finish");
            std::thread::sleep(Duration::from_millis(20));
            harness.step();
        }
        click(&mut harness, "Try it");
        assert_fits(&mut harness, "the workbench's futures", false);
    }
}
