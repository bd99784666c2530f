//! A playing session: the scenario, the seed, the tree of decisions with its branches, and
//! the session file that holds all of it.
//!
//! The session is the truth the GUI renders. It changes only through [`Session::apply`]
//! with a [`Command`], so anything the GUI can do a test can do without a window. Runs are
//! recomputed from the decisions (a run is a pure function of them), never stored.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::exercise::{Exercise, Settings};
use crate::files::atomic_write;
use crate::plan::{Outlook, PlanKind, PlanStart, WeeklyPlan, plan_weeks, same_group};
use crate::scenario::expr::NoDraws;
use crate::scenario::limits::{MAX_BRANCHES, MAX_NAME_CHARS, MAX_NOTES_CHARS};
use crate::scenario::{self, DiagnosticKind, FileError, FileErrorKind, Model, load};
use crate::sim::{self, Decisions, Injects, Overrides, Refusal, Run, Sim, rng::RunKey};

mod loading;

/// Format of session files written by this version.
pub const SESSION_FORMAT: u32 = 1;
/// The seed a new session starts with, so that a class shares one future by default.
pub const DEFAULT_SEED: u64 = 2013;

/// One line of play: the decisions taken week by week.
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    pub name: String,
    pub decisions: Decisions,
    /// The branch and week this one was forked from.
    pub parent: Option<(usize, usize)>,
    /// The player's plan for the weeks not played yet; a new branch starts with its
    /// parent's.
    pub plan: WeeklyPlan,
}

/// Who played the session: asked once, saved in the session file, printed on reports.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Student {
    /// The student's name, as they wrote it (or several names for a pair).
    pub name: String,
    /// The class or group, e.g. `"12B"`; may be empty.
    #[serde(default)]
    pub group: String,
}

impl Student {
    /// The student's name as the start of a file name: `Ada Lovelace` gives
    /// `Lovelace-Ada`, `Lovelace, Ada` too; anything but letters and digits becomes `-`.
    pub fn file_stem(&self) -> String {
        let name = self.name.trim();
        let words: Vec<&str> = match name.split_once(',') {
            Some((last, first)) => last
                .split_whitespace()
                .chain(first.split_whitespace())
                .collect(),
            None => {
                let mut words: Vec<&str> = name.split_whitespace().collect();
                if let Some(last) = words.pop() {
                    words.insert(0, last);
                }
                words
            }
        };
        let stem = sanitize(&words.join("-"));
        if stem.is_empty() {
            "student".into()
        } else {
            stem
        }
    }
}

/// Letters and digits kept, every other run of characters one `-`, at most 60 characters.
pub fn sanitize(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out: String = out.chars().take(60).collect();
    out.trim_end_matches('-').to_string()
}

/// What the user can do to a session.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Select or unselect a choice for the week being decided.
    Toggle(usize),
    /// Replace the selection.
    Select(Vec<usize>),
    /// Play the week being decided with the selection. At a past week with a different
    /// selection, this makes a new branch.
    Commit,
    /// Take back the last week played on this branch; its choices become the selection.
    Undo,
    /// Look at (and decide again) the week starting after `turn` weeks.
    GoTo(usize),
    SwitchBranch(usize),
    RenameBranch(usize, String),
    SetNotes(String),
    /// Fix a parameter's value (what-if), or release it with `None`.
    SetParameter(usize, Option<f64>),
    SetSeed(u64),
    /// Name who plays the session; an empty name removes it.
    SetStudent(Student),
    /// The "why I chose this" line for the week being decided, kept with it at Commit.
    SetReason(String),
    /// Fire an event of the scenario in the week being decided (the teacher's inject).
    Inject(usize),
    /// Lock a choice from the week being decided on, or unlock it (the teacher's switch).
    SetLock(usize, bool),
    /// Plan a choice for a later week of the active branch, or take it out of the plan.
    Plan {
        week: usize,
        choice: usize,
    },
    /// Take every choice out of one week of the active branch's plan.
    ClearPlannedWeek(usize),
    /// Take every choice out of the active branch's plan.
    ClearPlan,
    /// Commit the week being decided, then the weeks after it with their planned choices
    /// (or none), until a week where something new can be decided: a choice that could not
    /// be taken the week before can be, or the plan has choices then; or the end.
    PlayOn,
}

/// Why a command was not carried out. The session is unchanged.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CommandError {
    #[error("{0}")]
    Refused(Refusal),
    #[error("there is no branch {0}")]
    NoBranch(usize),
    #[error("week {0} has not been played on this branch")]
    NoSuchWeek(usize),
    #[error("nothing to undo")]
    NothingToUndo,
    #[error("a branch name cannot be empty")]
    EmptyName,
    #[error("there is no parameter {0}")]
    NoParameter(usize),
    #[error("week {0} cannot be planned: it is not a later week of the scenario")]
    NotPlannable(usize),
    #[error("the decisions no longer fit the scenario at week {week}: {refusal}")]
    Replay { week: usize, refusal: Refusal },
    #[error("write a line on why you chose this before committing the week")]
    ReasonRequired,
    #[error("there is no event {0}")]
    NoEvent(usize),
    #[error("an event can be injected only in the week being decided, at the end of the branch")]
    NotAtHead,
    #[error("only an exercise can lock choices")]
    NoExercise,
    #[error("a session holds at most {MAX_BRANCHES} branches")]
    TooManyBranches,
    #[error("a branch name is at most {MAX_NAME_CHARS} characters long")]
    NameTooLong,
    #[error("the notes are at most {MAX_NOTES_CHARS} characters long")]
    NotesTooLong,
}

/// A playing session.
#[derive(Debug, Clone)]
pub struct Session {
    model: Arc<Model>,
    seed: u64,
    overrides: Overrides,
    branches: Vec<Branch>,
    active: usize,
    /// The week being viewed and decided on the active branch (0-based turn index).
    cursor: usize,
    selection: BTreeSet<usize>,
    pub notes: String,
    student: Option<Student>,
    /// The "why I chose this" lines, by (branch, turn).
    reasons: BTreeMap<(usize, usize), String>,
    /// The reason being written for the week at the cursor.
    draft_reason: String,
    /// Whether a week can be committed only with a reason.
    reasons_required: bool,
    /// The teacher's settings, when the session plays an exercise.
    exercise: Option<Exercise>,
    /// Events forced to fire, per branch (the exercise's schedule and the teacher's).
    injects: Vec<Injects>,
    /// The active branch's run, recomputed on every change.
    run: Run,
    /// Each choice's availability at the cursor.
    availability: Vec<Result<(), Refusal>>,
    /// Whether the selection as a whole can be committed.
    selection_check: Result<(), Refusal>,
    /// What the active branch's plan meets in the weeks after the cursor.
    outlook: Outlook,
}

impl Session {
    /// A new session at the start of `model`.
    pub fn new(model: Model) -> Self {
        Self::with_seed(Arc::new(model), DEFAULT_SEED)
    }

    /// A new session with a given seed.
    pub fn with_seed(model: Arc<Model>, seed: u64) -> Self {
        let overrides = Overrides::none(&model);
        let run =
            sim::run(&model, seed, &overrides, &[]).unwrap_or_else(|_| empty_run(&model, seed));
        let mut session = Self {
            model,
            seed,
            overrides,
            branches: vec![Branch {
                name: "Main".into(),
                decisions: Vec::new(),
                parent: None,
                plan: WeeklyPlan::default(),
            }],
            active: 0,
            cursor: 0,
            selection: BTreeSet::new(),
            notes: String::new(),
            student: None,
            reasons: BTreeMap::new(),
            draft_reason: String::new(),
            reasons_required: false,
            exercise: None,
            injects: vec![Injects::new()],
            run,
            availability: Vec::new(),
            selection_check: Ok(()),
            outlook: Outlook::default(),
        };
        session.refresh_choices();
        session
    }

    /// A new session playing an exercise: its seed, its injects and its rules.
    pub fn with_exercise(model: Arc<Model>, exercise: Exercise) -> Self {
        let seed = exercise.settings.seed.unwrap_or(DEFAULT_SEED);
        let mut session = Self::with_seed(model, seed);
        session.reasons_required = exercise.settings.reasons_required;
        session.injects = vec![exercise.injects(&session.model)];
        session.exercise = Some(exercise);
        let _ = session.rerun();
        session
    }

    /// A new session on the same scenario, seed and exercise, at the first week; the
    /// student stays.
    pub fn restarted(&self) -> Self {
        let mut session = match &self.exercise {
            Some(exercise) => Self::with_exercise(Arc::clone(&self.model), exercise.clone()),
            None => Self::with_seed(Arc::clone(&self.model), self.seed),
        };
        session.seed = self.seed;
        session.student = self.student.clone();
        let _ = session.rerun();
        session
    }

    /// The exercise played, if any.
    pub fn exercise(&self) -> Option<&Exercise> {
        self.exercise.as_ref()
    }

    /// The events forced to fire on a branch, by turn.
    pub fn injects(&self, branch: usize) -> Option<&Injects> {
        self.injects.get(branch)
    }

    /// The events forced to fire on the active branch: what every simulated future of it
    /// fires too.
    pub fn active_injects(&self) -> Injects {
        self.injects.get(self.active).cloned().unwrap_or_default()
    }

    pub fn model(&self) -> &Arc<Model> {
        &self.model
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn overrides(&self) -> &Overrides {
        &self.overrides
    }

    pub fn branches(&self) -> &[Branch] {
        &self.branches
    }

    pub fn active(&self) -> usize {
        self.active
    }

    pub fn active_branch(&self) -> &Branch {
        &self.branches[self.active]
    }

    /// The week being viewed and decided (turns played before it).
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Weeks played on the active branch.
    pub fn played(&self) -> usize {
        self.active_branch().decisions.len()
    }

    /// Whether the active branch has reached the scenario's end.
    pub fn is_finished(&self) -> bool {
        self.played() >= self.model.turns()
    }

    /// Whether the cursor is at the latest week of the branch (not looking back).
    pub fn at_head(&self) -> bool {
        self.cursor == self.played()
    }

    pub fn selection(&self) -> &BTreeSet<usize> {
        &self.selection
    }

    /// Who plays the session, once they have said.
    pub fn student(&self) -> Option<&Student> {
        self.student.as_ref()
    }

    /// Why the week `turn` (0-based) of `branch` was decided as it was, if a reason was given.
    pub fn reason(&self, branch: usize, turn: usize) -> Option<&str> {
        self.reasons.get(&(branch, turn)).map(String::as_str)
    }

    /// The reason being written for the week at the cursor.
    pub fn draft_reason(&self) -> &str {
        &self.draft_reason
    }

    /// Whether a week can be committed only with a reason.
    pub fn reasons_required(&self) -> bool {
        self.reasons_required
    }

    /// Asks for a reason with every week from now on (an exercise's setting), or not.
    pub fn require_reasons(&mut self, required: bool) {
        self.reasons_required = required;
    }

    /// The active branch's run.
    pub fn run(&self) -> &Run {
        &self.run
    }

    /// The state at the cursor.
    pub fn state(&self) -> &[f64] {
        self.run.state(self.cursor)
    }

    /// Whether a choice can be taken at the cursor, and if not, why.
    pub fn availability(&self, choice: usize) -> &Result<(), Refusal> {
        static FINISHED: Result<(), Refusal> = Err(Refusal::Finished);
        self.availability.get(choice).unwrap_or(&FINISHED)
    }

    /// Whether the current selection can be committed.
    pub fn selection_check(&self) -> &Result<(), Refusal> {
        &self.selection_check
    }

    /// The active branch's plan for the weeks not played yet.
    pub fn plan(&self) -> &WeeklyPlan {
        &self.active_branch().plan
    }

    /// Whether a choice planned for a week after the cursor can be taken then if the
    /// player follows the plan (in this session's future), and if not, why; `None` for
    /// the cursor's week and before.
    pub fn planned_availability(&self, week: usize, choice: usize) -> Option<&Result<(), Refusal>> {
        self.outlook.availability(week, choice)
    }

    /// The choices of every week from the first under a plan: the weeks before the cursor
    /// as played, the selection, then the plan.
    pub fn plan_weeks(&self, kind: &PlanKind) -> Decisions {
        let start = PlanStart {
            played: &self.active_branch().decisions,
            cursor: self.cursor,
            selection: &self.selection.iter().copied().collect::<Vec<_>>(),
        };
        plan_weeks(&self.model, start, kind, self.plan())
    }

    /// Total cost of the selection per player resource: (actor resource index, amount).
    pub fn selection_cost(&self) -> BTreeMap<usize, f64> {
        let mut total = BTreeMap::new();
        let role = self.model.role();
        let start = self.model.layout.resources[role].start;
        for &c in &self.selection {
            for &(slot, amount) in &self.model.choices[c].cost {
                *total.entry(slot - start).or_insert(0.0) += amount;
            }
        }
        total
    }

    /// The run of any branch.
    pub fn branch_run(&self, branch: usize) -> Option<Run> {
        let b = self.branches.get(branch)?;
        sim::run_injected(
            &self.model,
            self.seed,
            &self.overrides,
            &b.decisions,
            &self.injects[branch],
        )
        .ok()
    }

    /// The run of a reference path of the scenario (e.g. `history`), to the end.
    pub fn reference_run(&self, path: &str) -> Option<Run> {
        let decisions = self.model.path_decisions(path)?;
        let scheduled = self
            .exercise
            .as_ref()
            .map(|e| e.injects(&self.model))
            .unwrap_or_default();
        sim::run_injected(
            &self.model,
            self.seed,
            &self.overrides,
            &decisions,
            &scheduled,
        )
        .ok()
    }

    /// The scenario's outcomes evaluated on a state (normally a run's last), in file order.
    pub fn outcome_values(&self, state: &[f64]) -> Vec<f64> {
        self.model
            .outcomes
            .iter()
            .map(|o| o.eval(state, &mut NoDraws))
            .collect()
    }

    /// Whether each of the scenario's goals holds on a state, in file order.
    pub fn goals_met(&self, state: &[f64]) -> Vec<bool> {
        self.model
            .goals
            .iter()
            .map(|g| g.eval(state, &mut NoDraws) != 0.0)
            .collect()
    }

    /// Carries out a command; on error nothing changes.
    pub fn apply(&mut self, command: Command) -> Result<(), CommandError> {
        match command {
            Command::Toggle(c) => {
                if c >= self.model.choices.len() {
                    return Err(CommandError::Refused(Refusal::Unknown(c)));
                }
                if !self.selection.remove(&c) {
                    if let Err(refusal) = self.availability(c) {
                        return Err(CommandError::Refused(refusal.clone()));
                    }
                    // Selecting a choice replaces any other of its group.
                    let model = &self.model;
                    self.selection.retain(|&o| !same_group(model, o, c));
                    self.selection.insert(c);
                }
                self.refresh_choices();
                Ok(())
            }
            Command::Select(choices) => {
                if let Some(&c) = choices.iter().find(|&&c| c >= self.model.choices.len()) {
                    return Err(CommandError::Refused(Refusal::Unknown(c)));
                }
                self.selection = choices.into_iter().collect();
                self.refresh_choices();
                Ok(())
            }
            Command::Commit => self.commit(),
            Command::Undo => {
                if self.played() == 0 {
                    return Err(CommandError::NothingToUndo);
                }
                let last = self.branches[self.active]
                    .decisions
                    .pop()
                    .unwrap_or_default();
                self.cursor = self.played();
                self.selection = last.into_iter().collect();
                self.draft_reason = self
                    .reasons
                    .remove(&(self.active, self.cursor))
                    .unwrap_or_default();
                self.rerun()
            }
            Command::GoTo(turn) => {
                if turn > self.played() {
                    return Err(CommandError::NoSuchWeek(turn));
                }
                self.cursor = turn;
                self.selection = self
                    .active_branch()
                    .decisions
                    .get(turn)
                    .into_iter()
                    .flatten()
                    .copied()
                    .collect();
                self.draft_reason = self.reason(self.active, turn).unwrap_or_default().into();
                self.refresh_choices();
                self.take_plan();
                Ok(())
            }
            Command::SwitchBranch(b) => {
                if b >= self.branches.len() {
                    return Err(CommandError::NoBranch(b));
                }
                let previous = (self.active, self.cursor, self.selection.clone());
                self.active = b;
                self.cursor = self.played();
                self.selection.clear();
                self.draft_reason.clear();
                self.rerun()
                    .inspect_err(|_| {
                        (self.active, self.cursor, self.selection) = previous;
                        let _ = self.rerun();
                    })
                    .map(|()| self.take_plan())
            }
            Command::RenameBranch(b, name) => {
                let name = name.trim().to_string();
                if name.is_empty() {
                    return Err(CommandError::EmptyName);
                }
                if name.chars().nth(MAX_NAME_CHARS).is_some() {
                    return Err(CommandError::NameTooLong);
                }
                self.branches
                    .get_mut(b)
                    .ok_or(CommandError::NoBranch(b))?
                    .name = name;
                Ok(())
            }
            Command::SetNotes(notes) => {
                if notes.chars().nth(MAX_NOTES_CHARS).is_some() {
                    return Err(CommandError::NotesTooLong);
                }
                self.notes = notes;
                Ok(())
            }
            Command::SetParameter(p, value) => {
                if p >= self.overrides.len() {
                    return Err(CommandError::NoParameter(p));
                }
                let old = self.overrides[p];
                self.overrides[p] = value.filter(|v| v.is_finite());
                self.rerun().inspect_err(|_| {
                    self.overrides[p] = old;
                    let _ = self.rerun();
                })
            }
            Command::SetSeed(seed) => {
                let old = self.seed;
                self.seed = seed;
                self.rerun().inspect_err(|_| {
                    self.seed = old;
                    let _ = self.rerun();
                })
            }
            Command::SetStudent(student) => {
                let student = Student {
                    name: student.name.trim().to_string(),
                    group: student.group.trim().to_string(),
                };
                self.student = (!student.name.is_empty()).then_some(student);
                Ok(())
            }
            Command::SetReason(reason) => {
                self.draft_reason = reason;
                Ok(())
            }
            Command::Inject(event) => {
                if event >= self.model.events.len() {
                    return Err(CommandError::NoEvent(event));
                }
                if !self.at_head() || self.is_finished() {
                    return Err(CommandError::NotAtHead);
                }
                let turn = self.cursor;
                let injects = &mut self.injects[self.active];
                let week = injects.entry(turn).or_default();
                if !week.contains(&event) {
                    week.push(event);
                }
                self.rerun()
            }
            Command::SetLock(choice, locked) => {
                if choice >= self.model.choices.len() {
                    return Err(CommandError::Refused(Refusal::Unknown(choice)));
                }
                let exercise = self.exercise.as_mut().ok_or(CommandError::NoExercise)?;
                exercise.set_lock(&self.model, choice, self.cursor, locked);
                if locked {
                    self.selection.remove(&choice);
                }
                self.refresh_choices();
                Ok(())
            }
            Command::Plan { week, choice } => {
                if week <= self.played() {
                    return Err(CommandError::NotPlannable(week));
                }
                if choice >= self.model.choices.len() {
                    return Err(CommandError::Refused(Refusal::Unknown(choice)));
                }
                let model = Arc::clone(&self.model);
                if !self.branches[self.active].plan.toggle(&model, week, choice) {
                    return Err(CommandError::NotPlannable(week));
                }
                self.refresh_choices();
                Ok(())
            }
            Command::ClearPlannedWeek(week) => {
                self.branches[self.active].plan.clear_week(week);
                self.refresh_choices();
                Ok(())
            }
            Command::ClearPlan => {
                self.branches[self.active].plan.clear();
                self.refresh_choices();
                Ok(())
            }
            Command::PlayOn => {
                let before = self.clone();
                self.play_on().inspect_err(|_| *self = before)
            }
        }
    }

    /// Which choices can be taken at the cursor.
    fn open_choices(&self) -> Vec<bool> {
        self.availability.iter().map(Result::is_ok).collect()
    }

    fn play_on(&mut self) -> Result<(), CommandError> {
        let mut before = self.open_choices();
        self.commit()?;
        while self.at_head() && !self.is_finished() {
            let now = self.open_choices();
            let opened = now.iter().zip(&before).any(|(&now, &was)| now && !was);
            if opened || !self.plan().choices(self.cursor).is_empty() {
                break;
            }
            before = now;
            self.commit()?;
        }
        Ok(())
    }

    /// At the week to be decided next, selects what the plan has for it, as far as it can
    /// be taken (the rest stays in the plan, and the choices panel says why not).
    fn take_plan(&mut self) {
        if !self.at_head() || self.is_finished() {
            return;
        }
        let planned = self.plan().choices(self.cursor).to_vec();
        if planned.is_empty() {
            return;
        }
        let Some(sim) = self.sim_at_cursor() else {
            return;
        };
        let mut taken: Vec<usize> = Vec::with_capacity(planned.len());
        for c in planned {
            taken.push(c);
            if sim.check(&taken).is_err() {
                taken.pop();
            }
        }
        self.selection = taken.into_iter().collect();
        self.refresh_choices();
    }

    fn commit(&mut self) -> Result<(), CommandError> {
        if let Err(refusal) = &self.selection_check {
            return Err(CommandError::Refused(refusal.clone()));
        }
        let reason = self.draft_reason.trim().to_string();
        if self.reasons_required && reason.is_empty() {
            return Err(CommandError::ReasonRequired);
        }
        let choices: Vec<usize> = self.selection.iter().copied().collect();
        let cursor = self.cursor;
        let branch = &self.branches[self.active];
        if cursor < branch.decisions.len() {
            if branch.decisions[cursor] == choices {
                // The same decision again: just move on along the branch.
                self.set_reason(self.active, cursor, reason);
                self.cursor += 1;
                self.draft_reason = self
                    .reason(self.active, self.cursor)
                    .unwrap_or_default()
                    .into();
                self.selection = self
                    .active_branch()
                    .decisions
                    .get(self.cursor)
                    .into_iter()
                    .flatten()
                    .copied()
                    .collect();
                self.refresh_choices();
                self.take_plan();
                return Ok(());
            }
            if self.branches.len() >= MAX_BRANCHES {
                return Err(CommandError::TooManyBranches);
            }
            let mut decisions = branch.decisions[..cursor].to_vec();
            decisions.push(choices);
            let name = self.new_branch_name();
            let plan = branch.plan.clone();
            self.branches.push(Branch {
                name,
                decisions,
                parent: Some((self.active, cursor)),
                plan,
            });
            // The new branch shares the weeks before the fork, and their reasons.
            let new = self.branches.len() - 1;
            let shared: Vec<(usize, String)> = (0..cursor)
                .filter_map(|t| Some((t, self.reason(self.active, t)?.to_string())))
                .collect();
            for (t, r) in shared {
                self.reasons.insert((new, t), r);
            }
            let mut injects: Injects = self.injects[self.active]
                .range(..=cursor)
                .map(|(&t, e)| (t, e.clone()))
                .collect();
            if let Some(exercise) = &self.exercise {
                for (t, e) in exercise.injects(&self.model).range(cursor + 1..) {
                    injects.insert(*t, e.clone());
                }
            }
            self.injects.push(injects);
            self.active = new;
        } else {
            self.branches[self.active].decisions.push(choices);
        }
        self.set_reason(self.active, cursor, reason);
        self.draft_reason.clear();
        self.cursor = cursor + 1;
        self.selection.clear();
        self.rerun()?;
        self.take_plan();
        Ok(())
    }

    fn set_reason(&mut self, branch: usize, turn: usize, reason: String) {
        if reason.is_empty() {
            self.reasons.remove(&(branch, turn));
        } else {
            self.reasons.insert((branch, turn), reason);
        }
    }

    fn new_branch_name(&self) -> String {
        (self.branches.len() + 1..)
            .map(|n| format!("Branch {n}"))
            .find(|name| !self.branches.iter().any(|b| &b.name == name))
            .unwrap_or_else(|| "Branch".into())
    }

    /// Recomputes the active branch's run and the choices' availability.
    fn rerun(&mut self) -> Result<(), CommandError> {
        let decisions = &self.branches[self.active].decisions;
        let injects = &self.injects[self.active];
        let run = sim::run_injected(&self.model, self.seed, &self.overrides, decisions, injects)
            .map_err(|(week, refusal)| CommandError::Replay { week, refusal })?;
        self.run = run;
        self.cursor = self.cursor.min(self.played());
        self.refresh_choices();
        Ok(())
    }

    /// A simulator at the cursor, for availability checks.
    fn sim_at_cursor(&self) -> Option<Sim<'_>> {
        let mut sim = Sim::new(&self.model, RunKey::new(self.seed, 0), &self.overrides);
        let injects = &self.injects[self.active];
        for (t, choices) in self
            .active_branch()
            .decisions
            .iter()
            .take(self.cursor)
            .enumerate()
        {
            if let Some(events) = injects.get(&t) {
                sim.inject(events);
            }
            sim.step(choices).ok()?;
        }
        Some(sim)
    }

    fn refresh_choices(&mut self) {
        let n = self.model.choices.len();
        let (availability, check) = match self.sim_at_cursor() {
            Some(sim) => {
                let selection: Vec<usize> = self.selection.iter().copied().collect();
                (
                    (0..n).map(|c| sim.available(c)).collect(),
                    sim.check(&selection),
                )
            }
            None => (vec![Err(Refusal::Finished); n], Err(Refusal::Finished)),
        };
        self.availability = availability;
        self.selection_check = check;
        if let Some(exercise) = &self.exercise {
            let cursor = self.cursor;
            let locked = |c: usize| {
                exercise.lock(c, cursor).map(|reason| Refusal::Unavailable {
                    choice: c,
                    reason: reason.to_string(),
                })
            };
            for (c, availability) in self.availability.iter_mut().enumerate() {
                if availability.is_ok()
                    && let Some(refusal) = locked(c)
                {
                    *availability = Err(refusal);
                }
            }
            if self.selection_check.is_ok()
                && let Some(refusal) = self.selection.iter().find_map(|&c| locked(c))
            {
                self.selection_check = Err(refusal);
            }
        }
        // Looking back at a week, the plan starts after the weeks played.
        let (weeks, from) = if self.at_head() {
            (self.plan_weeks(&PlanKind::Weekly), self.cursor + 1)
        } else {
            let played = &self.active_branch().decisions;
            let mut weeks = played.clone();
            weeks.extend(
                (played.len()..self.model.turns()).map(|t| self.plan().choices(t).to_vec()),
            );
            (weeks, played.len())
        };
        self.outlook = Outlook::new(&self.model, self.seed, &self.overrides, &weeks, from);
    }

    /// The session as a self-contained file.
    pub fn to_file(&self) -> SessionFile {
        let names = |turn: &[usize]| -> Vec<String> {
            turn.iter()
                .map(|&c| self.model.scenario.choices[c].id.clone())
                .collect()
        };
        let ids = |d: &Decisions| -> Vec<Vec<String>> { d.iter().map(|t| names(t)).collect() };
        SessionFile {
            format: SESSION_FORMAT,
            scenario_name: self.model.file_name.clone(),
            scenario: self.model.source.clone(),
            seed: self.seed,
            parameters: self
                .overrides
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.map(|v| (self.model.scenario.parameters[i].id.clone(), v)))
                .collect(),
            branches: self
                .branches
                .iter()
                .enumerate()
                .map(|(i, b)| BranchFile {
                    name: b.name.clone(),
                    parent: b.parent,
                    decisions: ids(&b.decisions),
                    reasons: self
                        .reasons
                        .range((i, 0)..(i + 1, 0))
                        .map(|(&(_, t), r)| (t, r.clone()))
                        .collect(),
                    injects: self.injects[i]
                        .iter()
                        .map(|(&t, events)| {
                            let ids = events
                                .iter()
                                .map(|&e| self.model.scenario.events[e].id.clone())
                                .collect();
                            (t, ids)
                        })
                        .collect(),
                    plan: b
                        .plan
                        .planned_from(0)
                        .map(|(t, choices)| (t, names(choices)))
                        .collect(),
                })
                .collect(),
            active: self.active,
            cursor: self.cursor,
            selection: self
                .selection
                .iter()
                .map(|&c| self.model.scenario.choices[c].id.clone())
                .collect(),
            notes: self.notes.clone(),
            student: self.student.clone(),
            reason: self.draft_reason.clone(),
            reasons_required: self.reasons_required,
            exercise: self.exercise.as_ref().map(|e| ExerciseSaved {
                title: e.title.clone(),
                instructions: e.instructions.clone(),
                settings: e.settings.clone(),
            }),
        }
    }

    /// The session file's text.
    pub fn to_ron(&self) -> String {
        ron::ser::to_string_pretty(&self.to_file(), session_ron()).unwrap_or_default()
    }

    /// This session on another version of its scenario (`text`, from the file `name`): the
    /// branches replay their decisions on it where they still fit, and what does not is
    /// returned. The scenario's own errors are located in `text`, not in a session file.
    pub fn rebased(&self, name: &str, text: &str) -> Result<(Session, Vec<Dropped>), FileError> {
        scenario::load_str(name, text)?;
        let mut file = self.to_file();
        file.scenario = text.to_string();
        if let Some(base) = Path::new(name).file_name() {
            file.scenario_name = base.to_string_lossy().into_owned();
        }
        let session = ron::ser::to_string_pretty(&file, session_ron())
            .map_err(|e| FileError::whole(DiagnosticKind::Syntax, name, e.to_string(), None))?;
        Self::from_ron_lenient(name, &session)
    }

    /// Saves atomically: the old file stays whole if anything fails.
    pub fn save(&self, path: &Path) -> Result<(), SaveError> {
        atomic_write(path, self.to_ron().as_bytes()).map_err(|e| SaveError {
            path: path.display().to_string(),
            message: e.to_string(),
        })
    }

    /// Opens a session file.
    pub fn load(path: &Path) -> Result<Self, FileError> {
        let text = load::read_text(path)?;
        Self::from_ron(&path.display().to_string(), &text)
    }

    /// Reads a session from its text; `file` names it in errors. Decisions that no longer
    /// fit the scenario are refused with an error of kind [`FileErrorKind::NoLongerFits`]
    /// naming each of them; [`Session::from_ron_lenient`] opens the rest.
    pub fn from_ron(file: &str, text: &str) -> Result<Self, FileError> {
        let (session, dropped) = Self::from_ron_lenient(file, text)?;
        if dropped.is_empty() {
            return Ok(session);
        }
        let mut err = FileError::new(file, "");
        let last = dropped.len() - 1;
        for (i, d) in dropped.iter().enumerate() {
            let hint = (i == last).then(|| {
                "the scenario or the session was edited since it was saved; the rest of \
                 the session can be opened without this"
                    .to_string()
            });
            err.push(DiagnosticKind::NoLongerFits, None, "", d.to_string(), hint);
        }
        Err(err.with_kind(FileErrorKind::NoLongerFits))
    }

    /// Reads a session from its text, leaving out what no longer fits its scenario (a
    /// choice or parameter it does not have, weeks that cannot be replayed); returns the
    /// session and what was left out.
    pub fn from_ron_lenient(file: &str, text: &str) -> Result<(Self, Vec<Dropped>), FileError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let parsed = loading::parse(file, text)?;
        let mut model = scenario::load_str(&parsed.scenario_name, &parsed.scenario)
            .map_err(|e| loading::embedded_error(file, text, &e))?;
        model.file_name = parsed.scenario_name.clone();
        let whole = |kind: DiagnosticKind, message: String, hint: Option<&str>| {
            FileError::whole(kind, file, message, hint.map(str::to_string))
        };
        let model = Arc::new(model);
        let mut dropped = Vec::new();
        let mut overrides = Overrides::none(&model);
        for (id, value) in &parsed.parameters {
            match model.scenario.parameters.iter().position(|p| &p.id == id) {
                Some(i) => overrides[i] = Some(*value).filter(|v| v.is_finite()),
                None => dropped.push(Dropped::everywhere(format!(
                    "the session sets a parameter `{id}` the scenario does not have"
                ))),
            }
        }
        if parsed.branches.is_empty() {
            return Err(whole(
                DiagnosticKind::Missing,
                "the session has no branches".into(),
                Some("a session file has at least one branch"),
            ));
        }
        let mut branches = Vec::new();
        let mut branch_injects = Vec::new();
        for (i, b) in parsed.branches.iter().enumerate() {
            let at = |week: usize| Dropped::at(i, &b.name, Some(week));
            let mut weeks = b.decisions.as_slice();
            if weeks.len() > model.turns() {
                dropped.push(at(model.turns()).because(format!(
                    "the branch has {} weeks; the scenario has {}, so the weeks after it are left out",
                    weeks.len(),
                    model.turns()
                )));
                weeks = &weeks[..model.turns()];
            }
            let mut parent = b.parent;
            if let Some((p, week)) = parent
                && (p >= i || week > weeks.len())
            {
                dropped.push(
                    Dropped::at(i, &b.name, None)
                        .because("the branch names a parent branch that does not exist".into()),
                );
                parent = None;
            }
            let mut decisions: Decisions = Vec::with_capacity(weeks.len());
            for (week, turn) in weeks.iter().enumerate() {
                let mut choices = Vec::with_capacity(turn.len());
                for id in turn {
                    match model.choice_index(id) {
                        Some(c) => choices.push(c),
                        None => dropped.push(at(week).because(format!(
                            "the session takes a choice `{id}` the scenario does not have"
                        ))),
                    }
                }
                decisions.push(choices);
            }
            let mut injects = Injects::new();
            for (&turn, ids) in &b.injects {
                for id in ids {
                    match model.scenario.events.iter().position(|e| &e.id == id) {
                        Some(e) if turn < model.turns() => injects.entry(turn).or_default().push(e),
                        Some(_) => dropped.push(at(turn).because(format!(
                            "the branch injects `{id}` after the last week; it is left out"
                        ))),
                        None => dropped.push(at(turn).because(format!(
                            "the session injects an event `{id}` the scenario does not have"
                        ))),
                    }
                }
            }
            if let Err((week, refusal)) =
                sim::run_injected(&model, parsed.seed, &overrides, &decisions, &injects)
            {
                let cut = decisions.len() - week;
                let these = if cut == 1 {
                    "it"
                } else {
                    "it and the weeks after"
                };
                dropped.push(at(week).because(format!(
                    "the decisions cannot be replayed: {refusal}; {these} are left out"
                )));
                decisions.truncate(week);
            }
            branch_injects.push(injects);
            let mut plan = WeeklyPlan::default();
            for (&week, ids) in &b.plan {
                if week >= model.turns() {
                    dropped.push(Dropped::at(i, &b.name, None).because(format!(
                        "the plan for week {} is after the scenario's last week; it is left out",
                        week + 1
                    )));
                    continue;
                }
                let mut choices = Vec::with_capacity(ids.len());
                for id in ids {
                    match model.choice_index(id) {
                        Some(c) => choices.push(c),
                        None => dropped.push(at(week).because(format!(
                            "the plan has a choice `{id}` the scenario does not have; it is left out"
                        ))),
                    }
                }
                plan.set(week, choices);
            }
            branches.push(Branch {
                name: b.name.clone(),
                decisions,
                parent,
                plan,
            });
        }
        let mut active = parsed.active;
        if active >= branches.len() {
            dropped.push(Dropped::everywhere(format!(
                "the active branch {} does not exist; the first branch is shown",
                active + 1
            )));
            active = 0;
        }
        let exercise = match parsed.exercise {
            Some(saved) => Some(Exercise::from_saved(
                file,
                saved.title,
                saved.instructions,
                saved.settings,
                &model,
            )?),
            None => None,
        };
        let branches_played: Vec<usize> = branches.iter().map(|b| b.decisions.len()).collect();
        let mut session = Self::with_seed(Arc::clone(&model), parsed.seed);
        session.exercise = exercise;
        session.injects = branch_injects;
        session.overrides = overrides;
        session.branches = branches;
        session.active = active;
        session.cursor = parsed.cursor;
        session.notes = parsed.notes;
        session.student = parsed.student.filter(|s| !s.name.trim().is_empty());
        session.reasons = parsed
            .branches
            .iter()
            .enumerate()
            .flat_map(|(i, b)| b.reasons.iter().map(move |(&t, r)| ((i, t), r.clone())))
            .filter(|((i, t), r)| {
                !r.trim().is_empty() && branches_played.get(*i).is_some_and(|&n| *t < n)
            })
            .collect();
        session.draft_reason = parsed.reason;
        session.reasons_required = parsed.reasons_required;
        session
            .rerun()
            .map_err(|e| whole(DiagnosticKind::NoLongerFits, e.to_string(), None))?;
        let (known, unknown): (Vec<_>, Vec<_>) = parsed
            .selection
            .iter()
            .map(|id| (id, session.model.choice_index(id)))
            .partition(|(_, c)| c.is_some());
        session.selection = known.into_iter().filter_map(|(_, c)| c).collect();
        for (id, _) in unknown {
            dropped.push(
                Dropped::at(active, &session.active_branch().name, Some(session.cursor)).because(
                    format!("the week's selection has a choice `{id}` the scenario does not have"),
                ),
            );
        }
        session.refresh_choices();
        Ok((session, dropped))
    }
}

/// Something of a session file left out because it no longer fits the scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    /// The branch (index, name), if it is in one.
    pub branch: Option<(usize, String)>,
    /// The week (0-based), if it is in one.
    pub week: Option<usize>,
    /// What was left out and why.
    pub what: String,
}

impl Dropped {
    fn everywhere(what: String) -> Self {
        Self {
            branch: None,
            week: None,
            what,
        }
    }

    fn at(branch: usize, name: &str, week: Option<usize>) -> Self {
        Self {
            branch: Some((branch, name.to_string())),
            week,
            what: String::new(),
        }
    }

    fn because(mut self, what: String) -> Self {
        self.what = what;
        self
    }
}

impl std::fmt::Display for Dropped {
    /// `branch 2 ("Dikes first"), week 3: the session takes a choice `fly` …`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some((i, name)) = &self.branch {
            write!(f, "branch {} (\"{name}\")", i + 1)?;
            if let Some(week) = self.week {
                write!(f, ", week {}", week + 1)?;
            }
            f.write_str(": ")?;
        }
        f.write_str(&self.what)
    }
}

/// A session file's syntax error; one that ends too early says the file was cut off.
fn session_syntax_error(file: &str, text: &str, e: &ron::error::SpannedError) -> FileError {
    let mut err = scenario::ron_errors::ron_error(file, text, e);
    if err.kind == FileErrorKind::CutOff {
        for d in &mut err.diagnostics {
            d.message = format!(
                "the session file is cut off: it ends too early ({})",
                d.message
            );
            d.hint = Some(
                "it was probably not copied or downloaded completely; copy it again from \
                 where it was saved, or open its autosave (File > Recover an autosave…)"
                    .into(),
            );
        }
    }
    err
}

/// A failed save; the previous file, if any, is intact.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("cannot save {path}: {message} (the previous file, if any, is unchanged)")]
pub struct SaveError {
    pub path: String,
    pub message: String,
}

fn empty_run(model: &Model, seed: u64) -> Run {
    let sim = Sim::new(model, RunKey::new(seed, 0), &Overrides::none(model));
    Run {
        seed,
        parameters: sim.parameters().to_vec(),
        initial: sim.state().to_vec(),
        turns: Vec::new(),
        warnings: Vec::new(),
    }
}

/// How session files are written.
fn session_ron() -> ron::ser::PrettyConfig {
    ron::ser::PrettyConfig::new()
        .depth_limit(3)
        .struct_names(true)
        .escape_strings(false)
}

/// A session file (`*.session.ron`), self-contained: the scenario's text is embedded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Session")]
pub struct SessionFile {
    pub format: u32,
    /// The scenario's original file name.
    pub scenario_name: String,
    /// The scenario file's whole text.
    pub scenario: String,
    pub seed: u64,
    /// Parameters fixed by the user, by id.
    #[serde(default)]
    pub parameters: BTreeMap<String, f64>,
    pub branches: Vec<BranchFile>,
    pub active: usize,
    #[serde(default)]
    pub cursor: usize,
    /// Choices selected for the week being decided.
    #[serde(default)]
    pub selection: Vec<String>,
    #[serde(default)]
    pub notes: String,
    /// Who played the session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub student: Option<Student>,
    /// The reason being written for the week being decided.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// Whether every week needs a reason.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reasons_required: bool,
    /// The exercise played, with the teacher's settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exercise: Option<ExerciseSaved>,
}

/// An exercise's settings, as kept in a session file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Exercise")]
pub struct ExerciseSaved {
    pub title: String,
    #[serde(default)]
    pub instructions: String,
    #[serde(default)]
    pub settings: Settings,
}

/// A branch in a session file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Branch")]
pub struct BranchFile {
    pub name: String,
    #[serde(default)]
    pub parent: Option<(usize, usize)>,
    /// Choice ids per week.
    pub decisions: Vec<Vec<String>>,
    /// "Why I chose this", by week (0-based).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub reasons: BTreeMap<usize, String>,
    /// Events forced to fire, by week (0-based): the exercise's and the teacher's.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub injects: BTreeMap<usize, Vec<String>>,
    /// The choices planned for later weeks, by turn index (0 is the first week).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub plan: BTreeMap<usize, Vec<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Session {
        let text = include_str!("../tests/data/tiny.ron");
        Session::new(scenario::load_str("tiny.ron", text).expect("tiny scenario loads"))
    }

    fn idx(s: &Session, id: &str) -> usize {
        s.model().choice_index(id).unwrap()
    }

    #[test]
    fn commit_plays_a_week_and_pays_costs() {
        let mut s = tiny();
        let sandbags = idx(&s, "sandbags");
        s.apply(Command::Toggle(sandbags)).unwrap();
        assert_eq!(s.selection_cost().get(&0), Some(&1.0));
        s.apply(Command::Commit).unwrap();
        assert_eq!(s.played(), 1);
        assert_eq!(s.cursor(), 1);
        assert!(s.selection().is_empty());
        let money = s.model().layout.resources[0].start;
        // 10 - 1 for sandbags + 1 from the flood alarm.
        assert_eq!(s.state()[money], 10.0);
    }

    #[test]
    fn unavailable_choices_cannot_be_selected_or_committed() {
        let mut s = tiny();
        let evacuate = idx(&s, "evacuate");
        let err = s.apply(Command::Toggle(evacuate)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "The water is not high enough to justify it."
        );
        // Forcing the selection still cannot be committed.
        s.apply(Command::Select(vec![evacuate])).unwrap();
        assert!(s.apply(Command::Commit).is_err());
        assert_eq!(s.played(), 0);
        // A choice opened by an event is not on the table before it fires.
        let help = idx(&s, "ask_help");
        assert!(s.availability(help).is_err());
    }

    #[test]
    fn a_group_allows_one_choice() {
        let mut s = tiny();
        let (dikes, bags) = (idx(&s, "raise_dikes"), idx(&s, "sandbags"));
        s.apply(Command::Toggle(dikes)).unwrap();
        s.apply(Command::Toggle(bags)).unwrap();
        assert_eq!(
            s.selection().iter().copied().collect::<Vec<_>>(),
            vec![bags]
        );
        s.apply(Command::Select(vec![dikes, bags])).unwrap();
        assert!(matches!(s.selection_check(), Err(Refusal::Conflict { .. })));
    }

    #[test]
    fn going_back_and_choosing_differently_branches() {
        let mut s = tiny();
        let bags = idx(&s, "sandbags");
        let dikes = idx(&s, "raise_dikes");
        for _ in 0..3 {
            s.apply(Command::Toggle(bags)).unwrap();
            s.apply(Command::Commit).unwrap();
        }
        let main_run = s.run().clone();
        s.apply(Command::GoTo(1)).unwrap();
        assert_eq!(
            s.selection().iter().copied().collect::<Vec<_>>(),
            vec![bags]
        );
        // The same decision moves on without branching.
        s.apply(Command::Commit).unwrap();
        assert_eq!((s.branches().len(), s.cursor()), (1, 2));
        s.apply(Command::GoTo(1)).unwrap();
        s.apply(Command::Select(vec![dikes])).unwrap();
        s.apply(Command::Commit).unwrap();
        assert_eq!(s.branches().len(), 2);
        assert_eq!(s.active(), 1);
        assert_eq!(s.active_branch().parent, Some((0, 1)));
        assert_eq!(s.active_branch().decisions, vec![vec![bags], vec![dikes]]);
        // The shared week is identical; the original branch is untouched.
        assert_eq!(s.run().state(1), main_run.state(1));
        assert_eq!(s.branch_run(0).unwrap(), main_run);
        s.apply(Command::SwitchBranch(0)).unwrap();
        assert_eq!(s.played(), 3);
    }

    #[test]
    fn undo_takes_back_the_last_week() {
        let mut s = tiny();
        let bags = idx(&s, "sandbags");
        let before = s.run().clone();
        s.apply(Command::Toggle(bags)).unwrap();
        s.apply(Command::Commit).unwrap();
        s.apply(Command::Undo).unwrap();
        assert_eq!(s.played(), 0);
        assert_eq!(s.run(), &before);
        assert!(s.selection().contains(&bags));
        assert_eq!(s.apply(Command::Undo), Err(CommandError::NothingToUndo));
    }

    #[test]
    fn outcomes_and_goals_are_read_on_a_state() {
        let mut s = tiny();
        let start = s.run().initial.clone();
        let money = s.model().layout.resources[0].start;
        assert_eq!(s.outcome_values(&start)[1], start[money]);
        assert_eq!(s.goals_met(&start), vec![true]);
        let bags = idx(&s, "sandbags");
        s.apply(Command::Toggle(bags)).unwrap();
        s.apply(Command::Commit).unwrap();
        let after = s.outcome_values(s.state());
        assert_eq!(after.len(), 2);
        assert_eq!(after[1], s.state()[money]);
    }

    #[test]
    fn a_session_file_round_trips_exactly() {
        let mut s = tiny();
        let bags = idx(&s, "sandbags");
        s.apply(Command::Toggle(bags)).unwrap();
        s.apply(Command::Commit).unwrap();
        s.apply(Command::Commit).unwrap();
        s.apply(Command::GoTo(1)).unwrap();
        s.apply(Command::Select(vec![idx(&s, "raise_dikes")]))
            .unwrap();
        s.apply(Command::Commit).unwrap();
        s.apply(Command::RenameBranch(1, "Dikes first".into()))
            .unwrap();
        s.apply(Command::SetParameter(1, Some(0.25))).unwrap();
        s.apply(Command::SetNotes("Why the dikes?".into())).unwrap();
        let text = s.to_ron();
        let back = Session::from_ron("x.session.ron", &text).unwrap();
        assert_eq!(back.to_ron(), text);
        assert_eq!(back.run(), s.run());
        assert_eq!(back.branches(), s.branches());
        assert_eq!((back.active(), back.cursor()), (s.active(), s.cursor()));
    }

    #[test]
    fn reasons_are_kept_per_branch_and_week_and_saved() {
        let mut s = tiny();
        let (bags, dikes) = (idx(&s, "sandbags"), idx(&s, "raise_dikes"));
        s.apply(Command::Toggle(bags)).unwrap();
        s.apply(Command::SetReason("  Cheap and quick ".into()))
            .unwrap();
        s.apply(Command::Commit).unwrap();
        assert_eq!(s.reason(0, 0), Some("Cheap and quick"));
        assert_eq!(s.draft_reason(), "");
        s.apply(Command::Commit).unwrap();
        assert_eq!(s.reason(0, 1), None);
        // A new branch from week 2 keeps week 1's reason and has its own for week 2.
        s.apply(Command::GoTo(1)).unwrap();
        s.apply(Command::Select(vec![dikes])).unwrap();
        s.apply(Command::SetReason("Dikes last longer".into()))
            .unwrap();
        s.apply(Command::Commit).unwrap();
        assert_eq!(s.active(), 1);
        assert_eq!(s.reason(1, 0), Some("Cheap and quick"));
        assert_eq!(s.reason(1, 1), Some("Dikes last longer"));
        assert_eq!(s.reason(0, 1), None);
        // Going back shows the reason again; undo returns it to the draft.
        s.apply(Command::GoTo(1)).unwrap();
        assert_eq!(s.draft_reason(), "Dikes last longer");
        s.apply(Command::GoTo(2)).unwrap();
        s.apply(Command::Undo).unwrap();
        assert_eq!(s.draft_reason(), "Dikes last longer");
        assert_eq!(s.reason(1, 1), None);
        s.apply(Command::Commit).unwrap();
        s.apply(Command::SetStudent(Student {
            name: " Ada Lovelace ".into(),
            group: "12B".into(),
        }))
        .unwrap();
        let back = Session::from_ron("x.session.ron", &s.to_ron()).unwrap();
        assert_eq!(back.to_ron(), s.to_ron());
        assert_eq!(back.reason(1, 1), Some("Dikes last longer"));
        assert_eq!(back.reason(0, 0), Some("Cheap and quick"));
        let student = back.student().unwrap();
        assert_eq!(
            (student.name.as_str(), student.group.as_str()),
            ("Ada Lovelace", "12B")
        );
    }

    #[test]
    fn a_required_reason_holds_the_week_back() {
        let mut s = tiny();
        s.require_reasons(true);
        assert_eq!(s.apply(Command::Commit), Err(CommandError::ReasonRequired));
        assert_eq!(s.played(), 0);
        s.apply(Command::SetReason("   ".into())).unwrap();
        assert_eq!(s.apply(Command::Commit), Err(CommandError::ReasonRequired));
        s.apply(Command::SetReason("Wait and see".into())).unwrap();
        s.apply(Command::Commit).unwrap();
        assert_eq!(s.reason(0, 0), Some("Wait and see"));
        let back = Session::from_ron("x.session.ron", &s.to_ron()).unwrap();
        assert!(back.reasons_required());
    }

    #[test]
    fn student_names_make_safe_file_names() {
        let stem = |name: &str| {
            Student {
                name: name.into(),
                group: String::new(),
            }
            .file_stem()
        };
        assert_eq!(stem("Ada Lovelace"), "Lovelace-Ada");
        assert_eq!(stem("Lovelace, Ada"), "Lovelace-Ada");
        assert_eq!(stem("Zoë  Ngô Thị"), "Thị-Zoë-Ngô");
        assert_eq!(stem("../../etc/passwd"), "etc-passwd");
        assert_eq!(stem("  "), "student");
        assert_eq!(stem("a/b\\c:d*e?"), "a-b-c-d-e");
    }

    #[test]
    fn broken_session_files_are_refused_with_a_reason() {
        let s = tiny();
        let text = s.to_ron();
        let bad_choice = text.replace(
            "branches: [",
            "branches: [Branch(name: \"x\", decisions: [[\"fly\"]]), ",
        );
        let e = Session::from_ron("bad.session.ron", &bad_choice).unwrap_err();
        assert!(e.short().contains("`fly`"), "{}", e.short());
        let e = Session::from_ron("bad.session.ron", "Session(format: 1,").unwrap_err();
        assert_eq!(e.diagnostics[0].line, 1);
        let future = text.replacen("format: 1", "format: 9", 1);
        assert!(
            Session::from_ron("f.session.ron", &future)
                .unwrap_err()
                .short()
                .contains("format 9")
        );
    }
}
