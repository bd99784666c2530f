//! The session loader on any bytes. A session that loads saves to a text that loads again to
//! the same session.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sandtable::scenario::load;
use sandtable::session::Session;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = load::decode("fuzz.session.ron", data.to_vec()) else {
        return;
    };
    let Ok(session) = Session::from_ron("fuzz.session.ron", &text) else {
        return;
    };
    let saved = session.to_ron();
    let again = Session::from_ron("again.session.ron", &saved)
        .unwrap_or_else(|e| panic!("a saved session does not load again: {e}"));
    assert_eq!(again.to_ron(), saved);
    assert_eq!(again.run(), session.run());
});
