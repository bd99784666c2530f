//! Every kind of scenario error is reported at its line and column, with a useful hint.

use sandtable::scenario::{Diagnostic, DiagnosticKind as K};

use crate::util::{TINY, load_err, position_of, tiny};

/// Replaces `from` by `to` in the tiny scenario, loads it, and checks that a problem of
/// `kind` is reported where `at` stands in the changed text.
fn expect(from: &str, to: &str, at: &str, kind: K) -> Diagnostic {
    expect_after(from, to, at, 0, kind)
}

/// As [`expect`], with the expected place `skip` characters after the start of `at`.
fn expect_after(from: &str, to: &str, at: &str, skip: usize, kind: K) -> Diagnostic {
    assert!(TINY.contains(from), "`{from}` is not in tiny.ron");
    let text = TINY.replacen(from, to, 1);
    let err = load_err(&text);
    let (line, column) = position_of(&text, at);
    let column = column + skip;
    let found = err
        .diagnostics
        .iter()
        .find(|d| d.kind == kind && (d.line, d.column) == (line, column))
        .unwrap_or_else(|| {
            panic!(
                "no problem of kind {kind:?} at {line}:{column}: {:?}\n{}",
                err.kinds(),
                err.short()
            )
        });
    assert_eq!(err.file, "test.ron");
    found.clone()
}

#[test]
fn the_tiny_scenario_is_valid() {
    let model = tiny();
    assert_eq!(model.scenario.actors.len(), 2);
    assert_eq!(model.turns(), 4);
}

#[test]
fn syntax_errors_point_at_the_token() {
    // A missing comma between two fields.
    let d = expect(
        "title: \"Tiny crisis\",",
        "title: \"Tiny crisis\"",
        "summary",
        K::Syntax,
    );
    assert!(!d.message.is_empty());
}

#[test]
fn a_file_cut_off_in_a_list_says_it_ends_too_early() {
    let cut = TINY.find("actors: [").expect("tiny.ron has actors") + "actors: [".len();
    let err = load_err(&TINY[..cut]);
    let d = &err.diagnostics[0];
    // At the list's bracket, the last thing in the file.
    let (line, column) = position_of(&TINY[..cut], "actors: [");
    assert_eq!(
        (d.line, d.column),
        (line, column + "actors: ".len()),
        "{}",
        err.short()
    );
    assert_eq!(
        d.hint.as_deref(),
        Some("the file ends too early: a closing bracket may be missing"),
        "{}",
        err.short()
    );
}

#[test]
fn unknown_fields_suggest_the_right_one() {
    let d = expect(
        "Choice(id: \"raise_dikes\", label:",
        "Choice(id: \"raise_dikes\", lable:",
        "lable",
        K::Syntax,
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `label`?"));
}

#[test]
fn missing_fields_are_named() {
    // Reported at the item that lacks it.
    let d = expect(
        "Issue(id: \"spending\", name: \"Flood spending\", ",
        "Issue(id: \"spending\", ",
        "Issue(id",
        K::Syntax,
    );
    assert_eq!(d.hint.as_deref(), Some("add `name: ...` to this item"));
    assert!(d.message.contains("name"), "{}", d.message);
}

#[test]
fn unknown_names_in_expressions_point_inside_the_string() {
    let d = expect(
        "value: \"rain\")",
        "value: \"rian\")",
        "rian",
        K::UnknownName,
    );
    // The words are the point here: they name what was not found.
    assert_eq!(d.message, "unknown name `rian`");
    assert_eq!(d.hint.as_deref(), Some("did you mean `rain`?"));
    assert_eq!(d.field, "dynamics[0].value");
}

#[test]
fn unknown_functions_are_reported_with_a_suggestion() {
    let d = expect(
        "max(water - dikes, 0)",
        "mx(water - dikes, 0)",
        "mx(",
        K::UnknownName,
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `max`?"));
}

#[test]
fn expression_syntax_errors_point_at_the_operator() {
    // The missing operand is reported where it should stand, after `rain * `.
    expect_after(
        "value: \"rain\")",
        "value: \"rain * \")",
        "rain * ",
        7,
        K::Syntax,
    );
    expect(
        "condition: \"water > 2.5\"",
        "condition: \"water = 2.5\"",
        "= 2.5",
        K::Syntax,
    );
}

#[test]
fn duplicate_ids_are_refused() {
    let d = expect(
        "Choice(id: \"sandbags\"",
        "Choice(id: \"raise_dikes\"",
        "\"raise_dikes\", label: \"Hand out",
        K::BadId,
    );
    assert_eq!(d.hint.as_deref(), Some("choices[0] has the same id"));
}

#[test]
fn ids_shared_between_kinds_are_refused() {
    // The second use is the one reported.
    expect_after(
        "Indicator(id: \"damage\"",
        "Indicator(id: \"rain\"",
        "Parameter(id: \"rain\"",
        14,
        K::BadId,
    );
}

#[test]
fn costs_must_name_a_resource_of_the_player() {
    let d = expect(
        "cost: { \"money\": 4 }",
        "cost: { \"mony\": 4 }",
        "\"mony\"",
        K::UnknownName,
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `money`?"));
}

#[test]
fn effects_must_target_something_that_exists() {
    expect(
        "Effect(target: \"dikes\", op: Add",
        "Effect(target: \"dykes\", op: Add",
        "\"dykes\"",
        K::UnknownName,
    );
}

#[test]
fn derived_values_cannot_be_targets() {
    let d = expect(
        "Effect(target: \"mayor.money\", value: \"5\")",
        "Effect(target: \"council.approval\", value: \"5\")",
        "\"council.approval\"",
        K::TypeMismatch,
    );
    assert!(d.message.contains("derived"), "{}", d.message);
}

#[test]
fn events_must_open_existing_choices() {
    expect(
        "opens: [\"ask_help\"]",
        "opens: [\"ask_hlep\"]",
        "\"ask_hlep\"",
        K::UnknownName,
    );
}

#[test]
fn stances_must_lie_between_zero_and_one() {
    expect(
        "(position: 0.0, salience: 1.0)",
        "(position: 0.0, salience: 1.5)",
        "1.5",
        K::OutOfRange,
    );
    expect(
        "(position: 0.5, salience: 0.5)",
        "(position: -0.2, salience: 0.5)",
        "-0.2",
        K::OutOfRange,
    );
}

#[test]
fn stances_must_name_an_issue() {
    expect(
        "stances: { \"spending\": (position: 0.0",
        "stances: { \"spendin\": (position: 0.0",
        "\"spendin\"",
        K::UnknownName,
    );
}

#[test]
fn impossible_distributions_are_refused() {
    expect(
        "Uniform(low: 0, high: 1)",
        "Uniform(low: 2, high: 1)",
        "Uniform(low: 2",
        K::OutOfRange,
    );
}

#[test]
fn unsupported_formats_are_refused_clearly() {
    let d = expect("format: 1,", "format: 2,", "2,", K::Version);
    assert_eq!(d.hint.as_deref(), Some("open it with a newer Sandtable"));
    expect("format: 1,", "format: 0,", "0,", K::Version);
}

#[test]
fn the_role_must_be_an_actor() {
    let d = expect(
        "role: \"mayor\"",
        "role: \"mayr\"",
        "\"mayr\"",
        K::UnknownName,
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `mayor`?"));
}

#[test]
fn policies_cannot_draw_random_numbers() {
    expect(
        "policy: \"clamp(mayor.budget_spent / 10, 0, 1)\"",
        "policy: \"uniform(0, 1)\"",
        "uniform(0, 1)",
        K::TypeMismatch,
    );
}

#[test]
fn two_rules_cannot_set_one_target() {
    let text = TINY.replacen(
        "Rule(id: \"drain\", description: \"The river drains a little.\", target: \"water\", op: Multiply",
        "Rule(id: \"drain\", description: \"The river drains a little.\", target: \"water\", op: Set",
        1,
    );
    let text = text.replacen(
        "Rule(id: \"rain\", description: \"Rain raises the river.\", target: \"water\", value",
        "Rule(id: \"rain\", description: \"Rain raises the river.\", target: \"water\", op: Set, value",
        1,
    );
    let err = load_err(&text);
    let d = &err.diagnostics[0];
    assert_eq!(d.kind, K::Conflict, "{}", err.short());
    let (line, column) = position_of(&text, "Set, value: \"0.9\"");
    assert_eq!((d.line, d.column), (line, column));
}

#[test]
fn observations_name_an_indicator_and_a_source() {
    expect(
        "Observation(indicator: \"water\"",
        "Observation(indicator: \"watr\"",
        "\"watr\"",
        K::UnknownName,
    );
    expect(
        "source: \"paper\")",
        "source: \"radio\")",
        "\"radio\"",
        K::UnknownName,
    );
}

#[test]
fn paths_name_existing_choices_and_turns() {
    expect(
        "0: [\"sandbags\"]",
        "0: [\"sandbag\"]",
        "\"sandbag\"",
        K::UnknownName,
    );
    expect(
        "1: [\"raise_dikes\", \"ask_help\"]",
        "9: [\"raise_dikes\"]",
        "9:",
        K::OutOfRange,
    );
}

#[test]
fn news_texts_interpolate_known_names_only() {
    expect("{dikes} m.", "{dykes} m.", "dykes}", K::UnknownName);
}

#[test]
fn bad_dates_are_explained() {
    let d = expect(
        "start: \"2020-03-02\"",
        "start: \"2020-02-30\"",
        "2020-02-30\"",
        K::Syntax,
    );
    assert!(d.message.contains("YYYY-MM-DD"));
}

#[test]
fn every_problem_is_reported_at_once() {
    let text = TINY
        .replacen("value: \"rain\")", "value: \"rian\")", 1)
        .replacen("role: \"mayor\"", "role: \"mayr\"", 1)
        .replacen(
            "(position: 0.0, salience: 1.0)",
            "(position: 0.0, salience: 1.5)",
            1,
        );
    let err = load_err(&text);
    assert_eq!(err.diagnostics.len(), 3, "{}", err.short());
    // Sorted by place in the file.
    let lines: Vec<usize> = err.diagnostics.iter().map(|d| d.line).collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");
    let rendered = err.to_string();
    assert!(rendered.contains("3 problems in test.ron"), "{rendered}");
}

#[test]
fn rendered_errors_underline_the_source_line() {
    let text = TINY.replacen("value: \"rain\")", "value: \"rian\")", 1);
    let rendered = load_err(&text).to_string();
    let (line, column) = position_of(&text, "rian");
    assert!(
        rendered.contains(&format!("test.ron:{line}:{column}")),
        "{rendered}"
    );
    assert!(rendered.contains("^^^^"), "{rendered}");
    assert!(rendered.contains("did you mean `rain`?"), "{rendered}");
}

#[test]
fn oversized_and_deeply_nested_files_are_refused() {
    let huge = format!(
        "{TINY}//{}",
        "x".repeat(sandtable::scenario::MAX_FILE_BYTES)
    );
    let err = load_err(&huge);
    assert_eq!(err.kinds(), [K::Limit], "{}", err.short());

    // Hostile nesting is refused without exhausting the stack.
    for opener in ["[", "(", "Some(", "{\"a\": "] {
        let deep = format!("Scenario(format: 1, sources: {}", opener.repeat(100_000));
        let err = load_err(&deep);
        let d = &err.diagnostics[0];
        assert!(d.line == 1 && d.column > 1, "{}", err.short());
    }
}

#[test]
fn missing_and_non_text_files_are_refused() {
    let err =
        sandtable::scenario::load_file(std::path::Path::new("/no/such/file.ron")).unwrap_err();
    assert!(
        err.short()
            .contains("/no/such/file.ron: cannot read the file"),
        "{}",
        err.short()
    );
    let dir = crate::util::temp_dir("binary");
    let path = dir.join("bin.ron");
    std::fs::write(&path, [0x53, 0xff, 0xfe, 0x00]).unwrap();
    let err = sandtable::scenario::load_file(&path).unwrap_err();
    assert!(err.short().contains("not UTF-8"), "{}", err.short());
    assert_eq!(err.kinds(), [K::Unreadable]);
    let err = sandtable::scenario::load_file(&dir).unwrap_err();
    assert_eq!(err.kinds(), [K::Unreadable], "{}", err.short());
}

#[test]
fn a_value_of_the_wrong_type_names_its_field_and_what_it_takes() {
    let d = expect(
        "unit: \"m\", initial: 2.0",
        "unit: \"m\", initial: \"two\"",
        "\"two\"",
        K::Syntax,
    );
    assert_eq!(d.field, "indicators[0].initial");
    assert!(d.message.contains("expected a number"), "{}", d.message);
    assert!(d.message.contains("found `\"two\"`"), "{}", d.message);
    assert_eq!(
        d.hint.as_deref(),
        Some("`initial` takes a number, like `1.5` or `2.0`")
    );
    let d = expect("name: \"Water level\"", "name: 77777", "77777", K::Syntax);
    assert_eq!(d.field, "indicators[0].name");
    assert!(d.hint.unwrap().contains("text in double quotes"));
}

#[test]
fn every_value_of_the_wrong_type_is_reported_in_one_pass() {
    let text = TINY
        .replacen("initial: 2.0,", "initial: \"two\",", 1)
        .replacen("salience: 1.0)", "salence: 1.0)", 1)
        .replacen("max_times: Some(1)", "max_times: 1.5", 1)
        .replacen(
            "precision: 1),\n        Indicator(id: \"damage\"",
            "precision: true),\n        Indicator(id: \"damage\"",
            1,
        )
        .replacen("repeat: true", "repeat: [yes]", 1);
    let err = load_err(&text);
    let found: Vec<(String, (usize, usize), String)> = err
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.field.clone(),
                (d.line, d.column),
                d.hint.clone().unwrap_or_default(),
            )
        })
        .collect();
    let at = |needle: &str| position_of(&text, needle);
    let expected = [
        (
            "actors[1].stances[\"spending\"].salence",
            at("salence"),
            "did you mean `salience`?",
        ),
        (
            "indicators[0].initial",
            at("\"two\""),
            "`initial` takes a number, like `1.5` or `2.0`",
        ),
        (
            "indicators[1].precision",
            at("true),"),
            "`precision` takes a whole number, like `3`",
        ),
        (
            "choices[2].max_times",
            at("1.5"),
            "`max_times` takes a whole number, like `3`",
        ),
        (
            "events[1].repeat",
            at("[yes]"),
            "`repeat` takes `true` or `false`",
        ),
    ];
    let expected: Vec<(String, (usize, usize), String)> = expected
        .iter()
        .map(|(f, p, h)| (f.to_string(), *p, h.to_string()))
        .collect();
    assert_eq!(found, expected, "{}", err.short());
    assert!(err.diagnostics.iter().all(|d| d.kind == K::Syntax));
    assert!(err.to_string().contains("5 problems in test.ron"));
    // The value is named whole, not only its first character.
    let d = &err.diagnostics[3];
    assert_eq!(d.message, "expected a whole number, like `3`, found `1.5`");
    assert_eq!(d.span.as_ref().map(|s| &text[s.clone()]), Some("1.5"));
}

#[test]
fn a_problem_that_cannot_be_read_past_ends_the_list() {
    // A wrong type is reported, then the missing bracket after it; nothing is invented past
    // a problem the reader cannot mend.
    let text = TINY
        .replacen("initial: 2.0,", "initial: \"two\",", 1)
        .replacen("Parameter(id: \"rain\",", "Parameter(id: \"rain\"", 1);
    let err = load_err(&text);
    assert_eq!(err.diagnostics.len(), 2, "{}", err.short());
    // The broken bracket further on keeps the file from being mapped whole; the field is
    // still named by what stands before the value.
    assert_eq!(err.diagnostics[0].field, "initial");
    assert_eq!(
        err.diagnostics[0].hint.as_deref(),
        Some("`initial` takes a number, like `1.5` or `2.0`")
    );
    assert_eq!(
        (err.diagnostics[1].line, err.diagnostics[1].column),
        position_of(&text, "name: \"Rain per week\"")
    );
}

#[test]
fn a_file_with_hundreds_of_wrong_values_is_read_a_bounded_number_of_times() {
    let many = (0..500)
        .map(|i| format!("Indicator(id: \"x{i}\", name: \"X\", unit: \"\", initial: \"no\")"))
        .collect::<Vec<_>>()
        .join(",\n        ");
    let text = TINY.replacen(
        "indicators: [",
        &format!("indicators: [\n        {many},"),
        1,
    );
    let err = load_err(&text);
    // Each mend is a reading of the whole file: a limit keeps a hostile file quick.
    assert!(
        (10..=60).contains(&err.diagnostics.len()),
        "{}",
        err.diagnostics.len()
    );
    assert!(
        err.diagnostics
            .iter()
            .all(|d| d.message.contains("found `\"no\"`"))
    );
}
