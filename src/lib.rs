//! Sandtable: a policy-scenario simulator.
//!
//! Layers, each importing only those below it: [`scenario`] (the file format, validation,
//! expressions), [`sim`] (one run, ensembles, explanation), [`session`] (decisions,
//! branches, files) with [`exercise`] (a teacher's settings for a class), [`report`] (reports
//! and the class debrief for people to read), and on top the GUI (`ui`) and the command line
//! ([`cli`]).

// Files and arguments come from other people: nothing they can reach may panic. Tests may
// unwrap (clippy.toml).
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod autosave;
pub mod cli;
pub mod exercise;
pub mod files;
pub mod fuzzing;
pub mod plan;
pub mod platform;
pub mod report;
pub mod scenario;
pub mod session;
pub mod sim;
pub mod ui;
