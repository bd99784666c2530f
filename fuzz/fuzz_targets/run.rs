//! A whole game: a scenario (the bytes before the first zero byte), then moves played from
//! the bytes after it: choosing, committing weeks, going back, undoing, branching, fixing a
//! parameter. Nothing panics; the session's run always equals a fresh replay of its branch.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sandtable::fuzzing::run(data));
