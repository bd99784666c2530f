//! What the commands print on stdout, and what a closed stdout means.
//!
//! When the reader of stdout goes away (`sandtable run | head -1`), the rest of the output
//! is dropped quietly: the command still does the rest of its work (a `--csv` or `--output`
//! file) and exits with the status it would have had, 0 when it succeeds, not 141 as a
//! process killed by `SIGPIPE` would. Any other failure to write stdout (a full disk behind
//! a redirection) is an error: it is said on stderr and the command exits with status 1.

use std::io::{ErrorKind, Write};

use anyhow::{Result, anyhow};

/// Writes `text` to stdout; a closed stdout is no error (see the module's documentation).
pub fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(anyhow!("cannot write the output: {e}")),
    }
}

/// Writes `line` and a line break to stdout, as [`print`].
pub fn print_line(line: &str) -> Result<()> {
    print(&format!("{line}\n"))
}
