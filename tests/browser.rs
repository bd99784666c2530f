//! The web version, end to end: `web/build.sh` builds the site into `target/web/`, then the
//! tests in `web/tests/` play it in headless Chromium (driven by Playwright) against this
//! build's desktop binary.
//!
//! The build takes minutes, so it runs where it is asked for: in CI (`CI=true`, where a
//! missing tool fails the test) or with `SANDTABLE_WEB_TESTS=1`. Elsewhere the test says
//! why it was skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// Runs `program` in `dir`, failing the test with its output if it fails.
fn run(dir: &Path, program: &str, args: &[&str], envs: &[(&str, &Path)]) {
    let mut command = Command::new(program);
    command.current_dir(dir).args(args);
    for (key, value) in envs {
        command.env(key, value);
    }
    let status = command
        .status()
        .unwrap_or_else(|e| panic!("{program} could not start: {e}"));
    assert!(
        status.success(),
        "{program} {} failed: {status}",
        args.join(" ")
    );
}

#[test]
fn the_web_build_plays_in_a_browser() {
    let ci = std::env::var("CI").as_deref() == Ok("true");
    let asked = std::env::var("SANDTABLE_WEB_TESTS").as_deref() == Ok("1");
    if !ci && !asked {
        eprintln!(
            "skipped: the web build takes minutes; run with SANDTABLE_WEB_TESTS=1 (CI runs it)"
        );
        return;
    }
    let missing: Vec<&str> = ["chromium", "node", "npm"]
        .into_iter()
        .filter(|p| !on_path(p))
        .collect();
    assert!(
        missing.is_empty(),
        "the web tests need {} (.ci/run installs them)",
        missing.join(", ")
    );
    let root = root();
    run(&root, "bash", &["web/build.sh"], &[]);
    let web = root.join("web");
    run(&web, "npm", &["ci", "--no-audit", "--no-fund"], &[]);
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_sandtable"));
    run(&web, "npm", &["test"], &[("SANDTABLE_BIN", &bin)]);
}
