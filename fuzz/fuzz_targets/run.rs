//! A whole game: a scenario (the bytes before the first zero byte), then moves played from
//! the bytes after it: choosing, committing weeks, going back, undoing, branching, fixing a
//! parameter. Nothing panics; the session's run always equals a fresh replay of its branch.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sandtable::scenario;
use sandtable::session::{Command, Session};
use sandtable::sim;

fuzz_target!(|data: &[u8]| {
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
        let (kind, arg) = (pair[0], usize::from(*pair.get(1).unwrap_or(&0)));
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
    let replay = sim::run(session.model(), session.seed(), session.overrides(), &branch)
        .unwrap_or_else(|(week, why)| panic!("the active branch does not replay at {week}: {why}"));
    assert_eq!(&replay, session.run());
    let _ = session.to_ron();
});
