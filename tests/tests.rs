//! Integration tests, one binary, one module per subject; shared helpers, fixtures and the
//! GUI harness live in `util`.

mod analysis;
mod authoring;
mod balance;
mod classroom;
mod cli;
mod cli_analysis;
mod compat;
mod engine;
mod fuzzing;
mod gui;
mod gui_whatif;
mod hostile;
mod layout;
mod mali;
mod no_lost_work;
mod plans;
mod report;
mod saving;
mod session_errors;
mod util;
mod validation;
mod web;
mod workbench;
