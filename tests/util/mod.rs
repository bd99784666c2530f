//! Helpers and fixtures shared by the integration tests; the GUI harness is in `gui`.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

use sandtable::scenario::{self, FileError, Model};

pub mod gui;
pub mod layout;

/// The small hand-checkable scenario.
pub const TINY: &str = include_str!("../data/tiny.ron");

pub fn tiny() -> Model {
    scenario::load_str("tiny.ron", TINY).expect("tiny.ron loads")
}

pub fn mali() -> Model {
    scenario::default_model().expect("the embedded scenario loads")
}

/// Loads `text`, expecting it to fail.
pub fn load_err(text: &str) -> FileError {
    match scenario::load_str("test.ron", text) {
        Ok(_) => panic!("expected the scenario to be refused"),
        Err(e) => e,
    }
}

/// 1-based line and column of the first occurrence of `needle`, computed independently of
/// the library.
pub fn position_of(text: &str, needle: &str) -> (usize, usize) {
    let offset = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in text"));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

/// Runs the binary with `args`.
pub fn sandtable(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sandtable"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// A fresh temporary folder for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sandtable-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}
