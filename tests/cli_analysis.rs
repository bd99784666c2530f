//! The analysis commands run as processes: `ensemble`, `compare` and `sensitivity`, with
//! paths and decision files as plans.

use sandtable::cli::comparison_table;
use sandtable::sim::analysis::{self, compare};
use sandtable::sim::ensemble::{Bands, Control, Options, Plan, Start};

use crate::util::{mali, sandtable, temp_dir, tiny};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn tiny_path() -> String {
    format!("{}/tests/data/tiny.ron", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn compare_from_a_later_week_shares_the_weeks_before_it() {
    let dir = temp_dir("compare-from-week");
    let more = dir.join("more.ron");
    let less = dir.join("less.ron");
    std::fs::write(&more, r#"{ 0: ["sandbags"], 1: ["raise_dikes"] }"#).unwrap();
    std::fs::write(&less, r#"{ 0: ["sandbags"] }"#).unwrap();
    let (more, less) = (more.to_str().unwrap(), less.to_str().unwrap());
    let scenario = tiny_path();
    let compare_from = |week: Option<&str>| {
        let mut args = vec![
            "compare",
            "--scenario",
            &scenario,
            "--decisions",
            more,
            "--decisions",
            less,
            "--runs",
            "40",
        ];
        if let Some(week) = week {
            args.extend(["--from-week", week]);
        }
        sandtable(&args)
    };

    // From week 2, week 1 is played once and the futures start after it: what the
    // engine gives for that start.
    let out = compare_from(Some("2"));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let model = tiny();
    let none = sandtable::sim::Overrides::none(&model);
    let sandbags = model.choice_index("sandbags").unwrap();
    let raise = model.choice_index("raise_dikes").unwrap();
    let start = Start::played(&model, 2013, &none, &[vec![sandbags]]).unwrap();
    let plans = [
        Plan::weekly(vec![vec![sandbags], vec![raise]]),
        Plan::weekly(vec![vec![sandbags]]),
    ];
    let options = Options {
        runs: 40,
        threads: 1,
        bands: Bands::None,
        ledger: false,
    };
    let comparison = compare(&start, &plans, &options, &Control::default()).unwrap();
    let names = [more.to_string(), less.to_string()];
    let expected = comparison_table(&model, &comparison, &names);
    assert_eq!(text(&out.stdout), expected);
    assert!(
        expected.contains(&format!("from {}", model.date(1))),
        "{expected}"
    );

    // Week 1 is the beginning, as without the option.
    let first = compare_from(Some("1"));
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    assert_eq!(first.stdout, compare_from(None).stdout);
    assert_ne!(first.stdout, out.stdout);

    // Plans that part before the week, a week past the end and week 0 are refused.
    let out = compare_from(Some("3"));
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("part in week 2, before week 3"), "{err}");
    let out = compare_from(Some("5"));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("the scenario has 4 weeks"));
    let out = compare_from(Some("0"));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

#[test]
fn cli_ensemble_prints_outcomes_goals_and_writes_bands() {
    let dir = temp_dir("ensemble-cli");
    let csv = dir.join("bands.csv");
    let tiny_file = tiny_path();
    let out = sandtable(&[
        "ensemble",
        "--scenario",
        &tiny_file,
        "--runs",
        "50",
        "--path",
        "history",
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Money left"), "{stdout}");
    assert!(stdout.contains("No damage"), "{stdout}");
    let csv = std::fs::read_to_string(&csv).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("turn,indicator,p10,p25,p50,p75,p90,mean")
    );
    let model = tiny();
    let rows: Vec<&str> = lines.collect();
    assert_eq!(
        rows.len(),
        (model.turns() + 1) * model.scenario.indicators.len()
    );
    assert!(rows[0].starts_with("0,water,2,2,2,2,2,2"), "{}", rows[0]);
    for row in &rows {
        let cells: Vec<&str> = row.split(',').collect();
        assert_eq!(cells.len(), 8, "{row}");
        assert!(cells[2..].iter().all(|c| c.parse::<f64>().is_ok()), "{row}");
    }
}

#[test]
fn cli_ensemble_json_has_the_expected_shape() {
    let out = sandtable(&[
        "ensemble",
        "--runs",
        "40",
        "--path",
        "history",
        "--json",
        "--threads",
        "2",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(json["runs"], 40);
    assert_eq!(json["seed"], 2013);
    assert_eq!(json["plan"], "history");
    assert_eq!(json["scenario"], "mali-2013");
    assert!(json["dropped_choices"].is_u64());
    let model = mali();
    let outcomes = json["outcomes"].as_array().unwrap();
    assert_eq!(outcomes.len(), model.scenario.outcomes.len());
    for o in outcomes {
        for key in ["id", "name", "unit", "better"] {
            assert!(o[key].is_string(), "{key} in {o}");
        }
        for key in [
            "p5", "p10", "p25", "p50", "p75", "p90", "p95", "mean", "min", "max",
        ] {
            assert!(o[key].is_number(), "{key} in {o}");
        }
        assert!(o["p10"].as_f64() <= o["p50"].as_f64());
        assert!(o["p50"].as_f64() <= o["p90"].as_f64());
    }
    let goals = json["goals"].as_array().unwrap();
    assert_eq!(goals.len(), model.scenario.goals.len());
    for g in goals {
        let p = g["probability"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p), "{g}");
        assert!(g["id"].is_string());
    }
}

#[test]
fn cli_analysis_refuses_bad_arguments() {
    for args in [
        &["ensemble", "--runs", "0"][..],
        &["ensemble", "--runs", "100001"],
        &["ensemble", "--threads", "0"],
        &["sensitivity", "--runs", "0"],
        &[
            "compare",
            "--path",
            "history",
            "--path",
            "no_help",
            "--runs=-3",
        ],
    ] {
        let out = sandtable(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            text(&out.stderr).contains("invalid value"),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    let out = sandtable(&["ensemble", "--path", "histroy", "--runs", "5"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("no path `histroy`") && err.contains("history, no_help"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    let out = sandtable(&["compare", "--path", "history", "--runs", "5"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("at least two paths"));
    let out = sandtable(&[
        "compare", "--path", "history", "--path", "nope", "--runs", "5",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no path `nope`"));
}

#[test]
fn cli_compare_and_sensitivity_print_their_tables() {
    let out = sandtable(&[
        "compare", "--path", "history", "--path", "no_help", "--runs", "60",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("vs history"), "{stdout}");
    assert!(stdout.contains("90 % interval"), "{stdout}");
    assert!(stdout.contains("no_help"), "{stdout}");

    let out = sandtable(&["sensitivity", "--runs", "30", "--path", "history"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let model = mali();
    for p in analysis::varied_parameters(&model) {
        let name = &model.scenario.parameters[p].name;
        assert!(stdout.contains(name.as_str()), "{name} missing:\n{stdout}");
    }
    assert!(stdout.contains("swing"), "{stdout}");
}

#[test]
fn cli_ensemble_and_compare_take_decision_files() {
    let dir = temp_dir("decisions-analysis");
    let tiny_file = format!("{}/tests/data/tiny.ron", env!("CARGO_MANIFEST_DIR"));
    // The history path of tiny.ron written as a decisions file.
    let history = dir.join("history.ron");
    std::fs::write(
        &history,
        "{ 0: [\"sandbags\"], 1: [\"raise_dikes\", \"ask_help\"] }",
    )
    .unwrap();
    let by_path = sandtable(&[
        "ensemble",
        "--scenario",
        &tiny_file,
        "--runs",
        "64",
        "--path",
        "history",
    ]);
    let by_file = sandtable(&[
        "ensemble",
        "--scenario",
        &tiny_file,
        "--runs",
        "64",
        "--decisions",
        history.to_str().unwrap(),
    ]);
    assert_eq!(by_file.status.code(), Some(0), "{}", text(&by_file.stderr));
    let (a, b) = (text(&by_path.stdout), text(&by_file.stdout));
    // The same numbers; only the plan's name in the heading differs.
    assert_eq!(
        a.lines().skip(1).collect::<Vec<_>>(),
        b.lines().skip(1).collect::<Vec<_>>()
    );
    assert!(b.contains("decisions from"), "{b}");
    assert_ne!(a.lines().next(), b.lines().next());

    // Compare a path with a file: the same plan differs by exactly zero; another plan not.
    let idle = dir.join("idle.ron");
    std::fs::write(&idle, "{}").unwrap();
    let out = sandtable(&[
        "compare",
        "--scenario",
        &tiny_file,
        "--runs",
        "64",
        "--path",
        "history",
        "--decisions",
        history.to_str().unwrap(),
        "--decisions",
        idle.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    let damage: Vec<&str> = table
        .lines()
        .skip_while(|l| !l.starts_with("Damage"))
        .take(5)
        .collect();
    let row = |name: &str| {
        damage
            .iter()
            .find(|l| l.trim_start().starts_with(name))
            .unwrap_or_else(|| panic!("{name} in {table}"))
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    let same = row(history.to_str().unwrap());
    assert_eq!(same[same.len() - 4..], ["0", "0", "to", "0"], "{table}");
    let idle_row = row(idle.to_str().unwrap());
    assert_ne!(idle_row[idle_row.len() - 4], "0", "{table}");

    // A decisions file with a choice the scenario lacks is an error naming the file.
    let bad = dir.join("bad.ron");
    std::fs::write(&bad, "{ 0: [\"sandbag\"] }").unwrap();
    for command in ["ensemble", "compare"] {
        let mut args = vec![
            command,
            "--scenario",
            &tiny_file,
            "--runs",
            "8",
            "--decisions",
            bad.to_str().unwrap(),
        ];
        if command == "compare" {
            args.extend(["--path", "history"]);
        }
        let out = sandtable(&args);
        assert_eq!(out.status.code(), Some(1), "{command}");
        let err = text(&out.stderr);
        assert!(err.contains("bad.ron"), "{err}");
        assert!(err.contains("did you mean `sandbags`?"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    // --path and --decisions together for one ensemble is refused by the parser.
    let out = sandtable(&[
        "ensemble",
        "--path",
        "history",
        "--decisions",
        history.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
}
