//! The web build's analyses: run in slices between frames (no threads in a browser), they
//! give the desktop's numbers to the last bit.

use sandtable::scenario::Model;
use sandtable::session::Session;
use sandtable::sim::analysis::compare;
use sandtable::sim::ensemble::{
    Bands, Control, Ensemble, EnsembleError, Options, Plan, Start, run_ensemble,
};
use sandtable::sim::slices::Slices;
use sandtable::ui::whatif::Settings;
use sandtable::ui::whatif::jobs::{Basis, FuturesRequest, run_futures};
use sandtable::ui::worker::{Status, Worker};

use crate::util::mali;

fn options(runs: usize, threads: usize, ledger: bool) -> Options {
    Options {
        runs,
        threads,
        bands: Bands::All,
        ledger,
    }
}

/// Every number of an ensemble: `{:?}` prints each `f64` so that it reads back to the
/// same bits, so equal texts are equal to the last bit.
fn bits(e: &Ensemble) -> String {
    format!("{e:?}")
}

/// Runs `analysis` in slices of `budget` runs until it ends; returns its result and the
/// number of slices it took.
fn in_slices<T>(
    budget: usize,
    mut analysis: impl FnMut() -> Result<T, EnsembleError>,
) -> (Result<T, EnsembleError>, usize) {
    let slices = Slices::new();
    for slice in 1..=100_000 {
        match slices.run(budget, &mut analysis) {
            Err(EnsembleError::Paused) => continue,
            other => return (other, slice),
        }
    }
    panic!("the analysis never ended");
}

fn played_start(model: &Model) -> Start<'_> {
    let overrides = sandtable::sim::Overrides::none(model);
    let history = Plan::path(model, "history").unwrap();
    let past: Vec<Vec<usize>> = (0..4).map(|t| history.choices(t).to_vec()).collect();
    Start::played(model, 13, &overrides, &past).unwrap()
}

#[test]
fn an_ensemble_in_slices_is_the_threaded_one_to_the_bit() {
    let model = mali();
    let start = played_start(&model);
    let plan = Plan::path(&model, "history").unwrap();
    for ledger in [false, true] {
        let threaded = run_ensemble(
            &start,
            &plan,
            &options(1_000, 4, ledger),
            &Control::default(),
        )
        .unwrap();
        let (sliced, slices) = in_slices(50, || {
            run_ensemble(
                &start,
                &plan,
                &options(1_000, 4, ledger),
                &Control::default(),
            )
        });
        // 1,000 runs are 32 blocks of 32: a budget of 50 runs takes two blocks a slice.
        assert_eq!(slices, 16, "ledger {ledger}");
        assert_eq!(bits(&sliced.unwrap()), bits(&threaded), "ledger {ledger}");
    }
}

#[test]
fn a_comparison_in_slices_resumes_each_ensemble_in_turn() {
    let model = mali();
    let start = played_start(&model);
    let plans = [Plan::hold_course(), Plan::path(&model, "history").unwrap()];
    let opts = options(300, 2, false);
    let threaded = compare(&start, &plans, &opts, &Control::default()).unwrap();
    let progress = std::sync::atomic::AtomicUsize::new(0);
    let control = Control {
        progress: Some(&progress),
        cancel: None,
    };
    let (sliced, slices) = in_slices(64, || compare(&start, &plans, &opts, &control));
    let sliced = sliced.unwrap();
    assert!(slices > 4, "{slices} slices");
    // Every run counted once, though the analysis ran again at every slice.
    assert_eq!(progress.into_inner(), 600);
    assert_eq!(sliced.ensembles.len(), 2);
    for (a, b) in sliced.ensembles.iter().zip(&threaded.ensembles) {
        assert_eq!(bits(a), bits(b));
    }
    assert_eq!(
        format!("{:?}", sliced.differences),
        format!("{:?}", threaded.differences)
    );
}

#[test]
fn a_worker_without_threads_runs_a_slice_a_frame_and_ends_with_the_same_futures() {
    let mut session = Session::new(mali());
    for _ in 0..3 {
        session.apply(sandtable::session::Command::Commit).unwrap();
    }
    let settings = Settings::new(session.model());
    let request = FuturesRequest {
        basis: Basis::new(&session, &settings),
        ledger: false,
        bands: Bands::All,
    };
    let total = request.basis.runs;
    let expected = run_futures(&request, "Hold course", Control::default()).unwrap();

    let mut worker = Worker::sliced();
    worker.schedule(0.0, 0.0, total, move |control| {
        run_futures(&request, "Hold course", control)
    });
    let mut frames = 0;
    let mut progressed = Vec::new();
    while worker.is_busy() {
        frames += 1;
        assert!(frames < 10_000, "the job did not end");
        worker.poll(frames as f64 * 0.016, None);
        if let Status::Running { done, .. } = worker.status() {
            progressed.push(done);
            // While it runs, the app is asked for the next frame at once.
            assert_eq!(worker.repaint_after(0.0), Some(0.0));
        }
    }
    assert_eq!(worker.status(), Status::Done);
    assert!(
        progressed.len() >= 2 && progressed.windows(2).all(|w| w[0] <= w[1]),
        "progress by frame: {progressed:?}"
    );
    let futures = worker.result().expect("a result");
    assert_eq!(bits(&futures.ensemble), bits(&expected.ensemble));
    assert_eq!(futures.headline, expected.headline);
}

#[test]
fn a_cancelled_job_in_slices_stops_and_keeps_its_progress() {
    let model = std::sync::Arc::new(mali());
    let mut worker: Worker<Ensemble> = Worker::sliced();
    let m = model.clone();
    worker.schedule(0.0, 0.0, 5_000, move |control| {
        let start = Start::beginning(&m, 3, &sandtable::sim::Overrides::none(&m));
        Ok(run_ensemble(
            &start,
            &Plan::hold_course(),
            &options(5_000, 1, false),
            &control,
        )?)
    });
    worker.poll(0.0, None);
    worker.poll(0.016, None);
    let Status::Running { done, total } = worker.status() else {
        panic!("not running: {:?}", worker.status());
    };
    assert!(done > 0 && done < total, "{done} of {total}");
    worker.cancel();
    assert_eq!(worker.status(), Status::Cancelled { done, total });
    assert!(!worker.is_busy());
    assert_eq!(worker.result(), None);
}
