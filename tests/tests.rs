//! Integration tests, one binary; shared helpers live in `util`.

mod analysis;
mod cli;
mod engine;
mod gui;
mod gui_whatif;
mod mali;
mod util;
mod validation;
mod web;
