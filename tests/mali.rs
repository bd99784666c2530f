//! The Mali 2013 scenario is credible to a reader who knows the case: its reference paths
//! reproduce the reported figures to mid-February 2013, the alternative paths differ
//! from history in the direction the case suggests, and the decisions carry the dilemma
//! (paired futures: the same seed and parameters, only the decision differs). Also checks that the second scenario
//! (a fictional flood) loads and plays, so the engine is not Mali-specific.
//!
//! Figures are checked over many seeds (each run draws its own parameters), so each test
//! states how often a fact must hold, not only that it holds once.

use std::path::PathBuf;

use sandtable::scenario::{self, Model};
use sandtable::sim::{self, Decisions, Overrides, Run};

/// Seeds per statistical check.
use crate::util::mali;

const SEEDS: u64 = 300;

fn flood() -> Model {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/flood-relief.ron");
    scenario::load_file(&path).unwrap_or_else(|e| panic!("flood-relief.ron must load: {e}"))
}

fn play(model: &Model, path: &str, seed: u64) -> Run {
    let decisions = model
        .path_decisions(path)
        .unwrap_or_else(|| panic!("no reference path `{path}`"));
    sim::run(
        model,
        seed,
        &sandtable::sim::Overrides::none(model),
        &decisions,
    )
    .unwrap_or_else(|(turn, refusal)| {
        panic!("path `{path}`, seed {seed}: turn {turn} refused: {refusal}")
    })
}

fn runs(model: &Model, path: &str) -> Vec<Run> {
    (1..=SEEDS).map(|seed| play(model, path, seed)).collect()
}

/// Slot of a name as written in expressions (`french_troops`, `canada.capital`).
fn slot(model: &Model, name: &str) -> usize {
    model
        .layout
        .names
        .iter()
        .position(|n| n == name)
        .unwrap_or_else(|| panic!("no slot named `{name}`"))
}

/// Index of the state on `date` (state n is the start date + n steps).
fn state_on(model: &Model, date: &str) -> usize {
    (0..=model.turns())
        .find(|&n| model.date(n).to_string() == date)
        .unwrap_or_else(|| panic!("no state on {date}"))
}

/// A value on a date between two states, interpolated linearly.
fn on_date(model: &Model, run: &Run, name: &str, date: &str) -> f64 {
    let target = scenario::Date::parse(date).expect("a valid date");
    let s = slot(model, name);
    let start = model.date(0);
    let days = target.days_since(start) as f64;
    let step = f64::from(model.scenario.clock.step_days);
    let lo = (days / step).floor() as usize;
    let frac = days / step - lo as f64;
    let a = run.state(lo)[s];
    let b = run.state(lo + 1)[s];
    a + frac * (b - a)
}

fn value(model: &Model, run: &Run, name: &str, state: usize) -> f64 {
    run.state(state)[slot(model, name)]
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

fn share(v: impl Iterator<Item = bool>) -> f64 {
    let (mut yes, mut all) = (0usize, 0usize);
    for b in v {
        all += 1;
        yes += usize::from(b);
    }
    yes as f64 / all.max(1) as f64
}

#[test]
fn mali_has_the_required_parts() {
    let model = mali();
    let s = &model.scenario;
    assert_eq!(s.id, "mali-2013");
    assert_eq!(s.role, "canada");
    assert_eq!(s.clock.start.to_string(), "2013-01-15");
    // To the week of the inauguration (4 Sep 2013).
    assert_eq!(s.clock.turns, 34);
    assert_eq!(model.date(model.turns()).to_string(), "2013-09-10");
    for id in [
        "french_troops",
        "afisma_troops",
        "refugees",
        "idps",
        "towns_held",
        "c17_cargo_t",
        "airlift_t_per_week",
        "canada_cost_cad_m",
        "democracy_roadmap",
    ] {
        assert!(
            model.indicator_index(id).is_some(),
            "indicator `{id}` is missing"
        );
    }
    for id in [
        "canada",
        "france",
        "mali_gov",
        "ecowas",
        "islamists",
        "usa",
        "neighbours",
        "canada_public",
    ] {
        assert!(
            s.actors.iter().any(|a| a.id == id),
            "actor `{id}` is missing"
        );
    }
    for id in ["involvement", "democracy", "afisma_funding"] {
        assert!(
            s.issues.iter().any(|i| i.id == id),
            "issue `{id}` is missing"
        );
    }
    for id in ["history", "no_help", "escalation"] {
        assert!(model.path_index(id).is_some(), "path `{id}` is missing");
    }
    assert!((10..=20).contains(&s.parameters.len()));
    assert!((15..=32).contains(&s.events.len()));
    assert!(
        s.events.iter().any(|e| !e.opens.is_empty()),
        "an event must open a choice"
    );
    // Every observation refers to a declared source and an indicator.
    for o in &s.observations {
        assert!(
            s.sources.iter().any(|src| src.id == o.source),
            "unknown source {}",
            o.source
        );
        assert!(model.indicator_index(&o.indicator).is_some());
    }
    assert!(s.observations.len() >= 20);
}

#[test]
fn every_reference_path_plays_cleanly_in_every_seed() {
    let model = mali();
    for path in ["history", "no_help", "escalation"] {
        for seed in 1..=SEEDS {
            let run = play(&model, path, seed);
            assert!(
                run.warnings.is_empty(),
                "{path} seed {seed}: {:?}",
                run.warnings
            );
        }
    }
}

#[test]
fn history_the_towns_fall_in_late_january() {
    let model = mali();
    let runs = runs(&model, "history");
    let (jan22, jan29, feb5) = (
        state_on(&model, "2013-01-22"),
        state_on(&model, "2013-01-29"),
        state_on(&model, "2013-02-05"),
    );
    // Still all held a week into the French operation.
    assert!(
        share(
            runs.iter()
                .map(|r| value(&model, r, "towns_held", jan22) == 3.0)
        ) >= 0.9
    );
    // Gao (26 Jan) and at least one more by 29 Jan in most runs.
    assert!(
        share(
            runs.iter()
                .map(|r| value(&model, r, "towns_held", jan29) <= 1.0)
        ) >= 0.5
    );
    assert!(
        share(
            runs.iter()
                .map(|r| value(&model, r, "towns_held", jan29) <= 2.0)
        ) >= 0.95
    );
    // Kidal (29-30 Jan): all three retaken by 5 Feb in most runs, and before April in all.
    assert!(
        share(
            runs.iter()
                .map(|r| value(&model, r, "towns_held", feb5) == 0.0)
        ) >= 0.8
    );
    assert!(
        runs.iter()
            .all(|r| (0..=12).any(|n| value(&model, r, "towns_held", n) == 0.0))
    );
    // Once France draws down, the groups can seize a town back for a while: free at the
    // end in most futures, not in all.
    let free_at_end = share(
        runs.iter()
            .map(|r| value(&model, r, "towns_held", model.turns()) == 0.0),
    );
    assert!(
        (0.8..1.0).contains(&free_at_end),
        "free at the end in {:.0} % of futures",
        100.0 * free_at_end
    );
}

#[test]
fn history_french_build_up_matches_the_reports() {
    let model = mali();
    let runs = runs(&model, "history");
    // 2,000 on 19 Jan and 2,300 on 23 Jan.
    let jan22 = median(
        runs.iter()
            .map(|r| on_date(&model, r, "french_troops", "2013-01-22"))
            .collect(),
    );
    assert!((1_900.0..=2_600.0).contains(&jan22), "22 Jan: {jan22}");
    // 3,500 on 2 Feb (4,600 in the region).
    let feb2 = median(
        runs.iter()
            .map(|r| on_date(&model, r, "french_troops", "2013-02-02"))
            .collect(),
    );
    assert!((3_000.0..=4_100.0).contains(&feb2), "2 Feb: {feb2}");
    // About 4,000 on 5-6 Feb, and not much above afterwards.
    for r in &runs {
        let feb5 = on_date(&model, r, "french_troops", "2013-02-05");
        assert!((3_000.0..=5_000.0).contains(&feb5), "5 Feb: {feb5}");
        let peak = r
            .series(slot(&model, "french_troops"))
            .into_iter()
            .fold(0.0, f64::max);
        assert!(peak <= 4_700.0, "peak {peak}");
    }
}

#[test]
fn history_african_force_builds_up_slowly() {
    let model = mali();
    let runs = runs(&model, "history");
    // 500-1,000 on 21-23 Jan; 1,400-2,000 on 29-30 Jan.
    let jan22 = median(
        runs.iter()
            .map(|r| on_date(&model, r, "afisma_troops", "2013-01-22"))
            .collect(),
    );
    assert!((450.0..=1_100.0).contains(&jan22), "22 Jan: {jan22}");
    let jan30 = median(
        runs.iter()
            .map(|r| on_date(&model, r, "afisma_troops", "2013-01-30"))
            .collect(),
    );
    assert!((1_300.0..=2_200.0).contains(&jan30), "30 Jan: {jan30}");
    // Slow: still well short of the planned force by mid-February, and never above the plan.
    let planned = slot(&model, "afisma_planned");
    for r in &runs {
        assert!(on_date(&model, r, "afisma_troops", "2013-02-12") < 4_000.0);
        for n in 0..=model.turns() {
            assert!(r.state(n)[slot(&model, "afisma_troops")] <= r.state(n)[planned] + 1e-6);
        }
    }
}

#[test]
fn history_displacement_keeps_rising_slowly() {
    let model = mali();
    let runs = runs(&model, "history");
    // UNHCR: 165,139 refugees on 11 Feb. OCHA: 241,448 IDPs on 31 Jan.
    let refugees = median(
        runs.iter()
            .map(|r| on_date(&model, r, "refugees", "2013-02-11"))
            .collect(),
    );
    assert!(
        (155_000.0..=175_000.0).contains(&refugees),
        "refugees 11 Feb: {refugees}"
    );
    let idps = median(
        runs.iter()
            .map(|r| on_date(&model, r, "idps", "2013-01-31"))
            .collect(),
    );
    assert!(
        (232_000.0..=250_000.0).contains(&idps),
        "IDPs 31 Jan: {idps}"
    );
    // Rising, but slowly: no week adds more than 25,000 displaced people in the first
    // month, and the total stays far below UNHCR's worst case (+700,000), even in the
    // futures where the armed groups seize a town back after April and fighting flares.
    for r in &runs {
        let total = |n: usize| value(&model, r, "refugees", n) + value(&model, r, "idps", n);
        for n in 0..4 {
            let added = total(n + 1) - total(n);
            assert!((0.0..=25_000.0).contains(&added), "week {n}: {added}");
        }
        assert!(total(model.turns()) < total(0) + 350_000.0);
    }
}

#[test]
fn history_c17_carries_a_few_hundred_tonnes_a_month() {
    let model = mali();
    let runs = runs(&model, "history");
    // DND: more than 128 t by 24 Jan, more than 350 t by 31 Jan.
    let jan24 = median(
        runs.iter()
            .map(|r| on_date(&model, r, "c17_cargo_t", "2013-01-24"))
            .collect(),
    );
    assert!((128.0..=300.0).contains(&jan24), "24 Jan: {jan24}");
    let jan31 = median(
        runs.iter()
            .map(|r| on_date(&model, r, "c17_cargo_t", "2013-01-31"))
            .collect(),
    );
    assert!((300.0..=480.0).contains(&jan31), "31 Jan: {jan31}");
    let feb12 = state_on(&model, "2013-02-12");
    let mar12 = state_on(&model, "2013-03-12");
    for r in &runs {
        let cargo = value(&model, r, "c17_cargo_t", feb12);
        assert!((350.0..=900.0).contains(&cargo), "12 Feb: {cargo}");
        // Routine flying after the build-up: a few hundred tonnes in four weeks.
        let month = value(&model, r, "c17_cargo_t", mar12) - cargo;
        assert!((200.0..=600.0).contains(&month), "12 Feb-12 Mar: {month}");
        // Nothing more once the aircraft is home (mission ended 31 Mar).
        let apr9 = state_on(&model, "2013-04-09");
        assert_eq!(
            value(&model, r, "c17_cargo_t", apr9),
            value(&model, r, "c17_cargo_t", model.turns())
        );
    }
}

#[test]
fn history_cost_matches_the_dnd_projection() {
    let model = mali();
    let run = play(&model, "history", 1);
    // $18.6M full cost of the C-17 to 15 Feb.
    let cost = on_date(&model, &run, "canada_cost_cad_m", "2013-02-15");
    assert!((17.0..=20.0).contains(&cost), "15 Feb: {cost}");
    // Money pledged by the end: $13M + $10M + $75M + $0.25M for election observers.
    let aid = value(&model, &run, "canada_aid_cad_m", model.turns());
    assert!((aid - 98.25).abs() < 1e-9, "aid {aid}");
}

#[test]
fn without_canada_france_still_advances_but_slower() {
    let model = mali();
    let jan29 = state_on(&model, "2013-01-29");
    let troops = slot(&model, "french_troops");
    let towns = slot(&model, "towns_held");
    let (mut slower, mut towns_history, mut towns_no_help) = (0u64, 0.0, 0.0);
    for seed in 1..=SEEDS {
        let history = play(&model, "history", seed);
        let no_help = play(&model, "no_help", seed);
        // Same parameters, less lift: fewer French soldiers on 29 Jan in every run...
        assert!(no_help.state(jan29)[troops] < history.state(jan29)[troops]);
        slower += u64::from(history.state(jan29)[troops] - no_help.state(jan29)[troops] >= 50.0);
        // ...but France still retakes the towns.
        assert!(
            (0..=12).any(|n| no_help.state(n)[towns] == 0.0),
            "seed {seed}"
        );
        // Town-weeks held by the armed groups in the first month.
        for n in 1..=4 {
            towns_history += history.state(n)[towns];
            towns_no_help += no_help.state(n)[towns];
        }
        assert_eq!(value(&model, &no_help, "c17_cargo_t", model.turns()), 0.0);
    }
    assert!(
        slower as f64 >= 0.9 * SEEDS as f64,
        "only {slower} runs visibly slower"
    );
    assert!(
        towns_no_help > towns_history,
        "towns held: no help {towns_no_help}, history {towns_history}"
    );
}

#[test]
fn without_canada_relations_with_france_suffer() {
    let model = mali();
    for seed in 1..=20 {
        let history = play(&model, "history", seed);
        let no_help = play(&model, "no_help", seed);
        let end = model.turns();
        assert!(
            value(&model, &no_help, "relations_france", end)
                < value(&model, &history, "relations_france", end) - 0.03
        );
    }
}

#[test]
fn escalation_costs_support_at_home() {
    let model = mali();
    let end = model.turns();
    let mut lower = 0;
    for seed in 1..=SEEDS {
        let history = play(&model, "history", seed);
        let escalation = play(&model, "escalation", seed);
        let (h, e) = (
            value(&model, &history, "domestic_support", end),
            value(&model, &escalation, "domestic_support", end),
        );
        lower += usize::from(e < h - 0.05);
        // Below where it started (0.6): Canadians do not want a combat role.
        assert!(e < 0.6, "seed {seed}: {e}");
        // France, on the other hand, is delighted.
        assert!(
            value(&model, &escalation, "relations_france", end)
                > value(&model, &history, "relations_france", end)
        );
        assert!(
            value(&model, &escalation, "canada_cost_cad_m", end)
                > value(&model, &history, "canada_cost_cad_m", end)
        );
    }
    assert!(
        lower as f64 >= 0.9 * SEEDS as f64,
        "escalation clearly lower in only {lower} runs"
    );
}

#[test]
fn a_choice_opened_by_an_event_waits_for_it() {
    let model = mali();
    let brussels = model
        .choice_index("development_package")
        .expect("development_package");
    // Before the donors' conference in May the package cannot be taken.
    let mut early = vec![Vec::new(); model.turns()];
    early[2] = vec![brussels];
    assert!(sim::run(&model, 1, &sandtable::sim::Overrides::none(&model), &early).is_err());
    // The history path takes it the week of 14 May, after the conference.
    let history = model.path_decisions("history").expect("history");
    assert!(history[17].contains(&brussels));
}

#[test]
fn flood_relief_plays_and_prudence_pays() {
    let model = flood();
    let s = &model.scenario;
    assert_eq!(s.clock.turns, 8);
    assert!(!s.parameters.is_empty() && !s.dynamics.is_empty() && !s.goals.is_empty());
    assert!(s.events.iter().any(|e| !e.opens.is_empty()));
    assert!(s.choices.iter().any(|c| c.group.is_some()));
    assert!(
        s.choices
            .iter()
            .any(|c| c.effects.iter().any(|e| e.delay > 0))
    );
    let breached = slot(&model, "levee_breached");
    let trust = slot(&model, "public_trust");
    let (mut breaches_prudent, mut breaches_waiting) = (0, 0);
    let mut trust_gap = 0.0;
    for seed in 1..=SEEDS {
        let prudent = play(&model, "prudent", seed);
        let waiting = play(&model, "wait_and_see", seed);
        assert!(prudent.warnings.is_empty() && waiting.warnings.is_empty());
        breaches_prudent += usize::from(prudent.last()[breached] > 0.0);
        breaches_waiting += usize::from(waiting.last()[breached] > 0.0);
        trust_gap += prudent.last()[trust] - waiting.last()[trust];
    }
    assert!(
        breaches_prudent < breaches_waiting,
        "{breaches_prudent} vs {breaches_waiting}"
    );
    assert!(trust_gap > 0.0);
}

fn no_overrides(model: &Model) -> Overrides {
    sandtable::sim::Overrides::none(model)
}

fn choice_id(model: &Model, id: &str) -> usize {
    model
        .choice_index(id)
        .unwrap_or_else(|| panic!("no choice `{id}`"))
}

/// The `history` path with `changes` applied: each `(turn, id, true)` adds the choice on that
/// turn, each `(turn, id, false)` removes it.
fn history_with(model: &Model, changes: &[(usize, &str, bool)]) -> Decisions {
    let mut decisions = model.path_decisions("history").expect("history");
    for &(turn, id, add) in changes {
        let c = choice_id(model, id);
        if add {
            decisions[turn].push(c);
        } else {
            decisions[turn].retain(|&x| x != c);
        }
    }
    decisions
}

/// One future per seed of a plan, with `overrides`; every decision must be accepted.
fn futures(model: &Model, decisions: &Decisions, overrides: &Overrides) -> Vec<Run> {
    (1..=SEEDS)
        .map(|seed| {
            sim::run(model, seed, overrides, decisions)
                .unwrap_or_else(|(turn, refusal)| panic!("seed {seed}, turn {turn}: {refusal}"))
        })
        .collect()
}

/// History, but the C-17 comes home in the first week and never flies again.
fn c17_ended_in_week_one(model: &Model) -> Decisions {
    history_with(
        model,
        &[
            (0, "end_c17", true),
            (1, "extend_c17_until", false),
            (4, "extend_c17_until", false),
            (8, "extend_c17_until", false),
            (11, "end_c17", false),
        ],
    )
}

#[test]
fn ending_the_c17_in_week_one_costs_goodwill_in_paris_in_almost_every_future() {
    let model = mali();
    let none = no_overrides(&model);
    let history = futures(&model, &model.path_decisions("history").unwrap(), &none);
    let ended = futures(&model, &c17_ended_in_week_one(&model), &none);
    let end = model.turns();
    let lower = share(history.iter().zip(&ended).map(|(h, e)| {
        value(&model, e, "relations_france", end) < value(&model, h, "relations_france", end)
    }));
    assert!(
        lower >= 0.9,
        "lower in only {:.0} % of futures",
        100.0 * lower
    );
    // The refusal is remembered: the gap is still there in May, months after it was made.
    let may = state_on(&model, "2013-05-14");
    let gap: f64 = history
        .iter()
        .zip(&ended)
        .map(|(h, e)| {
            value(&model, h, "relations_france", may) - value(&model, e, "relations_france", may)
        })
        .sum::<f64>()
        / SEEDS as f64;
    assert!(gap >= 0.05, "mean gap in May: {gap}");
    // France counts the refusal.
    assert!(
        ended
            .iter()
            .all(|r| value(&model, r, "requests_refused", end) >= 1.0)
    );
    assert!(
        history
            .iter()
            .all(|r| value(&model, r, "requests_refused", end) == 0.0)
    );
}

#[test]
fn ending_the_c17_in_week_one_slows_the_french_build_up() {
    let model = mali();
    let none = no_overrides(&model);
    let history = futures(&model, &model.path_decisions("history").unwrap(), &none);
    let ended = futures(&model, &c17_ended_in_week_one(&model), &none);
    let feb5 = state_on(&model, "2013-02-05");
    // Outsize cargo waits longer for an aircraft...
    assert!(history.iter().zip(&ended).all(|(h, e)| {
        value(&model, e, "outsize_backlog_t", feb5) > value(&model, h, "outsize_backlog_t", feb5)
    }));
    // ...so fewer French soldiers are in Mali in early February, in nearly every future,
    // by a margin a reader can see.
    let fewer = share(history.iter().zip(&ended).map(|(h, e)| {
        value(&model, h, "french_troops", feb5) - value(&model, e, "french_troops", feb5) >= 50.0
    }));
    assert!(
        fewer >= 0.9,
        "visibly fewer in only {:.0} % of futures",
        100.0 * fewer
    );
    // The north is retaken later in some futures, never sooner.
    let mut later = 0;
    for (h, e) in history.iter().zip(&ended) {
        let held = |r: &Run| {
            (1..=8)
                .map(|n| value(&model, r, "towns_held", n))
                .sum::<f64>()
        };
        assert!(held(e) >= held(h));
        later += usize::from(held(e) > held(h));
    }
    assert!(later as u64 * 20 >= SEEDS, "later in only {later} futures");
    // Allies make up for part of it after a lag: US sorties go on past mid-February.
    let mar5 = state_on(&model, "2013-03-05");
    let sorties = slot(&model, "usa.c17_sorties");
    assert!(ended.iter().any(|r| r.state(mar5)[sorties] > 0.0));
    assert!(history.iter().all(|r| r.state(mar5)[sorties] == 0.0));
}

#[test]
fn money_for_the_african_force_in_week_one_leaves_more_african_soldiers() {
    let model = mali();
    let none = no_overrides(&model);
    let history = futures(&model, &model.path_decisions("history").unwrap(), &none);
    let funded = futures(
        &model,
        &history_with(&model, &[(0, "fund_afisma", true)]),
        &none,
    );
    let end = model.turns();
    let more = share(history.iter().zip(&funded).map(|(h, f)| {
        value(&model, f, "afisma_troops", end) > value(&model, h, "afisma_troops", end)
    }));
    assert!(more >= 0.8, "more in only {:.0} % of futures", 100.0 * more);
    // A real but modest difference: $10M of some $500M.
    let gain = median(
        history
            .iter()
            .zip(&funded)
            .map(|(h, f)| {
                value(&model, f, "afisma_troops", end) - value(&model, h, "afisma_troops", end)
            })
            .collect(),
    );
    assert!((20.0..=1_000.0).contains(&gain), "median gain {gain}");
}

#[test]
fn forty_special_forces_are_a_small_fraction_of_the_french_effect() {
    let model = mali();
    // The French ceiling fixed, so that a tenth fewer French soldiers can be compared.
    let cap = model
        .scenario
        .parameters
        .iter()
        .position(|p| p.id == "french_cap")
        .expect("french_cap");
    let mut fixed = no_overrides(&model);
    fixed[cap] = Some(4_000.0);
    let mut fewer = no_overrides(&model);
    fewer[cap] = Some(3_600.0);
    let plain = model.path_decisions("history").unwrap();
    let history = futures(&model, &plain, &fixed);
    let with_sof = futures(
        &model,
        &history_with(&model, &[(1, "send_special_forces", true)]),
        &fixed,
    );
    let fewer_french = futures(&model, &plain, &fewer);
    // Mean strength of the armed groups from February to May.
    let strength = |r: &Run| {
        (3..=18)
            .map(|n| value(&model, r, "rebel_strength", n))
            .sum::<f64>()
            / 16.0
    };
    let (mut sof_effect, mut french_effect) = (0.0, 0.0);
    for ((h, s), f) in history.iter().zip(&with_sof).zip(&fewer_french) {
        sof_effect += strength(h) - strength(s);
        french_effect += strength(f) - strength(h);
    }
    let base: f64 = history.iter().map(strength).sum();
    assert!(
        sof_effect > 0.0 && french_effect > 0.0,
        "{sof_effect} {french_effect}"
    );
    // Special forces weaken the groups, by a few per cent...
    let relative = sof_effect / base;
    assert!(
        (0.005..=0.1).contains(&relative),
        "special forces: {relative}"
    );
    // ...less than 400 French soldiers (a tenth of the force) do.
    assert!(
        sof_effect < french_effect,
        "{sof_effect} vs {french_effect}"
    );
}

#[test]
fn the_news_reports_canadas_own_decisions_with_their_amounts() {
    let model = mali();
    let run = play(&model, "history", 2013);
    let news = |turn: usize| -> Vec<&str> {
        run.turns[turn]
            .events
            .iter()
            .map(|f| f.text.as_str())
            .collect()
    };
    // Addis Ababa (29 Jan): the $13M pledged that week.
    assert!(
        news(2).iter().any(|t| t.contains("stand at $13.0M")),
        "{:?}",
        news(2)
    );
    // Mid-May: $10M for the African force and $75M at Brussels.
    assert!(
        news(17).iter().any(|t| t.contains("now stands at $10.0M")),
        "{:?}",
        news(17)
    );
    assert!(
        news(17).iter().any(|t| t.contains("now total $98.0M")),
        "{:?}",
        news(17)
    );
    // Each extension, and the end of the mission, in the week it was decided.
    for turn in [1, 4, 8] {
        assert!(
            news(turn)
                .iter()
                .any(|t| t.starts_with("Canada keeps its C-17")),
            "turn {turn}"
        );
    }
    assert!(
        news(11)
            .iter()
            .any(|t| t.starts_with("Canada ends its airlift"))
    );
}

#[test]
fn mali_sets_an_election_date_when_the_pressure_passes_its_threshold() {
    let model = mali();
    let runs = runs(&model, "history");
    let date_set = slot(&model, "election_date_set");
    let pressure = slot(&model, "democracy.pressure");
    let held = slot(&model, "elections_held");
    let mut weeks = Vec::new();
    for r in &runs {
        let first = (0..=model.turns()).find(|&n| r.state(n)[date_set] > 0.0);
        if let Some(n) = first {
            // The date follows the pressure point, not a timer.
            assert!(
                n > 0 && r.state(n)[pressure] >= 0.55,
                "pressure {}",
                r.state(n)[pressure]
            );
            weeks.push(n as f64);
        }
        // No vote without a date.
        if r.last()[held] > 0.0 {
            assert!(first.is_some());
        }
    }
    // Set in most futures, in different weeks.
    assert!(
        weeks.len() as u64 * 2 > SEEDS,
        "set in {} futures",
        weeks.len()
    );
    let spread =
        weeks.iter().cloned().fold(0.0, f64::max) - weeks.iter().cloned().fold(f64::MAX, f64::min);
    assert!(spread >= 3.0, "always within {spread} weeks");
}
