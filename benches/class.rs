//! Class debrief benchmark: `cargo bench --bench class` (release build).
//!
//! Copies the fixture sessions of `tests/data/sessions/` into a temporary folder until it
//! holds 30 students' files, then times reading them all and computing the class debrief
//! (1,000 futures of the reference path banded on the key indicators, and the paired
//! comparisons of the splits, on every core), and writing it as HTML and CSV. Prints the
//! median of several repetitions of each step and of the whole.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sandtable::report::{Settings, class, student};

const STUDENTS: usize = 30;
const REPS: usize = 7;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:8.1} ms", d.as_secs_f64() * 1e3)
}

/// A folder with `STUDENTS` copies of the fixture students' sessions.
fn class_folder() -> PathBuf {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sessions");
    let sources: Vec<PathBuf> = ["ana", "ben", "chloe", "david", "emma", "farid", "gaby"]
        .iter()
        .map(|n| fixtures.join(format!("{n}.session.ron")))
        .collect();
    let dir = std::env::temp_dir().join(format!("sandtable-bench-class-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    for k in 0..STUDENTS {
        let from = &sources[k % sources.len()];
        std::fs::copy(from, dir.join(format!("student-{k:02}.session.ron"))).expect("a copy");
    }
    dir
}

fn main() {
    let dir = class_folder();
    let settings = Settings::default();
    let (mut load, mut compute, mut write, mut whole) = (vec![], vec![], vec![], vec![]);
    let mut bytes = 0;
    for _ in 0..REPS {
        let t0 = Instant::now();
        let (sessions, damaged) = class::load(std::slice::from_ref(&dir));
        assert_eq!(sessions.len(), STUDENTS);
        let t1 = Instant::now();
        let debrief = class::build(sessions, damaged, &settings);
        let t2 = Instant::now();
        let html = debrief.html();
        let csv = debrief.csv();
        let t3 = Instant::now();
        bytes = html.len() + csv.len();
        load.push(t1 - t0);
        compute.push(t2 - t1);
        write.push(t3 - t2);
        whole.push(t3 - t0);
    }
    println!(
        "class debrief of {STUDENTS} session files, {} futures, {} threads (median of {REPS}):",
        settings.runs, settings.threads
    );
    println!("  read and replay the files   {}", ms(median(load)));
    println!("  futures, splits, distances  {}", ms(median(compute)));
    println!(
        "  HTML and CSV ({} kB)       {}",
        bytes / 1024,
        ms(median(write))
    );
    println!("  in all                      {}", ms(median(whole)));

    // One student's report, for comparison.
    let input = sandtable::report::SessionReport::load(&dir.join("student-00.session.ron"))
        .expect("the session loads");
    let times = (0..REPS)
        .map(|_| {
            let t = Instant::now();
            let report = student::build(&input, &settings);
            let _ = student::html_document(std::slice::from_ref(&report));
            t.elapsed()
        })
        .collect();
    println!("one session's HTML report       {}", ms(median(times)));
    let _ = std::fs::remove_dir_all(&dir);
}
