//! Engine benchmark: `cargo bench --bench engine` (release build).
//!
//! Prints the median of several repetitions of: loading and validating the Mali scenario;
//! one full run of its `history` path, and where a turn's time goes; ensembles of 1k, 10k
//! and 100k runs with 1 and 2 threads, each with the peak resident memory of a fresh
//! process running it once (VmHWM from /proc/self/status); and a sensitivity analysis over
//! every parameter at 1,000 runs each. `--quick` skips the 100k ensembles.
//!
//! The machine is shared: run it when nothing else is compiling, and compare medians.
//! `--profile N` only plays N runs one at a time, and `--profile-ensemble N [bands]` one
//! ensemble of N runs on one thread, for a profiler (callgrind counts instructions, which
//! the machine's load does not change). With `THREADS=T REPEAT=R` in the environment,
//! `--profile-ensemble` runs the ensemble R times on T threads and prints the fastest and
//! the median time, to compare two builds on a busy machine; with `SCENARIO=FILE`, of that
//! scenario (for example the frozen copy the Python engines are compared on).

use std::hint::black_box;
use std::process::Command;
use std::time::{Duration, Instant};

use sandtable::scenario::expr::NoDraws;
use sandtable::scenario::{self, MALI_2013, MALI_2013_NAME, Model};
use sandtable::sim::analysis::{self, sensitivity};
use sandtable::sim::ensemble::{Bands, Control, Options, Plan, Start, run_ensemble};
use sandtable::sim::rng::{Purpose, RunKey};
use sandtable::sim::{self, Sim};

/// The median time of `reps` calls of `f`.
fn median(reps: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn show(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 1e-3 {
        format!("{:8.2} µs", s * 1e6)
    } else if s < 1.0 {
        format!("{:8.2} ms", s * 1e3)
    } else {
        format!("{s:8.3} s ")
    }
}

/// Peak resident memory (VmHWM) of this process in MB, if the kernel tells.
fn peak_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn ensemble_options(runs: usize, threads: usize, bands: bool) -> Options {
    Options {
        runs,
        threads,
        bands: if bands { Bands::All } else { Bands::None },
        ledger: false,
    }
}

/// `--memory RUNS THREADS BANDS`: one ensemble in this process, then its peak memory.
fn memory_child(args: &[String]) {
    let parse = |i: usize| args.get(i).and_then(|a| a.parse::<usize>().ok());
    let (Some(runs), Some(threads), Some(bands)) = (parse(0), parse(1), parse(2)) else {
        eprintln!("usage: engine --memory RUNS THREADS BANDS(0|1)");
        std::process::exit(2);
    };
    let model = scenario::default_model().expect("Mali loads");
    let before = peak_mb().unwrap_or(0.0);
    let start = Start::beginning(&model, 2013, &sandtable::sim::Overrides::none(&model));
    let plan = Plan::path(&model, "history").expect("history path");
    let e = run_ensemble(
        &start,
        &plan,
        &ensemble_options(runs, threads, bands != 0),
        &Control::default(),
    )
    .expect("ensemble");
    black_box(&e);
    println!("{before} {}", peak_mb().unwrap_or(0.0));
}

/// Peak memory of a fresh process running one ensemble, and the process's peak before it.
fn measure_memory(runs: usize, threads: usize, bands: bool) -> Option<(f64, f64)> {
    let exe = std::env::current_exe().ok()?;
    let out = Command::new(exe)
        .args([
            "--memory",
            &runs.to_string(),
            &threads.to_string(),
            if bands { "1" } else { "0" },
        ])
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let mut numbers = text.split_whitespace().map(|n| n.parse::<f64>());
    Some((numbers.next()?.ok()?, numbers.next()?.ok()?))
}

/// Where a turn's time goes: each part of `Sim::step` that evaluates expressions, timed
/// on its own over the states of one history run.
fn breakdown(model: &Model, states: &[Vec<f64>]) {
    let reps = 200;
    let per_turn = |d: Duration| d / (reps * states.len()) as u32;
    let key = RunKey::new(2013, 0);
    let rules = median(7, || {
        for _ in 0..reps {
            for (t, state) in states.iter().enumerate() {
                let mut stream = key.stream(Purpose::Rules, t);
                for rule in &model.rules {
                    if let Some(w) = &rule.when {
                        black_box(w.eval(state, &mut stream));
                    }
                    black_box(rule.value.eval(state, &mut stream));
                }
            }
        }
    });
    let events = median(7, || {
        for _ in 0..reps {
            for (t, state) in states.iter().enumerate() {
                let mut stream = key.stream(Purpose::Events, t);
                for event in &model.events {
                    black_box(event.condition.eval(state, &mut stream));
                    black_box(event.probability.eval(state, &mut stream));
                }
            }
        }
    });
    let derived = median(7, || {
        for _ in 0..reps {
            for state in states {
                for issue in &model.issues {
                    black_box(issue.policy.eval(state, &mut NoDraws));
                }
                for actor in &model.actors {
                    black_box(actor.capability.eval(state, &mut NoDraws));
                }
            }
        }
    });
    let streams = median(7, || {
        for _ in 0..reps {
            for t in 0..states.len() {
                for purpose in [
                    Purpose::Effects,
                    Purpose::Rules,
                    Purpose::Events,
                    Purpose::EventEffects,
                ] {
                    black_box(key.stream(purpose, t));
                }
            }
        }
    });
    println!(
        "  per turn: {} rule expressions {}, {} event conditions and probabilities {},",
        model.rules.len(),
        show(per_turn(rules)).trim(),
        2 * model.events.len(),
        show(per_turn(events)).trim()
    );
    println!(
        "            {} policy and capability expressions {}, opening 4 random streams {}",
        model.issues.len() + model.actors.len(),
        show(per_turn(derived)).trim(),
        show(per_turn(streams)).trim()
    );
}

/// `--profile N`: N unrecorded runs of history and nothing else, for a profiler, e.g.
/// `valgrind --tool=callgrind target/release/deps/engine-* --profile 1000`.
fn profile_runs(n: u64) {
    let model = scenario::default_model().expect("Mali loads");
    let history = model.path_decisions("history").expect("history path");
    let overrides = sandtable::sim::Overrides::none(&model);
    for i in 0..n {
        let mut s = Sim::new(&model, RunKey::new(2013, i), &overrides);
        for choices in &history {
            s.step(choices).expect("history plays");
        }
        black_box(s.state()[0]);
    }
}

/// `--profile-ensemble N [bands]`: one ensemble of N runs of history on one thread, with
/// every indicator banded if asked; of the scenario file `SCENARIO` names if set, else of
/// the Mali scenario.
fn profile_ensemble(n: usize, bands: bool) {
    let model = match std::env::var("SCENARIO") {
        Ok(path) => scenario::load_file(std::path::Path::new(&path)).expect("the scenario loads"),
        Err(_) => scenario::default_model().expect("Mali loads"),
    };
    let start = Start::beginning(&model, 2013, &sandtable::sim::Overrides::none(&model));
    let plan = Plan::path(&model, "history").expect("history path");
    let threads = std::env::var("THREADS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1);
    let options = ensemble_options(n, threads, bands);
    let repeat: usize = std::env::var("REPEAT")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1);
    let mut times: Vec<Duration> = (0..repeat)
        .map(|_| {
            let t = Instant::now();
            black_box(
                run_ensemble(&start, &plan, &options, &Control::default()).expect("ensemble"),
            );
            t.elapsed()
        })
        .collect();
    times.sort();
    if repeat > 1 {
        println!("min {} median {}", show(times[0]), show(times[repeat / 2]));
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--profile-ensemble") {
        profile_ensemble(
            args.get(i + 1)
                .and_then(|n| n.parse().ok())
                .unwrap_or(1_000),
            args.get(i + 2).is_some_and(|b| b == "bands"),
        );
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--memory") {
        memory_child(&args[i + 1..]);
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--profile") {
        profile_runs(
            args.get(i + 1)
                .and_then(|n| n.parse().ok())
                .unwrap_or(1_000),
        );
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("Sandtable engine benchmark (release, {cores} cores available)\n");

    let load = median(30, || {
        black_box(scenario::load_str(MALI_2013_NAME, MALI_2013).expect("Mali loads"));
    });
    println!("load + validate Mali scenario             {}", show(load));

    let model = scenario::default_model().expect("Mali loads");
    let history = model.path_decisions("history").expect("history path");
    let overrides = sandtable::sim::Overrides::none(&model);
    let batch = 1000;
    let recorded = median(7, || {
        for i in 0..batch {
            black_box(sim::run(&model, i, &overrides, &history).expect("history plays"));
        }
    }) / batch as u32;
    println!(
        "one run of history, recorded (sim::run)   {}",
        show(recorded)
    );
    let bare = median(7, || {
        for i in 0..batch {
            let mut s = Sim::new(&model, RunKey::new(2013, i), &overrides);
            for choices in &history {
                s.step(choices).expect("history plays");
            }
            black_box(s.state()[0]);
        }
    }) / batch as u32;
    println!("one run of history, not recorded          {}", show(bare));
    let turn = bare / model.turns().max(1) as u32;
    println!("  per turn: whole step {}", show(turn).trim());
    let run = sim::run(&model, 2013, &overrides, &history).expect("history plays");
    let states: Vec<Vec<f64>> = (0..model.turns()).map(|t| run.state(t).to_vec()).collect();
    breakdown(&model, &states);

    let start = Start::beginning(&model, 2013, &overrides);
    let plan = Plan::path(&model, "history").expect("history path");
    println!(
        "\nensembles of history from the start: median time; peak memory of a process running it once"
    );
    let sizes: &[usize] = if quick {
        &[1_000, 10_000]
    } else {
        &[1_000, 10_000, 100_000]
    };
    for bands in [true, false] {
        for &runs in sizes {
            for threads in [1, 2] {
                let options = ensemble_options(runs, threads, bands);
                let reps = if runs <= 1_000 {
                    21
                } else if runs <= 10_000 {
                    7
                } else {
                    3
                };
                let t = median(reps, || {
                    black_box(
                        run_ensemble(&start, &plan, &options, &Control::default())
                            .expect("ensemble"),
                    );
                });
                let memory = match measure_memory(runs, threads, bands) {
                    Some((before, peak)) => {
                        format!(
                            "peak {peak:6.1} MB ({:+.1} MB for the ensemble)",
                            peak - before
                        )
                    }
                    None => String::from("peak n/a"),
                };
                println!(
                    "  {} {runs:>7} runs, {threads} thread{}  {}  ({:6.2} µs/run)  {memory}",
                    if bands { "all bands" } else { "no bands " },
                    if threads == 1 { " " } else { "s" },
                    show(t),
                    t.as_secs_f64() * 1e6 / runs as f64
                );
            }
        }
    }

    let with_ledger = Options {
        ledger: true,
        ..ensemble_options(1_000, 2, true)
    };
    let t = median(9, || {
        black_box(run_ensemble(&start, &plan, &with_ledger, &Control::default()).expect("ok"));
    });
    println!(
        "  all bands + averaged ledger, 1000 runs, 2 threads {}",
        show(t)
    );

    let params = analysis::varied_parameters(&model).len();
    println!("\nsensitivity, {params} parameters × (p10, p90) + baseline, 1,000 runs each");
    for threads in [1, 2] {
        let options = ensemble_options(1_000, threads, false);
        let t = median(5, || {
            black_box(sensitivity(&start, &plan, &options, &Control::default()).expect("ok"));
        });
        println!(
            "  {threads} thread{}                                 {}",
            if threads == 1 { " " } else { "s" },
            show(t)
        );
    }
}
