//! The what-if analyses in the app, driven headlessly with `egui_kittest`: bands on the
//! charts, the comparison table, a choice's explanation, the parameter sliders,
//! cancelling a long simulation and planning later weeks on the timeline. The jobs run on worker threads, so each test waits for
//! them with a bounded loop of frames and short sleeps, and fails if they never end.

use std::time::{Duration, Instant};

use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

use sandtable::session::Command;
use sandtable::sim::ensemble::{Bands, MAX_RUNS};
use sandtable::ui::whatif::jobs::Basis;
use sandtable::ui::whatif::{Analysis, Compared, PlanKind, WhatIf, WhatIfAction, plan_kinds};
use sandtable::ui::worker::Status;
use sandtable::ui::{Action, SandtableApp, Tab};

use crate::util::gui::{app, choice, click, label_of, mali_session, play_empty_weeks, shows};

/// Runs frames until `done` holds, sleeping a little between them; fails after 180 s (a debug
/// build of a 34-week scenario on a busy machine).
fn wait_for(harness: &mut Harness<'_, SandtableApp>, what: &str, done: impl Fn(&WhatIf) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        harness.run();
        if done(&harness.state().view().whatif) {
            // One more pass so the result is drawn.
            harness.run();
            return;
        }
        assert!(Instant::now() < deadline, "{what} did not finish in 180 s");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn whatif(harness: &mut Harness<'_, SandtableApp>, action: WhatIfAction) {
    harness.state_mut().apply(Action::WhatIf(action));
    harness.run();
}

/// The app at week 3 of the Mali scenario in a window `height` high, asking for 200
/// futures per ensemble. A job that ends while frames run asks for two more frames, so
/// the harness may take more steps to settle than the default.
fn at_week_three(height: f32) -> Harness<'static, SandtableApp> {
    let app = SandtableApp::new_for_test(mali_session());
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, height))
        .with_max_steps(64)
        .build_eframe(move |_cc| app);
    harness.run();
    click(&mut harness, "Begin");
    play_empty_weeks(&mut harness, 2);
    whatif(&mut harness, WhatIfAction::Runs(200));
    harness
}

#[test]
fn bands_of_the_futures_appear_on_the_indicator_charts() {
    let mut harness = at_week_three(2000.0);
    click(&mut harness, "Indicators");
    assert!(
        !shows(&harness, "10–90 % of futures"),
        "no bands before asking"
    );
    click(&mut harness, "Show simulated futures");
    wait_for(&mut harness, "the futures", |w| w.futures.is_current());

    let whatif = &harness.state().view().whatif;
    let futures = whatif.bands().expect("bands to draw");
    assert_eq!(futures.ensemble.runs, 200);
    assert_eq!(
        futures.ensemble.start_turn, 2,
        "from the week being decided"
    );
    // The first chart shown: French troops, with observations.
    let model = harness.state().session().model().clone();
    let troops = model
        .indicator_index("french_troops")
        .expect("french troops");
    assert!(harness.state().view().charts.selected[troops]);
    let fan = futures.fans[troops]
        .as_ref()
        .expect("a fan of French troops");
    assert_eq!(fan.xs.first(), Some(&14.0), "the fan starts at week 3");
    assert_eq!(fan.xs.len(), model.turns() - 1);
    // The legend and the words under each chart.
    for legend in [
        "10–90 % of futures",
        "25–75 % of futures",
        "median of futures",
    ] {
        assert!(shows(&harness, legend), "the legend shows {legend}");
    }
    assert!(shows(
        &harness,
        "200 simulated futures from week 3 (29 Jan 2013) to the end"
    ));
    assert!(shows(&harness, &fan.summary));
    assert!(fan.summary.contains("in 8 of 10 simulated futures"));

    // Hovering inside the band says what it means in words, in a tooltip (the summary
    // under the chart says it once already).
    let said_times = |harness: &Harness<'_, SandtableApp>| {
        harness
            .query_all_by_label_contains("French troops in Mali: ")
            .count()
    };
    assert_eq!(said_times(&harness), 1);
    let title = harness
        .get_by_label("French troops in Mali (soldiers)")
        .rect();
    let mut said = false;
    for dy in (30..400).step_by(6) {
        let pos = egui::pos2(title.left() + 300.0, title.bottom() + dy as f32);
        harness.hover_at(pos);
        harness.run();
        if said_times(&harness) > 1 {
            said = true;
            break;
        }
    }
    assert!(said, "hovering the band explains it in words");
    harness.remove_cursor();
    harness.run();

    // Switching the bands off leaves the charts as they were.
    click(&mut harness, "Show simulated futures");
    assert!(harness.state().view().whatif.bands().is_none());
    assert!(!shows(&harness, "25–75 % of futures"));
}

#[test]
fn among_very_many_futures_only_the_charts_shown_get_a_spread() {
    let mut harness = at_week_three(2000.0);
    let n = harness.state().session().model().scenario.indicators.len();
    let selected = harness.state().view().charts.selected.clone();
    let shown: Vec<usize> = (0..n).filter(|&i| selected[i]).collect();
    let hidden = (0..n)
        .find(|&i| !selected[i])
        .expect("an indicator not charted");
    assert!(!shown.is_empty() && shown.len() < n);
    click(&mut harness, "Indicators");
    click(&mut harness, "Show simulated futures");
    wait_for(&mut harness, "the futures", |w| w.futures.is_current());
    let futures = harness.state().view().whatif.bands().expect("bands");
    assert!(futures.fans.iter().all(Option::is_some), "200 futures: all");
    assert!(futures.bands_note.is_none());
    // While every indicator fits, a new chart has its spread already: nothing runs again.
    harness.state_mut().apply(Action::ToggleChart(hidden));
    harness.run();
    let futures = &harness.state().view().whatif.futures;
    assert!(futures.is_current() && !futures.is_busy());
    harness.state_mut().apply(Action::ToggleChart(hidden));
    harness.run();

    // 20,000 futures of every indicator would keep 25.7 million values: the charts only.
    whatif(&mut harness, WhatIfAction::Runs(20_000));
    wait_for(&mut harness, "20,000 futures", |w| w.futures.is_current());
    let futures = harness.state().view().whatif.bands().expect("bands");
    assert_eq!(futures.ensemble.runs, 20_000);
    assert_eq!(futures.ensemble.band_indicators(), &shown[..]);
    for (i, fan) in futures.fans.iter().enumerate() {
        assert_eq!(fan.is_some(), shown.contains(&i), "indicator {i}");
    }
    let note = futures.bands_note.clone().expect("a note");
    assert!(note.contains("only for the indicators shown"), "{note}");
    assert!(shows(&harness, &note));
    let first = futures.fans[shown[0]].as_ref().expect("a fan");
    assert!(
        shows(&harness, &first.summary),
        "the first chart's spread in words"
    );

    // Another chart asks for its spread: the request changes, the futures run again.
    harness.state_mut().apply(Action::ToggleChart(hidden));
    harness.run();
    let futures = &harness.state().view().whatif.futures;
    let mut wanted = shown.clone();
    wanted.push(hidden);
    wanted.sort_unstable();
    let request = futures.requested().expect("a request");
    assert_eq!(request.bands, Bands::Indicators(wanted));
    assert!(!futures.is_current() && futures.is_busy());

    // At the most futures, as many charts as fit (two, 6.6 million values from week 3).
    whatif(&mut harness, WhatIfAction::Runs(MAX_RUNS));
    let request = harness
        .state()
        .view()
        .whatif
        .futures
        .requested()
        .expect("a request");
    let Bands::Indicators(banded) = &request.bands else {
        panic!("all bands at {MAX_RUNS} runs");
    };
    assert_eq!(banded.len(), 2, "{banded:?}");
    assert!(banded.iter().all(|i| shown.contains(i) || *i == hidden));
    let states = harness.state().session().model().turns() - 2 + 1;
    assert!(MAX_RUNS * states * banded.len() <= 8_000_000);
}

#[test]
fn the_futures_recompute_by_themselves_when_the_selection_changes() {
    let mut harness = at_week_three(1400.0);
    click(&mut harness, "What if");
    assert_eq!(harness.state().view().tab, Tab::WhatIf);
    wait_for(&mut harness, "the futures", |w| w.futures.is_current());
    let first = harness.state().view().whatif.futures.generation();
    assert!(shows(&harness, "Chance of meeting each goal"));
    assert!(shows(&harness, "Outcomes at the end"));
    let goal = &harness.state().session().model().scenario.goals[0]
        .name
        .clone();
    assert!(shows(&harness, goal));

    // Ticking a choice changes this week's plan: a new ensemble, from the next frame.
    let session = harness.state().session().clone();
    let aid = label_of(&session, "humanitarian_aid");
    click(&mut harness, &aid);
    assert!(!harness.state().view().whatif.futures.is_current());
    wait_for(&mut harness, "the new futures", |w| w.futures.is_current());
    let whatif = &harness.state().view().whatif;
    assert_eq!(
        whatif.futures.generation(),
        first + 1,
        "one job, not one per frame"
    );
    let (request, _) = whatif.futures.latest().expect("a result");
    let c = session
        .model()
        .choice_index("humanitarian_aid")
        .expect("aid");
    assert_eq!(request.basis.plan.choices(2), &[c]);
}

#[test]
fn cancel_stops_a_long_simulation_and_says_so() {
    let mut harness = at_week_three(800.0);
    // The longest job the app runs: every plan and branch on offer compared at the most
    // futures, 700,000 runs, far more than any build simulates in the frame or two
    // between seeing it progress and clicking Cancel.
    whatif(&mut harness, WhatIfAction::Runs(MAX_RUNS));
    whatif(&mut harness, WhatIfAction::Section(Analysis::Compare));
    let session = harness.state().session().clone();
    let mut items: Vec<Compared> = plan_kinds(&session)
        .into_iter()
        .map(Compared::Plan)
        .collect();
    items.extend((0..session.branches().len()).map(Compared::Branch));
    for item in &items {
        if !harness
            .state()
            .view()
            .whatif
            .settings
            .compared
            .contains(item)
        {
            whatif(&mut harness, WhatIfAction::ToggleCompared(item.clone()));
        }
    }
    assert_eq!(items.len(), 7, "{items:?}");
    click(&mut harness, "What if");
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        harness.run();
        if let Status::Running { done, .. } = harness.state().view().whatif.compare.status()
            && done > 0
        {
            break;
        }
        assert!(Instant::now() < deadline, "the comparison never started");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(shows(&harness, "Comparing plans:"), "a progress bar");
    click(&mut harness, "Cancel: Comparing plans");
    let Status::Cancelled { done, total } = harness.state().view().whatif.compare.status() else {
        panic!("not cancelled");
    };
    assert_eq!(total, items.len() * MAX_RUNS);
    assert!(done < total, "stopped early: {done} of {total}");
    assert!(shows(&harness, "Comparing plans: cancelled after"));
    // Nothing moves on afterwards, and nothing starts again by itself.
    std::thread::sleep(Duration::from_millis(300));
    harness.run();
    harness.run();
    assert_eq!(
        harness.state().view().whatif.compare.status(),
        Status::Cancelled { done, total }
    );
    assert!(harness.state().view().whatif.compare.result().is_none());
    // A smaller run starts it over, and finishes.
    whatif(&mut harness, WhatIfAction::Runs(200));
    wait_for(&mut harness, "the comparison", |w| w.compare.is_current());
    let result = harness
        .state()
        .view()
        .whatif
        .compare
        .result()
        .expect("a result");
    assert_eq!(result.names.len(), items.len());
}

#[test]
fn the_comparison_table_shows_each_plan_and_their_paired_difference() {
    let mut harness = at_week_three(2800.0);
    click(&mut harness, "What if");
    click(&mut harness, "Compare plans");
    assert_eq!(
        harness.state().view().whatif.settings.section,
        Analysis::Compare
    );
    wait_for(&mut harness, "the comparison", |w| w.compare.is_current());
    let result = harness
        .state()
        .view()
        .whatif
        .compare
        .result()
        .expect("a comparison")
        .clone();
    assert_eq!(
        result.names,
        vec!["Hold course", "“What Canada did” from this week"]
    );
    assert!(shows(&harness, "Compare “Hold course” (the baseline)"));
    assert!(shows(
        &harness,
        "Difference, “What Canada did” from this week"
    ));
    for row in &result.outcome_rows {
        assert!(shows(&harness, &row.name));
        assert!(shows(&harness, &row.differences[0]), "{row:?}");
    }
    // The baseline against itself: exactly zero in every future.
    assert_eq!(result.comparison.differences.len(), 2);
    assert!(
        result.comparison.differences[0]
            .iter()
            .all(|d| d.min == 0.0 && d.max == 0.0)
    );
    assert!(shows(
        &harness,
        "2 plans in the same 200 simulated futures from week 3"
    ));

    // A third: the branch as played.
    click(&mut harness, "Compare “Branch “Main””");
    wait_for(&mut harness, "the comparison of three", |w| {
        w.compare.is_current()
    });
    let result = harness
        .state()
        .view()
        .whatif
        .compare
        .result()
        .expect("three");
    assert_eq!(result.names.len(), 3);
    assert!(shows(&harness, "Difference, Branch “Main”"));
}

#[test]
fn what_difference_a_choice_makes_is_explained_from_the_choices_panel() {
    let mut harness = at_week_three(1400.0);
    let session = harness.state().session().clone();
    let fund = label_of(&session, "fund_afisma");
    click(
        &mut harness,
        &format!("What difference does “{fund}” make?"),
    );
    let view = harness.state().view();
    assert_eq!(view.tab, Tab::WhatIf);
    assert_eq!(view.whatif.settings.section, Analysis::Explain);
    wait_for(&mut harness, "the explanation", |w| w.explain.is_current());
    let explained = harness
        .state()
        .view()
        .whatif
        .explain
        .result()
        .expect("an explanation")
        .clone();
    let c = session.model().choice_index("fund_afisma").expect("fund");
    assert_eq!(explained.effect.choice, c);
    assert_eq!(explained.effect.turn, 2);
    assert!(shows(&harness, &format!("Taking “{fund}” in week 3")));
    // The money pledged adds to the cost in every future: clearly worse on that count.
    let cost = session
        .model()
        .scenario
        .outcomes
        .iter()
        .position(|o| o.id == "cost")
        .expect("outcome");
    let row = &explained.outcome_rows[cost];
    assert_eq!(row.change, "+10.0 in every future, worse", "{row:?}");
    assert!(shows(&harness, &row.change));
    for goal in &explained.goal_rows {
        assert!(shows(&harness, &goal.name));
    }

    // The indicator part: the ledger averaged over the futures.
    wait_for(&mut harness, "the averaged ledger", |w| {
        w.breakdown.is_some()
    });
    let breakdown = harness
        .state()
        .view()
        .whatif
        .breakdown
        .clone()
        .expect("ledger");
    assert!(!breakdown.rows.is_empty());
    assert!(shows(&harness, &breakdown.title));
    assert!(shows(&harness, &breakdown.rows[0].0));
}

#[test]
fn a_slider_fixes_a_parameter_and_the_analysis_runs_again() {
    // Tall enough for the sliders of all the scenario's uncertain numbers.
    let mut harness = at_week_three(2600.0);
    click(&mut harness, "What if");
    click(&mut harness, "Sensitivity");
    wait_for(&mut harness, "the sensitivity analysis", |w| {
        w.sensitivity.is_current()
    });
    assert!(shows(&harness, "with every number drawn as usual"));
    let first = harness.state().view().whatif.sensitivity.generation();
    let model = harness.state().session().model().clone();
    let p = model
        .scenario
        .parameters
        .iter()
        .position(|p| p.id == "rebel_resilience")
        .expect("parameter");
    let name = model.scenario.parameters[p].name.clone();
    // Showing the sliders fixes nothing by itself.
    harness.run();
    assert!(
        harness
            .state()
            .session()
            .overrides()
            .iter()
            .all(Option::is_none),
        "{:?}",
        harness.state().session().overrides()
    );

    harness
        .get_by_label(&format!("Set “{name}”"))
        .set_value_accesskit(0.55);
    harness.run();
    assert_eq!(harness.state().session().overrides()[p], Some(0.55));
    assert!(shows(&harness, "Set to 0.55"));
    assert!(
        harness.state().view().whatif.sensitivity.is_busy(),
        "the change starts the analysis again"
    );
    wait_for(&mut harness, "the new sensitivity analysis", |w| {
        w.sensitivity.is_current()
    });
    let whatif = &harness.state().view().whatif;
    assert_eq!(whatif.sensitivity.generation(), first + 1);
    let (request, _) = whatif.sensitivity.latest().expect("a result");
    assert_eq!(request.basis.overrides[p], Some(0.55));

    click(&mut harness, &format!("Reset “{name}”"));
    assert_eq!(harness.state().session().overrides()[p], None);
}

/// The choices of week `week` in the user's own plan.
fn planned(harness: &Harness<'_, SandtableApp>, week: usize) -> Vec<usize> {
    harness.state().session().plan().choices(week).to_vec()
}

/// Whether a widget is named exactly `name`.
fn named(harness: &Harness<'_, SandtableApp>, name: &str) -> bool {
    harness.query_by_label(name).is_some()
}

#[test]
fn a_later_week_is_planned_from_its_menu_on_the_timeline() {
    let mut harness = at_week_three(800.0);
    let session = harness.state().session().clone();
    let model = session.model();
    let aid = choice(model, "humanitarian_aid");
    let fund = choice(model, "fund_afisma");
    let aid_label = label_of(&session, "humanitarian_aid");
    let fund_label = label_of(&session, "fund_afisma");
    let tick_aid = format!("Week 6: plan “{aid_label}”");
    let tick_fund = format!("Week 6: plan “{fund_label}”");
    assert_eq!(
        harness.state().view().whatif.settings.plan,
        PlanKind::HoldCourse
    );
    assert!(!named(&harness, &tick_aid), "no menu before a click");

    // A week not played yet opens its menu instead of going there; it stays open while
    // choices are ticked.
    click(&mut harness, "Week 6");
    assert_eq!(harness.state().session().cursor(), 2);
    click(&mut harness, &tick_aid);
    click(&mut harness, &tick_fund);
    let mut both = vec![aid, fund];
    both.sort_unstable();
    assert_eq!(planned(&harness, 5), both);
    let settings = harness.state().view().whatif.settings.clone();
    assert_eq!(
        settings.plan,
        PlanKind::Weekly,
        "what is planned is simulated"
    );
    assert_eq!(
        settings.plan_week, 5,
        "the What-if editor shows the same week"
    );
    let basis = Basis::new(harness.state().session(), &settings);
    assert_eq!(basis.plan.choices(5), &both[..]);
    assert!(basis.plan.choices(4).is_empty());
    assert_eq!(
        harness.get_by_label(&tick_aid).accesskit_node().toggled(),
        Some(egui::accesskit::Toggled::True)
    );

    // Escape closes the menu; the week's button says how much is planned, and its hover
    // text says what.
    harness.key_press(egui::Key::Escape);
    harness.run();
    assert!(!named(&harness, &tick_aid), "the menu closed");
    assert!(!named(&harness, "Week 6"));
    assert!(named(&harness, "Week 6, 2 choices planned"));
    assert!(named(&harness, "Week 7"), "other weeks unchanged");
    let planned_text = {
        let mut labels = [(aid, &aid_label), (fund, &fund_label)];
        labels.sort_unstable();
        format!("planned: {}; {}", labels[0].1, labels[1].1)
    };
    assert!(!shows(&harness, &planned_text));
    harness.get_by_label("Week 6, 2 choices planned").hover();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !shows(&harness, &planned_text) {
        assert!(Instant::now() < deadline, "no hover text “{planned_text}”");
        std::thread::sleep(Duration::from_millis(20));
        harness.run();
    }

    // The What-if tab's editor shows the same plan.
    click(&mut harness, "What if");
    let editor = format!("Plan “{aid_label}” in week 6");
    assert_eq!(
        harness.get_by_label(&editor).accesskit_node().toggled(),
        Some(egui::accesskit::Toggled::True)
    );

    // Unticking takes one out; clearing the week takes the rest and closes the menu.
    click(&mut harness, "Week 6, 2 choices planned");
    click(&mut harness, &tick_aid);
    assert_eq!(planned(&harness, 5), vec![fund]);
    assert!(named(&harness, "Week 6, 1 choice planned"));
    click(&mut harness, "Clear the plan of week 6");
    assert!(planned(&harness, 5).is_empty());
    assert!(!named(&harness, &tick_fund), "the menu closed");
    assert!(named(&harness, "Week 6"));
    assert_eq!(
        harness.state().view().whatif.settings.plan,
        PlanKind::Weekly
    );
}

#[test]
fn played_weeks_still_go_back_and_planned_weeks_lose_their_mark_once_reached() {
    let mut harness = at_week_three(800.0);
    let session = harness.state().session().clone();
    let aid = choice(session.model(), "humanitarian_aid");
    let aid_label = label_of(&session, "humanitarian_aid");
    // Week 4, the one after this: planned from the timeline.
    click(&mut harness, "Week 4");
    click(&mut harness, &format!("Week 4: plan “{aid_label}”"));
    assert_eq!(planned(&harness, 3), vec![aid]);
    harness.key_press(egui::Key::Escape);
    harness.run();
    assert!(named(&harness, "Week 4, 1 choice planned"));

    // A week played: going there, no menu.
    click(&mut harness, "Week 1");
    assert_eq!(harness.state().session().cursor(), 0);
    assert!(!shows(&harness, "Week 1: plan"));
    // The end is out of reach until played; the week being decided is where it was.
    assert!(
        harness
            .get_by_label("End of the scenario")
            .accesskit_node()
            .is_disabled()
    );
    click(&mut harness, "Week 3");
    assert_eq!(harness.state().session().cursor(), 2);
    assert!(!shows(&harness, "Week 3: plan"));

    // Once week 4 is the one being decided, its plan is no longer a later week's.
    click(&mut harness, "Commit week");
    assert_eq!(harness.state().session().cursor(), 3);
    assert!(named(&harness, "Week 4"));
    assert!(!named(&harness, "Week 4, 1 choice planned"));
    click(&mut harness, "Week 4");
    assert!(!shows(&harness, "Week 4: plan"), "no menu on this week");
    // Week 3, now played, goes back there.
    click(&mut harness, "Week 3");
    assert_eq!(harness.state().session().cursor(), 2);
}

/// The app on the Mali scenario in a 1280 × 800 window, rendered on the CPU for snapshots.
#[cfg(feature = "snapshot")]
fn snapshot_app() -> Harness<'static, SandtableApp> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .wgpu()
        .build_eframe(move |_cc| SandtableApp::new_for_test(mali_session()));
    harness.run();
    harness
}

#[cfg(feature = "snapshot")]
#[test]
fn snapshot_fan_chart() {
    let mut harness = snapshot_app();
    click(&mut harness, "Begin");
    play_empty_weeks(&mut harness, 4);
    whatif(&mut harness, WhatIfAction::Runs(500));
    click(&mut harness, "Indicators");
    click(&mut harness, "Show simulated futures");
    wait_for(&mut harness, "the futures", |w| w.futures.is_current());
    harness.remove_cursor();
    harness.run();
    harness.snapshot("fan_chart");
}

#[cfg(feature = "snapshot")]
#[test]
fn snapshot_timeline_plan() {
    let mut harness = snapshot_app();
    click(&mut harness, "Begin");
    play_empty_weeks(&mut harness, 2);
    let session = harness.state().session().clone();
    let model = session.model();
    for (week, id) in [(4, "humanitarian_aid"), (4, "fund_afisma"), (7, "end_c17")] {
        let c = choice(model, id);
        harness
            .state_mut()
            .apply(Action::Session(Command::Plan { week, choice: c }));
        whatif(&mut harness, WhatIfAction::PlanEdited(week));
    }
    // Week 5's menu, with the two choices planned then ticked.
    click(&mut harness, "Week 5, 2 choices planned");
    harness.remove_cursor();
    harness.run();
    harness.snapshot("timeline_plan");
}

/// Measures the CPU time of one frame with bands on four charts, as eframe spends it: the
/// app's ui and the tessellation, the pointer moving over a chart. Run by hand:
/// `cargo test --release --test tests gui_whatif::frame_time -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, run by hand in release mode"]
fn frame_time_with_bands() {
    use eframe::App as _;

    let mut harness = app(mali_session());
    click(&mut harness, "Begin");
    play_empty_weeks(&mut harness, 6);
    click(&mut harness, "Indicators");
    click(&mut harness, "Show simulated futures");
    wait_for(&mut harness, "the futures", |w| w.futures.is_current());
    let mut app = harness.into_state();
    for (tab, y) in [(Tab::Indicators, 250.0), (Tab::WhatIf, 450.0)] {
        app.apply(Action::SetTab(tab));
        let ctx = egui::Context::default();
        let mut frame = eframe::Frame::_new_kittest();
        let size = egui::vec2(1280.0, 800.0);
        let mut times = Vec::new();
        for i in 0..400 {
            let x = 600.0 + (i % 100) as f32 * 2.5;
            let input = egui::RawInput {
                screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, size)),
                events: vec![egui::Event::PointerMoved(egui::pos2(x, y))],
                time: Some(i as f64 / 60.0),
                ..Default::default()
            };
            let start = Instant::now();
            let output = ctx.run_ui(input, |ui| app.ui(ui, &mut frame));
            let shapes = ctx.tessellate(output.shapes, output.pixels_per_point);
            times.push(start.elapsed().as_secs_f64() * 1000.0);
            assert!(!shapes.is_empty());
        }
        let whatif = &app.view().whatif;
        assert!(whatif.futures.is_current() && !whatif.futures.is_busy());
        let mut measured = times[100..].to_vec();
        measured.sort_by(f64::total_cmp);
        let mean = measured.iter().sum::<f64>() / measured.len() as f64;
        let p95 = measured[measured.len() * 95 / 100];
        println!(
            "frame with 1,000 futures shown, {} tab: mean {mean:.2} ms, median {:.2} ms, \
             p95 {p95:.2} ms",
            tab.label(),
            measured[measured.len() / 2]
        );
    }
}

/// Measures how soon the What-if tab shows the fan of 1,000 futures after a change: from
/// the moment a choice is ticked or a parameter is set (the end of the frame that took the
/// click) to the end of the frame that draws the new fan. Frames come as eframe would run
/// them, when the app asks for one (at once, after a delay, or woken by a job's thread).
/// Run by hand: `cargo test --release --test tests gui_whatif::whatif_latency --
/// --ignored --nocapture`.
#[test]
#[ignore = "a measurement, run by hand in release mode"]
fn whatif_latency_at_a_thousand_futures() {
    use eframe::App as _;
    use sandtable::session::Command;
    use sandtable::sim::ensemble::{Control, DEFAULT_RUNS};
    use sandtable::ui::whatif::jobs::run_futures;
    use sandtable::ui::whatif::sensitivity::slider_range;
    use std::sync::mpsc;

    let mut harness = app(mali_session());
    click(&mut harness, "Begin");
    play_empty_weeks(&mut harness, 2);
    click(&mut harness, "What if");
    wait_for(&mut harness, "the futures", |w| w.futures.is_current());
    let mut app = harness.into_state();
    assert_eq!(app.view().whatif.settings.runs, DEFAULT_RUNS);
    assert_eq!(DEFAULT_RUNS, 1_000);
    let model = app.session().model().clone();
    let aid = model.choice_index("humanitarian_aid").expect("aid");
    let p = model
        .scenario
        .parameters
        .iter()
        .position(|p| p.id == "rebel_resilience")
        .expect("parameter");
    let (lo, hi) = slider_range(&model.parameters[p]).expect("a range");

    let ctx = egui::Context::default();
    let (woken, wakes) = mpsc::channel();
    ctx.set_request_repaint_callback(move |info| {
        let _ = woken.send(info.delay);
    });
    let mut frame = eframe::Frame::_new_kittest();
    let clock = Instant::now();
    // One frame as eframe draws it; returns when the app wants the next.
    let draw = |app: &mut SandtableApp, frame: &mut eframe::Frame| -> Duration {
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(
                egui::Pos2::ZERO,
                egui::vec2(1280.0, 800.0),
            )),
            time: Some(clock.elapsed().as_secs_f64()),
            ..Default::default()
        };
        let output = ctx.run_ui(input, |ui| app.ui(ui, frame));
        let delay = output.viewport_output[&egui::ViewportId::ROOT].repaint_delay;
        let shapes = ctx.tessellate(output.shapes, output.pixels_per_point);
        assert!(!shapes.is_empty());
        delay
    };
    // Waits as eframe would: until the delay asked for, or a job's thread wakes the app.
    let wait = |delay: Duration| {
        let mut delay = delay;
        while let Ok(sooner) = wakes.try_recv() {
            delay = delay.min(sooner);
        }
        if !delay.is_zero() {
            let _ = wakes.recv_timeout(delay.min(Duration::from_secs(1)));
        }
    };
    let settle = |app: &mut SandtableApp, frame: &mut eframe::Frame| {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let delay = draw(app, frame);
            let w = &app.view().whatif;
            if w.futures.is_current() && !w.futures.is_busy() {
                break;
            }
            assert!(Instant::now() < deadline, "the futures never came");
            wait(delay);
        }
    };
    settle(&mut app, &mut frame);

    let changes = 60;
    let (mut choices, mut parameters) = (Vec::new(), Vec::new());
    for i in 0..changes {
        // The user idles a little between changes.
        std::thread::sleep(Duration::from_millis(30));
        let before = app.view().whatif.futures.generation();
        let command = if i % 2 == 0 {
            Command::Toggle(aid)
        } else {
            let value = lo + (hi - lo) * ((i * 7) % 10) as f64 / 10.0;
            Command::SetParameter(p, Some(value))
        };
        let started = Instant::now();
        // The app applies the click's actions after the frame, then asks for one at once.
        app.apply(Action::Session(command));
        loop {
            let delay = draw(&mut app, &mut frame);
            let w = &app.view().whatif;
            if w.futures.is_current() && w.futures.generation() > before {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "no new fan for change {i}"
            );
            wait(delay);
        }
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        if i % 2 == 0 {
            choices.push(ms);
        } else {
            parameters.push(ms);
        }
        settle(&mut app, &mut frame);
    }
    let (request, _) = app.view().whatif.futures.latest().expect("a result");
    assert_eq!(request.basis.runs, 1_000);
    // The job alone, on this thread, for the same request.
    let mut jobs: Vec<f64> = (0..20)
        .map(|_| {
            let started = Instant::now();
            run_futures(request, "Hold course", Control::default()).expect("futures");
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    let stats = |name: &str, times: &mut Vec<f64>| {
        times.sort_by(f64::total_cmp);
        let p95 = times[(times.len() * 95).div_ceil(100) - 1];
        println!(
            "{name}: {} measured, median {:.1} ms, p95 {p95:.1} ms, max {:.1} ms",
            times.len(),
            times[times.len() / 2],
            times[times.len() - 1]
        );
    };
    let mut all: Vec<f64> = choices.iter().chain(&parameters).copied().collect();
    println!("change to new fan shown, 1,000 futures from week 3 to the end:");
    stats("choice ticked", &mut choices);
    stats("parameter set", &mut parameters);
    stats("all", &mut all);
    stats("of which the job alone", &mut jobs);
}

#[test]
fn the_futures_fire_the_events_the_teacher_injected() {
    // The teacher fires an event in week 1; the futures from week 3 start from the state the
    // class has (the inject replayed), and fire it wherever the plan reaches its week.
    let mut session = mali_session();
    // An event with effects that does not fire by itself in week 1.
    let mut plain = mali_session();
    plain.apply(Command::Commit).unwrap();
    let fired: Vec<usize> = plain.run().turns[0]
        .events
        .iter()
        .map(|f| f.event)
        .collect();
    let event = (0..session.model().scenario.events.len())
        .find(|e| !fired.contains(e) && !session.model().scenario.events[*e].effects.is_empty())
        .expect("an event");
    session.apply(Command::Inject(event)).unwrap();
    session.apply(Command::Commit).unwrap();
    session.apply(Command::Commit).unwrap();
    let settings = sandtable::ui::whatif::Settings::new(session.model());
    let basis = Basis::new(&session, &settings);
    assert_eq!(basis.plan.injected(0), &[event]);
    let start = basis.start().expect("the weeks replay");
    let replayed = start.session_sim();
    for (slot, (&got, &want)) in replayed.state().iter().zip(session.state()).enumerate() {
        assert!(
            got.to_bits() == want.to_bits(),
            "{}: {got} != {want}",
            session.model().layout.names[slot]
        );
    }
    // Without the inject, the replay would be another state.
    let bare = sandtable::sim::ensemble::Start::played(
        session.model(),
        session.seed(),
        session.overrides(),
        &session.active_branch().decisions[..2],
    )
    .expect("replays");
    assert_ne!(bare.session_sim().state(), session.state());
}
