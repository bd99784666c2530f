//! Background jobs for the what-if analyses: one job at a time on its own thread, with
//! progress and cancel, and a result slot the app polls once a frame.
//!
//! The UI thread never waits for a job. [`Worker::schedule`] only records the job and when
//! it is due; [`Worker::poll`], called every frame, starts it when due and takes its result
//! when it has come. A newer job cancels the one running at once, whose result is then
//! dropped. An analysis whose inputs change ([`Recomputed::want`]) starts its new job at
//! the next frame, without waiting for the inputs to settle: a stale job stops within a
//! block of runs, so clicking through choices costs little, and the new result follows a
//! change within a frame or two and the job's own time. Time is the caller's (egui's input
//! time in the app), so tests that step frames see what a user sees.
//!
//! The worker knows nothing of the UI toolkit: it is told how to wake the app when a job
//! ends ([`Wake`]).
//!
//! Where there are no threads (the app in a browser, see [`crate::platform`]), a job runs
//! in slices instead, one each frame ([`crate::sim::slices`]): the same code and the same
//! numbers, the page drawing between slices.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};

use crate::platform;
use crate::sim::ensemble::{Control, EnsembleError};
use crate::sim::slices::Slices;

/// Asks the app for a frame (from a job's thread, when the job ends).
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// Seconds between frames while a job runs, to move its progress bar.
const PROGRESS_REPAINT_SECONDS: f64 = 0.1;

/// Seconds to the next frame when a job is due: soon, but not zero, which would ask for
/// frames at once again and again (and end no test harness's run).
const NEXT_FRAME_SECONDS: f64 = 0.001;

/// Seconds of work a slice aims at, so that a frame with one stays within a frame or two.
const SLICE_SECONDS: f64 = 0.012;

/// Runs in a job's first slice, before the worker has timed one.
const FIRST_SLICE_RUNS: usize = 64;

/// Why a job gave no result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobError {
    #[error("cancelled")]
    Cancelled,
    /// The job's slice is spent; it goes on in the next ([`crate::sim::slices`]).
    #[error("paused")]
    Paused,
    #[error("{0}")]
    Failed(String),
}

impl From<EnsembleError> for JobError {
    fn from(e: EnsembleError) -> Self {
        match e {
            EnsembleError::Cancelled => JobError::Cancelled,
            EnsembleError::Paused => JobError::Paused,
            other => JobError::Failed(other.to_string()),
        }
    }
}

/// The work of a job: it reports progress and checks for cancellation through the control.
/// Run in slices, it is called again after every [`JobError::Paused`].
pub type Job<T> = Box<dyn FnMut(Control<'_>) -> Result<T, JobError> + Send>;

/// Where a worker is, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Nothing asked yet.
    Idle,
    /// A job waits for the inputs to settle.
    Waiting,
    /// A job runs: `done` of `total` runs so far.
    Running { done: usize, total: usize },
    /// The latest job finished; its result is in the slot.
    Done,
    /// The latest job was cancelled after `done` of `total` runs.
    Cancelled { done: usize, total: usize },
    /// The latest job failed.
    Failed(String),
}

struct Pending<T> {
    due: f64,
    total: usize,
    job: Job<T>,
}

struct Running<T> {
    progress: Arc<AtomicUsize>,
    cancel: Arc<AtomicBool>,
    total: usize,
    runner: Runner<T>,
}

/// Where a running job runs.
enum Runner<T> {
    /// On its own thread, answering on the channel.
    Thread(mpsc::Receiver<Result<T, JobError>>),
    /// A slice each frame on the UI thread.
    Sliced {
        job: Job<T>,
        slices: Slices,
        /// Runs in the next slice, adapted to [`SLICE_SECONDS`].
        budget: usize,
    },
}

impl<T> Running<T> {
    fn done(&self) -> usize {
        self.progress.load(Ordering::Relaxed).min(self.total)
    }

    /// The job's answer if it has come; run in slices, the job's next slice runs first.
    fn answer(&mut self) -> Option<Result<T, JobError>> {
        match &mut self.runner {
            Runner::Thread(answer) => match answer.try_recv() {
                Ok(answer) => Some(answer),
                Err(mpsc::TryRecvError::Empty) => None,
                Err(mpsc::TryRecvError::Disconnected) => Some(Err(JobError::Failed(
                    "the analysis stopped unexpectedly".into(),
                ))),
            },
            Runner::Sliced {
                job,
                slices,
                budget,
            } => {
                let control = Control {
                    progress: Some(&self.progress),
                    cancel: Some(&self.cancel),
                };
                let started = platform::now_seconds();
                let runs = *budget;
                let answer = slices.run(runs, || job(control));
                // The next slice's runs, from this one's speed, within a factor of two.
                let seconds = platform::now_seconds() - started;
                if seconds > 0.0 {
                    let fit = (runs as f64 * SLICE_SECONDS / seconds) as usize;
                    *budget = fit.clamp(runs / 2, runs * 2).max(1);
                } else {
                    *budget = runs * 2;
                }
                match answer {
                    Err(JobError::Paused) => None,
                    answer => Some(answer),
                }
            }
        }
    }
}

/// Runs one job at a time off the UI thread and keeps the latest result.
pub struct Worker<T> {
    pending: Option<Pending<T>>,
    running: Option<Running<T>>,
    result: Option<T>,
    /// How the latest job ended (while none is pending or running).
    ended: Status,
    /// Counts the results received, so views can tell a new one.
    generation: u64,
    /// Whether jobs run on threads or in slices.
    threads: bool,
}

impl<T> Default for Worker<T> {
    fn default() -> Self {
        Self {
            pending: None,
            running: None,
            result: None,
            ended: Status::Idle,
            generation: 0,
            threads: platform::THREADS,
        }
    }
}

impl<T> Drop for Worker<T> {
    fn drop(&mut self) {
        // A job nobody will read stops at once.
        if let Some(running) = &self.running {
            running.cancel.store(true, Ordering::Relaxed);
        }
    }
}

impl<T: Send + 'static> Worker<T> {
    /// A worker that runs its jobs in slices on the calling thread, as where there are no
    /// threads.
    pub fn sliced() -> Self {
        let mut worker = Self::default();
        worker.threads = false;
        worker
    }

    /// Queues `job` (of `total` runs, for progress) to start `delay` seconds after `now`,
    /// replacing any job waiting, and cancelling the one running.
    pub fn schedule(
        &mut self,
        now: f64,
        delay: f64,
        total: usize,
        job: impl FnMut(Control<'_>) -> Result<T, JobError> + Send + 'static,
    ) {
        self.stop_running();
        self.pending = Some(Pending {
            due: now + delay.max(0.0),
            total,
            job: Box::new(job),
        });
    }

    /// Stops the job running or waiting; the previous result stays in the slot.
    pub fn cancel(&mut self) {
        let (done, total) = match (&self.running, &self.pending) {
            (Some(r), _) => (r.done(), r.total),
            (None, Some(p)) => (0, p.total),
            (None, None) => return,
        };
        self.stop_running();
        self.pending = None;
        self.ended = Status::Cancelled { done, total };
    }

    fn stop_running(&mut self) {
        if let Some(running) = self.running.take() {
            running.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// Starts the waiting job if it is due and takes the running job's answer if it has
    /// come. Returns whether a new result arrived. `wake` is called when a job ends.
    pub fn poll(&mut self, now: f64, wake: Option<&Wake>) -> bool {
        let mut arrived = false;
        if let Some(running) = &mut self.running
            && let Some(answer) = running.answer()
        {
            let (done, total) = (running.done(), running.total);
            self.running = None;
            match answer {
                Ok(result) => {
                    self.result = Some(result);
                    self.generation += 1;
                    self.ended = Status::Done;
                    arrived = true;
                }
                Err(JobError::Cancelled | JobError::Paused) => {
                    self.ended = Status::Cancelled { done, total };
                }
                Err(JobError::Failed(message)) => self.ended = Status::Failed(message),
            }
        }
        if self.pending.as_ref().is_some_and(|p| p.due <= now)
            && let Some(pending) = self.pending.take()
        {
            self.start(pending, wake);
        }
        arrived
    }

    fn start(&mut self, pending: Pending<T>, wake: Option<&Wake>) {
        let progress = Arc::new(AtomicUsize::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        if !self.threads {
            self.running = Some(Running {
                progress,
                cancel,
                total: pending.total,
                runner: Runner::Sliced {
                    job: pending.job,
                    slices: Slices::new(),
                    budget: FIRST_SLICE_RUNS,
                },
            });
            return;
        }
        let (send, answer) = mpsc::channel();
        let (p, c) = (progress.clone(), cancel.clone());
        let wake = wake.cloned();
        let mut job = pending.job;
        let spawned = std::thread::Builder::new()
            .name("what-if".into())
            .spawn(move || {
                let control = Control {
                    progress: Some(&p),
                    cancel: Some(&c),
                };
                // A panic in a job must not take the app down: it becomes a failure.
                let answer = std::panic::catch_unwind(AssertUnwindSafe(|| job(control)))
                    .unwrap_or_else(|_| {
                        Err(JobError::Failed(
                            "the analysis stopped on an internal error".into(),
                        ))
                    });
                let _ = send.send(answer);
                if let Some(wake) = wake {
                    wake();
                }
            });
        match spawned {
            Ok(_) => {
                self.running = Some(Running {
                    progress,
                    cancel,
                    total: pending.total,
                    runner: Runner::Thread(answer),
                })
            }
            Err(e) => self.ended = Status::Failed(format!("cannot start the analysis: {e}")),
        }
    }

    /// Where the worker is.
    pub fn status(&self) -> Status {
        if let Some(r) = &self.running {
            Status::Running {
                done: r.done(),
                total: r.total,
            }
        } else if self.pending.is_some() {
            Status::Waiting
        } else {
            self.ended.clone()
        }
    }

    /// Whether a job waits or runs.
    pub fn is_busy(&self) -> bool {
        self.running.is_some() || self.pending.is_some()
    }

    /// The latest result, possibly of earlier inputs while a newer job runs.
    pub fn result(&self) -> Option<&T> {
        self.result.as_ref()
    }

    /// Counts the results received so far.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Seconds until the app should draw again to move this worker on, if it should.
    pub fn repaint_after(&self, now: f64) -> Option<f64> {
        if let Some(running) = &self.running {
            Some(match running.runner {
                Runner::Thread(_) => PROGRESS_REPAINT_SECONDS,
                // The next slice at the next frame.
                Runner::Sliced { .. } => 0.0,
            })
        } else {
            self.pending
                .as_ref()
                .map(|p| (p.due - now).max(NEXT_FRAME_SECONDS))
        }
    }
}

/// An analysis that recomputes itself when its request changes: the request last asked
/// for, and a worker whose results carry the request they answer.
pub struct Recomputed<R, T> {
    worker: Worker<(R, T)>,
    requested: Option<R>,
}

impl<R, T> Default for Recomputed<R, T> {
    fn default() -> Self {
        Self {
            worker: Worker::default(),
            requested: None,
        }
    }
}

impl<R: Clone + PartialEq + Send + 'static, T: Send + 'static> Recomputed<R, T> {
    /// An analysis whose jobs run in slices (see [`Worker::sliced`]).
    pub fn sliced() -> Self {
        Self {
            worker: Worker::sliced(),
            requested: None,
        }
    }

    /// Asks for `request`: when it differs from the last one asked, the job running for
    /// the last one is cancelled at once and `run` is scheduled to start at the next poll
    /// (the next frame), so that a request made while drawing a frame is not raced by its
    /// own result.
    pub fn want(
        &mut self,
        now: f64,
        request: R,
        total: usize,
        mut run: impl FnMut(&R, Control<'_>) -> Result<T, JobError> + Send + 'static,
    ) {
        if self.requested.as_ref() == Some(&request) {
            return;
        }
        self.requested = Some(request.clone());
        self.worker.schedule(now, 0.0, total, move |control| {
            let out = run(&request, control)?;
            Ok((request.clone(), out))
        });
    }

    /// Forgets the last request, so that the next [`Self::want`] starts again even if the
    /// request is the same (after a cancel).
    pub fn rerun(&mut self) {
        self.requested = None;
    }

    pub fn cancel(&mut self) {
        self.worker.cancel();
    }

    /// See [`Worker::poll`].
    pub fn poll(&mut self, now: f64, wake: Option<&Wake>) -> bool {
        self.worker.poll(now, wake)
    }

    pub fn status(&self) -> Status {
        self.worker.status()
    }

    pub fn is_busy(&self) -> bool {
        self.worker.is_busy()
    }

    /// The request last asked for (its result may still be on the way).
    pub fn requested(&self) -> Option<&R> {
        self.requested.as_ref()
    }

    /// The latest result and the request it answers.
    pub fn latest(&self) -> Option<&(R, T)> {
        self.worker.result()
    }

    /// The latest result.
    pub fn result(&self) -> Option<&T> {
        self.latest().map(|(_, t)| t)
    }

    /// Whether the latest result answers the last request.
    pub fn is_current(&self) -> bool {
        matches!((self.latest(), &self.requested), (Some((r, _)), Some(q)) if r == q)
    }

    pub fn generation(&self) -> u64 {
        self.worker.generation()
    }

    pub fn repaint_after(&self, now: f64) -> Option<f64> {
        self.worker.repaint_after(now)
    }
}

/// An analysis whatever its request and result: what the app does with every one of them
/// (cancel, run again, poll, ask for a frame, show its state) is written once over this.
pub trait Recompute {
    fn cancel(&mut self);
    fn rerun(&mut self);
    fn poll(&mut self, now: f64, wake: Option<&Wake>) -> bool;
    fn status(&self) -> Status;
    fn is_busy(&self) -> bool;
    fn has_result(&self) -> bool;
    fn is_current(&self) -> bool;
    fn generation(&self) -> u64;
    fn repaint_after(&self, now: f64) -> Option<f64>;
}

impl<R: Clone + PartialEq + Send + 'static, T: Send + 'static> Recompute for Recomputed<R, T> {
    fn cancel(&mut self) {
        Recomputed::cancel(self);
    }
    fn rerun(&mut self) {
        Recomputed::rerun(self);
    }
    fn poll(&mut self, now: f64, wake: Option<&Wake>) -> bool {
        Recomputed::poll(self, now, wake)
    }
    fn status(&self) -> Status {
        Recomputed::status(self)
    }
    fn is_busy(&self) -> bool {
        Recomputed::is_busy(self)
    }
    fn has_result(&self) -> bool {
        self.latest().is_some()
    }
    fn is_current(&self) -> bool {
        Recomputed::is_current(self)
    }
    fn generation(&self) -> u64 {
        Recomputed::generation(self)
    }
    fn repaint_after(&self, now: f64) -> Option<f64> {
        Recomputed::repaint_after(self, now)
    }
}

impl<R, T> std::fmt::Debug for Recomputed<R, T>
where
    T: Send + 'static,
    R: Send + 'static,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recomputed")
            .field("status", &self.worker.status())
            .field("generation", &self.worker.generation())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    /// Polls until the worker is no longer busy, advancing the clock by 0.1 s a poll.
    fn settle<T: Send + 'static>(worker: &mut Worker<T>, now: &mut f64) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while worker.is_busy() {
            assert!(Instant::now() < deadline, "the job did not end");
            *now += 0.1;
            worker.poll(*now, None);
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn a_job_waits_for_its_delay_then_runs_off_the_calling_thread() {
        let mut worker: Worker<std::thread::ThreadId> = Worker::default();
        worker.schedule(0.0, 0.3, 1, |_| Ok(std::thread::current().id()));
        worker.poll(0.1, None);
        assert_eq!(worker.status(), Status::Waiting);
        let mut now = 0.1;
        settle(&mut worker, &mut now);
        assert_eq!(worker.status(), Status::Done);
        assert_ne!(worker.result(), Some(&std::thread::current().id()));
        assert_eq!(worker.generation(), 1);
    }

    #[test]
    fn a_newer_job_replaces_a_waiting_one() {
        let mut worker: Worker<u32> = Worker::default();
        worker.schedule(0.0, 0.3, 1, |_| Ok(1));
        worker.schedule(0.2, 0.3, 1, |_| Ok(2));
        worker.poll(0.4, None);
        assert_eq!(worker.status(), Status::Waiting, "the delay restarted");
        let mut now = 0.4;
        settle(&mut worker, &mut now);
        assert_eq!(worker.result(), Some(&2));
        assert_eq!(worker.generation(), 1);
    }

    #[test]
    fn cancel_stops_a_running_job_and_keeps_its_progress() {
        let mut worker: Worker<u32> = Worker::default();
        worker.schedule(0.0, 0.0, 1_000, |control| {
            for _ in 0..1_000 {
                if control.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
                    return Err(JobError::Cancelled);
                }
                if let Some(p) = control.progress {
                    p.fetch_add(1, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            Ok(7)
        });
        worker.poll(0.0, None);
        let deadline = Instant::now() + Duration::from_secs(10);
        while !matches!(worker.status(), Status::Running { done, .. } if done > 0) {
            assert!(Instant::now() < deadline, "the job never progressed");
            std::thread::sleep(Duration::from_millis(2));
        }
        worker.cancel();
        let Status::Cancelled { done, total } = worker.status() else {
            panic!("not cancelled: {:?}", worker.status());
        };
        assert!(done > 0 && done < total, "{done} of {total}");
        assert!(!worker.is_busy());
        assert_eq!(worker.result(), None);
        assert_eq!(worker.repaint_after(0.0), None);
    }

    #[test]
    fn failures_and_panics_are_reported_not_raised() {
        let mut worker: Worker<u32> = Worker::default();
        let mut now = 0.0;
        worker.schedule(now, 0.0, 1, |_| {
            Err(JobError::Failed("no such path".into()))
        });
        settle(&mut worker, &mut now);
        assert_eq!(worker.status(), Status::Failed("no such path".into()));
        worker.schedule(now, 0.0, 1, |_| panic!("boom"));
        settle(&mut worker, &mut now);
        assert!(matches!(worker.status(), Status::Failed(_)));
    }
    #[test]
    fn a_changed_request_cancels_the_stale_job_and_starts_at_the_next_poll() {
        let mut analysis: Recomputed<u32, u32> = Recomputed::default();
        let slow = |r: &u32, control: Control<'_>| {
            for _ in 0..5_000 {
                if control.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
                    return Err(JobError::Cancelled);
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            Ok(*r)
        };
        analysis.want(0.0, 1, 1, slow);
        assert_eq!(
            analysis.status(),
            Status::Waiting,
            "not in the frame that asked"
        );
        analysis.poll(0.0, None);
        assert!(matches!(analysis.status(), Status::Running { .. }));
        // The next request, in the same instant: the stale job stops, the new one waits
        // for the next poll only.
        analysis.want(0.0, 2, 1, |r, _| Ok(*r * 10));
        assert_eq!(analysis.status(), Status::Waiting);
        assert_eq!(analysis.repaint_after(0.0), Some(NEXT_FRAME_SECONDS));
        analysis.poll(0.0, None);
        let deadline = Instant::now() + Duration::from_secs(10);
        while analysis.is_busy() {
            assert!(Instant::now() < deadline, "the job did not end");
            analysis.poll(0.0, None);
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(analysis.latest(), Some(&(2, 20)));
        assert!(analysis.is_current());
        assert_eq!(analysis.generation(), 1, "the stale job gave nothing");
    }
}
