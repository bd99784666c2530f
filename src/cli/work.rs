//! What a command will do, said before it starts and refused when it is over the limits, and
//! its progress as lines a script can read when stderr is not a terminal.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
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

/// Runs `work`, printing `progress: P % (DONE of TOTAL runs)` on stderr each time another
/// tenth of the runs is done: for scripts and logs, when stderr is not a terminal.
pub fn by_tenths<T: Send>(total: usize, work: impl FnOnce(&Control) -> T + Send) -> T {
    let progress = AtomicUsize::new(0);
    let control = Control {
        progress: Some(&progress),
        cancel: None,
    };
    let done = AtomicBool::new(false);
    let result = std::thread::scope(|scope| {
        let handle = scope.spawn(|| {
            let result = work(&control);
            done.store(true, Ordering::Release);
            result
        });
        let mut tenths_shown = 0;
        while !done.load(Ordering::Acquire) {
            std::thread::sleep(Duration::from_millis(50));
            let now = progress.load(Ordering::Relaxed).min(total);
            let tenths = (now * 10).checked_div(total).unwrap_or(0);
            if tenths > tenths_shown && tenths < 10 && !done.load(Ordering::Acquire) {
                eprintln!("progress: {} % ({now} of {total} runs)", tenths * 10);
                tenths_shown = tenths;
            }
        }
        handle.join()
    });
    match result {
        Ok(value) => {
            eprintln!("progress: 100 % ({total} of {total} runs)");
            value
        }
        Err(panic) => std::panic::resume_unwind(panic),
    }
}
