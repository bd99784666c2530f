//! The scenario loader on any bytes: decoding, RON, spans, limits, validation, compilation.
//! It may refuse anything; it must never panic, and every refusal of a text has a place.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sandtable::scenario::{self, load};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = load::decode("fuzz.ron", data.to_vec()) else {
        return;
    };
    if let Err(e) = scenario::load_str("fuzz.ron", &text) {
        assert!(!e.diagnostics.is_empty());
        let _ = e.to_string();
        let _ = e.short();
    }
});
