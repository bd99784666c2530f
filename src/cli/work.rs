//! What a command will do, said before it starts and refused when it is over the limits, and
//! its progress as lines a script can read when stderr is not a terminal.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use anyhow::{Result, anyhow};

use crate::scenario::format_number;
use crate::scenario::limits::{self, Work};
use crate::sim::ensemble::Control;

/// Checks the work of a command (`runs` runs of `weeks` weeks for each of `settings` plans
/// or parameter settings, `banded` indicators kept for bands) and says on stderr what it
/// will do; refuses it, naming the limit and how to ask for less, when it is over.
pub fn announce(
    command: &str,
    weeks: usize,
    runs: usize,
    settings: usize,
    banded: usize,
) -> Result<Work> {
    let work = limits::check_work(runs, weeks, settings, banded)
        .map_err(|why| anyhow!("{command}: {why}"))?;
    let mut line = format!(
        "{command}: {} runs of {weeks} weeks{}: {} simulated weeks (at most {})",
        format_number((runs * settings.max(1)) as f64, 0),
        if settings > 1 {
            format!(" ({settings} settings)")
        } else {
            String::new()
        },
        format_number(work.run_weeks as f64, 0),
        format_number(limits::MAX_RUN_WEEKS as f64, 0),
    );
    if work.band_bytes > 0 {
        line.push_str(&format!(
            ", bands {} MiB (at most {} MiB)",
            format_number((work.band_bytes as f64 / (1024.0 * 1024.0)).ceil(), 0),
            limits::MAX_BAND_VALUES * 4 / (1024 * 1024)
        ));
    }
    eprintln!("{line}");
    Ok(work)
}

/// Runs `work` on another thread and calls `tick` every `every` until it is done, returning
/// its result (or carrying on its panic). The wait ends the moment the work does, not at the
/// next tick: a short command is not kept waiting for its progress line.
pub fn watch<T: Send>(
    every: Duration,
    work: impl FnOnce() -> T + Send,
    mut tick: impl FnMut(),
) -> T {
    let (finished, wait) = mpsc::channel::<()>();
    let result = std::thread::scope(|scope| {
        let handle = scope.spawn(move || {
            // Dropped when the work returns or unwinds, which ends the wait below.
            let _finished = finished;
            work()
        });
        while let Err(RecvTimeoutError::Timeout) = wait.recv_timeout(every) {
            tick();
        }
        handle.join()
    });
    match result {
        Ok(value) => value,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// Runs `work`, printing `progress: P % (DONE of TOTAL runs)` on stderr each time another
/// tenth of the runs is done: for scripts and logs, when stderr is not a terminal.
pub fn by_tenths<T: Send>(total: usize, work: impl FnOnce(&Control) -> T + Send) -> T {
    let progress = AtomicUsize::new(0);
    let control = Control {
        progress: Some(&progress),
        cancel: None,
    };
    let mut tenths_shown = 0;
    let value = watch(
        Duration::from_millis(50),
        || work(&control),
        || {
            let now = progress.load(Ordering::Relaxed).min(total);
            let tenths = (now * 10).checked_div(total).unwrap_or(0);
            if tenths > tenths_shown && tenths < 10 {
                eprintln!("progress: {} % ({now} of {total} runs)", tenths * 10);
                tenths_shown = tenths;
            }
        },
    );
    eprintln!("progress: 100 % ({total} of {total} runs)");
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watch_ticks_while_the_work_runs_and_returns_its_value() {
        let ticks = AtomicUsize::new(0);
        let value = watch(
            Duration::from_millis(1),
            || {
                // The work ends only once it has been watched three times.
                while ticks.load(Ordering::Relaxed) < 3 {
                    std::thread::yield_now();
                }
                42
            },
            || {
                ticks.fetch_add(1, Ordering::Relaxed);
            },
        );
        assert_eq!(value, 42);
        assert!(ticks.load(Ordering::Relaxed) >= 3);
    }

    #[test]
    fn watch_carries_on_the_work_s_panic() {
        let caught = std::panic::catch_unwind(|| {
            watch(
                Duration::from_secs(3600),
                || panic!("the work failed"),
                || {},
            )
        });
        let panic = caught.expect_err("the panic reaches the caller");
        assert_eq!(panic.downcast_ref::<&str>(), Some(&"the work failed"));
    }
}
