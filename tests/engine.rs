//! The simulator's semantics, determinism, bounds, and the shipped scenarios.

use std::collections::BTreeMap;

use proptest::prelude::*;
use sandtable::report::run::{csv, summary};
use sandtable::scenario::{self, SlotKind};
use sandtable::sim::rng::RunKey;
use sandtable::sim::{self, Cause, Refusal, Sim};

use crate::util::{TINY, mali, tiny};

fn no_overrides(model: &scenario::Model) -> sandtable::sim::Overrides {
    sandtable::sim::Overrides::none(model)
}

fn choices(model: &scenario::Model, ids: &[&str]) -> Vec<usize> {
    ids.iter()
        .map(|id| model.choice_index(id).unwrap())
        .collect()
}

#[test]
fn tiny_runs_as_computed_by_hand() {
    let model = tiny();
    let history = model.path_decisions("history").unwrap();
    let run = sim::run(&model, 1, &no_overrides(&model), &history[..4]).unwrap();
    let water = run.series(model.layout.indicator(0));
    let dikes = run.series(model.layout.indicator(1));
    // water' = 0.9 * water + rain (1.0), both computed from the same state.
    let expected_water = [2.0, 2.8, 3.52, 4.168, 4.7512];
    for (got, want) in water.iter().zip(expected_water) {
        assert!((got - want).abs() < 1e-12, "{water:?}");
    }
    // Sandbags add 0.25 on two turns; raised dikes add 1 a turn after the choice.
    assert_eq!(dikes, vec![3.0, 3.25, 3.5, 4.5, 4.5]);
    let money = model.layout.resources[0].start;
    // 10 - 1 (sandbags) + 1 (alarm) - 4 (dikes) + 5 (help).
    assert_eq!(run.last()[money], 11.0);
    // The alarm fires once, on the first turn, with its values interpolated.
    let alarms: Vec<_> = run
        .turns
        .iter()
        .flat_map(|t| &t.events)
        .filter(|f| f.event == 0)
        .collect();
    assert_eq!(alarms.len(), 1);
    assert_eq!(
        alarms[0].text,
        "The river stands at 2.8 m against dikes of 3.2 m."
    );
}

#[test]
fn damage_follows_the_simultaneous_update() {
    let model = tiny();
    let run = sim::run(&model, 1, &no_overrides(&model), &vec![vec![]; 4]).unwrap();
    let damage = run.series(model.layout.indicator(2));
    // Water passes the 3 m dikes in the state after turn 1 (3.52); damage is computed
    // from that state on turn 2: (3.52 - 3) * 100 = 52.
    assert_eq!(damage[2], 0.0);
    assert!((damage[3] - 52.0).abs() < 1e-9, "{damage:?}");
}

#[test]
fn the_order_of_rules_in_the_file_does_not_change_results() {
    let rain = "        Rule(id: \"rain\", description: \"Rain raises the river.\", target: \"water\", value: \"rain\"),\n";
    let drain = "        Rule(id: \"drain\", description: \"The river drains a little.\", target: \"water\", op: Multiply, value: \"0.9\"),\n";
    let swapped = TINY
        .replacen(rain, "", 1)
        .replacen(drain, &format!("{drain}{rain}"), 1);
    assert_ne!(swapped, TINY);
    let a = tiny();
    let b = scenario::load_str("swapped.ron", &swapped).unwrap();
    let path = a.path_decisions("history").unwrap();
    let run_a = sim::run(&a, 5, &no_overrides(&a), &path).unwrap();
    let run_b = sim::run(&b, 5, &no_overrides(&b), &path).unwrap();
    for t in 0..=4 {
        assert_eq!(run_a.state(t), run_b.state(t));
    }
}

#[test]
fn approval_and_pressure_follow_the_formulas() {
    let model = tiny();
    let dikes = choices(&model, &["raise_dikes"]);
    let run = sim::run(&model, 1, &no_overrides(&model), &[dikes]).unwrap();
    let l = &model.layout;
    let s = run.state(1);
    // Policy: 4 spent / 10 = 0.4. Council sits at 0 with salience 1 - 0.1.
    assert!((s[l.policy(0)] - 0.4).abs() < 1e-12);
    assert!((s[l.approval(1)] - 60.0).abs() < 1e-9);
    assert!((s[l.approval(0)] - 90.0).abs() < 1e-9);
    // Pressure: weights mayor 0.5 * 2 = 1.0 at 0.5, council 0.9 * 1 = 0.9 at 0.0: the
    // weighted median is the mayor's position.
    assert_eq!(s[l.pressure(0)], 0.5);
}

#[test]
fn the_ledger_explains_every_change() {
    for model in [tiny(), mali()] {
        let decisions = model.path_decisions("history").unwrap();
        let run = sim::run(&model, 7, &no_overrides(&model), &decisions).unwrap();
        for t in 0..run.turns.len() {
            let before = run.state(t);
            let after = run.state(t + 1);
            let mut explained: BTreeMap<usize, f64> = BTreeMap::new();
            for entry in &run.turns[t].ledger {
                *explained.entry(entry.slot).or_default() += entry.delta;
            }
            for slot in 0..model.layout.len() {
                if model.layout.writable(slot) {
                    let change = after[slot] - before[slot];
                    let sum = explained.get(&slot).copied().unwrap_or(0.0);
                    let scale = before[slot].abs().max(after[slot].abs()).max(1.0);
                    assert!(
                        (change - sum).abs() <= 1e-9 * scale,
                        "{}: turn {t}: {} changed by {change} but the ledger says {sum}",
                        model.scenario.id,
                        model.layout.names[slot]
                    );
                }
            }
        }
    }
}

#[test]
fn refused_choices_leave_the_state_unchanged() {
    let model = tiny();
    let mut sim = Sim::new(&model, RunKey::new(1, 0), &no_overrides(&model));
    let before = sim.state().to_vec();
    let both = choices(&model, &["raise_dikes", "sandbags"]);
    assert!(matches!(sim.step(&both), Err(Refusal::Conflict { .. })));
    let evacuate = choices(&model, &["evacuate"]);
    match sim.step(&evacuate) {
        Err(Refusal::Unavailable { reason, .. }) => {
            assert_eq!(reason, "The water is not high enough to justify it.")
        }
        other => panic!("{other:?}"),
    }
    let help = choices(&model, &["ask_help"]);
    assert!(
        matches!(sim.step(&help), Err(Refusal::Unavailable { .. })),
        "not opened yet"
    );
    assert!(matches!(sim.step(&[99]), Err(Refusal::Unknown(99))));
    assert_eq!(sim.state(), &before[..]);
    assert_eq!(sim.turn(), 0);
    // Three times raise_dikes costs 12 of the 10 held.
    sim.step(&choices(&model, &["raise_dikes"])).unwrap();
    sim.step(&[]).unwrap();
    let held = sim.state()[model.layout.resources[0].start];
    assert_eq!(held, 7.0);
    sim.step(&choices(&model, &["raise_dikes"])).unwrap();
    let err = sim.step(&choices(&model, &["raise_dikes"])).unwrap_err();
    assert!(
        matches!(
            err,
            Refusal::Unaffordable {
                need: 4.0,
                have: 3.0,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "not enough Budget (k$): needs 4.0, holds 3.0"
    );
    sim.step(&[]).unwrap();
    assert_eq!(sim.step(&[]), Err(Refusal::Finished));
}

#[test]
fn bad_numbers_are_contained_and_logged() {
    let text = TINY.replacen("value: \"rain\")", "value: \"ln(0 - water) + 1 / 0\")", 1);
    let model = scenario::load_str("nan.ron", &text).unwrap();
    let run = sim::run(&model, 1, &no_overrides(&model), &[vec![], vec![]]).unwrap();
    // The broken rule is skipped (the drain still applies) and a warning names it.
    assert!((run.state(1)[model.layout.indicator(0)] - 1.8).abs() < 1e-12);
    assert_eq!(run.warnings.len(), 2);
    assert!(
        run.warnings[0].message.contains("rule `rain`"),
        "{:?}",
        run.warnings
    );
    // Values pushed past a bound are clamped, and the clamp is in the ledger.
    let text = TINY.replacen("value: \"rain\")", "value: \"100\")", 1);
    let model = scenario::load_str("big.ron", &text).unwrap();
    let run = sim::run(&model, 1, &no_overrides(&model), &[vec![]]).unwrap();
    assert_eq!(run.state(1)[model.layout.indicator(0)], 10.0);
    assert!(run.turns[0].ledger.iter().any(|e| e.cause == Cause::Bounds));
}

#[test]
fn the_same_seed_gives_identical_runs_and_another_seed_differs() {
    let model = mali();
    let history = model.path_decisions("history").unwrap();
    let a = sim::run(&model, 99, &no_overrides(&model), &history).unwrap();
    let b = sim::run(&model, 99, &no_overrides(&model), &history).unwrap();
    assert_eq!(csv(&model, &a), csv(&model, &b));
    let c = sim::run(&model, 100, &no_overrides(&model), &history).unwrap();
    assert_ne!(csv(&model, &a), csv(&model, &c));
    // Fixing every parameter does not remove the randomness of rules and events.
    assert_ne!(a.parameters, c.parameters);
}

#[test]
fn overriding_one_parameter_leaves_the_others_draws_alone() {
    let model = mali();
    let mut overrides = no_overrides(&model);
    let free = sim::draw_parameters(&model, &RunKey::new(3, 0), &overrides);
    overrides[0] = Some(free[0] + 1.0);
    let fixed = sim::draw_parameters(&model, &RunKey::new(3, 0), &overrides);
    assert_eq!(fixed[0], free[0] + 1.0);
    assert_eq!(fixed[1..], free[1..]);
}

#[test]
fn mali_has_the_required_indicators_in_their_units() {
    let model = mali();
    let required = [
        ("french_troops", "soldiers"),
        ("afisma_troops", "soldiers"),
        ("refugees", "people"),
        ("idps", "people"),
        ("towns_held", "towns"),
        ("c17_cargo_t", "tonnes"),
        ("airlift_t_per_week", "tonnes/week"),
        ("canada_cost_cad_m", "CAD M"),
        ("democracy_roadmap", "index 0-1"),
    ];
    for (id, unit) in required {
        let i = model
            .indicator_index(id)
            .unwrap_or_else(|| panic!("missing indicator {id}"));
        let ind = &model.scenario.indicators[i];
        assert!(
            ind.unit.to_lowercase().contains(&unit.to_lowercase()),
            "{id} has unit `{}`, expected `{unit}`",
            ind.unit
        );
    }
    let roadmap = &model.scenario.indicators[model.indicator_index("democracy_roadmap").unwrap()];
    assert_eq!((roadmap.min, roadmap.max), (Some(0.0), Some(1.0)));
    let towns = &model.scenario.indicators[model.indicator_index("towns_held").unwrap()];
    assert_eq!((towns.min, towns.max), (Some(0.0), Some(3.0)));
    assert_eq!(model.scenario.role, "canada");
    assert_eq!(model.scenario.clock.start.to_string(), "2013-01-15");
    assert!(model.turns() >= 12);
    assert!(model.path_index("history").is_some());
}

#[test]
fn every_shipped_scenario_validates() {
    let mut count = 0;
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "ron") {
            let model = scenario::load_file(&path).unwrap_or_else(|e| panic!("{e}"));
            assert!(!model.scenario.choices.is_empty());
            // Every reference path can be played to the end.
            for p in &model.scenario.paths {
                let d = model.path_decisions(&p.id).unwrap();
                sim::run(&model, 1, &no_overrides(&model), &d).unwrap_or_else(|(t, r)| {
                    panic!("{}: path {} refused at turn {t}: {r}", path.display(), p.id)
                });
            }
            count += 1;
        }
    }
    assert!(count >= 2, "expected the Mali scenario and a second one");
}

/// The `history` path with seed 2013, checked into tests/golden. Set UPDATE_GOLDEN=1 to
/// rewrite it after a deliberate change to the scenario or the engine.
#[test]
fn golden_history_summary() {
    let model = mali();
    let history = model.path_decisions("history").unwrap();
    let run = sim::run(&model, 2013, &no_overrides(&model), &history).unwrap();
    let text = summary(&model, &run, "path history");
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/mali-history-seed2013.txt"
    );
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(std::path::Path::new(path).parent().unwrap()).unwrap();
        std::fs::write(path, &text).unwrap();
    }
    let golden =
        std::fs::read_to_string(path).expect("golden file (run with UPDATE_GOLDEN=1 to create)");
    assert_eq!(
        text, golden,
        "the history run changed; if deliberate, rerun with UPDATE_GOLDEN=1"
    );
}

fn check_bounds(model: &scenario::Model, state: &[f64]) -> Result<(), TestCaseError> {
    for (slot, &(lo, hi)) in model.layout.bounds.iter().enumerate() {
        let v = state[slot];
        prop_assert!(v.is_finite(), "{} is {v}", model.layout.names[slot]);
        prop_assert!(
            v >= lo && v <= hi,
            "{} = {v} outside {lo}..{hi}",
            model.layout.names[slot]
        );
        if let SlotKind::Approval(_) = model.layout.kinds[slot] {
            prop_assert!((0.0..=100.0).contains(&v));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_decisions_keep_mali_within_bounds(
        seed in any::<u64>(),
        picks in proptest::collection::vec(proptest::collection::vec(0usize..40, 0..6), 0..20),
    ) {
        let model = mali();
        let mut sim = Sim::new(&model, RunKey::new(seed, 0), &no_overrides(&model));
        check_bounds(&model, sim.state())?;
        for choices in &picks {
            let before = sim.state().to_vec();
            match sim.step(choices) {
                Ok(()) => check_bounds(&model, sim.state())?,
                Err(_) => {
                    prop_assert_eq!(sim.state(), &before[..]);
                    if !sim.is_finished() {
                        sim.step_lenient(choices).unwrap();
                        check_bounds(&model, sim.state())?;
                    }
                }
            }
        }
    }

    #[test]
    fn damaged_scenario_text_never_panics(cut in 0usize..4000, len in 0usize..40, junk in "[ -~]{0,8}") {
        let start = cut.min(TINY.len());
        let end = (start + len).min(TINY.len());
        if TINY.is_char_boundary(start) && TINY.is_char_boundary(end) {
            let text = format!("{}{junk}{}", &TINY[..start], &TINY[end..]);
            if let Err(e) = scenario::load_str("damaged.ron", &text) {
                prop_assert!(!e.diagnostics.is_empty());
                let _ = e.to_string();
            }
        }
    }

    #[test]
    fn arbitrary_expressions_never_panic(text in "[a-z0-9_.+*/^()<>=!, -]{0,60}") {
        let with_expr = TINY.replacen("value: \"rain\")", &format!("value: \"{text}\")"), 1);
        if let Ok(model) = scenario::load_str("expr.ron", &with_expr) {
            let _ = sim::run(&model, 1, &no_overrides(&model), &[vec![], vec![]]);
        }
    }
}
