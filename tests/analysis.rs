//! What-if analysis: ensembles, comparisons, explanations and sensitivity (their commands
//! are tested in `cli_analysis`).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use sandtable::scenario::{self, Model};
use sandtable::sim::analysis::{self, Statistic, compare, explain_choice, sensitivity};
use sandtable::sim::ensemble::{
    Bands, Control, Ensemble, EnsembleError, MAX_RUNS, Options, Plan, Start, run_ensemble,
};
use sandtable::sim::{self, Overrides};

use crate::util::{TINY, mali, tiny};

fn no_overrides(model: &Model) -> Overrides {
    sandtable::sim::Overrides::none(model)
}

fn options(runs: usize, threads: usize) -> Options {
    Options {
        runs,
        threads,
        bands: Bands::All,
        ledger: false,
    }
}

fn run(start: &Start, plan: &Plan, options: &Options) -> Ensemble {
    run_ensemble(start, plan, options, &Control::default()).expect("the ensemble runs")
}

/// Every number an ensemble exposes, as bits, so that equality is to the last bit.
fn fingerprint(model: &Model, e: &Ensemble) -> Vec<u64> {
    let mut bits = vec![e.dropped_choices];
    for o in 0..model.outcomes.len() {
        bits.extend(e.outcome_values(o).iter().map(|v| v.to_bits()));
        let s = &e.outcomes[o];
        bits.extend([s.p5, s.p50, s.p95, s.mean].map(f64::to_bits));
    }
    bits.extend(e.goals.iter().map(|g| g.to_bits()));
    for &i in e.band_indicators() {
        for s in e.band_series(i).expect("banded") {
            bits.extend(
                [
                    s.p5, s.p10, s.p25, s.p50, s.p75, s.p90, s.p95, s.mean, s.min, s.max,
                ]
                .map(f64::to_bits),
            );
        }
    }
    if let Some(ledger) = &e.ledger {
        for t in e.start_turn..e.turns {
            for i in 0..model.scenario.indicators.len() {
                for (cause, v) in ledger.breakdown(t, i) {
                    bits.push(format!("{cause:?}").len() as u64);
                    bits.push(v.to_bits());
                }
            }
        }
    }
    bits
}

#[test]
fn an_ensemble_is_the_same_whatever_the_thread_count() {
    let model = mali();
    let start = Start::beginning(&model, 7, &no_overrides(&model));
    let plan = Plan::path(&model, "history").unwrap();
    let mut opts = options(301, 1);
    opts.ledger = true;
    let one = run(&start, &plan, &opts);
    assert!(one.ledger.is_some());
    let reference = fingerprint(&model, &one);
    for threads in [2, 3] {
        opts.threads = threads;
        assert_eq!(
            fingerprint(&model, &run(&start, &plan, &opts)),
            reference,
            "{threads} threads"
        );
    }

    // And from a played week, where runs fork from the session's run.
    let history = model.path_decisions("history").unwrap();
    let played = Start::played(&model, 7, &no_overrides(&model), &history[..5]).unwrap();
    let opts = options(97, 1);
    let one = fingerprint(&model, &run(&played, &plan, &opts));
    for threads in [2, 3] {
        let other = run(&played, &plan, &options(97, threads));
        assert_eq!(fingerprint(&model, &other), one, "{threads} threads");
    }
}

/// The fingerprint without the ledger's part.
fn without_ledger(model: &Model, e: &Ensemble) -> Vec<u64> {
    let mut e = e.clone();
    e.ledger = None;
    fingerprint(model, &e)
}

#[test]
fn runs_in_batches_give_what_runs_one_at_a_time_give() {
    // Asking for the ledger plays the runs one at a time; without it they are played in
    // batches. Every number must agree to the last bit: from the start and from a played
    // week, with plans some futures cannot follow, in both scenarios, and with a number
    // of runs that leaves a partial batch.
    for model in [mali(), tiny()] {
        let overrides = no_overrides(&model);
        let greedy = Plan::weekly(
            (0..model.turns())
                .map(|t| {
                    (0..model.choices.len())
                        .filter(|c| (c + t) % 2 == 0)
                        .collect()
                })
                .collect(),
        );
        let first_path = Plan::weekly(model.paths[0].clone());
        let past = &model.paths[0][..3];
        let starts = [
            Start::beginning(&model, 11, &overrides),
            Start::played(&model, 11, &overrides, past).unwrap(),
        ];
        for start in &starts {
            for plan in [&greedy, &first_path] {
                let mut opts = options(77, 2);
                let batched = run(start, plan, &opts);
                opts.ledger = true;
                let alone = run(start, plan, &opts);
                assert_eq!(
                    without_ledger(&model, &batched),
                    without_ledger(&model, &alone),
                    "{} from turn {}",
                    model.file_name,
                    start.turn()
                );
            }
        }
        let dropped = run(&starts[0], &greedy, &options(77, 2)).dropped_choices;
        assert!(
            dropped > 0,
            "{}: a plan some futures cannot follow",
            model.file_name
        );
    }
}

#[test]
fn an_ensemble_depends_on_its_seed_and_its_runs_are_prefixes() {
    let model = mali();
    let overrides = no_overrides(&model);
    let plan = Plan::path(&model, "history").unwrap();
    let a = run(
        &Start::beginning(&model, 1, &overrides),
        &plan,
        &options(64, 2),
    );
    let b = run(
        &Start::beginning(&model, 2, &overrides),
        &plan,
        &options(64, 2),
    );
    let more = run(
        &Start::beginning(&model, 1, &overrides),
        &plan,
        &options(100, 2),
    );
    let displaced = model
        .scenario
        .outcomes
        .iter()
        .position(|o| o.id == "displaced_total")
        .unwrap();
    assert_ne!(a.outcome_values(displaced), b.outcome_values(displaced));
    // Run i depends only on (seed, i): a larger ensemble begins with the same runs.
    assert_eq!(
        a.outcome_values(displaced),
        &more.outcome_values(displaced)[..64]
    );
}

#[test]
fn bands_of_a_deterministic_indicator_follow_the_single_run() {
    // In the tiny scenario, rain is fixed: the water level is the same in every run.
    let model = tiny();
    let overrides = no_overrides(&model);
    let plan = Plan::path(&model, "history").unwrap();
    let e = run(
        &Start::beginning(&model, 3, &overrides),
        &plan,
        &options(50, 2),
    );
    let single = sim::run(&model, 3, &overrides, &plan.weeks).unwrap();
    let water = model.indicator_index("water").unwrap();
    let slot = model.layout.indicator(water);
    assert_eq!(e.states(), model.turns() + 1);
    for t in 0..=model.turns() {
        let band = e.band(water, t).unwrap();
        let expected = single.state(t)[slot];
        assert_eq!(band.p10, expected as f32 as f64, "turn {t}");
        assert_eq!(band.p90, band.p10, "turn {t}");
        assert!((band.mean - expected).abs() < 1e-12, "turn {t}");
    }
    assert_eq!(e.band(water, model.turns() + 1), None);
}

#[test]
fn outcome_quantiles_match_a_distribution_with_known_quantiles() {
    // An outcome equal to a parameter drawn uniformly on [0, 1]: its p-quantile is p.
    let text = TINY
        .replacen("value: \"mayor.money\"", "value: \"luck\"", 1)
        .replacen("condition: \"damage == 0\"", "condition: \"luck < 0.3\"", 1);
    let model = scenario::load_str("luck.ron", &text).unwrap();
    let luck = model
        .scenario
        .outcomes
        .iter()
        .position(|o| o.id == "money_left")
        .unwrap();
    let e = run(
        &Start::beginning(&model, 11, &no_overrides(&model)),
        &Plan::hold_course(),
        &Options {
            runs: 20_000,
            threads: 2,
            bands: Bands::None,
            ledger: false,
        },
    );
    let s = &e.outcomes[luck];
    // The sample quantile's standard error is at most sqrt(p(1-p)/n) ≈ 0.0035.
    for (got, p) in [
        (s.p5, 0.05),
        (s.p10, 0.10),
        (s.p25, 0.25),
        (s.p50, 0.5),
        (s.p75, 0.75),
        (s.p90, 0.9),
        (s.p95, 0.95),
        (s.mean, 0.5),
    ] {
        assert!((got - p).abs() < 0.015, "quantile {p}: {got}");
    }
    assert!((e.goals[0] - 0.3).abs() < 0.015, "{}", e.goals[0]);
    assert_eq!(e.band_indicators(), &[] as &[usize]);
    let h = e.histogram(luck, 10);
    assert_eq!(h.counts.iter().sum::<usize>(), 20_000);
    assert!(
        h.counts.iter().all(|&c| (1_700..2_300).contains(&c)),
        "{:?}",
        h.counts
    );
}

#[test]
fn identical_plans_differ_by_exactly_zero() {
    let model = mali();
    let start = Start::beginning(&model, 2013, &no_overrides(&model));
    let plan = Plan::path(&model, "history").unwrap();
    let c = compare(
        &start,
        &[plan.clone(), plan],
        &options(200, 2),
        &Control::default(),
    )
    .unwrap();
    assert_eq!(c.ensembles.len(), 2);
    for (o, d) in c.differences[1].iter().enumerate() {
        for v in [d.p5, d.p10, d.p50, d.p90, d.p95, d.mean, d.min, d.max] {
            assert_eq!(v.to_bits(), 0f64.to_bits(), "outcome {o}: {d:?}");
        }
    }
    assert!(c.goal_differences[1].iter().all(|&g| g == 0.0));
}

#[test]
fn common_random_numbers_narrow_the_difference_between_plans() {
    let model = mali();
    let runs = 400;
    let start = Start::beginning(&model, 2013, &no_overrides(&model));
    let history = Plan::path(&model, "history").unwrap();
    let no_help = Plan::path(&model, "no_help").unwrap();
    let opts = Options {
        bands: Bands::None,
        ..options(runs, 2)
    };
    let paired = compare(
        &start,
        &[history.clone(), no_help.clone()],
        &opts,
        &Control::default(),
    )
    .unwrap();
    // The same plans with independent random numbers: no_help on another seed.
    let a = run(&start, &history, &opts);
    let b = run(&start.with_seed(99), &no_help, &opts);
    let mut narrower = 0;
    let mut compared = 0;
    for o in 0..model.outcomes.len() {
        let independent = analysis::difference(b.outcome_values(o), a.outcome_values(o));
        let spread_ind = sim::ensemble::Summary::of(&independent);
        let spread_ind = spread_ind.p95 - spread_ind.p5;
        let d = &paired.differences[1][o];
        let spread_crn = d.p95 - d.p5;
        // Pairing can only narrow a difference where both plans vary (a plan that spends
        // nothing costs 0 in every future, whatever the numbers).
        let varies = |e: &Ensemble| {
            let s = sim::ensemble::Summary::of(e.outcome_values(o));
            s.p95 > s.p5
        };
        if spread_ind > 0.0 && varies(&a) && varies(&b) {
            compared += 1;
            if spread_crn < spread_ind {
                narrower += 1;
            }
        }
    }
    // All but at most one: relations with France can widen, because how much France
    // expects moves the two plans in opposite directions (honoured requests, refusals).
    assert!(compared >= 3, "too few outcomes vary: {compared}");
    assert!(
        narrower + 1 >= compared,
        "narrower for {narrower} of {compared}"
    );
}

#[test]
fn cancel_stops_the_work() {
    let model = mali();
    let start = Start::beginning(&model, 1, &no_overrides(&model));
    let plan = Plan::path(&model, "history").unwrap();
    let opts = Options {
        bands: Bands::None,
        ..options(MAX_RUNS, 2)
    };

    // Raised before: nothing runs.
    let progress = AtomicUsize::new(0);
    let cancel = AtomicBool::new(true);
    let control = Control {
        progress: Some(&progress),
        cancel: Some(&cancel),
    };
    assert_eq!(
        run_ensemble(&start, &plan, &opts, &control),
        Err(EnsembleError::Cancelled)
    );
    assert_eq!(progress.load(Ordering::Relaxed), 0);

    // Raised while running: the ensemble stops long before its 100,000 runs.
    let progress = AtomicUsize::new(0);
    let cancel = AtomicBool::new(false);
    let control = Control {
        progress: Some(&progress),
        cancel: Some(&cancel),
    };
    let result = std::thread::scope(|scope| {
        scope.spawn(|| {
            while progress.load(Ordering::Relaxed) < 10 {
                std::thread::yield_now();
            }
            cancel.store(true, Ordering::Relaxed);
        });
        run_ensemble(&start, &plan, &opts, &control)
    });
    assert_eq!(result, Err(EnsembleError::Cancelled));
    let done = progress.load(Ordering::Relaxed);
    assert!((10..MAX_RUNS / 2).contains(&done), "{done} runs done");

    // Comparisons and sensitivity stop too.
    cancel.store(true, Ordering::Relaxed);
    let small = options(100, 2);
    assert_eq!(
        compare(&start, &[plan.clone(), plan.clone()], &small, &control).map(|_| ()),
        Err(EnsembleError::Cancelled)
    );
    assert_eq!(
        sensitivity(&start, &plan, &small, &control).map(|_| ()),
        Err(EnsembleError::Cancelled)
    );
}

#[test]
fn bad_options_are_refused() {
    let model = tiny();
    let start = Start::beginning(&model, 1, &no_overrides(&model));
    let plan = Plan::hold_course();
    let ens = |o: Options| run_ensemble(&start, &plan, &o, &Control::default()).map(|_| ());
    assert_eq!(ens(options(0, 1)), Err(EnsembleError::Runs(0)));
    assert_eq!(
        ens(options(MAX_RUNS + 1, 1)),
        Err(EnsembleError::Runs(MAX_RUNS + 1))
    );
    assert_eq!(ens(options(10, 0)), Err(EnsembleError::Threads));
    let mut o = options(10, 1);
    o.bands = Bands::Indicators(vec![0, 99]);
    assert_eq!(ens(o), Err(EnsembleError::Indicator(99)));
    assert_eq!(
        compare(&start, &[], &options(10, 1), &Control::default()).map(|_| ()),
        Err(EnsembleError::NoPlans)
    );
    assert_eq!(
        explain_choice(&start, &plan, 99, &options(10, 1), &Control::default()).map(|_| ()),
        Err(EnsembleError::Choice(99))
    );
}

#[test]
fn an_ensemble_from_a_played_week_keeps_the_past() {
    let model = mali();
    let overrides = no_overrides(&model);
    let history = model.path_decisions("history").unwrap();
    let k = 6;
    let start = Start::played(&model, 2013, &overrides, &history[..k]).unwrap();
    assert_eq!(start.turn(), k);
    let played = sim::run(&model, 2013, &overrides, &history[..k]).unwrap();
    let plan = Plan::path(&model, "history").unwrap();
    let e = run(&start, &plan, &options(200, 2));
    assert_eq!((e.start_turn, e.states()), (k, model.turns() - k + 1));
    assert_eq!(e.band(0, k - 1), None);
    for i in 0..model.scenario.indicators.len() {
        let band = e.band(i, k).unwrap();
        let value = played.last()[model.layout.indicator(i)];
        assert_eq!((band.p5, band.p95), (band.p50, band.p50));
        assert_eq!(
            band.p50, value as f32 as f64,
            "{}",
            model.scenario.indicators[i].id
        );
    }
    // The futures differ from one another.
    let refugees = model.indicator_index("refugees").unwrap();
    let last = e.band(refugees, model.turns()).unwrap();
    assert!(last.p90 > last.p10);

    // A refused past names its turn.
    let mut bad = history[..3].to_vec();
    let repeated = bad[2][0];
    bad[2].push(repeated);
    assert!(matches!(
        Start::played(&model, 2013, &overrides, &bad).map(|_| ()),
        Err((2, sim::Refusal::Repeated(_)))
    ));
}

#[test]
fn the_averaged_ledger_adds_up_to_the_mean_change() {
    let model = mali();
    let start = Start::beginning(&model, 5, &no_overrides(&model));
    let plan = Plan::path(&model, "escalation").unwrap();
    let mut opts = options(120, 2);
    opts.ledger = true;
    let e = run(&start, &plan, &opts);
    let ledger = e.ledger.as_ref().unwrap();
    let mut nonzero = 0;
    for i in 0..model.scenario.indicators.len() {
        let series = e.band_series(i).unwrap();
        for t in 0..model.turns() {
            let parts = ledger.breakdown(t, i);
            nonzero += parts.len();
            let total: f64 = parts.iter().map(|(_, v)| v).sum();
            let change = series[t + 1].mean - series[t].mean;
            let scale = series[t].mean.abs().max(series[t + 1].mean.abs()).max(1.0);
            assert!(
                (total - change).abs() <= 1e-9 * scale,
                "{} turn {t}: ledger {total} vs change {change}",
                model.scenario.indicators[i].id
            );
            for w in parts.windows(2) {
                assert!(w[0].1.abs() >= w[1].1.abs());
            }
        }
    }
    assert!(nonzero > 50, "{nonzero}");
    let no_ledger = run(&start, &plan, &options(10, 1));
    assert!(no_ledger.ledger.is_none());
}

#[test]
fn explaining_a_choice_gives_its_paired_effect() {
    // Sandbags cost 1 k$ and nothing else touches the money without an alarm: the money
    // left is exactly 1 lower in every future.
    let model = tiny();
    let start = Start::beginning(&model, 4, &no_overrides(&model));
    let sandbags = model.choice_index("sandbags").unwrap();
    let money = model
        .scenario
        .outcomes
        .iter()
        .position(|o| o.id == "money_left")
        .unwrap();
    let damage = model
        .scenario
        .outcomes
        .iter()
        .position(|o| o.id == "damage")
        .unwrap();
    let effect = explain_choice(
        &start,
        &Plan::hold_course(),
        sandbags,
        &options(64, 2),
        &Control::default(),
    )
    .unwrap();
    assert_eq!((effect.turn, effect.refusal.clone()), (0, None));
    let d = &effect.outcome_changes()[money];
    assert_eq!((d.p5, d.p95, d.mean), (-1.0, -1.0, -1.0));
    assert!(effect.outcome_changes()[damage].max <= 0.0);
    assert_eq!(effect.with().dropped_choices, 0);

    // A choice that cannot be taken now says why, and changes nothing.
    let evacuate = model.choice_index("evacuate").unwrap();
    let effect = explain_choice(
        &start,
        &Plan::hold_course(),
        evacuate,
        &options(32, 1),
        &Control::default(),
    )
    .unwrap();
    assert!(matches!(
        effect.refusal,
        Some(sim::Refusal::Unavailable { .. })
    ));
    assert_eq!(effect.with().dropped_choices, 32);
    assert!(
        effect
            .outcome_changes()
            .iter()
            .all(|d| d.min == 0.0 && d.max == 0.0)
    );
    assert!(effect.goal_changes().iter().all(|&g| g == 0.0));
}

#[test]
fn sensitivity_ranks_the_parameters_that_matter() {
    let model = mali();
    let start = Start::beginning(&model, 2013, &no_overrides(&model));
    let plan = Plan::path(&model, "history").unwrap();
    let progress = AtomicUsize::new(0);
    let control = Control {
        progress: Some(&progress),
        cancel: None,
    };
    let result = sensitivity(&start, &plan, &options(200, 2), &control).unwrap();
    assert_eq!(
        progress.load(Ordering::Relaxed),
        analysis::sensitivity_runs(&model, 200)
    );
    assert_eq!(
        result.parameters.len(),
        analysis::varied_parameters(&model).len()
    );
    assert!(!result.parameters.is_empty());
    let mut moved = 0;
    for o in 0..model.outcomes.len() {
        let bars = result.tornado(o, Statistic::Mean);
        assert_eq!(bars.len(), result.parameters.len());
        for w in bars.windows(2) {
            assert!(w[0].swing().abs() >= w[1].swing().abs());
        }
        for bar in &bars {
            assert!(bar.low_value < bar.high_value);
        }
        if bars[0].swing() != 0.0 {
            moved += 1;
        }
        assert_eq!(result.tornado(o, Statistic::Median).len(), bars.len());
    }
    assert!(moved >= 3, "only {moved} outcomes move with any parameter");

    // In the tiny scenario `luck` changes nothing: every swing is exactly zero.
    let tiny = tiny();
    let start = Start::beginning(&tiny, 1, &no_overrides(&tiny));
    let result = sensitivity(
        &start,
        &Plan::hold_course(),
        &options(40, 1),
        &Control::default(),
    )
    .unwrap();
    let luck = tiny
        .scenario
        .parameters
        .iter()
        .position(|p| p.id == "luck")
        .unwrap();
    assert_eq!(result.parameters.len(), 1);
    assert_eq!(result.parameters[0].parameter, luck);
    for o in 0..tiny.outcomes.len() {
        assert_eq!(result.tornado(o, Statistic::Mean)[0].swing(), 0.0);
    }
}
