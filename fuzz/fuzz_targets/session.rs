//! The session loader on any bytes. A session that loads saves to a text that loads again to
//! the same session.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sandtable::fuzzing::session(data));
