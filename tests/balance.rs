//! The balance check: plan search and defects on small fixture scenarios, the `balance`
//! part of the format, `sandtable balance` as a process, and `--decisions` for ensemble and
//! compare.

use sandtable::scenario::balance::DefectKind;
use sandtable::scenario::{self, Model};
use sandtable::sim::balance::{
    BalanceControl, BalanceOptions, BalanceReport, Finding, check_balance,
};
use sandtable::sim::ensemble::{Bands, Control, Options, Start, run_ensemble};

use crate::util::{load_err, position_of, sandtable, temp_dir, tiny};

const DOMINANT: &str = include_str!("data/balance-dominant.ron");
const DEAD: &str = include_str!("data/balance-dead.ron");
const FIXED: &str = include_str!("data/balance-fixed.ron");
const BROKEN: &str = include_str!("data/balance-broken.ron");

fn load(name: &str, text: &str) -> Model {
    scenario::load_str(name, text).expect("the fixture loads")
}

fn data(name: &str) -> String {
    format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn options(runs: usize, threads: usize) -> BalanceOptions {
    BalanceOptions {
        runs,
        seed: 5,
        threads,
        evaluations: 400,
    }
}

fn check(model: &Model, options: &BalanceOptions) -> BalanceReport {
    check_balance(model, options, &BalanceControl::default()).expect("the check runs")
}

fn choice(model: &Model, id: &str) -> usize {
    model.choice_index(id).expect("the choice exists")
}

/// Kind and target of every defect not declared intended.
fn undeclared(model: &Model, report: &BalanceReport) -> Vec<(DefectKind, String)> {
    report
        .undeclared()
        .map(|d| (d.finding.kind(), d.finding.target(model).to_string()))
        .collect()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_search_finds_the_known_dominant_plan() {
    let model = load("balance-dominant.ron", DOMINANT);
    let report = check(&model, &options(400, 2));
    let (dig, train) = (choice(&model, "dig"), choice(&model, "train"));
    // Dig in weeks 1 and 2, train in week 3: nothing else meets as many goals (money pays
    // for three choices; a feast takes all of it), and no cheaper plan does as well.
    assert_eq!(
        report.best.plan.weeks,
        vec![vec![dig], vec![dig], vec![train]]
    );
    // Its chances are those of the same plan run as an ensemble with the same seed, and
    // near the exact ones: soil >= 0.95 (62.5 %), aptitude >= 0.9 (75 %).
    let overrides = sandtable::sim::Overrides::none(&model);
    let start = Start::beginning(&model, 5, &overrides);
    let ensemble_options = Options {
        runs: 400,
        threads: 1,
        bands: Bands::None,
        ledger: false,
    };
    let e = run_ensemble(
        &start,
        &report.best.plan,
        &ensemble_options,
        &Control::default(),
    )
    .unwrap();
    assert_eq!(report.best.goal_chances, e.goals);
    assert!((e.goals[0] - 0.625).abs() < 0.08, "{:?}", e.goals);
    assert!((e.goals[1] - 0.75).abs() < 0.08, "{:?}", e.goals);
    assert_eq!(e.goals[2], 0.0);
    assert_eq!(report.best.listed_cost, 3.0);
    // Better than no choices and than the reference path (a feast).
    for (name, r) in &report.references {
        assert!(
            r.expected_goals < report.best.expected_goals,
            "{name}: {}",
            r.expected_goals
        );
    }
    // The plan for the happy village is the feast, whatever week it is held.
    let happy = &report.per_goal[2];
    let feast = choice(&model, "feast");
    assert_eq!(
        happy
            .plan
            .weeks
            .iter()
            .flatten()
            .copied()
            .collect::<Vec<_>>(),
        vec![feast]
    );
    assert!(happy.goal_chances[2] > 0.6, "{:?}", happy.goal_chances);
    // A sound scenario: no defect at all.
    assert_eq!(undeclared(&model, &report), vec![]);
    assert!(!report.stopped);
    assert!(report.evaluations <= report.evaluation_limit);
}

#[test]
fn the_report_is_the_same_whatever_the_thread_count() {
    let model = load("balance-dead.ron", DEAD);
    let one = check(&model, &options(96, 1));
    let two = check(&model, &options(96, 2));
    let three = check(&model, &options(96, 3));
    assert_eq!(one, two);
    assert_eq!(one, three);
    // Another seed gives other futures (the chances move) but the same plan here.
    let other = check(
        &model,
        &BalanceOptions {
            seed: 6,
            ..options(96, 2)
        },
    );
    assert_ne!(other.best.goal_chances, one.best.goal_chances);
    assert_eq!(other.best.plan, one.best.plan);
}

#[test]
fn a_choice_that_changes_nothing_is_dead() {
    let model = load("balance-dead.ron", DEAD);
    let report = check(&model, &options(200, 2));
    assert_eq!(
        undeclared(&model, &report),
        vec![(DefectKind::DeadChoice, "paint_hall".to_string())]
    );
    let Finding::DeadChoice { open_weeks, .. } = &report.defects[0].finding else {
        panic!("{:?}", report.defects);
    };
    // Open in every week under no choices (it costs 1 of 3 coins).
    assert_eq!(open_weeks, &vec![0, 1, 2, 3]);
    // Painting never enters the plans found.
    let paint = choice(&model, "paint_hall");
    assert!(!report.best.plan.weeks.iter().flatten().any(|&c| c == paint));
}

#[test]
fn goals_that_cannot_fail_or_cannot_be_met_are_fixed_and_declarations_are_honoured() {
    let model = load("balance-fixed.ron", FIXED);
    let report = check(&model, &options(200, 2));
    let fixed: Vec<(&str, f64, f64, bool)> = report
        .defects
        .iter()
        .filter_map(|d| match &d.finding {
            Finding::FixedGoal {
                goal,
                lowest,
                highest,
                ..
            } => Some((
                model.scenario.goals[*goal].id.as_str(),
                *lowest,
                *highest,
                d.declared.is_some(),
            )),
            _ => None,
        })
        .collect();
    // The wind stays below 50 in every future; the dike never reaches 100 m.
    assert_eq!(
        fixed,
        vec![("calm", 1.0, 1.0, true), ("moon", 0.0, 0.0, false)]
    );
    let calm = report
        .defects
        .iter()
        .find(|d| d.finding.target(&model) == "calm")
        .unwrap();
    assert!(
        calm.declared
            .as_ref()
            .unwrap()
            .reason
            .starts_with("The weather")
    );
    assert_eq!(
        undeclared(&model, &report),
        vec![(DefectKind::FixedGoal, "moon".to_string())]
    );
    // The other goals move with the plan: not fixed.
    assert!(report.unmatched.is_empty());
}

#[test]
fn the_broken_scenario_has_a_trivial_win_and_a_dead_choice() {
    let model = load("balance-broken.ron", BROKEN);
    let report = check(&model, &options(200, 2));
    let found = undeclared(&model, &report);
    assert!(
        found.contains(&(DefectKind::TrivialWin, String::new())),
        "{found:?}"
    );
    assert!(
        found.contains(&(DefectKind::DeadChoice, "paint_hall".to_string())),
        "{found:?}"
    );
    // The spell alone meets every goal in every future.
    let spell = choice(&model, "spell");
    assert!(report.best.plan.weeks.iter().flatten().any(|&c| c == spell));
    assert_eq!(report.best.all_goals, 1.0);
    let Some(Finding::TrivialWin { plan }) = report
        .defects
        .iter()
        .map(|d| &d.finding)
        .find(|f| f.kind() == DefectKind::TrivialWin)
    else {
        panic!("no trivial win");
    };
    assert_eq!(plan.all_goals, 1.0);
    assert_eq!(
        plan.plan
            .weeks
            .iter()
            .flatten()
            .copied()
            .collect::<Vec<_>>(),
        vec![spell]
    );
}

#[test]
fn the_search_stops_at_its_evaluation_limit() {
    let model = load("balance-dominant.ron", DOMINANT);
    let small = BalanceOptions {
        evaluations: 4,
        ..options(64, 2)
    };
    let a = check(&model, &small);
    // Pruning may try a few plans past the limit, but not a search's worth.
    assert!(a.evaluations <= 4 + 4, "{}", a.evaluations);
    assert_eq!(a.evaluation_limit, 4);
    assert_eq!(a, check(&model, &small));
}

#[test]
fn the_stop_flag_cuts_the_search_short_and_says_so() {
    use std::sync::atomic::AtomicBool;
    let model = load("balance-dominant.ron", DOMINANT);
    let stop = AtomicBool::new(true);
    let control = BalanceControl {
        evaluations: None,
        stop: Some(&stop),
    };
    let report = check_balance(&model, &options(64, 1), &control).unwrap();
    assert!(report.stopped);
    // Only the starting points are tried then, whatever the budget: no choices and the
    // reference paths; the best plan is the best of them.
    assert_eq!(report.evaluations, 1 + model.scenario.paths.len());
    for (name, reference) in &report.references {
        assert!(
            report.best.expected_goals >= reference.expected_goals,
            "the best plan is worse than the start `{name}`"
        );
    }
}

#[test]
fn declarations_are_validated_with_their_position() {
    let with = |decl: &str| {
        FIXED.replace(
            "(defect: FixedGoal, target: \"calm\", reason: \"The weather is not the village's to change; the goal reminds players of it.\"),",
            decl,
        )
    };
    let text = with("(defect: FixedGoal, target: \"clam\", reason: \"typo\"),");
    let err = load_err(&text).to_string();
    let (line, column) = position_of(&text, "\"clam\"");
    assert!(err.contains(&format!("test.ron:{line}:{column}")), "{err}");
    assert!(err.contains("no goal has the id `clam`"), "{err}");
    assert!(err.contains("did you mean `calm`?"), "{err}");

    let text = with("(defect: DeadChoice, target: \"calm\", reason: \"a goal, not a choice\"),");
    let err = load_err(&text).to_string();
    assert!(err.contains("no choice has the id `calm`"), "{err}");

    let text = with("(defect: TrivialWin, target: \"calm\", reason: \"x\"),");
    let err = load_err(&text).to_string();
    assert!(err.contains("a trivial win has no target"), "{err}");

    let text = with("(defect: NoSpread, target: \"mood\", reason: \" \"),");
    let err = load_err(&text).to_string();
    let (line, _) = position_of(&text, "reason: \" \"");
    assert!(err.contains(&format!("test.ron:{line}:")), "{err}");
    assert!(err.contains("needs a reason"), "{err}");

    let text =
        with("(defect: TrivialWin, reason: \"one\"), (defect: TrivialWin, reason: \"two\"),");
    let err = load_err(&text).to_string();
    assert!(err.contains("declared twice"), "{err}");

    let text = with("(defect: FixedGaol, target: \"calm\", reason: \"x\"),");
    let err = load_err(&text).to_string();
    assert!(err.contains("did you mean `FixedGoal`?"), "{err}");

    // Files without the part load unchanged, with nothing declared.
    assert!(tiny().scenario.balance.is_empty());
    let text = with("");
    let model = scenario::load_str("test.ron", &text).expect("an empty list is fine");
    assert!(model.scenario.balance.is_empty());
}

#[test]
fn cli_strict_fails_on_the_broken_scenario_and_passes_on_a_sound_one() {
    let broken = data("balance-broken.ron");
    let out = sandtable(&[
        "balance",
        "--scenario",
        &broken,
        "--runs",
        "100",
        "--budget",
        "20",
        "--strict",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("trivial win"), "{stdout}");
    assert!(stdout.contains("dead choice `paint_hall`"), "{stdout}");
    assert!(stdout.contains("Best plan found"), "{stdout}");
    assert!(stdout.contains("): Cast a spell"), "{stdout}");
    // Without --strict the same report exits 0.
    let out = sandtable(&[
        "balance",
        "--scenario",
        &broken,
        "--runs",
        "100",
        "--budget",
        "20",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    let sound = data("balance-dominant.ron");
    let out = sandtable(&[
        "balance",
        "--scenario",
        &sound,
        "--runs",
        "100",
        "--budget",
        "20",
        "--strict",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Defects: 0"), "{stdout}");
    assert!(
        stdout.contains("Week 3 (2024-01-15): Train the crew"),
        "{stdout}"
    );

    // Declared defects do not fail --strict; the one left undeclared does.
    let fixed = data("balance-fixed.ron");
    let out = sandtable(&[
        "balance",
        "--scenario",
        &fixed,
        "--runs",
        "100",
        "--budget",
        "20",
        "--strict",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Declared intended: 1"), "{stdout}");
    assert!(stdout.contains("reason: The weather"), "{stdout}");
    let dir = temp_dir("balance-declared");
    let all_declared = dir.join("fixed.ron");
    std::fs::write(
        &all_declared,
        FIXED.replace(
            "    balance: (intended: [",
            "    balance: (intended: [\n        (defect: FixedGoal, target: \"moon\", reason: \"A reminder of what dikes cannot do.\"),",
        ),
    )
    .unwrap();
    let out = sandtable(&[
        "balance",
        "--scenario",
        all_declared.to_str().unwrap(),
        "--runs",
        "100",
        "--budget",
        "20",
        "--strict",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn cli_json_plan_runs_again_through_ensemble_decisions() {
    let sound = data("balance-dominant.ron");
    let args = [
        "balance",
        "--scenario",
        &sound,
        "--runs",
        "100",
        "--seed",
        "9",
        "--json",
    ];
    let out = sandtable(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(json["scenario"], "balance-dominant");
    assert_eq!(json["runs"], 100);
    assert_eq!(json["undeclared_defects"], 0);
    assert_eq!(json["stopped"], false);
    let decisions = &json["best"]["decisions"];
    assert_eq!(decisions["0"][0], "dig");
    assert_eq!(decisions["2"][0], "train");
    // The same output again: the report is deterministic.
    assert_eq!(sandtable(&args).stdout, out.stdout);

    // The plan's decisions, as a file `run --decisions` reads, give the same chances in
    // `ensemble --decisions` with the same seed and runs.
    let dir = temp_dir("balance-plan");
    let plan = dir.join("plan.ron");
    let entries: Vec<String> = decisions
        .as_object()
        .unwrap()
        .iter()
        .map(|(turn, ids)| {
            let ids: Vec<String> = ids
                .as_array()
                .unwrap()
                .iter()
                .map(|id| format!("{id}"))
                .collect();
            format!("{turn}: [{}]", ids.join(", "))
        })
        .collect();
    std::fs::write(&plan, format!("{{ {} }}", entries.join(", "))).unwrap();
    let out = sandtable(&[
        "ensemble",
        "--scenario",
        &sound,
        "--runs",
        "100",
        "--seed",
        "9",
        "--decisions",
        plan.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let ensemble: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for g in ensemble["goals"].as_array().unwrap() {
        let id = g["id"].as_str().unwrap();
        assert_eq!(g["probability"], json["best"]["goal_chances"][id], "{id}");
    }
    assert_eq!(ensemble["plan"], plan.to_str().unwrap());
}

#[test]
fn cli_balance_refuses_a_bad_budget() {
    for budget in ["0", "-1", "nan", "1e9"] {
        let flag = format!("--budget={budget}");
        let out = sandtable(&["balance", &flag, "--runs", "10"]);
        assert_eq!(out.status.code(), Some(1), "{budget}");
        assert!(
            text(&out.stderr).contains("the budget must be"),
            "{budget}: {}",
            text(&out.stderr)
        );
    }
}

/// The reduced check CI holds every shipped scenario to, as `sandtable balance --strict`
/// (no defect left undeclared) but with fewer futures and a smaller search than its
/// defaults, the same defects and thresholds, and no wall-clock cap, so that it gives the
/// same verdict on every machine. About 60-85 s in a debug build on 2 shared cores.
fn ci_options() -> BalanceOptions {
    BalanceOptions {
        runs: 100,
        seed: 2013,
        threads: 2,
        evaluations: 150,
    }
}

#[test]
fn every_shipped_scenario_passes_the_strict_balance_check() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("scenarios/ is readable")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "{files:?}");
    for path in &files {
        let model = scenario::load_file(path).expect("a shipped scenario loads");
        let report = check(&model, &ci_options());
        assert_eq!(
            undeclared(&model, &report),
            vec![],
            "{}: {:?}",
            path.display(),
            report.defects
        );
        assert!(report.unmatched.is_empty(), "{}", path.display());
    }
    // The same reduced check still finds what is wrong with the broken fixtures.
    for (name, text, expected) in [
        (
            "balance-broken.ron",
            BROKEN,
            vec![
                (DefectKind::TrivialWin, ""),
                (DefectKind::DeadChoice, "paint_hall"),
            ],
        ),
        (
            "balance-dead.ron",
            DEAD,
            vec![(DefectKind::DeadChoice, "paint_hall")],
        ),
        (
            "balance-fixed.ron",
            FIXED,
            vec![(DefectKind::FixedGoal, "moon")],
        ),
    ] {
        let model = load(name, text);
        let found = undeclared(&model, &check(&model, &ci_options()));
        for (kind, target) in expected {
            assert!(
                found.contains(&(kind, target.to_string())),
                "{name}: {found:?}"
            );
        }
    }
}
