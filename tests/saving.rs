//! Saving as processes do it: the CLI's `--csv` through a symbolic link, onto a device or a
//! pipe, a write that fails half-way, and a writer killed in the middle of a write.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sandtable::files::{atomic_write, remove_stale_temporaries};

use crate::util::{sandtable, temp_dir};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn temporaries(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .expect("the folder")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tmp"))
        .collect()
}

fn run_csv(csv: &Path) -> std::process::Output {
    sandtable(&[
        "run",
        "--path",
        "history",
        "--csv",
        csv.to_str().expect("a UTF-8 path"),
    ])
}

#[cfg(unix)]
#[test]
fn csv_through_a_symbolic_link_writes_its_target_and_keeps_its_permissions() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let dir = temp_dir("csv-link");
    fs::create_dir(dir.join("kept")).expect("folder");
    let target = dir.join("kept").join("trajectory.csv");
    fs::write(&target, "old").expect("write");
    fs::set_permissions(&target, fs::Permissions::from_mode(0o600)).expect("chmod");
    let link = dir.join("latest.csv");
    symlink(&target, &link).expect("link");

    let out = run_csv(&link);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink()
    );
    let text = fs::read_to_string(&target).expect("target");
    assert!(text.starts_with("turn,date,"), "{text}");
    let mode = fs::metadata(&target).expect("target").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert_eq!(temporaries(&dir.join("kept")), Vec::<String>::new());
    let _ = fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn csv_onto_a_device_or_a_pipe_is_refused_with_a_clear_error() {
    use std::os::unix::fs::FileTypeExt;
    let out = run_csv(Path::new("/dev/null"));
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("/dev/null is a device, not a regular file"),
        "{err}"
    );
    assert!(
        fs::metadata("/dev/null")
            .expect("/dev/null")
            .file_type()
            .is_char_device()
    );

    let dir = temp_dir("csv-fifo");
    let fifo = dir.join("pipe.csv");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let out = run_csv(&fifo);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(&out).contains("named pipe (FIFO)"),
            "{}",
            stderr(&out)
        );
        assert!(
            fs::symlink_metadata(&fifo)
                .expect("fifo")
                .file_type()
                .is_fifo()
        );
        assert_eq!(temporaries(&dir), Vec::<String>::new());
    }
    let _ = fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn a_write_that_fails_half_way_leaves_the_old_file_and_no_temporary_file() {
    let dir = temp_dir("csv-full");
    let csv = dir.join("out.csv");
    fs::write(&csv, "old").expect("write");
    // Files may not grow past 1 KiB for this process (the signal that would kill it is
    // ignored, so the write fails with an error instead), as on a full disk.
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -f 1 && trap '' XFSZ && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_sandtable"))
        .args(["run", "--path", "history", "--csv"])
        .arg(&csv)
        .output()
        .expect("sh runs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot write"), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&csv).expect("kept"), "old");
    assert_eq!(temporaries(&dir), Vec::<String>::new());
    let _ = fs::remove_dir_all(&dir);
}

/// Size of each version the killed writer writes.
const BIG: usize = 4 * 1024 * 1024;
/// The variable that tells the writer where to write.
const TARGET_VAR: &str = "SANDTABLE_KILLED_WRITER_TARGET";

/// Not a test on its own: the child process of the kill test, which saves two large
/// versions of a file in turn until it is killed. Without its variable it returns at once.
#[test]
#[ignore = "run by a_writer_killed_mid_write_leaves_the_old_or_the_new_file_whole"]
fn write_in_a_loop_until_killed() {
    let Some(target) = std::env::var_os(TARGET_VAR).map(PathBuf::from) else {
        return;
    };
    let versions = [vec![b'a'; BIG], vec![b'b'; BIG]];
    loop {
        for version in &versions {
            atomic_write(&target, version).expect("the writer writes");
        }
    }
}

#[cfg(unix)]
#[test]
fn a_writer_killed_mid_write_leaves_the_old_or_the_new_file_whole() {
    let dir = temp_dir("killed");
    let target = dir.join("class.session.ron");
    let mut left_behind = 0;
    for round in 0..6u64 {
        let _ = fs::remove_file(&target);
        let mut child = Command::new(std::env::current_exe().expect("the test binary"))
            .args([
                "saving::write_in_a_loop_until_killed",
                "--exact",
                "--ignored",
                "--test-threads=1",
            ])
            .env(TARGET_VAR, &target)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the writer starts");
        let start = Instant::now();
        while !target.exists() && start.elapsed() < Duration::from_secs(60) {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(target.exists(), "the writer wrote nothing");
        // Kill it at a different point of its loop each round.
        std::thread::sleep(Duration::from_millis(40 + 37 * round));
        child.kill().expect("SIGKILL");
        child.wait().expect("the writer is gone");

        let bytes = fs::read(&target).expect("the target");
        assert_eq!(bytes.len(), BIG, "round {round}: a partial file");
        let first = bytes[0];
        assert!(first == b'a' || first == b'b');
        assert!(bytes.iter().all(|&b| b == first), "round {round}: mixed");
        left_behind += temporaries(&dir).len();
        if round % 2 == 0 {
            // The next start cleans up…
            remove_stale_temporaries(&dir);
        } else {
            // …and so does the next save in the folder.
            atomic_write(&target, b"next").expect("the next save");
            assert_eq!(fs::read(&target).expect("target"), b"next");
        }
        assert_eq!(temporaries(&dir), Vec::<String>::new(), "round {round}");
    }
    eprintln!("temporary files left by the killed writer and removed: {left_behind}");
    let _ = fs::remove_dir_all(&dir);
}
