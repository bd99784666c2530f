//! Hostile input: files that once crashed, hung or exhausted the machine are refused with a
//! located message, quickly and in little memory.

use sandtable::scenario::{self, DiagnosticKind, FileError, limits};
use sandtable::session::Session;

use crate::util::{TINY, load_err, position_of, sandtable, temp_dir};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every problem of `e` has a line and a column.
fn assert_located(e: &FileError, what: &str) {
    assert!(!e.diagnostics.is_empty(), "{what}: no problem reported");
    for d in &e.diagnostics {
        assert!(
            d.line > 0 && d.column > 0,
            "{what}: `{}` has no place",
            d.message
        );
    }
}

/// Runs `check` on `content` written to a file; returns (exit code, stderr).
fn check_file(name: &str, content: &[u8]) -> (Option<i32>, String) {
    let dir = temp_dir(name);
    let path = dir.join(format!("{name}.ron"));
    std::fs::write(&path, content).unwrap();
    let out = sandtable(&["check", path.to_str().unwrap()]);
    let _ = std::fs::remove_dir_all(&dir);
    (out.status.code(), text(&out.stderr))
}

#[test]
fn a_file_cut_inside_a_string_is_refused_at_its_end() {
    for cut in ["{\"", "{b\"", "{\"\\", "Scenario(id: \"a\\"] {
        let e = load_err(cut);
        assert_located(&e, cut);
        let (code, err) = check_file("cut", cut.as_bytes());
        assert_eq!(code, Some(1), "{cut}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn tiny_cut_at_any_byte_is_refused_with_a_place() {
    let bytes = TINY.as_bytes();
    for cut in 0..bytes.len() {
        let Ok(prefix) = std::str::from_utf8(&bytes[..cut]) else {
            continue;
        };
        if prefix.trim_end() == TINY.trim_end() {
            continue;
        }
        match scenario::load_str("cut.ron", prefix) {
            Ok(_) => panic!("tiny.ron cut at byte {cut} loaded"),
            Err(e) => assert_located(&e, &format!("cut at {cut}")),
        }
    }
}

/// tiny.ron with the player's money capped at `max`.
fn tiny_with_money_max(max: &str) -> String {
    let old = "Resource(id: \"money\", name: \"Budget\", unit: \"k$\", initial: 10)";
    assert!(TINY.contains(old));
    TINY.replace(
        old,
        &format!(
            "Resource(id: \"money\", name: \"Budget\", unit: \"k$\", initial: 10, max: Some({max}))"
        ),
    )
}

#[test]
fn numbers_that_are_not_finite_are_refused_where_they_are() {
    for bad in ["NaN", "inf", "-inf", "1e999"] {
        let file = tiny_with_money_max(bad);
        let e = load_err(&file);
        assert_eq!(e.diagnostics.len(), 1, "{}", e.short());
        let d = &e.diagnostics[0];
        let (line, column) = position_of(&file, &format!("Some({bad})"));
        assert_eq!(
            (d.line, d.column),
            (line, column + 5),
            "{bad}: {}",
            e.short()
        );
        assert_eq!(d.kind, DiagnosticKind::OutOfRange, "{}", d.message);
        assert!(d.field.ends_with("resources[0].max"), "{}", d.field);
    }
    // In the Mali scenario, and through every command that runs it.
    let mali = scenario::MALI_2013.replacen("max: Some(100.0)", "max: Some(NaN)", 1);
    let e = load_err(&mali);
    let (line, column) = position_of(&mali, "Some(NaN)");
    assert_eq!(
        (e.diagnostics[0].line, e.diagnostics[0].column),
        (line, column + 5)
    );
    let dir = temp_dir("nan-mali");
    let path = dir.join("mali-nan.ron");
    std::fs::write(&path, &mali).unwrap();
    let p = path.to_str().unwrap();
    for args in [
        vec!["run", "--scenario", p],
        vec!["ensemble", "--runs", "10", "--scenario", p],
        vec!["sensitivity", "--runs", "10", "--scenario", p],
        vec![
            "compare",
            "--runs",
            "10",
            "--path",
            "history",
            "--path",
            "history",
            "--scenario",
            p,
        ],
    ] {
        let out = sandtable(&args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("not a finite number"), "{args:?}: {err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_number_too_large_in_an_expression_is_refused() {
    let file = TINY.replace("value: \"rain\"", "value: \"rain * 1e999\"");
    let e = load_err(&file);
    assert!(e.short().contains("`1e999` is too large"), "{}", e.short());
    assert_eq!(e.diagnostics[0].line, position_of(&file, "1e999").0);
}

#[test]
fn a_huge_horizon_is_refused_before_anything_is_built() {
    for turns in ["4294967295", "400000000", "521", "0"] {
        let file = TINY.replace("turns: 4)", &format!("turns: {turns})"));
        let e = load_err(&file);
        assert_eq!(e.diagnostics.len(), 1, "{}", e.short());
        let (line, column) = position_of(&file, &format!("turns: {turns})"));
        assert_eq!(
            (e.diagnostics[0].line, e.diagnostics[0].column),
            (line, column + 7)
        );
        assert_eq!(e.kinds(), [DiagnosticKind::Limit], "{}", e.short());
    }
}

#[test]
fn names_longer_than_the_limit_are_refused() {
    let long = "N".repeat(70_000);
    for (old, name, field) in [
        (
            "Outcome(id: \"damage\", name: \"Damage\"",
            "Damage",
            "outcomes[0].name",
        ),
        ("name: \"No damage\"", "No damage", "goals[0].name"),
        ("name: \"Luck\"", "Luck", "parameters[1].name"),
    ] {
        assert!(TINY.contains(old));
        let new = old.replace(&format!("\"{name}\""), &format!("\"{long}\""));
        let file = TINY.replacen(old, &new, 1);
        let e = load_err(&file);
        assert_eq!(e.diagnostics.len(), 1, "{}", e.short());
        let d = &e.diagnostics[0];
        assert_eq!(d.field, field);
        assert_eq!(
            d.message,
            format!(
                "this name is 70000 characters long; the limit is {}",
                limits::MAX_NAME_CHARS
            )
        );
        // The commands that print tables refuse it instead of failing to format it.
        let dir = temp_dir("long-name");
        let path = dir.join("long.ron");
        std::fs::write(&path, &file).unwrap();
        let out = sandtable(&[
            "ensemble",
            "--runs",
            "10",
            "--scenario",
            path.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(1));
        assert!(!text(&out.stderr).contains("panicked"));
        let _ = std::fs::remove_dir_all(&dir);
    }
    // At the limit, the tables print.
    let at_limit = "N".repeat(limits::MAX_NAME_CHARS);
    let file = TINY.replacen(
        "Outcome(id: \"damage\", name: \"Damage\"",
        &format!("Outcome(id: \"damage\", name: \"{at_limit}\""),
        1,
    );
    let model = scenario::load_str("t.ron", &file).unwrap();
    assert_eq!(model.scenario.outcomes[0].name, at_limit);
}

#[test]
fn a_very_long_unknown_name_gets_no_suggestion_and_no_wait() {
    let long = "x".repeat(4_000_000);
    assert_eq!(scenario::suggest(&long, ["water", "dikes"]), None);
    let file = TINY.replacen("target: \"dikes\"", &format!("target: \"{long}\""), 1);
    assert!(file.len() <= limits::MAX_FILE_BYTES);
    let e = load_err(&file);
    assert_eq!(e.diagnostics.len(), 1, "{}", &e.short()[..200]);
    assert!(
        e.diagnostics[0]
            .message
            .contains("this id is 4000000 characters long")
    );
    // An unknown name within the limits still gets its suggestion.
    let file = TINY.replacen("target: \"dikes\"", "target: \"dkes\"", 1);
    assert!(load_err(&file).short().contains("did you mean `dikes`?"));
}

#[test]
fn too_many_things_are_refused_at_the_list() {
    let many: Vec<String> = (0..=limits::MAX_CHOICES)
        .map(|i| format!("Choice(id: \"c{i}\", label: \"C\")"))
        .collect();
    let file = TINY.replacen("choices: [", &format!("choices: [{}, ", many.join(", ")), 1);
    let e = load_err(&file);
    assert_eq!(e.diagnostics.len(), 1, "{}", e.short());
    assert_eq!(e.diagnostics[0].field, "choices");
    assert_eq!(
        e.diagnostics[0].message,
        format!(
            "{} choices; a scenario may have at most {}",
            limits::MAX_CHOICES + 5,
            limits::MAX_CHOICES
        )
    );
}

#[test]
fn a_byte_order_mark_is_skipped_and_positions_count_from_after_it() {
    let with_bom = format!("\u{feff}{TINY}");
    assert!(scenario::load_str("bom.ron", &with_bom).is_ok());
    let (code, err) = check_file("bom", with_bom.as_bytes());
    assert_eq!(code, Some(0), "{err}");
    let broken = format!(
        "\u{feff}{}",
        TINY.replace("value: \"rain\"", "value: \"rian\"")
    );
    let e = load_err(&broken);
    let expected = position_of(broken.trim_start_matches('\u{feff}'), "rian");
    assert_eq!((e.diagnostics[0].line, e.diagnostics[0].column), expected);
}

#[test]
fn a_byte_that_is_not_utf8_is_reported_at_its_line_and_column() {
    let mut bytes = TINY.as_bytes().to_vec();
    let at = TINY.find("Tiny crisis").unwrap() + 5;
    bytes[at] = 0xFF;
    let (code, err) = check_file("latin1", &bytes);
    assert_eq!(code, Some(1));
    let (line, column) = position_of(TINY, "crisis");
    assert!(
        err.contains(&format!(":{line}:{column}")),
        "expected {line}:{column} in {err}"
    );
    assert!(err.contains("not UTF-8"), "{err}");
}

#[test]
fn endless_and_writerless_sources_are_bounded() {
    for device in ["/dev/zero", "/dev/urandom"] {
        if std::path::Path::new(device).exists() {
            let out = sandtable(&["check", device]);
            let err = text(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{device}: {err}");
            assert!(err.contains("does not end"), "{device}: {err}");
        }
    }
    let dir = temp_dir("fifo");
    let fifo = dir.join("scenario.ron");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        // No writer: an empty file, at once.
        let out = sandtable(&["check", fifo.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        assert!(!text(&out.stderr).contains("panicked"));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_session_over_the_limits_is_refused_with_a_place() {
    let session = Session::new(crate::util::tiny());
    let text = session.to_ron();
    let long = "b".repeat(limits::MAX_NAME_CHARS + 1);
    let named = text.replacen("name: \"Main\"", &format!("name: \"{long}\""), 1);
    let e = Session::from_ron("s.session.ron", &named).unwrap_err();
    assert_eq!(e.diagnostics.len(), 1, "{}", e.short());
    assert_eq!(e.diagnostics[0].field, "branches[0].name");
    assert_eq!(e.diagnostics[0].line, position_of(&named, &long).0);
    let branch = "Branch(name: \"x\", decisions: []), ";
    let many = text.replacen(
        "branches: [",
        &format!("branches: [{}", branch.repeat(limits::MAX_BRANCHES)),
        1,
    );
    let e = Session::from_ron("s.session.ron", &many).unwrap_err();
    assert!(
        e.short()
            .contains(&format!("a session holds at most {}", limits::MAX_BRANCHES)),
        "{}",
        e.short()
    );
}

#[test]
fn a_problem_in_an_embedded_scenario_is_numbered_in_the_session_file() {
    let session = Session::new(crate::util::tiny());
    let text = session.to_ron();
    // `rain` is used in an expression of the embedded scenario.
    let broken = text.replacen("value: \\\"rain\\\"", "value: \\\"rian\\\"", 1);
    let broken = if broken == text {
        text.replacen("value: \"rain\"", "value: \"rian\"", 1)
    } else {
        broken
    };
    assert_ne!(broken, text, "the session embeds the rain rule");
    let e = Session::from_ron("s.session.ron", &broken).unwrap_err();
    assert_eq!(e.file, "s.session.ron");
    let (line, column) = position_of(&broken, "rian");
    assert_eq!(
        (e.diagnostics[0].line, e.diagnostics[0].column),
        (line, column)
    );
    assert!(e.diagnostics[0].field.starts_with("scenario: "));
}

#[test]
fn a_mistyped_command_is_suggested() {
    let dir = temp_dir("chek");
    let tiny = dir.join("tiny.ron");
    std::fs::write(&tiny, TINY).unwrap();
    let out = sandtable(&["chek", tiny.to_str().unwrap()]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("did you mean `check`?"), "{err}");
    let out = sandtable(&["ensemle"]);
    assert!(text(&out.stderr).contains("did you mean `ensemble`?"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn analysis_commands_say_what_they_will_do_and_report_progress_in_lines() {
    let out = sandtable(&["ensemble", "--runs", "2000", "--path", "history"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let weeks = crate::util::mali().turns();
    let first = err.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        format!(
            "ensemble: 2,000 runs of {weeks} weeks: {} simulated weeks (at most 100,000,000)",
            sandtable::scenario::format_number((2000 * weeks) as f64, 0)
        )
    );
    // stderr is a pipe here: progress comes as whole lines, ending at 100 %.
    let progress: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("progress: "))
        .collect();
    assert_eq!(
        progress.last().copied(),
        Some("progress: 100 % (2000 of 2000 runs)")
    );
    assert!(!err.contains('\r'));
}

#[test]
fn work_over_the_limit_is_refused_before_it_starts() {
    // tiny.ron over 520 weeks with 200 more indicators: the 42 GB of bands.
    let extra: Vec<String> = (0..200)
        .map(|k| format!("Indicator(id: \"extra{k}\", name: \"Extra\", unit: \"u\", initial: 0)"))
        .collect();
    let big = TINY.replace("turns: 4)", "turns: 520)").replacen(
        "indicators: [",
        &format!("indicators: [{}, ", extra.join(", ")),
        1,
    );
    let dir = temp_dir("work");
    let scenario = dir.join("big.ron");
    std::fs::write(&scenario, &big).unwrap();
    let csv = dir.join("bands.csv");
    let s = scenario.to_str().unwrap();
    let c = csv.to_str().unwrap();
    let out = sandtable(&["ensemble", "--runs", "100000", "--csv", c, "--scenario", s]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("would take 40345 MiB; the limit is 256 MiB (ask for at most 634 runs)"),
        "{err}"
    );
    assert!(!csv.exists());
    // Each parameter setting of a sensitivity analysis is another 100,000 runs of 520 weeks.
    let out = sandtable(&["sensitivity", "--runs", "100000", "--scenario", s]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("at most 100000000 (ask for at most 64102 runs)"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    let ok = limits::check_work(1000, 18, 17, 28).unwrap();
    assert_eq!(ok.run_weeks, 1000 * 18 * 17);
    assert_eq!(ok.band_bytes, 1000 * 19 * 28 * 4);
}

#[test]
fn a_session_at_the_branch_limit_plays_on_and_lists_its_tree_in_order() {
    use sandtable::session::{Command, CommandError};
    let mut s = Session::new(crate::util::tiny());
    let bags = s.model().choice_index("sandbags").unwrap();
    let dikes = s.model().choice_index("raise_dikes").unwrap();
    s.apply(Command::Select(vec![bags])).unwrap();
    s.apply(Command::Commit).unwrap();
    // Each new branch forks the one before at week 1: one long chain.
    while s.branches().len() < limits::MAX_BRANCHES {
        s.apply(Command::GoTo(0)).unwrap();
        let other = if s.active_branch().decisions[0] == [bags] {
            dikes
        } else {
            bags
        };
        s.apply(Command::Select(vec![other])).unwrap();
        s.apply(Command::Commit).unwrap();
    }
    s.apply(Command::GoTo(0)).unwrap();
    let other = if s.active_branch().decisions[0] == [bags] {
        dikes
    } else {
        bags
    };
    s.apply(Command::Select(vec![other])).unwrap();
    assert_eq!(s.apply(Command::Commit), Err(CommandError::TooManyBranches));
    assert_eq!(s.branches().len(), limits::MAX_BRANCHES);
    let tree = sandtable::ui::timeline::branch_tree(&s);
    assert_eq!(tree.len(), limits::MAX_BRANCHES);
    assert_eq!(tree[0], (0, 0));
    assert_eq!(tree[limits::MAX_BRANCHES - 1].1, limits::MAX_BRANCHES - 1);
    // The session saves and loads back whole.
    let back = Session::from_ron("limit.session.ron", &s.to_ron()).unwrap();
    assert_eq!(back.branches().len(), limits::MAX_BRANCHES);
    let long = "n".repeat(limits::MAX_NAME_CHARS + 1);
    assert_eq!(
        s.apply(Command::RenameBranch(0, long)),
        Err(CommandError::NameTooLong)
    );
}

#[test]
fn the_longest_chain_of_additions_compiles_and_adds_up() {
    // Found by the mutation script: each `+` once copied everything to its left.
    // Scenarios load on the app's and the command line's main thread, whose stack is 8 MiB;
    // a test thread has 2 MiB, less than an unoptimised build needs for a chain this long.
    let check = || {
        let terms = limits::MAX_EXPRESSION_BYTES.div_ceil(2);
        let chain = vec!["1"; terms].join("+");
        assert!(chain.len() <= limits::MAX_EXPRESSION_BYTES);
        let file = TINY.replacen("value: \"damage\"", &format!("value: \"{chain}\""), 1);
        let model = scenario::load_str("chain.ron", &file).unwrap_or_else(|e| panic!("{e}"));
        let session = Session::new(model);
        assert_eq!(session.outcome_values(session.state())[0], terms as f64);
    };
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(check)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn thousands_of_problems_on_one_long_line_are_capped_and_shown_as_excerpts() {
    // A mutant found by the mutation run: 3,000 rules on one 1.5 MB line, each with an
    // over-long target. Every problem used to render the whole line.
    let rule = format!(
        "Rule(id: \"rain\", description: \"Rain.\", target: \"{}\", value: \"rain\"), ",
        "é".repeat(201)
    );
    let text = crate::util::TINY.replacen(
        "rules: [",
        &format!("rules: [{}", rule.repeat(3000).replace('\n', " ")),
        1,
    );
    let err = crate::util::load_err(&text);
    assert_eq!(
        err.diagnostics.len(),
        sandtable::scenario::diag::MAX_DIAGNOSTICS
    );
    assert!(err.omitted >= 2900, "{} omitted", err.omitted);
    let shown = err.to_string();
    assert!(shown.len() < 100_000, "{} bytes shown", shown.len());
    assert!(
        shown.contains("more problems, not shown"),
        "{}",
        &shown[shown.len() - 300..]
    );
    assert!(shown.contains("near: …"), "{}", &shown[..600]);
}
