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

use crate::files::atomic_write;
use crate::scenario::expr::NoDraws;
use crate::scenario::limits::{MAX_BRANCHES, MAX_NAME_CHARS, MAX_NOTES_CHARS};
use crate::scenario::{self, FileError, Model, load};
use crate::sim::{self, Decisions, Overrides, Refusal, Run, Sim, rng::RunKey};

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
    #[error("the decisions no longer fit the scenario at week {week}: {refusal}")]
    Replay { week: usize, refusal: Refusal },
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
    /// The active branch's run, recomputed on every change.
    run: Run,
    /// Each choice's availability at the cursor.
    availability: Vec<Result<(), Refusal>>,
    /// Whether the selection as a whole can be committed.
    selection_check: Result<(), Refusal>,
}

impl Session {
    /// A new session at the start of `model`.
    pub fn new(model: Model) -> Self {
        Self::with_seed(Arc::new(model), DEFAULT_SEED)
    }

    /// A new session with a given seed.
    pub fn with_seed(model: Arc<Model>, seed: u64) -> Self {
        let overrides = vec![None; model.parameters.len()];
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
            }],
            active: 0,
            cursor: 0,
            selection: BTreeSet::new(),
            notes: String::new(),
            run,
            availability: Vec::new(),
            selection_check: Ok(()),
        };
        session.refresh_choices();
        session
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
        sim::run(&self.model, self.seed, &self.overrides, &b.decisions).ok()
    }

    /// The run of a reference path of the scenario (e.g. `history`), to the end.
    pub fn reference_run(&self, path: &str) -> Option<Run> {
        let decisions = self.model.path_decisions(path)?;
        sim::run(&self.model, self.seed, &self.overrides, &decisions).ok()
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
                    if let Some(group) = self.model.choices[c].group {
                        self.selection
                            .retain(|&o| self.model.choices[o].group != Some(group));
                    }
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
                self.refresh_choices();
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
                self.rerun().inspect_err(|_| {
                    (self.active, self.cursor, self.selection) = previous;
                    let _ = self.rerun();
                })
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
        }
    }

    fn commit(&mut self) -> Result<(), CommandError> {
        if let Err(refusal) = &self.selection_check {
            return Err(CommandError::Refused(refusal.clone()));
        }
        let choices: Vec<usize> = self.selection.iter().copied().collect();
        let cursor = self.cursor;
        let branch = &self.branches[self.active];
        if cursor < branch.decisions.len() {
            if branch.decisions[cursor] == choices {
                // The same decision again: just move on along the branch.
                self.cursor += 1;
                self.selection = self
                    .active_branch()
                    .decisions
                    .get(self.cursor)
                    .into_iter()
                    .flatten()
                    .copied()
                    .collect();
                self.refresh_choices();
                return Ok(());
            }
            if self.branches.len() >= MAX_BRANCHES {
                return Err(CommandError::TooManyBranches);
            }
            let mut decisions = branch.decisions[..cursor].to_vec();
            decisions.push(choices);
            let name = self.new_branch_name();
            self.branches.push(Branch {
                name,
                decisions,
                parent: Some((self.active, cursor)),
            });
            self.active = self.branches.len() - 1;
        } else {
            self.branches[self.active].decisions.push(choices);
        }
        self.cursor = cursor + 1;
        self.selection.clear();
        self.rerun()
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
        let run = sim::run(&self.model, self.seed, &self.overrides, decisions)
            .map_err(|(week, refusal)| CommandError::Replay { week, refusal })?;
        self.run = run;
        self.cursor = self.cursor.min(self.played());
        self.refresh_choices();
        Ok(())
    }

    /// A simulator at the cursor, for availability checks.
    fn sim_at_cursor(&self) -> Option<Sim<'_>> {
        let mut sim = Sim::new(&self.model, RunKey::new(self.seed, 0), &self.overrides);
        for choices in self.active_branch().decisions.iter().take(self.cursor) {
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
    }

    /// The session as a self-contained file.
    pub fn to_file(&self) -> SessionFile {
        let ids = |d: &Decisions| -> Vec<Vec<String>> {
            d.iter()
                .map(|turn| {
                    turn.iter()
                        .map(|&c| self.model.scenario.choices[c].id.clone())
                        .collect()
                })
                .collect()
        };
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
                .map(|b| BranchFile {
                    name: b.name.clone(),
                    parent: b.parent,
                    decisions: ids(&b.decisions),
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
        }
    }

    /// The session file's text.
    pub fn to_ron(&self) -> String {
        let config = ron::ser::PrettyConfig::new()
            .depth_limit(3)
            .struct_names(true)
            .escape_strings(false);
        ron::ser::to_string_pretty(&self.to_file(), config).unwrap_or_default()
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

    /// Reads a session from its text; `file` names it in errors.
    pub fn from_ron(file: &str, text: &str) -> Result<Self, FileError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let parsed = loading::parse(file, text)?;
        let mut model = scenario::load_str(&parsed.scenario_name, &parsed.scenario)
            .map_err(|e| loading::embedded_error(file, text, &e))?;
        model.file_name = parsed.scenario_name.clone();
        Self::from_file(file, parsed, model)
    }

    /// A session from its parsed file and its embedded scenario's model.
    fn from_file(file: &str, parsed: SessionFile, model: Model) -> Result<Self, FileError> {
        let whole = |message: String, hint: Option<&str>| {
            FileError::whole(file, message, hint.map(str::to_string))
        };
        let model = Arc::new(model);
        let mut overrides = vec![None; model.parameters.len()];
        for (id, value) in &parsed.parameters {
            let i = model
                .scenario
                .parameters
                .iter()
                .position(|p| &p.id == id)
                .ok_or_else(|| {
                    whole(
                        format!("the session sets a parameter `{id}` the scenario does not have"),
                        None,
                    )
                })?;
            overrides[i] = Some(*value).filter(|v| v.is_finite());
        }
        let choice = |id: &str| {
            model.choice_index(id).ok_or_else(|| {
                whole(
                    format!("the session takes a choice `{id}` the scenario does not have"),
                    None,
                )
            })
        };
        if parsed.branches.is_empty() {
            return Err(whole(
                "the session has no branches".into(),
                Some("a session file has at least one branch"),
            ));
        }
        let mut branches = Vec::new();
        for (i, b) in parsed.branches.iter().enumerate() {
            if b.decisions.len() > model.turns() {
                return Err(whole(
                    format!("branch \"{}\" has more weeks than the scenario", b.name),
                    None,
                ));
            }
            if let Some((p, week)) = b.parent
                && (p >= i || week > b.decisions.len())
            {
                return Err(whole(
                    format!("branch \"{}\" names a parent that does not exist", b.name),
                    None,
                ));
            }
            let decisions = b
                .decisions
                .iter()
                .map(|turn| {
                    turn.iter()
                        .map(|id| choice(id))
                        .collect::<Result<Vec<_>, _>>()
                })
                .collect::<Result<Vec<_>, _>>()?;
            branches.push(Branch {
                name: b.name.clone(),
                decisions,
                parent: b.parent,
            });
        }
        if parsed.active >= branches.len() {
            return Err(whole(
                format!("the active branch {} does not exist", parsed.active),
                None,
            ));
        }
        for (i, b) in branches.iter().enumerate() {
            if let Err((week, refusal)) = sim::run(&model, parsed.seed, &overrides, &b.decisions) {
                return Err(whole(
                    format!(
                        "branch {} (\"{}\") cannot be replayed: week {}: {refusal}",
                        i + 1,
                        b.name,
                        week + 1
                    ),
                    Some("the file was changed by hand or its scenario was edited"),
                ));
            }
        }
        let mut session = Self::with_seed(Arc::clone(&model), parsed.seed);
        session.overrides = overrides;
        session.branches = branches;
        session.active = parsed.active;
        session.cursor = parsed.cursor;
        session.notes = parsed.notes;
        session.rerun().map_err(|e| whole(e.to_string(), None))?;
        session.selection = parsed
            .selection
            .iter()
            .map(|id| choice(id))
            .collect::<Result<_, _>>()?;
        session.refresh_choices();
        Ok(session)
    }
}

/// A failed save; the previous file, if any, is intact.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("cannot save {path}: {message} (the previous file, if any, is unchanged)")]
pub struct SaveError {
    pub path: String,
    pub message: String,
}

fn empty_run(model: &Model, seed: u64) -> Run {
    let sim = Sim::new(
        model,
        RunKey::new(seed, 0),
        &vec![None; model.parameters.len()],
    );
    Run {
        seed,
        parameters: sim.parameters().to_vec(),
        initial: sim.state().to_vec(),
        turns: Vec::new(),
        warnings: Vec::new(),
    }
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
