//! What a scenario author meets: optional fields written either way, the defects `check`
//! catches beyond syntax, `new`, `info` and turn labels that follow the clock.

use sandtable::scenario;

use crate::util::{TINY, load_err, position_of, sandtable, temp_dir};

/// Loads a variant of the tiny scenario and returns its parsed form.
fn parsed(text: &str) -> scenario::model::Scenario {
    match scenario::load_str("variant.ron", text) {
        Ok(model) => model.scenario,
        Err(e) => panic!("the variant does not load:\n{}", e.short()),
    }
}

#[test]
fn every_optional_field_takes_a_bare_value_or_some() {
    // Each pair writes one optional field in the two forms; both must mean the same.
    let pairs = [
        // Option fields, usually written `Some(..)`, also bare.
        ("group: Some(\"works\")", "group: \"works\""),
        ("condition: Some(\"water > 3\")", "condition: \"water > 3\""),
        ("max_times: Some(1)", "max_times: 1"),
        ("min: Some(0), max: Some(10)", "min: 0, max: 10"),
        ("when: Some(\"water > dikes\")", "when: \"water > dikes\""),
        ("date: Some(\"2020-03-01\")", "date: \"2020-03-01\""),
        // Plain fields with a default, usually bare, also `Some(..)`.
        ("step_days: 7", "step_days: Some(7)"),
        ("capability: \"2\"", "capability: Some(\"2\")"),
        ("delay: 1", "delay: Some(1)"),
        ("duration: 2", "duration: Some(2)"),
        (
            "probability: \"luck * 0 + 0.5\"",
            "probability: Some(\"luck * 0 + 0.5\")",
        ),
        (
            "condition: \"water > 2.5\"",
            "condition: Some(\"water > 2.5\")",
        ),
        ("repeat: true", "repeat: Some(true)"),
        ("precision: 1", "precision: Some(1)"),
        ("op: Multiply", "op: Some(Multiply)"),
        (
            "summary: \"A town, a river and a mayor.\"",
            "summary: Some(\"A town, a river and a mayor.\")",
        ),
        ("unavailable: \"The water", "unavailable: Some(\"The water"),
    ];
    let original = parsed(TINY);
    for (usual, other) in pairs {
        assert!(TINY.contains(usual), "`{usual}` is not in tiny.ron");
        let mut text = TINY.replacen(usual, other, 1);
        if usual.starts_with("unavailable") {
            text = text.replacen("justify it.\",", "justify it.\"),", 1);
        }
        assert_eq!(parsed(&text), original, "`{other}` does not mean `{usual}`");
    }
    // A resource's `min` (a plain number) and a choice's `from_turn`, which tiny.ron omits.
    let with_min = TINY.replacen("initial: 10)", "initial: 10, min: Some(0.0))", 1);
    assert_eq!(parsed(&with_min), original);
    let from = TINY.replacen(
        "label: \"Evacuate\",",
        "label: \"Evacuate\", from_turn: Some(0),",
        1,
    );
    assert_eq!(parsed(&from), original);
    // `None` leaves a field at its default, even where the default is not zero.
    let none = TINY.replacen("duration: 2", "duration: None", 1);
    let s = parsed(&none);
    assert_eq!(s.choices[1].effects[0].duration, 1);
}

#[test]
fn an_observation_after_the_clock_ends_is_refused_at_its_date() {
    // tiny.ron's clock: 4 weekly turns from 2020-03-02, so it ends on 2020-03-30.
    let text = TINY.replacen("date: \"2020-03-09\"", "date: \"2020-04-06\"", 1);
    let err = load_err(&text);
    let d = err
        .diagnostics
        .iter()
        .find(|d| d.message.contains("after the scenario's clock ends"))
        .unwrap_or_else(|| panic!("{}", err.short()));
    assert!(d.message.contains("2020-03-30"), "{}", d.message);
    assert_eq!((d.line, d.column), position_of(&text, "\"2020-04-06\""));
    // The last day of the clock is still inside it.
    let edge = TINY.replacen("date: \"2020-03-09\"", "date: \"2020-03-30\"", 1);
    assert!(scenario::load_str("edge.ron", &edge).is_ok());
}

#[test]
fn a_path_with_two_choices_of_one_group_in_a_turn_is_refused() {
    let text = TINY.replacen(
        "1: [\"raise_dikes\", \"ask_help\"]",
        "1: [\"raise_dikes\", \"sandbags\"]",
        1,
    );
    let err = load_err(&text);
    let d = err
        .diagnostics
        .iter()
        .find(|d| d.kind == sandtable::scenario::DiagnosticKind::Conflict)
        .unwrap_or_else(|| panic!("{}", err.short()));
    assert!(
        d.message.contains("`sandbags` and `raise_dikes`"),
        "{}",
        d.message
    );
    let (line, column) = position_of(&text, "\"raise_dikes\", \"sandbags\"");
    assert_eq!(
        (d.line, d.column),
        (line, column + "\"raise_dikes\", ".len()),
        "the second choice is the one pointed at"
    );
    let twice = TINY.replacen("0: [\"sandbags\"]", "0: [\"sandbags\", \"sandbags\"]", 1);
    let err = load_err(&twice);
    assert!(
        err.short().contains("`sandbags` is taken twice in turn 0"),
        "{}",
        err.short()
    );
}

#[test]
fn a_turn_written_twice_is_refused_in_paths_and_decision_files() {
    let text = TINY.replacen(
        "1: [\"raise_dikes\"",
        "0: [\"ask_help\"], 1: [\"raise_dikes\"",
        1,
    );
    let err = load_err(&text);
    assert!(
        err.short().contains("turn 0 is written twice"),
        "{}",
        err.short()
    );

    let dir = temp_dir("decisions-twice");
    let scenario_file = dir.join("tiny.ron");
    std::fs::write(&scenario_file, TINY).unwrap();
    let decisions = dir.join("plan.ron");
    std::fs::write(&decisions, "{ 0: [\"sandbags\"],\n  0: [\"ask_help\"] }\n").unwrap();
    let out = sandtable(&[
        "run",
        "--scenario",
        scenario_file.to_str().unwrap(),
        "--decisions",
        decisions.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("turn 0 is written twice"), "{err}");
    assert!(err.contains("plan.ron:2:"), "the error is located: {err}");
}

#[test]
fn new_writes_a_scenario_that_passes_check_and_never_replaces_a_file() {
    let dir = temp_dir("new");
    let target = dir.join("harbour-strike");
    let out = sandtable(&["new", target.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = dir.join("harbour-strike.ron");
    let text = std::fs::read_to_string(&written).unwrap();
    assert!(
        text.contains("id: \"harbour_strike\""),
        "the id follows the name"
    );
    let model = scenario::load_str("harbour-strike.ron", &text).unwrap();
    assert_eq!(model.scenario.id, "harbour_strike");
    let check = sandtable(&["check", written.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(0));
    // A starting point that teaches the right habits: no dominant plan, no dead choice.
    let balance = sandtable(&[
        "balance",
        "--scenario",
        written.to_str().unwrap(),
        "--runs",
        "200",
        "--budget",
        "30",
        "--strict",
    ]);
    let report = String::from_utf8_lossy(&balance.stdout);
    assert_eq!(balance.status.code(), Some(0), "{report}");
    assert!(report.contains("Defects: 0"), "{report}");

    // A second `new` with the same name refuses and leaves the author's edits alone.
    std::fs::write(&written, "// my edits\n").unwrap();
    let again = sandtable(&["new", written.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    assert_eq!(std::fs::read_to_string(&written).unwrap(), "// my edits\n");
}

#[test]
fn info_shows_everything_the_scenario_holds() {
    let dir = temp_dir("info");
    let file = dir.join("tiny.ron");
    std::fs::write(&file, TINY).unwrap();
    let out = sandtable(&["info", "--scenario", file.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "Evacuate (evacuate), at most 1 times, only while water > 3",
        "Ask the state for help (ask_help), opened by alarm",
        "Flood alarm (alarm): when water > 2.5, once, opens ask_help",
        "Gossip (gossip): when 1, with probability luck * 0 + 0.5, may repeat",
        "No damage (dry): damage == 0",
        "water: 1 from 2020-03-09 to 2020-03-09",
        "What the mayor did (history): week 1: sandbags; week 2: raise_dikes + ask_help",
        "rule patience: council.spending.salience Add -0.1",
        "dikes Add 1 from the next week",
        "dikes Add 0.25, for 2 weeks",
    ] {
        assert!(text.contains(needle), "info lacks `{needle}`:\n{text}");
    }
}

#[test]
fn turns_are_labelled_in_the_clock_s_unit() {
    // (A daily clock of 4 turns ends before tiny.ron's observation, which moves inside it.)
    let daily = TINY.replacen("step_days: 7", "step_days: 1", 1).replacen(
        "date: \"2020-03-09\"",
        "date: \"2020-03-04\"",
        1,
    );
    let model = scenario::load_str("daily.ron", &daily).unwrap();
    assert_eq!(model.turn_name(0), "Day 1");
    assert_eq!(model.turn_dates(2), "2020-03-04");
    let monthly = TINY.replacen("step_days: 7", "step_days: 30", 1);
    let model = scenario::load_str("monthly.ron", &monthly).unwrap();
    assert_eq!(model.turn_name(3), "Month 4");
    let odd = TINY.replacen("step_days: 7", "step_days: 10", 1);
    let model = scenario::load_str("odd.ron", &odd).unwrap();
    assert_eq!(model.turn_name(0), "Turn 1");
    assert_eq!(model.turn_dates(0), "2020-03-02 to 2020-03-12");

    let dir = temp_dir("daily-run");
    let file = dir.join("daily.ron");
    std::fs::write(&file, &daily).unwrap();
    let out = sandtable(&["run", "--scenario", file.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\nDay 2 (2020-03-03)\n"), "{text}");
    assert!(!text.contains("Week"), "{text}");
}

/// Every record name and its fields, read from `ron` written with struct names.
fn records(ron: &str) -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let mut out: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    let chars: Vec<char> = ron.chars().collect();
    // The record each open bracket belongs to (`None` for lists, maps, tuples and `Some`).
    let mut open: Vec<Option<String>> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let mut next = i;
            while next < chars.len() && chars[next].is_whitespace() {
                next += 1;
            }
            match chars.get(next) {
                Some('(') => {
                    let record = (word != "Some").then_some(word);
                    if let Some(name) = &record {
                        out.entry(name.clone()).or_default();
                    }
                    open.push(record);
                    i = next + 1;
                }
                Some(':') => {
                    if let Some(Some(name)) = open.last() {
                        out.entry(name.clone()).or_default().insert(word);
                    }
                    i = next + 1;
                }
                _ => {}
            }
        } else {
            match c {
                '(' | '[' | '{' => open.push(None),
                ')' | ']' | '}' => {
                    open.pop();
                }
                _ => {}
            }
            i += 1;
        }
    }
    out
}

#[test]
fn the_field_reference_documents_every_field_of_the_format() {
    use scenario::model::Distribution;
    let config = ron::ser::PrettyConfig::new().struct_names(true);
    // tiny.ron uses every record of the format; the distributions it lacks are added.
    let mut text = ron::ser::to_string_pretty(&parsed(TINY), config.clone()).unwrap();
    for d in [
        Distribution::Normal { mean: 1.0, sd: 0.1 },
        Distribution::Triangular {
            low: 0.0,
            mode: 0.5,
            high: 1.0,
        },
    ] {
        text.push_str(&ron::ser::to_string_pretty(&d, config.clone()).unwrap());
    }
    let types = records(&text);
    assert!(
        types.contains_key("Scenario") && types.contains_key("Stance"),
        "{types:?}"
    );

    let format = include_str!("../scenarios/FORMAT.md");
    let reference = format
        .split("\n## Field reference\n")
        .nth(1)
        .expect("FORMAT.md has a field reference");
    // Each `### ` section: the record names in its heading and the fields in its table.
    let mut sections = Vec::new();
    for section in reference.split("\n### ").skip(1) {
        let heading = section.lines().next().unwrap_or_default();
        let names: Vec<String> = heading
            .split('`')
            .skip(1)
            .step_by(2)
            .map(String::from)
            .collect();
        let fields: std::collections::BTreeSet<String> = section
            .lines()
            .filter_map(|l| l.strip_prefix("| `"))
            .filter_map(|l| l.split('`').next())
            .map(String::from)
            .collect();
        sections.push((names, fields));
    }
    for (names, documented) in &sections {
        let actual: std::collections::BTreeSet<String> = names
            .iter()
            .map(|n| {
                types.get(n).unwrap_or_else(|| {
                    panic!("FORMAT.md documents `{n}`, which the format has not")
                })
            })
            .flat_map(|fields| fields.iter().cloned())
            .collect();
        assert_eq!(
            &actual, documented,
            "FORMAT.md's table for {names:?} differs from the format's fields"
        );
    }
    for name in types.keys() {
        assert!(
            sections.iter().any(|(names, _)| names.contains(name)),
            "FORMAT.md's field reference has no section for `{name}`"
        );
    }
}

#[test]
fn ensemble_gives_the_chance_of_meeting_every_goal_together() {
    // tiny.ron with a second goal that half the futures meet (the uncertain `luck`).
    let text = TINY.replacen(
        "goals: [Goal(id: \"dry\", name: \"No damage\", condition: \"damage == 0\")],",
        "goals: [Goal(id: \"dry\", name: \"No damage\", condition: \"damage == 0\"), \
         Goal(id: \"lucky\", name: \"Lucky\", condition: \"luck > 0.5\")],",
        1,
    );
    let model = scenario::load_str("two-goals.ron", &text).unwrap();
    use sandtable::sim::ensemble::{Bands, Control, Options, Plan, Start, run_ensemble};
    let plan = Plan::weekly(model.path_decisions("history").unwrap());
    let options = Options {
        runs: 400,
        threads: 1,
        bands: Bands::None,
        ledger: false,
    };
    let start = Start::beginning(&model, 2013, &sandtable::sim::Overrides::none(&model));
    let e = run_ensemble(&start, &plan, &options, &Control::default()).unwrap();
    let together = (0..e.runs)
        .filter(|&r| e.goal_met(0, r) && e.goal_met(1, r))
        .count() as f64
        / e.runs as f64;
    assert_eq!(e.all_goals(), together);
    assert!(e.goals[1] > 0.3 && e.goals[1] < 0.7, "{:?}", e.goals);
    assert!(e.all_goals() <= e.goals[0].min(e.goals[1]));
}
