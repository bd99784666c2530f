//! Loading a scenario: size and nesting limits, RON syntax, then validation of every part,
//! reporting every problem found with its line and column, and compilation into a [`Model`].
//!
//! Positions in the text are never indexed: they come from RON or the span scanner and are
//! read with `get`. The compiling functions index the lists they build themselves (slots,
//! actors, choices by the index they were found at), each marked where it does.

#![deny(clippy::indexing_slicing)]

use std::collections::{BTreeMap, HashMap};
use std::path::Path as FsPath;

use super::diag::{DiagnosticKind, DiagnosticKind as K, FileError};
use super::expr::{self, ExprError, NameError, Program, Query, Resolve};
use super::model::*;
use super::ron_errors;
use super::spans::{Node, Path, offset_in_literal};
use super::{
    CompiledActor, CompiledChoice, CompiledEffect, CompiledEvent, CompiledIssue, CompiledRule,
    Layout, Model, RuleOrigin, SlotKind, TextPart, suggest,
};

use super::limits::{self, MAX_TURNS};
pub use super::limits::{MAX_FILE_BYTES, MAX_NESTING};

/// How long a read from a pipe or device may take before it is given up.
const READ_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Reads a scenario or session file, refusing what is missing, too large, too slow to
/// arrive or not UTF-8. A UTF-8 byte-order mark at the start is skipped.
pub fn read_text(path: &FsPath) -> Result<String, FileError> {
    use crate::files::{ReadError, read_bounded};
    let name = path.display().to_string();
    let bytes = read_bounded(path, limits::MAX_SESSION_BYTES, READ_WAIT).map_err(|e| match e {
        ReadError::Io(e) => io_error(&name, &e),
        ReadError::Folder => {
            FileError::whole(K::Unreadable, &name, "this is a folder, not a file", None)
        }
        ReadError::TooLarge { len, .. } => too_large(&name, len),
        e @ ReadError::Slow(_) => FileError::whole(
            K::Unreadable,
            &name,
            e.to_string(),
            Some("open a file saved on disk, not a pipe or a device".into()),
        ),
    })?;
    decode(&name, bytes)
}

/// The bytes of a file as text, without a leading byte-order mark; a byte that is not
/// UTF-8 is reported at its line and column.
pub fn decode(name: &str, bytes: Vec<u8>) -> Result<String, FileError> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        }),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let bad = bytes.get(at).copied().unwrap_or_default();
            let text = String::from_utf8_lossy(&bytes);
            let start = usize::from(text.starts_with('\u{feff}')) * 3;
            let shown = text.get(start..).unwrap_or_default();
            let mut err = FileError::new(name, shown);
            let offset = at.saturating_sub(start);
            let end = shown
                .get(offset..)
                .and_then(|rest| rest.chars().next())
                .map_or(offset, |c| offset + c.len_utf8());
            err.push(
                K::Unreadable,
                Some(offset..end),
                "",
                format!("the file is not UTF-8 text: byte 0x{bad:02X} here is not part of a character"),
                Some(
                    "scenario and session files are text files saved as UTF-8; save it again as UTF-8 in your editor"
                        .into(),
                ),
            );
            Err(err)
        }
    }
}

fn io_error(name: &str, e: &std::io::Error) -> FileError {
    let hint = match e.kind() {
        std::io::ErrorKind::NotFound => {
            Some("check the path; it is relative to the current folder".into())
        }
        std::io::ErrorKind::PermissionDenied => Some("you may not read this file".into()),
        _ => None,
    };
    FileError::whole(
        K::Unreadable,
        name,
        format!("cannot read the file: {e}"),
        hint,
    )
}

fn too_large(name: &str, len: Option<u64>) -> FileError {
    let size = match len {
        Some(len) => format!("the file is {} KiB", len / 1024),
        None => "the file does not end".to_string(),
    };
    FileError::whole(
        K::Limit,
        name,
        format!(
            "{size}; scenario files over {} KiB and session files over {} KiB are refused",
            MAX_FILE_BYTES / 1024,
            limits::MAX_SESSION_BYTES / 1024
        ),
        Some("a scenario is a text file of a few hundred KiB at most".into()),
    )
}

/// Loads a scenario file from disk.
pub fn load_file(path: &FsPath) -> Result<Model, FileError> {
    let text = read_text(path)?;
    load_str(&path.display().to_string(), &text)
}

/// Loads a scenario from its text; `file` names it in errors.
pub fn load_str(file: &str, text: &str) -> Result<Model, FileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let scenario = parse(file, text)?;
    compile(file, text, scenario)
}

/// Deserializes the text, checking size, nesting and format first.
fn parse(file: &str, text: &str) -> Result<Scenario, FileError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(too_large(file, Some(text.len() as u64)));
    }
    let tree = Node::scan(text);
    if let Some((format, span)) = tree
        .as_ref()
        .and_then(|t| t.top_level_number(text, "format"))
        && format != FORMAT as u64
    {
        let mut err = FileError::new(file, text);
        let (message, hint) = if format > FORMAT as u64 {
            (
                format!(
                    "scenario format {format} is newer than this version of Sandtable reads (format {FORMAT})"
                ),
                "open it with a newer Sandtable".to_string(),
            )
        } else {
            (
                format!(
                    "scenario format {format} is not supported; this version reads format {FORMAT}"
                ),
                format!(
                    "set `format: {FORMAT}` and check the file against the format's documentation"
                ),
            )
        };
        err.push(K::Version, Some(span), "format", message, Some(hint));
        return Err(err);
    }
    // Optional fields may be written bare or as `Some(..)` (see `model::bare_or_some`).
    let options = ron::Options::default()
        .with_recursion_limit(MAX_NESTING)
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    ron_errors::from_ron(&options, file, text)
}

/// The file's problems, located by path through the span tree.
struct Problems<'a> {
    text: &'a str,
    tree: Option<Node>,
    err: FileError,
}

impl Problems<'_> {
    fn at(
        &mut self,
        kind: DiagnosticKind,
        path: &Path,
        message: impl Into<String>,
        hint: Option<String>,
    ) {
        let span = self.tree.as_ref().map(|t| t.locate(path));
        self.err.push(kind, span, path.to_string(), message, hint);
    }

    fn at_key(
        &mut self,
        kind: DiagnosticKind,
        path: &Path,
        message: impl Into<String>,
        hint: Option<String>,
    ) {
        let span = self.tree.as_ref().map(|t| t.locate_key(path));
        self.err.push(kind, span, path.to_string(), message, hint);
    }

    fn in_expr(&mut self, path: &Path, errors: Vec<ExprError>) {
        let literal = self.tree.as_ref().map(|t| t.locate(path));
        for e in errors {
            let span = literal.as_ref().map(|lit| {
                let start = offset_in_literal(self.text, lit, e.span.start);
                let end = offset_in_literal(self.text, lit, e.span.end).max(start);
                if start == lit.start {
                    lit.clone()
                } else {
                    start..end.max(start + 1)
                }
            });
            self.err
                .push(e.kind, span, path.to_string(), e.message, e.hint);
        }
    }
}

/// Name resolution for expressions.
struct Symbols {
    names: HashMap<String, usize>,
    choices: HashMap<String, usize>,
    events: HashMap<String, usize>,
    layout: Layout,
    actor_ids: Vec<String>,
}

impl Symbols {
    fn unknown(&self, name: &str) -> NameError {
        let mut hint = suggest(name, self.names.keys().map(String::as_str))
            .map(|s| format!("did you mean `{s}`?"));
        if hint.is_none() && self.choices.contains_key(name) {
            hint = Some(format!(
                "`{name}` is a choice: write chosen(\"{name}\") or times_chosen(\"{name}\")"
            ));
        }
        if hint.is_none() && self.events.contains_key(name) {
            hint = Some(format!("`{name}` is an event: write fired(\"{name}\")"));
        }
        if hint.is_none() && self.actor_ids.iter().any(|a| a == name) {
            let mut parts: Vec<&str> = self
                .names
                .keys()
                .filter(|n| {
                    n.strip_prefix(name)
                        .is_some_and(|rest| rest.starts_with('.'))
                })
                .map(String::as_str)
                .collect();
            parts.sort();
            parts.truncate(6);
            hint = Some(format!(
                "name something the actor has, e.g. {}",
                parts.join(", ")
            ));
        }
        NameError {
            kind: DiagnosticKind::UnknownName,
            message: format!("unknown name `{name}`"),
            hint,
        }
    }

    fn target(&self, name: &str) -> Result<usize, NameError> {
        let slot = *self.names.get(name).ok_or_else(|| self.unknown(name))?;
        if self.layout.writable(slot) {
            return Ok(slot);
        }
        let why = match self
            .layout
            .kinds
            .get(slot)
            .copied()
            .unwrap_or(SlotKind::Turn)
        {
            SlotKind::Parameter(_) => "parameters are drawn once per run and cannot be changed",
            SlotKind::Turn | SlotKind::Turns => "the clock cannot be changed",
            _ => "it is derived from the state every turn and cannot be changed directly",
        };
        Err(NameError {
            kind: DiagnosticKind::TypeMismatch,
            message: format!("`{name}` cannot be a target: {why}"),
            hint: Some("targets are indicators, `actor.resource`, `actor.issue` and `actor.issue.salience`".into()),
        })
    }
}

impl Resolve for Symbols {
    fn name(&self, name: &str) -> Result<u32, NameError> {
        self.names
            .get(name)
            .map(|&s| s as u32)
            .ok_or_else(|| self.unknown(name))
    }

    fn query(&self, query: Query, id: &str) -> Result<u32, NameError> {
        let (map, what, slot) = match query {
            Query::Chosen => (&self.choices, "choice", self.layout.chosen),
            Query::TimesChosen => (&self.choices, "choice", self.layout.times_chosen),
            Query::Fired => (&self.events, "event", self.layout.fired),
        };
        match map.get(id) {
            Some(&i) => Ok((slot + i) as u32),
            None => Err(NameError {
                kind: DiagnosticKind::UnknownName,
                message: format!("no {what} has the id `{id}`"),
                hint: suggest(id, map.keys().map(String::as_str))
                    .map(|s| format!("did you mean `{s}`?")),
            }),
        }
    }
}

fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

const RESERVED: [&str; 10] = [
    "turn",
    "turns",
    "and",
    "or",
    "not",
    "approval",
    "capability",
    "policy",
    "pressure",
    "salience",
];

/// Validates the scenario and compiles it. Reports every problem found.
fn compile(file: &str, text: &str, scenario: Scenario) -> Result<Model, FileError> {
    let mut p = Problems {
        text,
        tree: Node::scan(text),
        err: FileError::new(file, text),
    };
    // Limits first: nothing below may grow with a count, a length or a horizon over its
    // limit, nor meet a number that is not finite.
    check_limits(&scenario, &mut p);
    if !p.err.is_empty() {
        p.err.sort();
        return Err(p.err);
    }
    check_ids(&scenario, &mut p);

    let layout = build_layout(&scenario);
    let symbols = build_symbols(&scenario, &layout);
    let mut s = Sections {
        scenario: &scenario,
        symbols: &symbols,
        p,
        root: Path::root(),
        turns: scenario.clock.turns,
    };
    s.clock_and_role();
    let issues = s.issues();
    let (actors, mut rules) = s.actors();
    s.indicators();
    s.parameters();
    rules.extend(s.dynamics());
    s.one_setter_per_target(&rules);
    let mut choices = s.choices();
    let events = s.events(&mut choices);
    let (outcomes, goals) = s.outcomes_and_goals();
    s.observations();
    let paths = s.paths();
    s.lessons_and_defects();

    let Sections { mut p, .. } = s;
    if !p.err.is_empty() {
        p.err.sort();
        return Err(p.err);
    }
    let parameters = scenario.parameters.iter().map(|x| x.dist).collect();
    let rule_order = rule_order(&rules);
    let (rule_programs, rule_rows) = rule_programs(&rules);
    Ok(Model {
        scenario,
        source: text.to_string(),
        file_name: file.to_string(),
        layout,
        issues,
        actors,
        rules,
        rule_order,
        rule_programs,
        rule_rows,
        choices,
        events,
        outcomes,
        goals,
        paths,
        parameters,
    })
}

/// The limits on counts, lengths and horizon, and numbers that are not finite.
fn check_limits(scenario: &Scenario, p: &mut Problems) {
    for excess in limits::check_counts(scenario)
        .into_iter()
        .chain(limits::check_lengths(scenario))
    {
        p.at(K::Limit, &excess.path, excess.message, Some(excess.hint));
    }
    for (path, value) in limits::non_finite(scenario) {
        p.at(
            K::OutOfRange,
            &path,
            format!("{value} is not a finite number"),
            Some("write an ordinary number such as 1000, 0.25 or 2.5e3".into()),
        );
    }
    let turns = scenario.clock.turns;
    if turns == 0 || turns > MAX_TURNS {
        p.at(
            K::Limit,
            &Path::root().field("clock").field("turns"),
            format!("a scenario has 1 to {MAX_TURNS} turns, not {turns}"),
            None,
        );
    }
}

/// The rules' programs as one group, each rule's `when` (if it has one) then its value,
/// and per rule where those two are in the group.
fn rule_programs(rules: &[CompiledRule]) -> (expr::Group, Vec<(Option<usize>, usize)>) {
    let mut programs = Vec::with_capacity(2 * rules.len());
    let mut rows = Vec::with_capacity(rules.len());
    for rule in rules {
        let when = rule.when.as_ref().map(|when| {
            programs.push(when);
            programs.len() - 1
        });
        programs.push(&rule.value);
        rows.push((when, programs.len() - 1));
    }
    (expr::Group::new(programs), rows)
}

/// The order rules are combined in: by target, then `Set`, `Multiply`, `Add`, then as
/// written.
// Indexes only the lists built here and the scenario's lists by positions found in them.
#[allow(clippy::indexing_slicing)]
fn rule_order(rules: &[CompiledRule]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..rules.len()).collect();
    let rank = |op: Op| match op {
        Op::Set => 0,
        Op::Multiply => 1,
        Op::Add => 2,
    };
    order.sort_by_key(|&r| (rules[r].target, rank(rules[r].op), r));
    order
}

/// The scenario's sections compiled one by one, each reporting its problems to `p`, with
/// the names and slots that expressions resolve against.
struct Sections<'s> {
    scenario: &'s Scenario,
    symbols: &'s Symbols,
    p: Problems<'s>,
    root: Path,
    turns: u32,
}

// Indexes only the lists built here and the scenario's lists by positions found in them.
#[allow(clippy::indexing_slicing)]
impl Sections<'_> {
    /// Compiles the expression `text` found at `path`; a constant 0 in its place if it has
    /// problems, so that the rest can still be checked.
    fn expr(&mut self, path: &Path, text: &str, draws: bool) -> Program {
        match expr::compile(text, self.symbols, draws) {
            Ok(prog) => prog,
            Err(errors) => {
                self.p.in_expr(path, errors);
                Program::constant(0.0)
            }
        }
    }

    fn clock_and_role(&mut self) {
        let scenario = self.scenario;
        let clock = &scenario.clock;
        if clock.step_days == 0 || clock.step_days > 366 {
            self.p.at(
                K::OutOfRange,
                &self.root.field("clock").field("step_days"),
                "a turn lasts 1 to 366 days",
                Some("7 is a week".into()),
            );
        }
        if !scenario.actors.iter().any(|a| a.id == scenario.role) {
            self.p.at(
                K::UnknownName,
                &self.root.field("role"),
                format!("the role `{}` is not an actor", scenario.role),
                suggest(
                    &scenario.role,
                    scenario.actors.iter().map(|a| a.id.as_str()),
                )
                .map(|s| format!("did you mean `{s}`?")),
            );
        }
    }

    fn issues(&mut self) -> Vec<CompiledIssue> {
        let mut issues = Vec::new();
        for (i, issue) in self.scenario.issues.iter().enumerate() {
            let path = self.root.field("issues").index(i).field("policy");
            issues.push(CompiledIssue {
                policy: self.expr(&path, &issue.policy, false),
            });
        }
        issues
    }

    /// The actors, and their rules.
    fn actors(&mut self) -> (Vec<CompiledActor>, Vec<CompiledRule>) {
        let scenario = self.scenario;
        let issue_ids: Vec<&str> = scenario.issues.iter().map(|i| i.id.as_str()).collect();
        let mut actors = Vec::new();
        let mut rules = Vec::new();
        for (a, actor) in scenario.actors.iter().enumerate() {
            let path = self.root.field("actors").index(a);
            for (issue, stance) in &actor.stances {
                let sp = path.field("stances").key(issue.clone());
                if !issue_ids.contains(&issue.as_str()) {
                    self.p.at_key(
                        K::UnknownName,
                        &sp,
                        format!("`{issue}` is not an issue"),
                        suggest(issue, issue_ids.iter().copied())
                            .map(|s| format!("did you mean `{s}`?")),
                    );
                }
                for (field, value) in [("position", stance.position), ("salience", stance.salience)]
                {
                    if !(0.0..=1.0).contains(&value) {
                        self.p.at(
                            K::OutOfRange,
                            &sp.field(field),
                            format!("{field} must be between 0 and 1, found {value}"),
                            Some(
                                "stances lie on a 0..1 axis from the issue's `low` to its `high`"
                                    .into(),
                            ),
                        );
                    }
                }
            }
            for (r, res) in actor.resources.iter().enumerate() {
                let rp = path.field("resources").index(r);
                let max = res.max.unwrap_or(f64::INFINITY);
                if !res.initial.is_finite() || !res.min.is_finite() || res.min > max {
                    self.p.at(
                        K::OutOfRange,
                        &rp,
                        format!("resource `{}` has impossible bounds or value", res.id),
                        None,
                    );
                } else if res.initial < res.min || res.initial > max {
                    self.p.at(
                        K::OutOfRange,
                        &rp.field("initial"),
                        format!(
                            "initial value {} is outside the bounds {}..{}",
                            res.initial, res.min, max
                        ),
                        None,
                    );
                }
            }
            actors.push(CompiledActor {
                capability: self.expr(&path.field("capability"), &actor.capability, false),
                has_stance: scenario
                    .issues
                    .iter()
                    .map(|i| actor.stances.contains_key(&i.id))
                    .collect(),
            });
            for (r, rule) in actor.rules.iter().enumerate() {
                let rp = path.field("rules").index(r);
                if let Some(c) = self.rule(&rp, rule) {
                    rules.push(CompiledRule {
                        origin: RuleOrigin::Actor { actor: a, rule: r },
                        ..c
                    });
                }
            }
        }
        (actors, rules)
    }

    fn indicators(&mut self) {
        for (i, ind) in self.scenario.indicators.iter().enumerate() {
            let path = self.root.field("indicators").index(i);
            let (lo, hi) = (
                ind.min.unwrap_or(f64::NEG_INFINITY),
                ind.max.unwrap_or(f64::INFINITY),
            );
            if lo > hi || lo.is_nan() || hi.is_nan() {
                self.p.at(
                    K::OutOfRange,
                    &path.field("min"),
                    format!("min {lo} is above max {hi}"),
                    None,
                );
            } else if !ind.initial.is_finite() || ind.initial < lo || ind.initial > hi {
                self.p.at(
                    K::OutOfRange,
                    &path.field("initial"),
                    format!(
                        "initial value {} is outside the bounds {lo}..{hi}",
                        ind.initial
                    ),
                    None,
                );
            }
            if ind.precision > 6 {
                self.p.at(
                    K::OutOfRange,
                    &path.field("precision"),
                    "precision is 0 to 6 decimal places",
                    None,
                );
            }
        }
    }

    fn parameters(&mut self) {
        for (i, param) in self.scenario.parameters.iter().enumerate() {
            if let Err(why) = check_distribution(&param.dist) {
                self.p.at(K::OutOfRange,
                    &self.root.field("parameters").index(i).field("dist"),
                    format!("impossible distribution: {why}"),
                    Some("Uniform(low, high) needs low <= high; Normal(mean, sd) sd >= 0; Triangular low <= mode <= high".into()),
                );
            }
        }
    }

    fn dynamics(&mut self) -> Vec<CompiledRule> {
        let mut rules = Vec::new();
        for (i, rule) in self.scenario.dynamics.iter().enumerate() {
            let rp = self.root.field("dynamics").index(i);
            if let Some(c) = self.rule(&rp, rule) {
                rules.push(CompiledRule {
                    origin: RuleOrigin::Dynamics(i),
                    ..c
                });
            }
        }
        rules
    }

    /// Two `Set` rules on one target would make the file's order matter.
    fn one_setter_per_target(&mut self, rules: &[CompiledRule]) {
        let mut setters: BTreeMap<usize, RuleOrigin> = BTreeMap::new();
        for rule in rules {
            if rule.op == Op::Set
                && let Some(first) = setters.insert(rule.target, rule.origin)
            {
                let path = rule_path(&self.root, rule.origin).field("op");
                let other = rule_name(self.scenario, first);
                self.p.at(
                    K::Conflict,
                    &path,
                    format!(
                        "two rules set `{}`; the result would depend on their order",
                        self.symbols.layout.names[rule.target]
                    ),
                    Some(format!(
                        "the other is {other}; make one of them Add or Multiply"
                    )),
                );
            }
        }
    }

    fn choices(&mut self) -> Vec<CompiledChoice> {
        let scenario = self.scenario;
        let turns = self.turns;
        let role = scenario.actors.iter().position(|a| a.id == scenario.role);
        let mut groups: Vec<&str> = Vec::new();
        let mut choices = Vec::new();
        for (c, choice) in scenario.choices.iter().enumerate() {
            let path = self.root.field("choices").index(c);
            let group = choice.group.as_deref().map(|g| {
                groups.iter().position(|x| *x == g).unwrap_or_else(|| {
                    groups.push(g);
                    groups.len() - 1
                })
            });
            if let Some(to) = choice.to_turn
                && to < choice.from_turn
            {
                self.p.at(
                    K::OutOfRange,
                    &path.field("to_turn"),
                    format!("to_turn {to} is before from_turn {}", choice.from_turn),
                    None,
                );
            }
            if choice.from_turn >= turns {
                self.p.at(
                    K::OutOfRange,
                    &path.field("from_turn"),
                    format!(
                        "from_turn {} is past the last turn ({})",
                        choice.from_turn,
                        turns.saturating_sub(1)
                    ),
                    Some("turns are counted from 0".into()),
                );
            }
            let condition = choice
                .condition
                .as_ref()
                .map(|t| self.expr(&path.field("condition"), t, false));
            let mut cost = Vec::new();
            // Without a valid role there is no one to pay; that problem is reported already.
            for (res, &amount) in choice.cost.iter().filter(|_| role.is_some()) {
                let cp = path.field("cost").key(res.clone());
                let resources = role.map(|r| &scenario.actors[r].resources);
                match resources.and_then(|rs| rs.iter().position(|x| &x.id == res)) {
                    Some(ri) => {
                        if !amount.is_finite() || amount < 0.0 {
                            self.p.at(
                                K::OutOfRange,
                                &cp,
                                format!("a cost must be a number of at least 0, found {amount}"),
                                None,
                            );
                        }
                        let start = self.symbols.layout.resources[role.unwrap_or(0)].start;
                        cost.push((start + ri, amount));
                    }
                    None => self.p.at_key(
                        K::UnknownName,
                        &cp,
                        format!(
                            "`{res}` is not a resource of the player (`{}`)",
                            scenario.role
                        ),
                        resources
                            .and_then(|rs| suggest(res, rs.iter().map(|x| x.id.as_str())))
                            .map(|s| format!("did you mean `{s}`?")),
                    ),
                }
            }
            let effects = self.effects(&path, &choice.effects);
            choices.push(CompiledChoice {
                group,
                condition,
                cost,
                effects,
                opened_by: Vec::new(),
            });
        }
        choices
    }

    /// The events; the choices they open learn of it.
    fn events(&mut self, choices: &mut [CompiledChoice]) -> Vec<CompiledEvent> {
        let symbols = self.symbols;
        let mut events = Vec::new();
        for (e, event) in self.scenario.events.iter().enumerate() {
            let path = self.root.field("events").index(e);
            let condition = self.expr(&path.field("condition"), &event.condition, true);
            let probability = self.expr(&path.field("probability"), &event.probability, true);
            let effects = self.effects(&path, &event.effects);
            let text = self.text(&path.field("text"), &event.text);
            for (o, id) in event.opens.iter().enumerate() {
                match symbols.choices.get(id) {
                    Some(&c) => choices[c].opened_by.push(e),
                    None => self.p.at(
                        K::UnknownName,
                        &path.field("opens").index(o),
                        format!("no choice has the id `{id}`"),
                        suggest(id, symbols.choices.keys().map(String::as_str))
                            .map(|s| format!("did you mean `{s}`?")),
                    ),
                }
            }
            events.push(CompiledEvent {
                condition,
                probability,
                effects,
                text,
            });
        }
        events
    }

    fn outcomes_and_goals(&mut self) -> (Vec<Program>, Vec<Program>) {
        let scenario = self.scenario;
        let mut outcomes = Vec::new();
        for (i, o) in scenario.outcomes.iter().enumerate() {
            let path = self.root.field("outcomes").index(i).field("value");
            outcomes.push(self.expr(&path, &o.value, false));
        }
        let mut goals = Vec::new();
        for (i, g) in scenario.goals.iter().enumerate() {
            let path = self.root.field("goals").index(i).field("condition");
            goals.push(self.expr(&path, &g.condition, false));
        }
        (outcomes, goals)
    }

    fn observations(&mut self) {
        let scenario = self.scenario;
        let source_ids: Vec<&str> = scenario.sources.iter().map(|s| s.id.as_str()).collect();
        for (i, obs) in scenario.observations.iter().enumerate() {
            let path = self.root.field("observations").index(i);
            if !scenario.indicators.iter().any(|x| x.id == obs.indicator) {
                self.p.at(
                    K::UnknownName,
                    &path.field("indicator"),
                    format!("`{}` is not an indicator", obs.indicator),
                    suggest(
                        &obs.indicator,
                        scenario.indicators.iter().map(|x| x.id.as_str()),
                    )
                    .map(|s| format!("did you mean `{s}`?")),
                );
            }
            if !source_ids.contains(&obs.source.as_str()) {
                self.p.at(
                    K::UnknownName,
                    &path.field("source"),
                    format!("`{}` is not in the scenario's sources", obs.source),
                    suggest(&obs.source, source_ids.iter().copied())
                        .map(|s| format!("did you mean `{s}`?"))
                        .or(Some("add it to `sources` with a title".into())),
                );
            }
            if !obs.value.is_finite() {
                self.p.at(
                    K::OutOfRange,
                    &path.field("value"),
                    "the value must be a finite number",
                    None,
                );
            }
            let last = scenario
                .clock
                .start
                .plus_days(i64::from(self.turns) * i64::from(scenario.clock.step_days));
            if obs.date > last {
                self.p.at(
                    K::OutOfRange,
                    &path.field("date"),
                    format!("{} is after the scenario's clock ends, on {last}", obs.date),
                    Some(
                        "the charts end with the clock: move the date or lengthen `clock.turns`"
                            .into(),
                    ),
                );
            }
        }
    }

    /// The reference paths, as choice indices per turn.
    fn paths(&mut self) -> Vec<Vec<Vec<usize>>> {
        let scenario = self.scenario;
        let symbols = self.symbols;
        let turns = self.turns;
        let mut paths = Vec::new();
        for (i, rp) in scenario.paths.iter().enumerate() {
            let path = self.root.field("paths").index(i).field("decisions");
            let mut decisions = vec![Vec::new(); turns as usize];
            for (&turn, ids) in &rp.decisions {
                let tp = path.key(turn.to_string());
                if turn >= turns {
                    self.p.at_key(
                        K::OutOfRange,
                        &tp,
                        format!(
                            "turn {turn} is past the last turn ({})",
                            turns.saturating_sub(1)
                        ),
                        Some("turns are counted from 0".into()),
                    );
                    continue;
                }
                for (k, id) in ids.iter().enumerate() {
                    match symbols.choices.get(id) {
                        Some(&c) if decisions[turn as usize].contains(&c) => self.p.at(
                            K::Conflict,
                            &tp.index(k),
                            format!("`{id}` is taken twice in turn {turn}"),
                            Some("a choice can be taken once a turn".into()),
                        ),
                        Some(&c) => {
                            let group = scenario.choices[c].group.as_ref();
                            let rival = decisions[turn as usize].iter().find(|&&o| {
                                group.is_some() && scenario.choices[o].group.as_ref() == group
                            });
                            match (rival, group) {
                                (Some(&o), Some(g)) => self.p.at(K::Conflict,
                                    &tp.index(k),
                                    format!(
                                        "`{id}` and `{}` are both in the group `{g}` in turn {turn}",
                                        scenario.choices[o].id
                                    ),
                                    Some("choices of one group exclude each other within a turn: keep one".into()),
                                ),
                                _ => decisions[turn as usize].push(c),
                            }
                        }
                        None => self.p.at(
                            K::UnknownName,
                            &tp.index(k),
                            format!("no choice has the id `{id}`"),
                            suggest(id, symbols.choices.keys().map(String::as_str))
                                .map(|s| format!("did you mean `{s}`?")),
                        ),
                    }
                }
            }
            paths.push(decisions);
        }
        paths
    }

    /// The lesson's checks, and the defects the file declares intended.
    fn lessons_and_defects(&mut self) {
        let scenario = self.scenario;
        for problem in super::lesson::check(scenario) {
            self.p
                .at(problem.kind, &problem.path, problem.message, problem.hint);
        }
        for (i, intended) in scenario.balance.intended.iter().enumerate() {
            let path = self.root.field("balance").field("intended").index(i);
            if let Some(problem) = super::balance::check(scenario, intended) {
                self.p.at(
                    problem.kind,
                    &path.field(problem.field),
                    problem.message,
                    problem.hint,
                );
            } else if scenario.balance.intended[..i]
                .iter()
                .any(|e| e.defect == intended.defect && e.target == intended.target)
            {
                self.p.at(
                    K::Defect,
                    &path,
                    "this defect is declared twice",
                    Some("keep one declaration and give it one reason".into()),
                );
            }
        }
    }

    /// A rule at `path`, with a placeholder origin for the caller to fill in; `None` if its
    /// target is unknown.
    fn rule(&mut self, path: &Path, rule: &Rule) -> Option<CompiledRule> {
        let target = match self.symbols.target(&rule.target) {
            Ok(t) => Some(t),
            Err(e) => {
                self.p.at(e.kind, &path.field("target"), e.message, e.hint);
                None
            }
        };
        let value = self.expr(&path.field("value"), &rule.value, true);
        let when = rule
            .when
            .as_ref()
            .map(|w| self.expr(&path.field("when"), w, true));
        Some(CompiledRule {
            origin: RuleOrigin::Dynamics(0),
            target: target?,
            op: rule.op,
            value,
            when,
        })
    }

    /// The effects of the choice or event at `path`.
    fn effects(&mut self, path: &Path, effects: &[Effect]) -> Vec<CompiledEffect> {
        let turns = self.turns;
        let mut out = Vec::new();
        for (i, effect) in effects.iter().enumerate() {
            let ep = path.field("effects").index(i);
            let target = match self.symbols.target(&effect.target) {
                Ok(t) => Some(t),
                Err(e) => {
                    self.p.at(e.kind, &ep.field("target"), e.message, e.hint);
                    None
                }
            };
            let value = self.expr(&ep.field("value"), &effect.value, true);
            if effect.duration == 0 {
                self.p.at(
                    K::OutOfRange,
                    &ep.field("duration"),
                    "duration is at least 1 turn",
                    None,
                );
            }
            if effect.delay >= turns.max(1) {
                self.p.at(
                    K::OutOfRange,
                    &ep.field("delay"),
                    format!(
                        "a delay of {} turns is past the scenario's end",
                        effect.delay
                    ),
                    None,
                );
            }
            if let Some(target) = target {
                out.push(CompiledEffect {
                    target,
                    op: effect.op,
                    value,
                    delay: effect.delay,
                    duration: effect.duration.min(turns.max(1)),
                });
            }
        }
        out
    }

    /// Splits a news text into literals and `{name}` values.
    fn text(&mut self, path: &Path, text: &str) -> Vec<TextPart> {
        let (symbols, scenario) = (self.symbols, self.scenario);
        let mut parts = Vec::new();
        let mut rest = text;
        let mut offset = 0;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            let name = &rest[open + 1..open + close];
            if !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
                || name.is_empty()
            {
                parts.push(TextPart::Literal(rest[..open + 1].to_string()));
                offset += open + 1;
                rest = &rest[open + 1..];
                continue;
            }
            if open > 0 {
                parts.push(TextPart::Literal(rest[..open].to_string()));
            }
            match symbols.name(name) {
                Ok(slot) => {
                    let slot = slot as usize;
                    let precision = match symbols.layout.kinds[slot] {
                        SlotKind::Indicator(i) => scenario.indicators[i].precision as usize,
                        SlotKind::Position { .. }
                        | SlotKind::Salience { .. }
                        | SlotKind::Policy(_)
                        | SlotKind::Pressure(_) => 2,
                        _ => 0,
                    };
                    parts.push(TextPart::Value { slot, precision });
                }
                Err(e) => {
                    let start = offset + open + 1;
                    self.p.in_expr(
                        path,
                        vec![ExprError {
                            kind: e.kind,
                            span: start..start + name.len(),
                            message: e.message,
                            hint: e.hint,
                        }],
                    );
                }
            }
            offset += open + close + 1;
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            parts.push(TextPart::Literal(rest.to_string()));
        }
        parts
    }
}

// Indexes only the lists built here and the scenario's lists by positions found in them.
#[allow(clippy::indexing_slicing)]
fn rule_path(root: &Path, origin: RuleOrigin) -> Path {
    match origin {
        RuleOrigin::Dynamics(i) => root.field("dynamics").index(i),
        RuleOrigin::Actor { actor, rule } => {
            root.field("actors").index(actor).field("rules").index(rule)
        }
    }
}

// Indexes only the lists built here and the scenario's lists by positions found in them.
#[allow(clippy::indexing_slicing)]
fn rule_name(scenario: &Scenario, origin: RuleOrigin) -> String {
    match origin {
        RuleOrigin::Dynamics(i) => format!("dynamics rule `{}`", scenario.dynamics[i].id),
        RuleOrigin::Actor { actor, rule } => format!(
            "rule `{}` of `{}`",
            scenario.actors[actor].rules[rule].id, scenario.actors[actor].id
        ),
    }
}

fn check_distribution(d: &Distribution) -> Result<(), String> {
    let finite = |xs: &[f64]| xs.iter().all(|x| x.is_finite());
    match *d {
        Distribution::Fixed(v) if !finite(&[v]) => Err("the value is not finite".into()),
        Distribution::Uniform { low, high } if !finite(&[low, high]) || low > high => {
            Err(format!("low {low} must not exceed high {high}"))
        }
        Distribution::Normal { mean, sd } if !finite(&[mean, sd]) || sd < 0.0 => {
            Err(format!("sd {sd} must be 0 or more"))
        }
        Distribution::Triangular { low, mode, high }
            if !finite(&[low, mode, high]) || low > mode || mode > high =>
        {
            Err(format!(
                "needs low <= mode <= high, found {low}, {mode}, {high}"
            ))
        }
        _ => Ok(()),
    }
}

/// Checks ids: well-formed, unique within their kind, and no clash in the shared namespace
/// of expression names.
// Indexes only the lists built here and the scenario's lists by positions found in them.
#[allow(clippy::indexing_slicing)]
fn check_ids(s: &Scenario, p: &mut Problems) {
    let root = Path::root();
    let mut top: HashMap<&str, &'static str> = HashMap::new();
    for name in RESERVED {
        top.insert(name, "a built-in name");
    }
    fn check<'s>(
        p: &mut Problems,
        kind: &'static str,
        list: &'static str,
        ids: Vec<&'s str>,
        shared: bool,
        top: &mut HashMap<&'s str, &'static str>,
    ) {
        let root = Path::root();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, id) in ids.iter().enumerate() {
            let path = root.field(list).index(i).field("id");
            if !valid_id(id) {
                p.at(K::BadId, &path, format!("`{id}` is not a valid id"), Some("ids are letters, digits and _, starting with a letter, e.g. `french_troops`".into()));
                continue;
            }
            if let Some(first) = seen.insert(id, i) {
                p.at(
                    K::BadId,
                    &path,
                    format!("duplicate {kind} id `{id}`"),
                    Some(format!("{list}[{first}] has the same id")),
                );
                continue;
            }
            if shared && let Some(other) = top.insert(id, kind) {
                p.at(
                    K::BadId,
                    &path,
                    format!("`{id}` is already used as {other}"),
                    Some("indicators, parameters, actors and issues share one set of names".into()),
                );
            }
        }
    }
    check(
        p,
        "an issue",
        "issues",
        s.issues.iter().map(|x| x.id.as_str()).collect(),
        true,
        &mut top,
    );
    check(
        p,
        "an actor",
        "actors",
        s.actors.iter().map(|x| x.id.as_str()).collect(),
        true,
        &mut top,
    );
    check(
        p,
        "an indicator",
        "indicators",
        s.indicators.iter().map(|x| x.id.as_str()).collect(),
        true,
        &mut top,
    );
    check(
        p,
        "a parameter",
        "parameters",
        s.parameters.iter().map(|x| x.id.as_str()).collect(),
        true,
        &mut top,
    );
    check(
        p,
        "choice",
        "choices",
        s.choices.iter().map(|x| x.id.as_str()).collect(),
        false,
        &mut top,
    );
    check(
        p,
        "event",
        "events",
        s.events.iter().map(|x| x.id.as_str()).collect(),
        false,
        &mut top,
    );
    check(
        p,
        "outcome",
        "outcomes",
        s.outcomes.iter().map(|x| x.id.as_str()).collect(),
        false,
        &mut top,
    );
    check(
        p,
        "goal",
        "goals",
        s.goals.iter().map(|x| x.id.as_str()).collect(),
        false,
        &mut top,
    );
    check(
        p,
        "path",
        "paths",
        s.paths.iter().map(|x| x.id.as_str()).collect(),
        false,
        &mut top,
    );
    check(
        p,
        "source",
        "sources",
        s.sources.iter().map(|x| x.id.as_str()).collect(),
        false,
        &mut top,
    );
    let issue_ids: Vec<&str> = s.issues.iter().map(|i| i.id.as_str()).collect();
    for (a, actor) in s.actors.iter().enumerate() {
        let mut seen = HashMap::new();
        for (r, res) in actor.resources.iter().enumerate() {
            let path = root
                .field("actors")
                .index(a)
                .field("resources")
                .index(r)
                .field("id");
            if !valid_id(&res.id) {
                p.at(
                    K::BadId,
                    &path,
                    format!("`{}` is not a valid id", res.id),
                    None,
                );
            } else if seen.insert(res.id.as_str(), r).is_some() {
                p.at(
                    K::BadId,
                    &path,
                    format!("duplicate resource id `{}` in `{}`", res.id, actor.id),
                    None,
                );
            } else if issue_ids.contains(&res.id.as_str()) || RESERVED.contains(&res.id.as_str()) {
                p.at(
                    K::BadId,
                    &path,
                    format!(
                        "`{}.{}` would be ambiguous: `{}` is an issue or a built-in name",
                        actor.id, res.id, res.id
                    ),
                    Some("rename the resource".into()),
                );
            }
        }
    }
}

// Indexes only the lists built here and the scenario's lists by positions found in them.
#[allow(clippy::indexing_slicing)]
fn build_layout(s: &Scenario) -> Layout {
    let mut kinds = vec![SlotKind::Turn, SlotKind::Turns];
    let mut bounds = vec![(0.0, f64::INFINITY); 2];
    let mut names = vec!["turn".to_string(), "turns".to_string()];
    let inf = (f64::NEG_INFINITY, f64::INFINITY);
    let start = kinds.len();
    for (i, ind) in s.indicators.iter().enumerate() {
        kinds.push(SlotKind::Indicator(i));
        bounds.push((
            ind.min.unwrap_or(f64::NEG_INFINITY),
            ind.max.unwrap_or(f64::INFINITY),
        ));
        names.push(ind.id.clone());
    }
    let indicators = start..kinds.len();
    let start = kinds.len();
    for (i, param) in s.parameters.iter().enumerate() {
        kinds.push(SlotKind::Parameter(i));
        bounds.push(inf);
        names.push(param.id.clone());
    }
    let parameters = start..kinds.len();
    let mut resources = Vec::new();
    for (a, actor) in s.actors.iter().enumerate() {
        let start = kinds.len();
        for (r, res) in actor.resources.iter().enumerate() {
            kinds.push(SlotKind::Resource {
                actor: a,
                resource: r,
            });
            bounds.push((res.min, res.max.unwrap_or(f64::INFINITY)));
            names.push(format!("{}.{}", actor.id, res.id));
        }
        resources.push(start..kinds.len());
    }
    let issue_count = s.issues.len();
    let positions = kinds.len();
    for (a, actor) in s.actors.iter().enumerate() {
        for (i, issue) in s.issues.iter().enumerate() {
            kinds.push(SlotKind::Position { actor: a, issue: i });
            bounds.push((0.0, 1.0));
            names.push(format!("{}.{}", actor.id, issue.id));
        }
    }
    let saliences = kinds.len();
    for (a, actor) in s.actors.iter().enumerate() {
        for (i, issue) in s.issues.iter().enumerate() {
            kinds.push(SlotKind::Salience { actor: a, issue: i });
            bounds.push((0.0, 1.0));
            names.push(format!("{}.{}.salience", actor.id, issue.id));
        }
    }
    let push_each = |kind: fn(usize) -> SlotKind,
                     ids: Vec<String>,
                     kinds: &mut Vec<SlotKind>,
                     bounds: &mut Vec<(f64, f64)>,
                     names: &mut Vec<String>| {
        let start = kinds.len();
        for (i, id) in ids.into_iter().enumerate() {
            kinds.push(kind(i));
            bounds.push(inf);
            names.push(id);
        }
        start
    };
    let actor_ids = |suffix: &str| {
        s.actors
            .iter()
            .map(|a| format!("{}.{suffix}", a.id))
            .collect::<Vec<_>>()
    };
    let approvals = push_each(
        SlotKind::Approval,
        actor_ids("approval"),
        &mut kinds,
        &mut bounds,
        &mut names,
    );
    let capabilities = push_each(
        SlotKind::Capability,
        actor_ids("capability"),
        &mut kinds,
        &mut bounds,
        &mut names,
    );
    let issue_ids = |suffix: &str| {
        s.issues
            .iter()
            .map(|i| format!("{}.{suffix}", i.id))
            .collect::<Vec<_>>()
    };
    let policies = push_each(
        SlotKind::Policy,
        issue_ids("policy"),
        &mut kinds,
        &mut bounds,
        &mut names,
    );
    let pressures = push_each(
        SlotKind::Pressure,
        issue_ids("pressure"),
        &mut kinds,
        &mut bounds,
        &mut names,
    );
    let choice_ids = |f: &str| {
        s.choices
            .iter()
            .map(|c| format!("{f}(\"{}\")", c.id))
            .collect::<Vec<_>>()
    };
    let chosen = push_each(
        SlotKind::Chosen,
        choice_ids("chosen"),
        &mut kinds,
        &mut bounds,
        &mut names,
    );
    let times_chosen = push_each(
        SlotKind::TimesChosen,
        choice_ids("times_chosen"),
        &mut kinds,
        &mut bounds,
        &mut names,
    );
    let fired_ids = s
        .events
        .iter()
        .map(|e| format!("fired(\"{}\")", e.id))
        .collect();
    let fired = push_each(
        SlotKind::Fired,
        fired_ids,
        &mut kinds,
        &mut bounds,
        &mut names,
    );
    Layout {
        kinds,
        bounds,
        names,
        indicators,
        parameters,
        resources,
        positions,
        saliences,
        approvals,
        capabilities,
        policies,
        pressures,
        chosen,
        times_chosen,
        fired,
        issue_count,
    }
}

// Indexes only the lists built here and the scenario's lists by positions found in them.
#[allow(clippy::indexing_slicing)]
fn build_symbols(s: &Scenario, layout: &Layout) -> Symbols {
    let mut names = HashMap::new();
    for (slot, kind) in layout.kinds.iter().enumerate() {
        let visible = match *kind {
            SlotKind::Chosen(_) | SlotKind::TimesChosen(_) | SlotKind::Fired(_) => false,
            // Only stances an actor declares can be named.
            SlotKind::Position { actor, issue } | SlotKind::Salience { actor, issue } => {
                s.actors[actor].stances.contains_key(&s.issues[issue].id)
            }
            _ => true,
        };
        if visible {
            names.entry(layout.names[slot].clone()).or_insert(slot);
        }
    }
    Symbols {
        names,
        choices: s
            .choices
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i))
            .collect(),
        events: s
            .events
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect(),
        layout: layout.clone(),
        actor_ids: s.actors.iter().map(|a| a.id.clone()).collect(),
    }
}
