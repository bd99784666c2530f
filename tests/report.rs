//! Reports and the class debrief, rendered from the fixture sessions in
//! `tests/data/sessions/` and checked for their content; and printed to PDF in a real
//! browser (headless Chromium) when one is installed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use eframe::egui;
use sandtable::report::class::{self, ClassDebrief};
use sandtable::report::{SessionReport, Settings, scenario_version, student};
use sandtable::scenario::format_number;
use sandtable::session::{Command as SessionCommand, Session};

use crate::util::{mali, sandtable, temp_dir};

/// Few futures, one thread: the numbers checked do not depend on how many.
const SETTINGS: Settings = Settings {
    runs: 200,
    threads: 1,
};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sessions")
}

fn fixture(name: &str) -> SessionReport {
    SessionReport::load(&fixtures().join(name)).expect("the fixture session loads")
}

/// The students' sessions of the fixture folder (the damaged file and the other version
/// apart).
const STUDENTS: [&str; 7] = ["ana", "ben", "chloe", "david", "emma", "farid", "gaby"];

/// Plays `weeks` (choice ids per week, from week 1) for `total` weeks; a week whose choices
/// are refused is played with none.
fn play(session: &mut Session, weeks: &BTreeMap<usize, Vec<String>>, total: usize) {
    for t in session.played()..total {
        let ids = weeks.get(&t).cloned().unwrap_or_default();
        let choices: Vec<usize> = ids
            .iter()
            .map(|id| session.model().choice_index(id).expect("a Mali choice"))
            .collect();
        session.apply(SessionCommand::Select(choices)).unwrap();
        if session.apply(SessionCommand::Commit).is_err() {
            session.apply(SessionCommand::Select(Vec::new())).unwrap();
            session.apply(SessionCommand::Commit).unwrap();
        }
    }
}

fn weeks(list: &[(usize, &[&str])]) -> BTreeMap<usize, Vec<String>> {
    list.iter()
        .map(|(t, ids)| (*t, ids.iter().map(|id| id.to_string()).collect()))
        .collect()
}

/// Writes the fixture sessions. Run once, when the session format or the fixtures change:
/// `cargo test --test tests report::write_fixture_sessions -- --ignored`.
#[test]
#[ignore = "writes tests/data/sessions; run by hand"]
fn write_fixture_sessions() {
    let dir = fixtures();
    std::fs::create_dir_all(&dir).unwrap();
    let model = mali();
    let path = |name: &str| -> BTreeMap<usize, Vec<String>> {
        let p = model.path_index(name).unwrap();
        model.paths[p]
            .iter()
            .enumerate()
            .map(|(t, w)| {
                (
                    t,
                    w.iter()
                        .map(|&c| model.scenario.choices[c].id.clone())
                        .collect(),
                )
            })
            .collect()
    };
    let turns = model.turns();
    let save = |name: &str, s: &Session| s.save(&dir.join(format!("{name}.session.ron"))).unwrap();

    let mut ana = Session::new(model.clone());
    play(&mut ana, &path("history"), turns);
    save("ana", &ana);

    let mut ben = Session::new(model.clone());
    play(&mut ben, &path("no_help"), turns);
    save("ben", &ben);

    let mut chloe = Session::new(model.clone());
    play(&mut chloe, &path("escalation"), turns);
    save("chloe", &chloe);

    let david_weeks = weeks(&[
        (0, &["extend_c17_until", "humanitarian_aid"]),
        (1, &["fund_afisma"]),
        (4, &["extend_c17_until"]),
        (6, &["fund_afisma"]),
        (8, &["extend_c17_until"]),
        (12, &["extend_c17_until"]),
        (16, &["extend_c17_week"]),
    ]);
    let mut david = Session::new(model.clone());
    play(&mut david, &david_weeks, turns);
    // A second branch: the C-17 brought home in week 5 instead.
    david.apply(SessionCommand::GoTo(4)).unwrap();
    let end = model.choice_index("end_c17").unwrap();
    david.apply(SessionCommand::Select(vec![end])).unwrap();
    david.apply(SessionCommand::Commit).unwrap();
    play(&mut david, &BTreeMap::new(), turns);
    david
        .apply(SessionCommand::RenameBranch(1, "Home in week 5".into()))
        .unwrap();
    david.apply(SessionCommand::SwitchBranch(0)).unwrap();
    save("david", &david);

    let emma_weeks = weeks(&[
        (0, &["election_push", "humanitarian_aid"]),
        (1, &["extend_c17_until"]),
        (3, &["fund_afisma"]),
        (5, &["humanitarian_aid"]),
    ]);
    let mut emma = Session::new(model.clone());
    play(&mut emma, &emma_weeks, 10);
    save("emma", &emma);

    let farid_weeks = weeks(&[
        (0, &["election_push"]),
        (1, &["extend_c17_until"]),
        (2, &["humanitarian_aid"]),
        (4, &["end_c17"]),
        (6, &["fund_afisma"]),
        (10, &["development_package"]),
    ]);
    let mut farid = Session::new(model.clone());
    play(&mut farid, &farid_weeks, turns);
    save("farid", &farid);

    let gaby_weeks = weeks(&[
        (0, &["extend_c17_until", "fund_afisma"]),
        (1, &["add_c130j"]),
        (4, &["extend_c17_until"]),
        (8, &["end_c17"]),
        (9, &["humanitarian_aid", "election_push"]),
    ]);
    let mut gaby = Session::new(model.clone());
    play(&mut gaby, &gaby_weeks, turns);
    gaby.apply(SessionCommand::SetNotes(
        "Kept the C-17 until France had enough of its own aircraft.".into(),
    ))
    .unwrap();
    save("gaby", &gaby);

    // A session cut off in the middle, as a failed copy leaves it.
    let text = ana.to_ron();
    std::fs::write(dir.join("damaged.session.ron"), &text[..text.len() * 2 / 3]).unwrap();

    // A session of an earlier version of the scenario (another French troop count).
    let old_text = model.source.replacen("initial: 775.0", "initial: 700.0", 1);
    assert_ne!(old_text, model.source);
    let old = sandtable::scenario::load_str("mali-2013.ron", &old_text).unwrap();
    let mut old_session = Session::new(old);
    play(&mut old_session, &path("history"), turns);
    save("old-version", &old_session);
}

/// Checks that `svg` is well-formed XML as far as a report writes it: every element
/// closed in order, attributes quoted, `&` only in entities. Returns the number of
/// elements.
fn check_well_formed(svg: &str) -> usize {
    let mut stack: Vec<String> = Vec::new();
    let mut elements = 0;
    let mut rest = svg;
    while let Some(open) = rest.find('<') {
        check_text(&rest[..open]);
        let close = rest[open..].find('>').expect("a tag is closed") + open;
        let tag = &rest[open + 1..close];
        assert_eq!(
            tag.matches('"').count() % 2,
            0,
            "unbalanced quotes in <{tag}>"
        );
        if let Some(name) = tag.strip_prefix('/') {
            let top = stack.pop().expect("a closing tag has an opening one");
            assert_eq!(top, name.trim(), "</{name}> closes <{top}>");
        } else {
            elements += 1;
            let name: String = tag
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '/')
                .collect();
            assert!(!name.is_empty(), "an empty tag");
            for (k, part) in tag.split('"').enumerate() {
                if k % 2 == 1 {
                    check_text(part);
                }
            }
            if !tag.ends_with('/') {
                stack.push(name);
            }
        }
        rest = &rest[close + 1..];
    }
    check_text(rest);
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
    elements
}

fn check_text(text: &str) {
    assert!(
        !text.contains('<') && !text.contains('>'),
        "a stray bracket in {text:?}"
    );
    for (k, _) in text.match_indices('&') {
        let entity: String = text[k..].chars().take_while(|&c| c != ';').collect();
        assert!(
            ["&amp", "&lt", "&gt", "&quot", "&#39"].contains(&entity.as_str()),
            "a bare & in {text:?}"
        );
    }
}

/// Every `<svg>…</svg>` of a page.
fn svgs(html: &str) -> Vec<&str> {
    html.match_indices("<svg ")
        .map(|(k, _)| {
            let end = html[k..].find("</svg>").expect("an svg is closed") + k + "</svg>".len();
            &html[k..end]
        })
        .collect()
}

/// Text as the HTML writes it.
fn escaped(text: &str) -> String {
    sandtable::report::words::escape_html(text)
}

fn assert_self_contained(html: &str) {
    for needle in [
        "<link", " src=", "href=", "url(", "@import", "http://", "https://",
    ] {
        let found = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        assert!(!found.contains(needle), "the page refers to {needle}");
    }
}

#[test]
fn a_report_shows_who_played_the_decisions_their_reasons_and_the_outcomes() {
    let mut input = fixture("ana.session.ron");
    input.student = Some(("Ana Martín".into(), "11B <history>".into()));
    input.reasons.insert((0, 0), "Elections come first".into());
    input
        .reasons
        .insert((0, 1), "France asked & we can afford it".into());
    input.debrief_questions = vec!["Was the C-17 worth its cost?".into()];
    let report = student::build(&input, &SETTINGS);
    let html = student::html_document(std::slice::from_ref(&report));
    let session = &input.session;
    let model = session.model();

    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_self_contained(&html);
    assert!(html.contains("Ana Martín"));
    assert!(html.contains("11B &lt;history&gt;"), "the class is escaped");
    assert!(html.contains(&format!("Seed</dt><dd>{}</dd>", session.seed())));
    assert!(html.contains(&scenario_version(&model.source)));
    assert!(html.contains(&escaped(&model.scenario.title)));
    // Every decision of the path, and the reasons given.
    for week in &session.active_branch().decisions {
        for &c in week {
            assert!(html.contains(&escaped(&model.scenario.choices[c].label)));
        }
    }
    assert!(html.contains("Elections come first"));
    assert!(html.contains("France asked &amp; we can afford it"));
    assert!(html.contains("Was the C-17 worth its cost?"));
    assert_eq!(html.matches("class=\"answer\"").count(), 1);
    // The log has one row per week played.
    let log = &html[html.find("table class=\"log\"").unwrap()..];
    let log = &log[..log.find("</table>").unwrap()];
    assert_eq!(log.matches("<tr>").count(), 1 + session.played());
    // The outcomes of the path, as computed by the session itself.
    let values = session.outcome_values(session.run().last());
    for (o, outcome) in model.scenario.outcomes.iter().enumerate() {
        let shown = format_number(values[o], outcome.precision as usize);
        assert!(
            html.contains(&escaped(&shown)),
            "{} = {shown}",
            outcome.name
        );
    }
    let met = session.goals_met(session.run().last());
    let goals = &html[html.find("table class=\"goals\"").unwrap()..];
    let goals = &goals[..goals.find("</table>").unwrap()];
    assert_eq!(
        goals.matches("<td class=\"met\">").count(),
        met.iter().filter(|&&m| m).count() + report_reference_met(&report)
    );
    // Ana played the history path: her outcomes are the reference path's.
    let (_, reference) = report.reference.as_ref().unwrap();
    assert_eq!(session.outcome_values(reference.last()), values);
    // The futures: as many runs as asked, and the student's value placed among them.
    let futures = report.futures.as_ref().unwrap();
    assert_eq!(futures.runs, SETTINGS.runs);
    for (o, &value) in values.iter().enumerate() {
        let share = report.share_worse(o, value).unwrap();
        assert!((0.0..=1.0).contains(&share));
        // The share is of the futures' own values, counted here again.
        let worse = futures
            .outcome_values(o)
            .iter()
            .filter(|&&v| match model.scenario.outcomes[o].better {
                sandtable::scenario::Better::Higher => v < value,
                sandtable::scenario::Better::Lower => v > value,
            })
            .count();
        assert_eq!(share, worse as f64 / SETTINGS.runs as f64);
    }
    // Four charts, each well-formed, with its text alternative and dates.
    let charts = svgs(&html);
    assert_eq!(charts.len(), 4);
    for svg in &charts {
        assert!(check_well_formed(svg) > 10);
        assert!(svg.contains("<title id=") && svg.contains("<desc id="));
        assert!(svg.contains("class=\"band\""), "the band of the futures");
        assert!(svg.contains(">15 Jan<"), "dates on the x axis");
        assert!(svg.contains("path of Ana Martín"));
    }
    assert!(html.contains("class=\"observed\""), "observed points");
}

fn report_reference_met(report: &student::StudentReport) -> usize {
    let session = &report.input.session;
    report.reference.as_ref().map_or(0, |(_, run)| {
        session.goals_met(run.last()).iter().filter(|&&m| m).count()
    })
}

#[test]
fn a_report_of_an_unfinished_session_says_where_it_stops() {
    let input = fixture("emma.session.ron");
    assert_eq!(input.session.played(), 10);
    let report = student::build(&input, &SETTINGS);
    let html = student::html_document(std::slice::from_ref(&report));
    assert!(html.contains("The path stops after week 10"));
    let markdown = report.markdown();
    assert!(markdown.starts_with("# "));
    assert!(markdown.contains("10 of 18 weeks played"));
    assert_eq!(
        markdown.matches("\n| ").count(),
        // the log's rows, the outcomes and the goals, and three header rows
        10 + input.session.model().scenario.outcomes.len()
            + input.session.model().scenario.goals.len()
            + 3
    );
}

/// A CSV line's fields, with quoted fields.
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            c => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

#[test]
fn the_csv_holds_every_branch_week_by_week() {
    let input = fixture("david.session.ron");
    let session = &input.session;
    assert_eq!(session.branches().len(), 2);
    let report = student::build(&input, &SETTINGS);
    let csv = student::csv_document(std::slice::from_ref(&report));
    let lines: Vec<&str> = csv.lines().collect();
    let header = csv_fields(lines[0]);
    let expected_rows: usize = session
        .branches()
        .iter()
        .map(|b| b.decisions.len() + 1)
        .sum();
    assert_eq!(lines.len(), 1 + expected_rows);
    for line in &lines[1..] {
        assert_eq!(csv_fields(line).len(), header.len(), "{line}");
    }
    // The second branch brings the C-17 home in week 5.
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let week5 = lines[1..]
        .iter()
        .map(|l| csv_fields(l))
        .find(|f| f[column("branch")] == "2" && f[column("turn")] == "5")
        .unwrap();
    assert_eq!(week5[column("branch_name")], "Home in week 5");
    assert_eq!(week5[column("choices")], "end_c17");
    // Values are the run's, to the last digit.
    let run = session.branch_run(1).unwrap();
    let slot = session.model().layout.indicator(0);
    let id = &session.model().scenario.indicators[0].id;
    assert_eq!(
        week5[column(id)].parse::<f64>().unwrap(),
        run.state(5)[slot]
    );
}

#[test]
fn the_report_command_writes_html_markdown_and_csv() {
    let dir = temp_dir("report-cli");
    let ana = fixtures().join("ana.session.ron");
    let ben = fixtures().join("ben.session.ron");
    let html = dir.join("two.html");
    let out = sandtable(&[
        "report",
        ana.to_str().unwrap(),
        ben.to_str().unwrap(),
        "-o",
        html.to_str().unwrap(),
        "--runs",
        "100",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&html).unwrap();
    assert_eq!(text.matches("<section class=\"report\"").count(), 2);
    assert_eq!(svgs(&text).len(), 8);
    assert!(text.contains("— ana</h1>") && text.contains("— ben</h1>"));

    let out = sandtable(&["report", ben.to_str().unwrap(), "--runs", "50"]);
    assert_eq!(out.status.code(), Some(0));
    let markdown = String::from_utf8_lossy(&out.stdout);
    assert!(markdown.contains("## Decisions week by week"));
    assert!(markdown.contains("Bring the C-17 home"), "{markdown}");

    let csv = dir.join("ben.csv");
    let out = sandtable(&[
        "report",
        ben.to_str().unwrap(),
        "-o",
        csv.to_str().unwrap(),
        "--runs",
        "10",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&csv).unwrap().lines().count(),
        1 + 19
    );

    // A damaged session: its file and line, and nothing written.
    let damaged = fixtures().join("damaged.session.ron");
    let target = dir.join("bad.html");
    let out = sandtable(&[
        "report",
        damaged.to_str().unwrap(),
        "-o",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("damaged.session.ron:"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!target.exists());
    // A format it does not write.
    let out = sandtable(&["report", ana.to_str().unwrap(), "-o", "report.pdf"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("hint: end it with .html, .md or .csv"));
}

#[test]
fn commands_that_read_a_scenario_read_a_sessions_scenario() {
    let old = fixtures().join("old-version.session.ron");
    let out = sandtable(&["info", "--scenario", old.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The embedded scenario, not the current file: its French troops start at 700.
    assert!(String::from_utf8_lossy(&out.stdout).contains("= 700 soldiers"));
}

fn fixture_class() -> ClassDebrief {
    let (sessions, damaged) = class::load(&[fixtures()]);
    class::build(sessions, damaged, &SETTINGS)
}

#[test]
fn the_class_debrief_reads_a_folder_with_a_damaged_file_and_another_version() {
    let debrief = fixture_class();
    let names: Vec<String> = debrief.students.iter().map(|s| s.input.who()).collect();
    assert_eq!(names, STUDENTS);
    assert_eq!(debrief.other_versions.len(), 1);
    assert_eq!(
        debrief.other_versions[0].input.source,
        "old-version.session.ron"
    );
    assert_ne!(debrief.other_versions[0].version, debrief.version);
    assert_eq!(debrief.damaged.len(), 1);
    assert_eq!(debrief.damaged[0].source, "damaged.session.ron");
    assert!(
        debrief.damaged[0].error.contains("damaged.session.ron:"),
        "{}",
        debrief.damaged[0].error
    );

    // The splits: each divides the class by whether the choice was ever taken.
    assert!(!debrief.splits.is_empty());
    let model = debrief.model.clone().unwrap();
    for split in &debrief.splits {
        let id = &model.scenario.choices[split.choice].id;
        for (k, s) in debrief.students.iter().enumerate() {
            let file = s.input.session.to_file();
            let took = file.branches[file.active]
                .decisions
                .iter()
                .flatten()
                .any(|c| c == id);
            assert_eq!(split.took.contains(&k), took, "{} and {id}", s.input.who());
            assert_eq!(split.did_not.contains(&k), !took);
        }
        // The group means are the students' own outcomes, averaged.
        let o = 0;
        let mean: f64 = split
            .took
            .iter()
            .map(|&k| debrief.students[k].outcomes()[o])
            .sum::<f64>()
            / split.took.len() as f64;
        assert!((mean - split.mean_took[o]).abs() < 1e-9);
        let paired = split.paired.as_ref().unwrap();
        assert_eq!(paired.differences[1].len(), model.scenario.outcomes.len());
    }
    // The most balanced split first.
    let balance = |s: &class::Split| s.took.len().min(s.did_not.len());
    assert!(
        debrief
            .splits
            .windows(2)
            .all(|w| balance(&w[0]) >= balance(&w[1]))
    );
    let (i, j, d) = debrief.most_different.unwrap();
    let distance = class::path_distance(
        debrief.students[i].decisions(),
        debrief.students[j].decisions(),
    );
    assert_eq!(d, distance);
    for a in &debrief.students {
        for b in &debrief.students {
            assert!(class::path_distance(a.decisions(), b.decisions()) <= d);
        }
    }
}

#[test]
fn the_class_debrief_page_has_every_student_the_charts_and_the_files_apart() {
    let mut sessions = class::load(&[fixtures()]);
    // Names and reasons as a hand-in gives them.
    sessions.0[0].student = Some(("Ana Martín".into(), "11B".into()));
    sessions.0[0]
        .reasons
        .insert((0, 1), "France needs the lift".into());
    let debrief = class::build(sessions.0, sessions.1, &SETTINGS);
    let html = debrief.html();
    assert_self_contained(&html);
    for name in [
        "Ana Martín",
        "ben",
        "chloe",
        "david",
        "emma",
        "farid",
        "gaby",
    ] {
        assert!(html.contains(&format!(">{name}</th>")), "{name}");
    }
    assert!(
        html.contains("France needs the lift"),
        "the reason on hover"
    );
    assert!(html.contains("damaged.session.ron"));
    assert!(html.contains("old-version.session.ron"));
    assert!(html.contains("another version of the scenario"));
    let charts = svgs(&html);
    assert_eq!(charts.len(), 4);
    for svg in &charts {
        check_well_formed(svg);
        assert!(svg.contains("each student (7)"));
        // One line per student and one for the reference path.
        assert_eq!(svg.matches("<polyline points=").count(), 7 + 1);
    }
    for split in &debrief.splits {
        let label = &debrief.model.as_ref().unwrap().scenario.choices[split.choice].label;
        assert!(html.contains(&format!("<h3>{}</h3>", escaped(label))));
    }
    assert!(html.contains("<script>"), "sorting and filtering");

    let csv = debrief.csv();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + 7 + 1 + 1);
    let header = csv_fields(lines[0]);
    for line in &lines[1..] {
        assert_eq!(csv_fields(line).len(), header.len(), "{line}");
    }
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("damaged.session.ron,,,damaged,"))
    );
    assert!(lines.iter().any(|l| l.contains(",other version,")));
    let ana = csv_fields(lines[1]);
    assert_eq!(ana[1], "Ana Martín");
    assert!(ana[header.len() - 2].contains("France needs the lift"));
}

#[test]
fn the_class_command_writes_html_and_csv_and_names_what_it_could_not_read() {
    let dir = temp_dir("class-cli");
    let folder = fixtures();
    let html = dir.join("class.html");
    let out = sandtable(&[
        "class",
        folder.to_str().unwrap(),
        "-o",
        html.to_str().unwrap(),
        "--runs",
        "100",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning: damaged.session.ron was not read"),
        "{err}"
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("7 students, 1 of another scenario version apart, 1 file not read"),
        "{said}"
    );
    assert!(
        std::fs::read_to_string(&html)
            .unwrap()
            .contains("How the class split")
    );
    // Files named one by one.
    let out = sandtable(&[
        "class",
        folder.join("ana.session.ron").to_str().unwrap(),
        folder.join("ben.session.ron").to_str().unwrap(),
        "--runs",
        "50",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("2 students"), "{text}");
    // An empty folder is an error with a hint.
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let out = sandtable(&["class", empty.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("hint:"));
}

// ---------------------------------------------------------------------------------------
// In a real browser.

/// Runs a command with a time limit; `None` if it did not finish.
fn run_with_limit(command: &mut Command, limit: Duration) -> Option<std::process::Output> {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    let start = Instant::now();
    loop {
        if child.try_wait().ok()?.is_some() {
            return child.wait_with_output().ok();
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Headless Chromium, if installed. In CI (`CI=true`) a missing browser fails the test.
fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser"].iter().find_map(|name| {
        std::env::var_os("PATH")?
            .to_str()?
            .split(':')
            .map(|dir| Path::new(dir).join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "chromium is not installed, and CI needs it (.ci/run installs it)"
        );
        eprintln!("chromium is not installed: the browser checks are skipped");
    }
    found
}

/// Prints `html` to PDF with headless Chromium; returns the PDF's page count and text.
fn print_to_pdf(browser: &Path, html: &Path, name: &str) -> (usize, String) {
    let dir = temp_dir(&format!("chromium-{name}"));
    let pdf = dir.join(format!("{name}.pdf"));
    let profile = dir.join("profile");
    let out = run_with_limit(
        Command::new(browser).args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--no-pdf-header-footer",
            "--enable-logging=stderr",
            "--v=0",
            &format!("--user-data-dir={}", profile.display()),
            &format!("--print-to-pdf={}", pdf.display()),
            &format!("file://{}", html.display()),
        ]),
        Duration::from_secs(120),
    )
    .expect("chromium finishes within two minutes");
    let log = String::from_utf8_lossy(&out.stderr);
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(
        console.is_empty(),
        "console messages from {name}: {console:#?}"
    );
    assert!(pdf.is_file(), "no PDF from {name}: {log}");
    let info = Command::new("pdfinfo")
        .arg(&pdf)
        .output()
        .expect("pdfinfo runs");
    let info = String::from_utf8_lossy(&info.stdout);
    let pages = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo gives the page count");
    let text = Command::new("pdftotext")
        .args(["-layout"])
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    // Lines wrapped in a paragraph are joined again.
    let text = String::from_utf8_lossy(&text.stdout);
    (pages, text.split_whitespace().collect::<Vec<_>>().join(" "))
}

#[test]
fn the_report_and_the_class_debrief_print_to_pdf_in_chromium() {
    let Some(browser) = chromium() else {
        return;
    };
    let dir = temp_dir("browser");
    let mut input = fixture("gaby.session.ron");
    input.student = Some(("Gaby Roy".into(), "11B".into()));
    input.reasons.insert((0, 0), "Solidarity".into());
    let report = student::build(&input, &SETTINGS);
    let report_html = dir.join("gaby.html");
    std::fs::write(
        &report_html,
        student::html_document(std::slice::from_ref(&report)),
    )
    .unwrap();
    let (pages, text) = print_to_pdf(&browser, &report_html, "report");
    // Sections start on new pages: the header and log, outcomes, charts, branches or not,
    // and the questions.
    assert!((4..=12).contains(&pages), "{pages} pages");
    for needle in [
        "Gaby Roy",
        "Decisions week by week",
        "Outcomes and goals",
        "Key indicators",
        "Debrief questions",
        "Solidarity",
    ] {
        assert!(text.contains(needle), "`{needle}` not in the PDF:\n{text}");
    }
    assert!(
        !text.contains("The numbers of this chart"),
        "the data tables are not printed"
    );

    let class_html = dir.join("class.html");
    std::fs::write(&class_html, fixture_class().html()).unwrap();
    let (pages, text) = print_to_pdf(&browser, &class_html, "class");
    assert!((4..=14).contains(&pages), "{pages} pages");
    for needle in [
        "Sandtable class debrief",
        "How the class split",
        "chloe",
        "damaged.session.ron",
        "another version",
    ] {
        assert!(text.contains(needle), "`{needle}` not in the PDF:\n{text}");
    }
}

// ---------------------------------------------------------------------------------------
// In the app.

#[test]
fn the_app_exports_the_report_and_reads_the_class_from_the_file_menu() {
    use egui_kittest::kittest::Queryable;
    use sandtable::ui::Action;
    use sandtable::ui::reports::ReportAction;

    let dir = temp_dir("app-reports");
    let app = sandtable::ui::SandtableApp::new_for_test(Session::new(mali()));
    let mut harness = crate::util::gui::sized(app, 2000.0);
    crate::util::gui::click(&mut harness, "File");
    crate::util::gui::click(&mut harness, "Export report…");
    assert!(crate::util::gui::shows(
        &harness,
        "Write the report of this session to"
    ));
    let target = dir.join("mine.html");
    harness
        .state_mut()
        .apply(Action::Report(ReportAction::ExportTo(target.clone())));
    harness.run();
    let html = std::fs::read_to_string(&target).expect("the report is written");
    assert_eq!(svgs(&html).len(), 4);
    assert!(crate::util::gui::shows(
        &harness,
        "The report is written to"
    ));
    assert!(harness.state().view().reports.path_window.is_none());

    crate::util::gui::click(&mut harness, "File");
    crate::util::gui::click(&mut harness, "Class debrief…");
    assert!(crate::util::gui::shows(
        &harness,
        "A folder of students' session files"
    ));
    harness
        .state_mut()
        .apply(Action::Report(ReportAction::OpenClass(vec![fixtures()])));
    harness.run();
    for name in STUDENTS {
        assert!(crate::util::gui::shows(&harness, name), "{name}");
    }
    assert!(crate::util::gui::shows(
        &harness,
        "Not read: damaged.session.ron"
    ));
    assert!(crate::util::gui::shows(
        &harness,
        "shown apart: old-version.session.ron"
    ));

    // Sorting by goals met, then the other way round.
    crate::util::gui::click(&mut harness, "Goals met");
    let view = harness.state().view().reports.class.as_ref().unwrap();
    let met: Vec<usize> = view
        .debrief
        .students
        .iter()
        .map(|s| s.goals().iter().filter(|&&g| g).count())
        .collect();
    let rows = sandtable::ui::reports::shown_rows(view);
    assert!(rows.windows(2).all(|w| met[w[0]] <= met[w[1]]));
    crate::util::gui::click(&mut harness, "Goals met (ascending)");
    let view = harness.state().view().reports.class.as_ref().unwrap();
    let rows = sandtable::ui::reports::shown_rows(view);
    assert!(rows.windows(2).all(|w| met[w[0]] >= met[w[1]]));
    assert_ne!(rows.first(), rows.last());

    // Filtering by a name.
    let field = harness.get_by_role_and_label(egui::accesskit::Role::TextInput, "Filter:");
    field.click();
    field.type_text("chloe");
    harness.run();
    let view = harness.state().view().reports.class.as_ref().unwrap();
    assert_eq!(sandtable::ui::reports::shown_rows(view), vec![2]);
    assert!(!crate::util::gui::shows(&harness, "farid"));

    let csv = dir.join("class.csv");
    harness
        .state_mut()
        .apply(Action::Report(ReportAction::ExportClassTo(csv.clone())));
    harness.run();
    let text = std::fs::read_to_string(&csv).expect("the class CSV is written");
    assert_eq!(
        text.lines().count(),
        1 + 7 + 1 + 1,
        "every file, not only the rows shown"
    );
}

#[test]
fn the_class_window_charts_every_students_path() {
    use egui_kittest::kittest::{NodeT, Queryable, by};
    use sandtable::ui::Action;
    use sandtable::ui::reports::ReportAction;

    let app = sandtable::ui::SandtableApp::new_for_test(Session::new(mali()));
    let mut harness = crate::util::gui::sized(app, 2000.0);
    harness
        .state_mut()
        .apply(Action::Report(ReportAction::OpenClass(vec![fixtures()])));
    harness.run();
    let chart_name = |harness: &egui_kittest::Harness<'_, sandtable::ui::SandtableApp>| {
        harness
            .get(
                by().role(egui::accesskit::Role::Image)
                    .label_contains("for the class"),
            )
            .accesskit_node()
            .label()
            .unwrap_or_default()
    };
    let view = harness.state().view().reports.class.as_ref().unwrap();
    let model = view.debrief.model.clone().expect("the class's scenario");
    let first = view.chart.expect("a key indicator is charted");
    let name = chart_name(&harness);
    assert!(
        name.starts_with(&format!(
            "Chart of {}",
            model.scenario.indicators[first].name
        )),
        "{name}"
    );
    // Every student read, with the value at the end of the path.
    let slot = model.layout.indicator(first);
    for st in &view.debrief.students {
        let end = format_number(*st.run().series(slot).last().unwrap(), 0);
        assert!(
            name.contains(&format!("{} {end}", st.input.who())),
            "{name}"
        );
    }
    // Another key indicator, picked by its button.
    let keys = sandtable::report::key_indicators(&model);
    let other = *keys
        .iter()
        .find(|&&k| k != first)
        .expect("two key indicators");
    crate::util::gui::click(&mut harness, &model.scenario.indicators[other].name);
    assert_eq!(
        harness.state().view().reports.class.as_ref().unwrap().chart,
        Some(other)
    );
    assert!(chart_name(&harness).starts_with(&format!(
        "Chart of {}",
        model.scenario.indicators[other].name
    )));
}
