//! Sandtable: a policy-scenario simulator.
//!
//! Layers, each importing only those below it: [`scenario`] (the file format, validation,
//! expressions), [`sim`] (one run, ensembles, explanation), [`session`] (decisions,
//! branches, files), and on top the GUI (`ui`) and the command line ([`cli`]).

pub mod cli;
pub mod files;
pub mod platform;
pub mod scenario;
pub mod session;
pub mod sim;
pub mod ui;
