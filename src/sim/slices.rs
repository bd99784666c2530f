//! Ensembles in slices, for a caller with no threads (the app in a browser): an analysis
//! runs for a budget of runs, stops where it is, and carries on from there when it is run
//! again, so the page can draw between slices.
//!
//! An analysis is a function that calls [`super::ensemble::run_ensemble`] one or more times
//! in a fixed order (a comparison runs one ensemble per plan). Inside [`Slices::run`], the
//! n-th call of the analysis resumes the n-th ensemble where the last slice left it: an
//! ensemble already finished is handed back at once, one half done goes on with its next
//! block of runs, and when the budget is spent the call returns
//! [`super::ensemble::EnsembleError::Paused`], which the analysis passes up with `?`. The
//! caller runs the whole analysis again, slice after slice, until it ends otherwise.
//!
//! Blocks of runs are the same, and are summed in the same order, as when threads share
//! them out: the result is the same to the last bit as in one go. The slices are found
//! through a thread-local set for the duration of [`Slices::run`] rather than passed down,
//! so that the analyses and their callers need not know about them.

use std::cell::RefCell;
use std::sync::{Arc, Mutex, PoisonError};

use super::ensemble::{Ensemble, Partial};

/// The ensembles of one analysis, as far as its slices have taken them.
#[derive(Default)]
pub struct Slices {
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    /// The ensembles of the analysis, in the order it runs them.
    saved: Vec<Saved>,
    /// The calls to `run_ensemble` so far in this slice.
    calls: usize,
    /// Runs left in this slice's budget.
    budget: usize,
}

enum Saved {
    Partial(Partial),
    Done(Ensemble),
    /// Taken by the call that is resuming it.
    Taken,
}

/// What an ensemble call should do, by its place in the analysis.
pub(super) enum Resume {
    /// Start afresh.
    New,
    /// Go on from where the last slice stopped.
    Partial(Partial),
    /// Finished in an earlier slice.
    Done(Ensemble),
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<Mutex<State>>>> = const { RefCell::new(None) };
}

impl Slices {
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs `analysis` for about `budget` runs (whole blocks: a slice ends after the block
    /// that spends its budget), resuming the ensembles earlier slices began.
    pub fn run<T>(&self, budget: usize, analysis: impl FnOnce() -> T) -> T {
        {
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            state.calls = 0;
            state.budget = budget.max(1);
        }
        let previous = CURRENT.with(|c| c.replace(Some(self.state.clone())));
        // Put back even if the analysis panics, so that a later analysis on this thread
        // does not resume the wrong ensembles.
        struct Restore(Option<Arc<Mutex<State>>>);
        impl Drop for Restore {
            fn drop(&mut self) {
                let previous = self.0.take();
                CURRENT.with(|c| *c.borrow_mut() = previous);
            }
        }
        let _restore = Restore(previous);
        analysis()
    }
}

/// Whether an ensemble now runs in slices.
pub(super) fn active() -> bool {
    CURRENT.with(|c| c.borrow().is_some())
}

/// The next ensemble call of the analysis: its number, and where to start it.
pub(super) fn resume() -> (usize, Resume) {
    with_state(|state| {
        let call = state.calls;
        state.calls += 1;
        let resume = match state.saved.get_mut(call) {
            Some(Saved::Done(ensemble)) => Resume::Done(ensemble.clone()),
            Some(saved @ Saved::Partial(_)) => match std::mem::replace(saved, Saved::Taken) {
                Saved::Partial(partial) => Resume::Partial(partial),
                _ => Resume::New,
            },
            _ => Resume::New,
        };
        (call, resume)
    })
    .unwrap_or((0, Resume::New))
}

/// Counts `runs` against the slice's budget; true when it is spent.
pub(super) fn spend(runs: usize) -> bool {
    with_state(|state| {
        state.budget = state.budget.saturating_sub(runs);
        state.budget == 0
    })
    .unwrap_or(false)
}

/// Keeps call `call`'s unfinished ensemble for the next slice.
pub(super) fn pause(call: usize, partial: Partial) {
    keep(call, Saved::Partial(partial));
}

/// Keeps call `call`'s finished ensemble for the next slices.
pub(super) fn finish(call: usize, ensemble: &Ensemble) {
    keep(call, Saved::Done(ensemble.clone()));
}

fn keep(call: usize, saved: Saved) {
    with_state(|state| {
        while state.saved.len() <= call {
            state.saved.push(Saved::Taken);
        }
        state.saved[call] = saved;
    });
}

fn with_state<R>(f: impl FnOnce(&mut State) -> R) -> Option<R> {
    let state = CURRENT.with(|c| c.borrow().clone())?;
    let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
    Some(f(&mut state))
}
