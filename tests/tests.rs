//! Integration tests, one binary; shared helpers live in `util`.

mod analysis;
mod cli;
mod compat;
mod engine;
mod gui;
mod gui_whatif;
mod hostile;
mod mali;
mod util;
mod validation;
