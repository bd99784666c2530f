//! A short fuzz run on every `cargo test`, on stable Rust: the fuzz targets' checks
//! (`sandtable::fuzzing`, the same functions `cargo fuzz` runs in `fuzz/`) on mutants of
//! the shipped scenarios, the test scenarios and saved sessions. The mutants are drawn from
//! a fixed seed, so a failure is the same on every machine; the failing input is written to
//! `target/fuzz-failures/` to become a regression test.
//!
//! `SANDTABLE_FUZZ_CASES` sets the mutants per seed file (default 120); the nightly
//! `cargo fuzz` targets are for long runs.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use sandtable::fuzzing;

/// A small deterministic generator (xorshift64*), enough to pick mutations.
struct Picks(u64);

impl Picks {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Text that parsers and validators meet at their edges.
const TOKENS: &[&str] = &[
    "NaN",
    "inf",
    "-inf",
    "1e308",
    "-1e308",
    "4294967295",
    "18446744073709551616",
    "-0.0",
    "Some(",
    "None",
    ")",
    "(",
    "[",
    "]",
    "{",
    "}",
    "\"",
    "\\",
    ",",
    ":",
    "//",
    "/*",
    "r#\"",
    "\u{feff}",
    "é",
    "\u{0}",
    "turns: 100000",
    "max: Some(NaN)",
    "((((((((((",
    "^ 1.5",
    "x.y.z.w",
    "a_name_that_does_not_exist",
];

/// One mutant of `seed`: a byte changed, a range cut or doubled, a token put in, the text
/// cut short, or a long name, a few of these at once.
fn mutate(seed: &[u8], picks: &mut Picks) -> Vec<u8> {
    let mut out = seed.to_vec();
    for _ in 0..1 + picks.below(3) {
        let at = picks.below(out.len() + 1);
        match picks.below(7) {
            0 if !out.is_empty() => {
                let i = at.min(out.len() - 1);
                out[i] ^= 1 << picks.below(8);
            }
            1 => {
                let end = (at + 1 + picks.below(64)).min(out.len());
                out.drain(at.min(end)..end);
            }
            2 => {
                let end = (at + 1 + picks.below(256)).min(out.len());
                let chunk = out[at.min(end)..end].to_vec();
                out.splice(at..at, chunk);
            }
            3 | 4 => {
                let token = TOKENS[picks.below(TOKENS.len())].as_bytes();
                out.splice(at..at, token.iter().copied());
            }
            5 => out.truncate(at),
            _ => {
                let name = "n".repeat(1 + picks.below(70_000));
                out.splice(at..at, name.bytes());
            }
        }
    }
    out
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// The files with `suffix` in the folders given, sorted.
fn seeds(folders: &[&str], suffix: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = folders
        .iter()
        .filter_map(|f| std::fs::read_dir(root().join(f)).ok())
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    out.sort();
    out
}

fn cases() -> usize {
    std::env::var("SANDTABLE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(120)
}

/// Runs `check` on `cases()` mutants of each seed; writes every input that panics to
/// `target/fuzz-failures/` and fails naming them.
fn fuzz(target: &str, seeds: &[PathBuf], wrap: impl Fn(Vec<u8>) -> Vec<u8>, check: fn(&[u8])) {
    assert!(!seeds.is_empty(), "no seed files for {target}");
    let failures = root().join("target/fuzz-failures");
    let mut failed = Vec::new();
    let mut picks = Picks(0x5EED_2013);
    for seed in seeds {
        let bytes = std::fs::read(seed).expect("a seed file reads");
        // The seed itself first: it must pass untouched.
        let inputs = std::iter::once(bytes.clone())
            .chain((0..cases()).map(|_| mutate(&bytes, &mut picks)))
            .map(&wrap);
        for (k, input) in inputs.enumerate() {
            if catch_unwind(AssertUnwindSafe(|| check(&input))).is_err() {
                let name = format!(
                    "{target}-{}-{k}",
                    seed.file_name().unwrap_or_default().to_string_lossy()
                );
                let _ = std::fs::create_dir_all(&failures);
                let _ = std::fs::write(failures.join(&name), &input);
                failed.push(name);
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{target}: {} inputs panicked, written to {}: {}",
        failed.len(),
        failures.display(),
        failed.join(", ")
    );
}

#[test]
fn mutated_scenarios_are_loaded_or_refused_with_a_place() {
    let seeds = seeds(&["scenarios", "tests/data", "tests/compat"], ".ron");
    fuzz("scenario", &seeds, |b| b, fuzzing::scenario);
}

#[test]
fn mutated_sessions_load_or_are_refused_and_reload_the_same() {
    let mut seeds = seeds(&["tests/compat"], ".session.ron");
    seeds.extend(self::seeds(&["tests/data/sessions"], ".session.ron"));
    fuzz("session", &seeds, |b| b, fuzzing::session);
}

#[test]
fn mutated_games_replay_to_the_run_they_played() {
    // The small scenarios, each with a zero byte and a few moves after it.
    let seeds: Vec<PathBuf> = seeds(&["tests/data", "tests/compat"], ".ron")
        .into_iter()
        .filter(|p| !p.to_string_lossy().ends_with(".session.ron"))
        .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() < 40_000))
        .collect();
    let moves = [
        0u8, 0, 0, 1, 2, 0, 0, 3, 2, 4, 1, 1, 3, 3, 3, 3, 6, 1, 7, 9, 5, 0,
    ];
    fuzz(
        "run",
        &seeds,
        |mut b| {
            if !b.contains(&0) {
                b.extend_from_slice(&moves);
            }
            b
        },
        fuzzing::run,
    );
}

#[test]
#[should_panic(expected = "inputs panicked")]
fn a_check_broken_by_some_mutant_fails_the_run() {
    // The mutants do reach the checks: one that refuses "NaN" anywhere is caught.
    let seeds: Vec<PathBuf> = vec![root().join("tests/data/tiny.ron")];
    fuzz(
        "selftest",
        &seeds,
        |b| b,
        |data| {
            assert!(!data.windows(3).any(|w| w == b"NaN"), "NaN");
        },
    );
}
