//! Exercise files (`*.exercise.ron`): a scenario and the teacher's settings for a class.
//! Which tabs are shown and from when, choices locked for some weeks, events injected at
//! a week, a time limit per week and whether every week needs a reason.
//!
//! The scenario is embedded (`scenario`, so that one file can be e-mailed) or named by a
//! path relative to the exercise file (`scenario_file`). Every student who opens the file
//! plays the same exercise; the session file keeps the settings, so a saved session reopens
//! with them.

use std::collections::BTreeMap;
use std::path::Path as FsPath;

use serde::{Deserialize, Serialize};

use crate::scenario::spans::{Node, Path};
use crate::scenario::{self, DiagnosticKind, FileError, Model, load, suggest};
use crate::sim::Injects;

/// The only exercise format this version reads and writes.
pub const EXERCISE_FORMAT: u32 = 1;

/// An exercise file, as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Exercise")]
pub struct ExerciseFile {
    pub format: u32,
    /// Shown on the briefing and in the window title, e.g. "Mali 2013: a 45-minute class".
    pub title: String,
    /// What the teacher tells the students, shown on the briefing.
    #[serde(default)]
    pub instructions: String,
    /// The scenario's whole text, embedded.
    #[serde(default)]
    pub scenario: String,
    /// Or the scenario's file, relative to the exercise file.
    #[serde(default)]
    pub scenario_file: String,
    #[serde(default)]
    pub settings: Settings,
}

/// The teacher's settings. Also kept in session files.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// The seed every student plays (the default seed if not given).
    pub seed: Option<u64>,
    /// When each tab is shown; tabs not listed are always shown.
    pub tabs: Vec<TabRule>,
    /// When the history line (what was actually decided) may be drawn on the charts.
    pub history: Shown,
    /// Choices that cannot be taken for some weeks.
    pub locks: Vec<Lock>,
    /// Events of the scenario fired at a week, whatever their condition.
    pub injects: Vec<Inject>,
    /// Minutes for each week, shown as a countdown (0: no limit).
    pub week_minutes: u32,
    /// Whether every week needs a "why I chose this" line.
    pub reasons_required: bool,
}

/// A tab the teacher can hide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TabName {
    Indicators,
    Why,
    WhatIf,
}

/// When something is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Shown {
    #[default]
    Always,
    /// From the week starting after this many turns (0-based, like `paths`).
    FromTurn(u32),
    /// Only once the scenario is over.
    AtDebrief,
    Never,
}

impl Shown {
    /// Whether it is shown at turn `cursor`, `finished` meaning the game is over.
    pub fn at(self, cursor: usize, finished: bool) -> bool {
        match self {
            Shown::Always => true,
            Shown::FromTurn(t) => cursor >= t as usize || finished,
            Shown::AtDebrief => finished,
            Shown::Never => false,
        }
    }
}

/// When a tab is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TabRule {
    pub tab: TabName,
    pub shown: Shown,
}

/// A choice that cannot be taken from `from_turn` to `to_turn` (both included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    pub choice: String,
    #[serde(default)]
    pub from_turn: u32,
    /// The last turn it is locked, or for good.
    #[serde(default)]
    pub to_turn: Option<u32>,
    /// Shown to the student.
    #[serde(default)]
    pub reason: String,
}

/// An event fired at a turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inject {
    pub event: String,
    /// The turn (0-based) in which it fires.
    pub turn: u32,
}

/// An exercise ready to play: its settings checked against the scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Exercise {
    pub title: String,
    pub instructions: String,
    pub settings: Settings,
    /// Per lock: choice index and the lock.
    locks: Vec<(usize, Lock)>,
}

/// What a lock says when it gives no reason.
pub const LOCKED: &str = "Your teacher has locked this choice for now.";

impl Exercise {
    /// Checks `settings` against `model`; problems are located through `tree` (the
    /// exercise file's span tree) under `root`.
    fn compile(
        title: String,
        instructions: String,
        settings: Settings,
        model: &Model,
        located: &mut Located<'_>,
    ) -> Self {
        let root = Path::root().field("settings");
        let turns = model.turns() as u32;
        let mut locks = Vec::new();
        let choice_ids = || model.scenario.choices.iter().map(|c| c.id.as_str());
        for (i, lock) in settings.locks.iter().enumerate() {
            let path = root.field("locks").index(i);
            match model.choice_index(&lock.choice) {
                Some(c) => locks.push((c, lock.clone())),
                None => located.at(
                    DiagnosticKind::UnknownName,
                    &path.field("choice"),
                    format!("the scenario has no choice `{}`", lock.choice),
                    suggest(&lock.choice, choice_ids()).map(|s| format!("did you mean `{s}`?")),
                ),
            }
            if lock.from_turn >= turns {
                located.at(
                    DiagnosticKind::OutOfRange,
                    &path.field("from_turn"),
                    past_the_end(lock.from_turn, turns),
                    Some(TURNS_HINT.into()),
                );
            }
            if let Some(to) = lock.to_turn
                && to < lock.from_turn
            {
                located.at(
                    DiagnosticKind::OutOfRange,
                    &path.field("to_turn"),
                    format!(
                        "the lock ends (turn {to}) before it starts (turn {})",
                        lock.from_turn
                    ),
                    Some("`to_turn` is the last turn locked, at least `from_turn`".into()),
                );
            }
        }
        for (i, inject) in settings.injects.iter().enumerate() {
            let path = root.field("injects").index(i);
            if !model.scenario.events.iter().any(|e| e.id == inject.event) {
                located.at(
                    DiagnosticKind::UnknownName,
                    &path.field("event"),
                    format!("the scenario has no event `{}`", inject.event),
                    suggest(
                        &inject.event,
                        model.scenario.events.iter().map(|e| e.id.as_str()),
                    )
                    .map(|s| format!("did you mean `{s}`?")),
                );
            }
            if inject.turn >= turns {
                located.at(
                    DiagnosticKind::OutOfRange,
                    &path.field("turn"),
                    past_the_end(inject.turn, turns),
                    Some(TURNS_HINT.into()),
                );
            }
        }
        let mut seen = BTreeMap::new();
        for (i, rule) in settings.tabs.iter().enumerate() {
            if let Some(first) = seen.insert(rule.tab, i) {
                located.at(
                    DiagnosticKind::Conflict,
                    &root.field("tabs").index(i),
                    format!("the {:?} tab is set twice", rule.tab),
                    Some(format!("tabs[{first}] sets it already")),
                );
            }
        }
        for (i, rule) in settings.tabs.iter().enumerate() {
            if let Shown::FromTurn(t) = rule.shown
                && t >= turns
            {
                located.at(
                    DiagnosticKind::OutOfRange,
                    &root.field("tabs").index(i).field("shown"),
                    past_the_end(t, turns),
                    Some(TURNS_HINT.into()),
                );
            }
        }
        if settings.week_minutes > 240 {
            located.at(
                DiagnosticKind::OutOfRange,
                &root.field("week_minutes"),
                format!(
                    "{} minutes a week is longer than a lesson",
                    settings.week_minutes
                ),
                Some("give 1 to 240 minutes, or 0 for no limit".into()),
            );
        }
        Self {
            title,
            instructions,
            settings,
            locks,
        }
    }

    /// Why `choice` cannot be taken at `turn`, if the exercise locks it.
    pub fn lock(&self, choice: usize, turn: usize) -> Option<&str> {
        self.locks
            .iter()
            .find(|(c, lock)| {
                *c == choice
                    && turn >= lock.from_turn as usize
                    && lock.to_turn.is_none_or(|to| turn <= to as usize)
            })
            .map(|(_, lock)| {
                if lock.reason.trim().is_empty() {
                    LOCKED
                } else {
                    lock.reason.as_str()
                }
            })
    }

    /// Whether `tab` is shown at turn `cursor`.
    pub fn tab_shown(&self, tab: TabName, cursor: usize, finished: bool) -> bool {
        self.settings
            .tabs
            .iter()
            .find(|r| r.tab == tab)
            .is_none_or(|r| r.shown.at(cursor, finished))
    }

    /// The scheduled injects, as event indices by turn.
    pub fn injects(&self, model: &Model) -> Injects {
        let mut injects = Injects::new();
        for inject in &self.settings.injects {
            if let Some(e) = model
                .scenario
                .events
                .iter()
                .position(|e| e.id == inject.event)
            {
                injects.entry(inject.turn as usize).or_default().push(e);
            }
        }
        injects
    }

    /// Locks `choice` from `turn` on (`locked`), or unlocks it from `turn` on: the
    /// facilitator's switch. Earlier weeks keep their locks.
    pub fn set_lock(&mut self, model: &Model, choice: usize, turn: usize, locked: bool) {
        let Some(id) = model.scenario.choices.get(choice).map(|c| c.id.clone()) else {
            return;
        };
        let turn = turn as u32;
        let mut kept = Vec::new();
        for lock in std::mem::take(&mut self.settings.locks) {
            if lock.choice != id || lock.to_turn.is_some_and(|to| to < turn) {
                kept.push(lock);
            } else if lock.from_turn < turn {
                kept.push(Lock {
                    to_turn: Some(turn - 1),
                    ..lock
                });
            }
        }
        if locked {
            kept.push(Lock {
                choice: id,
                from_turn: turn,
                to_turn: None,
                reason: String::new(),
            });
        }
        self.settings.locks = kept;
        self.locks = self
            .settings
            .locks
            .iter()
            .filter_map(|l| Some((model.choice_index(&l.choice)?, l.clone())))
            .collect();
    }

    /// The exercise with `settings` as kept in a session file, checked against `model`.
    pub fn from_saved(
        file: &str,
        title: String,
        instructions: String,
        settings: Settings,
        model: &Model,
    ) -> Result<Self, FileError> {
        let mut located = Located::whole(file);
        let exercise = Self::compile(title, instructions, settings, model, &mut located);
        located.finish()?;
        Ok(exercise)
    }
}

const TURNS_HINT: &str = "turns are counted from 0, as in the scenario's `paths`";

fn past_the_end(turn: u32, turns: u32) -> String {
    format!(
        "turn {turn} is past the scenario's last turn ({})",
        turns.saturating_sub(1)
    )
}

/// Problems found in a file, located by path when the text is at hand.
struct Located<'a> {
    text: &'a str,
    tree: Option<Node>,
    err: FileError,
}

impl<'a> Located<'a> {
    fn new(file: &str, text: &'a str) -> Self {
        Self {
            text,
            tree: Node::scan(text),
            err: FileError::new(file, text),
        }
    }

    fn whole(file: &str) -> Self {
        Self {
            text: "",
            tree: None,
            err: FileError::new(file, ""),
        }
    }

    fn at(
        &mut self,
        kind: DiagnosticKind,
        path: &Path,
        message: impl Into<String>,
        hint: Option<String>,
    ) {
        let span = self
            .tree
            .as_ref()
            .filter(|_| !self.text.is_empty())
            .map(|t| t.locate(path));
        self.err.push(kind, span, path.to_string(), message, hint);
    }

    fn finish(mut self) -> Result<(), FileError> {
        if self.err.is_empty() {
            Ok(())
        } else {
            self.err.sort();
            Err(self.err)
        }
    }
}

/// Whether a file is an exercise, by its name or by its first word.
pub fn is_exercise(path: &FsPath, text: &str) -> bool {
    crate::files::is_file_of(path, text, ".exercise.ron", "Exercise")
}

/// An exercise loaded: the scenario it plays and the settings checked against it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub model: Model,
    pub exercise: Exercise,
}

/// Reads an exercise file from disk.
pub fn load_file(path: &FsPath) -> Result<Loaded, FileError> {
    let text = load::read_text(path)?;
    load_str(&path.display().to_string(), &text, path.parent())
}

/// Reads an exercise from its text; `file` names it in errors, `folder` is where a
/// `scenario_file` is looked for.
pub fn load_str(file: &str, text: &str, folder: Option<&FsPath>) -> Result<Loaded, FileError> {
    load_with(file, text, &|relative: &FsPath| {
        let path = folder.map_or_else(|| relative.to_path_buf(), |f| f.join(relative));
        path.is_file().then(|| {
            let mut model = scenario::load_file(&path)?;
            if let Some(name) = path.file_name() {
                model.file_name = name.to_string_lossy().into_owned();
            }
            Ok(model)
        })
    })
}

/// Reads an exercise whose `scenario_file` was given beside it by name (in a browser: picked
/// or dropped with it, or fetched from beside the page): `beside` holds (name, text) pairs
/// and is searched for the scenario's file name.
pub fn load_str_beside(
    file: &str,
    text: &str,
    beside: &[(String, String)],
) -> Result<Loaded, FileError> {
    load_with(file, text, &|relative: &FsPath| {
        let wanted = relative.file_name()?;
        let (name, text) = beside
            .iter()
            .find(|(name, _)| FsPath::new(name).file_name() == Some(wanted))?;
        Some(scenario::load_str(name, text).map(|mut model| {
            model.file_name = wanted.to_string_lossy().into_owned();
            model
        }))
    })
}

/// The `scenario_file` an exercise names, if it names one (to fetch it before opening).
pub fn scenario_file_of(text: &str) -> Option<String> {
    let parsed: ExerciseFile = ron::Options::default()
        .with_recursion_limit(scenario::MAX_NESTING)
        .from_str(text)
        .ok()?;
    let named = parsed.scenario_file.trim();
    (!named.is_empty() && parsed.scenario.trim().is_empty()).then(|| named.to_string())
}

/// A scenario named by an exercise, by its path relative to the exercise: `None` when there
/// is no such file.
type ScenarioSource<'a> = dyn Fn(&FsPath) -> Option<Result<Model, FileError>> + 'a;

fn load_with(file: &str, text: &str, named_scenario: &ScenarioSource) -> Result<Loaded, FileError> {
    let options = ron::Options::default().with_recursion_limit(scenario::MAX_NESTING);
    let parsed: ExerciseFile = scenario::ron_errors::from_ron(&options, file, text)?;
    let mut located = Located::new(file, text);
    let root = Path::root();
    if parsed.format != EXERCISE_FORMAT {
        located.at(
            DiagnosticKind::Version,
            &root.field("format"),
            format!(
                "exercise format {} is not supported; this version reads format {EXERCISE_FORMAT}",
                parsed.format
            ),
            Some("open it with the version of Sandtable that wrote it".into()),
        );
        return Err(located.err);
    }
    if parsed.title.trim().is_empty() {
        located.at(
            DiagnosticKind::Missing,
            &root.field("title"),
            "the exercise has no title",
            Some("students see the title on the briefing".into()),
        );
    }
    let embedded = !parsed.scenario.trim().is_empty();
    let named = !parsed.scenario_file.trim().is_empty();
    let model = match (embedded, named) {
        (true, true) | (false, false) => {
            located.at(if embedded { DiagnosticKind::Conflict } else { DiagnosticKind::Missing },
                &root,
                if embedded {
                    "the exercise has both `scenario` and `scenario_file`"
                } else {
                    "the exercise has no scenario"
                },
                Some(
                    "give the scenario's text in `scenario`, or its file in `scenario_file`, not both"
                        .into(),
                ),
            );
            return Err(located.err);
        }
        (true, false) => {
            let mut model =
                scenario::load_str(&format!("{file} (embedded scenario)"), &parsed.scenario)?;
            model.file_name = format!("{}.ron", model.scenario.id);
            model
        }
        (false, true) => {
            let relative = FsPath::new(parsed.scenario_file.trim());
            match named_scenario(relative) {
                Some(model) => model?,
                None => {
                    located.at(
                        DiagnosticKind::Unreadable,
                        &root.field("scenario_file"),
                        format!("there is no scenario file {}", relative.display()),
                        Some("the path is relative to the exercise file's folder".into()),
                    );
                    return Err(located.err);
                }
            }
        }
    };
    let exercise = Exercise::compile(
        parsed.title.trim().to_string(),
        parsed.instructions,
        parsed.settings,
        &model,
        &mut located,
    );
    located.finish()?;
    Ok(Loaded { model, exercise })
}

/// The exercise as one file to e-mail: the scenario's text embedded.
pub fn packed(exercise: &Exercise, model: &Model) -> String {
    let file = ExerciseFile {
        format: EXERCISE_FORMAT,
        title: exercise.title.clone(),
        instructions: exercise.instructions.clone(),
        scenario: model.source.clone(),
        scenario_file: String::new(),
        settings: exercise.settings.clone(),
    };
    let config = ron::ser::PrettyConfig::new()
        .depth_limit(3)
        .struct_names(true)
        .escape_strings(false);
    ron::ser::to_string_pretty(&file, config).unwrap_or_default()
}

/// What `sandtable check` prints for a good exercise file.
pub fn check_line(path: &FsPath, loaded: &Loaded) -> String {
    let Settings {
        locks,
        injects,
        tabs,
        week_minutes,
        reasons_required,
        ..
    } = &loaded.exercise.settings;
    let mut parts = vec![
        format!("scenario {}", loaded.model.scenario.id),
        format!("{} locks", locks.len()),
        format!("{} injects", injects.len()),
        format!("{} tab rules", tabs.len()),
    ];
    if *week_minutes > 0 {
        parts.push(format!("{week_minutes} min a week"));
    }
    if *reasons_required {
        parts.push("reasons required".into());
    }
    format!("{}: ok, exercise ({})", path.display(), parts.join(", "))
}
