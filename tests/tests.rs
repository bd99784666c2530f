//! Integration tests, one binary; shared helpers live in `util`.

mod analysis;
mod classroom;
mod balance;
mod cli;
mod compat;
mod engine;
mod gui;
mod gui_whatif;
mod hostile;
mod mali;
mod no_lost_work;
mod saving;
mod session_errors;
mod plans;
mod report;
mod util;
mod validation;
