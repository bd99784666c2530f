//! The analysis commands run as processes: `ensemble`, `compare` and `sensitivity`.

use sandtable::cli::comparison_table;
use sandtable::sim::analysis::compare;
use sandtable::sim::ensemble::{Bands, Control, Options, Plan, Start};

use crate::util::{sandtable, temp_dir, tiny};

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
    let none = vec![None; model.parameters.len()];
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
