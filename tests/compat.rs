//! Old files keep working: format 1 scenarios and session files saved by earlier versions,
//! checked into `tests/compat/`, load and replay to exactly the numbers they gave when they
//! were written.
//!
//! Each `NAME.numbers.txt` holds every state of every branch (or reference path), one line per
//! state, every slot as Rust prints an `f64` (which reads back to the same bits). The files
//! were written once by `write_compat_fixtures` and must not be regenerated to make a test
//! pass: a difference means old files no longer replay as they did.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sandtable::scenario::{self, Model};
use sandtable::session::{Command, Session};
use sandtable::sim::{self, Run};

fn compat_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/compat")
}

/// The scenario fixtures: (copy in tests/compat, the file it was copied from).
const SCENARIOS: [(&str, &str); 3] = [
    ("mali-2013-v1.ron", "scenarios/mali-2013.ron"),
    ("flood-relief-v1.ron", "scenarios/flood-relief.ron"),
    ("tiny-v1.ron", "tests/data/tiny.ron"),
];

/// The session fixtures: (file in tests/compat, scenario it plays, seed).
const SESSIONS: [(&str, &str, u64); 2] = [
    ("mali-2013.session.ron", "scenarios/mali-2013.ron", 77),
    ("tiny.session.ron", "tests/data/tiny.ron", 5),
];

/// The seed the scenario fixtures' reference paths are replayed with.
const PATH_SEED: u64 = 2013;

/// One run as text: a line per state, `turn t:` then `slot=value` for every slot.
fn run_lines(out: &mut String, model: &Model, run: &Run) {
    for t in 0..=run.turns.len() {
        let _ = write!(out, "  turn {t}:");
        for (name, value) in model.layout.names.iter().zip(run.state(t)) {
            let _ = write!(out, " {name}={value:?}");
        }
        out.push('\n');
    }
}

/// Every reference path of a scenario, replayed with [`PATH_SEED`].
fn scenario_numbers(model: &Model) -> String {
    let mut out = format!("# {} replayed with seed {PATH_SEED}\n", model.file_name);
    let overrides = sandtable::sim::Overrides::none(model);
    for path in &model.scenario.paths {
        let decisions = model.path_decisions(&path.id).expect("the path exists");
        let run = sim::run(model, PATH_SEED, &overrides, &decisions)
            .unwrap_or_else(|(t, r)| panic!("path {} refused at week {}: {r}", path.id, t + 1));
        let _ = writeln!(out, "path {} parameters {:?}", path.id, run.parameters);
        run_lines(&mut out, model, &run);
    }
    out
}

/// Every branch of a session, replayed.
fn session_numbers(session: &Session) -> String {
    let model = session.model();
    let mut out = format!(
        "# {} seed {} overrides {:?}\n",
        model.file_name,
        session.seed(),
        session.overrides()
    );
    for (i, branch) in session.branches().iter().enumerate() {
        let run = session.branch_run(i).expect("every branch replays");
        let _ = writeln!(
            out,
            "branch {i} {:?} parent {:?} parameters {:?}",
            branch.name, branch.parent, run.parameters
        );
        run_lines(&mut out, model, &run);
        let outcomes = session.outcome_values(run.last());
        let _ = writeln!(out, "  outcomes {outcomes:?}");
        let _ = writeln!(out, "  goals {:?}", session.goals_met(run.last()));
    }
    out
}

/// Plays a session with several branches, a fixed parameter, notes and a seed of its own.
fn played_session(model: Model, seed: u64) -> Session {
    let mut s = Session::new(model);
    s.apply(Command::SetSeed(seed)).unwrap();
    // Fix the last parameter to a value inside its distribution.
    let p = s.model().parameters.len() - 1;
    let value = match s.model().parameters[p] {
        scenario::Distribution::Fixed(v) => v * 1.5,
        scenario::Distribution::Uniform { low, high } => low + 0.3 * (high - low),
        scenario::Distribution::Normal { mean, sd } => mean + 0.5 * sd,
        scenario::Distribution::Triangular { low, mode, .. } => (low + mode) / 2.0,
    };
    s.apply(Command::SetParameter(p, Some(value))).unwrap();
    // The main branch follows the scenario's history to the end.
    let history = s.model().path_decisions("history").unwrap_or_default();
    for week in 0..s.model().turns() {
        let choices = history.get(week).cloned().unwrap_or_default();
        s.apply(Command::Select(choices)).unwrap();
        if s.apply(Command::Commit).is_err() {
            s.apply(Command::Select(Vec::new())).unwrap();
            s.apply(Command::Commit).unwrap();
        }
    }
    // Two more branches, each a different decision at an earlier week, played a few weeks on.
    for (from_branch, week) in [(0, 1), (1, 2)] {
        s.apply(Command::SwitchBranch(from_branch)).unwrap();
        s.apply(Command::GoTo(week)).unwrap();
        let before = s.branches().len();
        let taken = s.active_branch().decisions[week].clone();
        let other = (0..s.model().choices.len())
            .filter(|c| !taken.contains(c) && s.availability(*c).is_ok())
            .collect::<Vec<_>>();
        for c in other {
            s.apply(Command::Select(vec![c])).unwrap();
            if s.apply(Command::Commit).is_ok() {
                break;
            }
        }
        assert_eq!(
            s.branches().len(),
            before + 1,
            "a new branch at week {week}"
        );
        for _ in 0..2 {
            s.apply(Command::Select(Vec::new())).unwrap();
            let _ = s.apply(Command::Commit);
        }
    }
    s.apply(Command::RenameBranch(1, "Réponse « différente »".into()))
        .unwrap();
    s.apply(Command::SetNotes(
        "Notes with \"quotes\", a backslash \\ and\nseveral lines.".into(),
    ))
    .unwrap();
    assert!(s.branches().len() >= 3);
    s
}

fn read(name: &str) -> String {
    std::fs::read_to_string(compat_dir().join(name))
        .unwrap_or_else(|e| panic!("tests/compat/{name}: {e}"))
}

fn numbers_name(name: &str) -> String {
    let stem = name.strip_suffix(".ron").unwrap_or(name);
    format!("{stem}.numbers.txt")
}

/// Writes the fixtures from the current code. Run once, by hand, when the fixtures are
/// first made: `cargo test --test tests compat::write_compat_fixtures -- --ignored`.
#[test]
#[ignore = "writes the fixtures; run once by hand"]
fn write_compat_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(compat_dir()).unwrap();
    for (name, source) in SCENARIOS {
        let text = std::fs::read_to_string(root.join(source)).unwrap();
        std::fs::write(compat_dir().join(name), &text).unwrap();
        let model = scenario::load_str(name, &text).unwrap();
        std::fs::write(
            compat_dir().join(numbers_name(name)),
            scenario_numbers(&model),
        )
        .unwrap();
    }
    for (name, source, seed) in SESSIONS {
        let text = std::fs::read_to_string(root.join(source)).unwrap();
        let file_name = Path::new(source).file_name().unwrap().to_str().unwrap();
        let model = scenario::load_str(file_name, &text).unwrap();
        let session = played_session(model, seed);
        let path = compat_dir().join(name);
        session.save(&path).unwrap();
        let loaded = Session::load(&path).unwrap();
        std::fs::write(
            compat_dir().join(numbers_name(name)),
            session_numbers(&loaded),
        )
        .unwrap();
    }
}

/// Compares line by line so that a failure names the first state that differs.
fn assert_same(file: &str, now: &str, then: &str) {
    for (i, (a, b)) in now.lines().zip(then.lines()).enumerate() {
        assert_eq!(a, b, "{file}: line {} differs from the fixture", i + 1);
    }
    assert_eq!(
        now.lines().count(),
        then.lines().count(),
        "{file}: a different number of lines"
    );
}

#[test]
fn format_1_scenarios_replay_to_the_same_numbers() {
    for (name, _) in SCENARIOS {
        let text = read(name);
        let model = scenario::load_str(name, &text).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            !model.scenario.paths.is_empty(),
            "{name} has reference paths"
        );
        assert_same(name, &scenario_numbers(&model), &read(&numbers_name(name)));
    }
}

#[test]
fn old_session_files_replay_to_the_same_numbers() {
    for (name, _, seed) in SESSIONS {
        let session =
            Session::load(&compat_dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(session.seed(), seed);
        assert!(session.branches().len() >= 3, "{name} has several branches");
        assert!(session.overrides().iter().any(Option::is_some));
        assert!(session.notes.contains("several lines"));
        assert_same(name, &session_numbers(&session), &read(&numbers_name(name)));
        // Saving it again keeps every number.
        let again = Session::from_ron(name, &session.to_ron()).unwrap();
        assert_same(name, &session_numbers(&again), &read(&numbers_name(name)));
    }
}
