//! The command line, run as a process.

use std::path::Path;

use crate::util::{TINY, position_of, sandtable, temp_dir};

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn check_accepts_valid_scenarios() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mali = format!("{root}/scenarios/mali-2013.ron");
    let tiny = format!("{root}/tests/data/tiny.ron");
    let out = sandtable(&["check", &mali, &tiny]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("mali-2013.ron: ok (8 actors"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("tiny.ron: ok"));
}

#[test]
fn check_reports_errors_with_file_line_and_column() {
    let dir = temp_dir("check");
    let bad = dir.join("bad.ron");
    let text = TINY.replacen("value: \"rain\")", "value: \"rian\")", 1);
    std::fs::write(&bad, &text).unwrap();
    let good = format!("{}/tests/data/tiny.ron", env!("CARGO_MANIFEST_DIR"));
    let out = sandtable(&["check", &good, bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let (line, column) = position_of(&text, "rian");
    let err = stderr(&out);
    assert!(err.contains(&format!("bad.ron:{line}:{column}")), "{err}");
    assert!(err.contains("did you mean `rain`?"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn check_reports_missing_files() {
    let out = sandtable(&["check", "/no/such/scenario.ron"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("/no/such/scenario.ron"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("cannot read the file"));
    // Other commands report a bad scenario file the same way, under one heading.
    let out = sandtable(&["ensemble", "--scenario", "/no/such/scenario.ron"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.starts_with("error: cannot read the file"), "{err}");
    assert_eq!(err.matches("error:").count(), 1, "{err}");
}

#[test]
fn run_prints_a_turn_by_turn_summary_of_the_default_scenario() {
    let out = sandtable(&["run", "--path", "history"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("path history, seed 2013"), "{text}");
    assert!(text.contains("Week 1 (2013-01-15 to 2013-01-22)"), "{text}");
    assert!(text.contains("french_troops"), "{text}");
    assert!(text.contains("Outcomes"), "{text}");
}

#[test]
fn run_writes_a_csv_with_one_row_per_turn() {
    let dir = temp_dir("csv");
    let csv = dir.join("out.csv");
    let out = sandtable(&[
        "run",
        "--seed",
        "7",
        "--path",
        "history",
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        &header[..4],
        &["turn", "date", "french_troops", "afisma_troops"]
    );
    assert!(header.contains(&"france.approval"));
    assert!(header.last().unwrap().ends_with(".approval"));
    let rows: Vec<&str> = lines.collect();
    let model = sandtable::scenario::default_model().unwrap();
    assert_eq!(rows.len(), model.turns() + 1);
    assert!(rows[0].starts_with("0,2013-01-15,"));
    assert!(rows[1].starts_with("1,2013-01-22,"));
    assert!(rows.iter().all(|r| r.split(',').count() == header.len()));
    // The same seed gives the same file; another seed does not.
    let again = dir.join("again.csv");
    sandtable(&[
        "run",
        "--seed",
        "7",
        "--path",
        "history",
        "--csv",
        again.to_str().unwrap(),
    ]);
    assert_eq!(text, std::fs::read_to_string(&again).unwrap());
    let other = dir.join("other.csv");
    sandtable(&[
        "run",
        "--seed",
        "8",
        "--path",
        "history",
        "--csv",
        other.to_str().unwrap(),
    ]);
    assert_ne!(text, std::fs::read_to_string(&other).unwrap());
}

#[test]
fn run_reads_decisions_from_a_file() {
    let dir = temp_dir("decisions");
    let tiny = format!("{}/tests/data/tiny.ron", env!("CARGO_MANIFEST_DIR"));
    let decisions = dir.join("d.ron");
    let run_decisions = || {
        sandtable(&[
            "run",
            "--scenario",
            &tiny,
            "--decisions",
            decisions.to_str().unwrap(),
        ])
    };
    std::fs::write(&decisions, "{ 0: [\"raise_dikes\"], 2: [\"sandbags\"] }").unwrap();
    let out = run_decisions();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("chose: Raise the dikes"));
    assert!(stdout(&out).contains("chose: Hand out sandbags"));

    std::fs::write(&decisions, "{ 0: [\"raise_dike\"] }").unwrap();
    let out = run_decisions();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("did you mean `raise_dikes`?"),
        "{}",
        stderr(&out)
    );

    std::fs::write(
        &decisions,
        "{ 0: [\"raise_dikes\"],\n  1: [\"raise_dikes\"] oops }",
    )
    .unwrap();
    let out = run_decisions();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("d.ron:2:"), "{}", stderr(&out));

    // Decisions the scenario refuses name the week and the reason.
    std::fs::write(&decisions, "{ 0: [\"evacuate\"] }").unwrap();
    let out = run_decisions();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("The water is not high enough"),
        "{}",
        stderr(&out)
    );

    // Every refused choice is named, each with its own reason, in the turn as people
    // count it; a clash between two choices names both.
    for (decisions_text, expected) in [
        (
            "{ 0: [\"evacuate\", \"ask_help\"] }",
            vec![
                "Week 1 (2020-03-02, `0:` in the file): decisions were refused:",
                "  Evacuate (evacuate): The water is not high enough to justify it.",
                "  Ask the state for help (ask_help): Not on the table yet.",
            ],
        ),
        (
            "{ 0: [\"raise_dikes\", \"sandbags\"] }",
            vec![
                "Week 1 (2020-03-02, `0:` in the file): a decision was refused:",
                "  Raise the dikes (raise_dikes) with Hand out sandbags (sandbags): only one choice of the group \"works\"",
            ],
        ),
    ] {
        std::fs::write(&decisions, decisions_text).unwrap();
        let out = run_decisions();
        assert_eq!(out.status.code(), Some(1));
        for line in expected {
            assert!(stderr(&out).contains(line), "{line}\n{}", stderr(&out));
        }
    }
}

#[test]
fn bad_arguments_fail_cleanly() {
    let out = sandtable(&["run", "--path", "nowhere"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no path `nowhere`"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("history"));
    let out = sandtable(&["run", "--seed", "minus-one"]);
    assert_eq!(out.status.code(), Some(2));
    let out = sandtable(&["run", "--csv", "/no/such/dir/out.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot write /no/such/dir/out.csv"),
        "{}",
        stderr(&out)
    );
    let out = sandtable(&["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("Usage"), "{}", stderr(&out));
}

#[test]
fn info_describes_the_scenario() {
    let out = sandtable(&["info"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for needle in [
        "Actors",
        "France",
        "Choices",
        "Indicators",
        "french_troops",
        "history",
    ] {
        assert!(text.contains(needle), "missing {needle}:\n{text}");
    }
}

/// Runs the binary with its stdout a pipe whose reading end is already closed, as when
/// `head` has read what it wanted.
fn with_stdout_closed(args: &[&str]) -> std::process::Output {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_sandtable"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    drop(child.stdout.take());
    child.wait_with_output().expect("the binary ends")
}

#[test]
fn a_closed_stdout_ends_the_output_quietly_with_success() {
    let dir = temp_dir("broken-pipe");
    let csv = dir.join("run.csv");
    let out = with_stdout_closed(&["run", "--path", "history", "--csv", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    // The rest of the work is done: the CSV is written.
    assert!(
        std::fs::read_to_string(&csv)
            .unwrap()
            .starts_with("turn,date")
    );

    let tiny = format!("{}/tests/data/tiny.ron", env!("CARGO_MANIFEST_DIR"));
    let many = vec![tiny.as_str(); 200];
    let args: Vec<&str> = std::iter::once("check").chain(many).collect();
    let out = with_stdout_closed(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let out = with_stdout_closed(&["info"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
}

#[test]
fn another_failure_to_write_stdout_is_an_error() {
    use std::process::{Command, Stdio};
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return;
    };
    for args in [
        &["run"][..],
        &["info"],
        &["check", "scenarios/mali-2013.ron"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_sandtable"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::from(full.try_clone().unwrap()))
            .output()
            .expect("the binary runs");
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.starts_with("error: cannot write the output"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn run_csv_has_every_actors_resources_stances_and_the_issues() {
    let dir = crate::util::temp_dir("run-csv-actors");
    let csv = dir.join("tiny.csv");
    let tiny = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny.ron");
    let out = sandtable(&[
        "run",
        "--scenario",
        tiny.to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let model = crate::util::tiny();
    let layout = &model.layout;
    for column in [
        "mayor.money",
        "council.spending",
        "council.spending.salience",
        "spending.policy",
        "spending.pressure",
        "council.approval",
    ] {
        assert!(header.contains(&column), "{column} in {header:?}");
    }
    // Each column holds the state of the slot it names, turn by turn.
    let decisions = vec![Vec::new(); model.turns()];
    let run = sandtable::sim::run(
        &model,
        sandtable::session::DEFAULT_SEED,
        &sandtable::sim::Overrides::none(&model),
        &decisions,
    )
    .unwrap();
    for (t, line) in lines.enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        for (k, name) in header.iter().enumerate().skip(2) {
            let slot = layout.names.iter().position(|n| n == name).unwrap();
            let value: f64 = cells[k].parse().unwrap();
            assert_eq!(value, run.state(t)[slot], "{name} at turn {t}");
        }
    }
}

#[test]
fn run_ledger_names_every_cause_and_the_causes_add_up() {
    let tiny = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny.ron");
    let out = sandtable(&["run", "--scenario", tiny.to_str().unwrap(), "--ledger"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let ledger = text.split("\nLedger\n").nth(1).expect("a ledger");
    assert!(ledger.starts_with("Week 1 ("), "{ledger}");
    assert!(ledger.contains("    +1.0 rule rain"), "{ledger}");
    assert!(ledger.contains("event alarm (effect 1)"), "{ledger}");
    // Every quantity's change is the sum of its causes, in the digits printed.
    let mut lines = ledger.lines().peekable();
    let number = |s: &str| s.replace(',', "").parse::<f64>().unwrap();
    let mut checked = 0;
    while let Some(line) = lines.next() {
        let Some(rest) = line.strip_prefix("  ").filter(|r| !r.starts_with(' ')) else {
            continue;
        };
        let Some(total) = rest.split(' ').nth(1).filter(|t| t.starts_with(['+', '-'])) else {
            continue;
        };
        let mut sum = 0.0;
        while let Some(cause) = lines.peek().and_then(|l| l.strip_prefix("    ")) {
            sum += number(cause.split(' ').next().unwrap());
            lines.next();
        }
        assert!(
            (sum - number(total)).abs() < 0.01,
            "{line}: causes add to {sum}"
        );
        checked += 1;
    }
    assert!(checked > 10, "{checked} quantities checked");
}
