//! The scenario loader on any bytes: decoding, RON, spans, limits, validation, compilation.
//! It may refuse anything; it must never panic, and every refusal of a text has a place.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sandtable::fuzzing::scenario(data));
