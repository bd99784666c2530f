//! Integration tests, one binary; shared helpers live in `util`.

mod cli;
mod engine;
mod mali;
mod util;
mod validation;
