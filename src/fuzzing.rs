//! The checks of the fuzz targets, on any bytes: written once here, so that `cargo fuzz`
//! (nightly, `fuzz/`) and the stable test suite (which feeds them mutated seed files on
//! every run) check the same things. Each function may refuse its input; it panics only
//! when the code under test breaks a promise.

use crate::scenario::{self, load};
use crate::session::{Command, Session};
use crate::sim;

/// The scenario loader: decoding, RON, spans, limits, validation, compilation. Every
/// refusal of a text carries at least one diagnostic and can be printed.
pub fn scenario(data: &[u8]) {
    let Ok(text) = load::decode("fuzz.ron", data.to_vec()) else {
        return;
    };
    if let Err(e) = scenario::load_str("fuzz.ron", &text) {
        assert!(!e.diagnostics.is_empty(), "a refusal without a diagnostic");
        let _ = e.to_string();
        let _ = e.short();
    }
}

/// The session loader: a session that loads saves to a text that loads again to the same
/// session and the same run.
pub fn session(data: &[u8]) {
    let Ok(text) = load::decode("fuzz.session.ron", data.to_vec()) else {
        return;
    };
    let session = match Session::from_ron("fuzz.session.ron", &text) {
        Ok(session) => session,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let saved = session.to_ron();
    let again = match Session::from_ron("again.session.ron", &saved) {
        Ok(again) => again,
        Err(e) => panic!("a saved session does not load again: {e}"),
    };
    assert_eq!(
        again.to_ron(),
        saved,
        "a session saves differently once reloaded"
    );
    assert!(
        again.run() == session.run(),
        "a reloaded session replays differently"
    );
}

/// A whole game: a scenario, a zero byte, then moves (two bytes each: what, and on what).
/// Whatever the moves, the active branch replays from its decisions to the same run.
pub fn run(data: &[u8]) {
    let split = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let (text, moves) = data.split_at(split);
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    let Ok(model) = scenario::load_str("fuzz.ron", text) else {
        return;
    };
    let mut session = Session::new(model);
    let choices = session.model().choices.len().max(1);
    let parameters = session.model().parameters.len().max(1);
    for pair in moves.get(1..).unwrap_or_default().chunks(2).take(200) {
        let kind = pair.first().copied().unwrap_or(0);
        let arg = usize::from(pair.get(1).copied().unwrap_or(0));
        let command = match kind % 8 {
            0 | 1 => Command::Toggle(arg % choices),
            2 | 3 => Command::Commit,
            4 => Command::GoTo(arg % (session.played() + 1)),
            5 => Command::Undo,
            6 => Command::SwitchBranch(arg % session.branches().len()),
            _ => Command::SetParameter(arg % parameters, Some(f64::from(arg as u8) / 16.0)),
        };
        let _ = session.apply(command);
    }
    let branch = session.active_branch().decisions.clone();
    match sim::run(
        session.model(),
        session.seed(),
        session.overrides(),
        &branch,
    ) {
        Ok(replay) => assert!(
            &replay == session.run(),
            "the active branch replays differently"
        ),
        Err((week, why)) => panic!("the active branch does not replay at {week}: {why}"),
    }
    let _ = session.to_ron();
}
