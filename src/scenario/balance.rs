//! The optional `balance` part of a scenario: defects of balance that the author declares
//! intended, each with a reason, so that `sandtable balance` shows them as declared rather
//! than as defects (e.g. a goal that is meant to be easy).

use serde::{Deserialize, Serialize};

use super::diag::DiagnosticKind;
use super::model::Scenario;
use super::suggest;

/// What the author says about the scenario's balance. Empty in files without the part.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Balance {
    /// Defects the balance check finds and the author means to keep.
    #[serde(default)]
    pub intended: Vec<Intended>,
}

impl Balance {
    pub fn is_empty(&self) -> bool {
        self.intended.is_empty()
    }

    /// The declaration of `defect` on `target` (an id, empty for a trivial win), if any.
    pub fn declared(&self, defect: DefectKind, target: &str) -> Option<&Intended> {
        self.intended
            .iter()
            .find(|i| i.defect == defect && i.target == target)
    }
}

/// One defect declared intended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intended {
    pub defect: DefectKind,
    /// What it is about: a choice id (dead choice, free lunch), a goal id (fixed goal) or
    /// an outcome id (no spread); empty (left out) for a trivial win.
    #[serde(default)]
    pub target: String,
    /// Why it is meant to be so, in plain words.
    pub reason: String,
}

/// The kinds of defect `sandtable balance` looks for (defined in `sim::balance`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum DefectKind {
    /// A plan meets every goal in more than half the futures.
    TrivialWin,
    /// A choice that changes nothing at any week it is open.
    DeadChoice,
    /// A choice that improves an outcome and worsens none, its cost included.
    FreeLunch,
    /// A goal met in at least 95 % or at most 5 % of futures under every plan tried.
    FixedGoal,
    /// An outcome with the same value in almost every future under every plan checked.
    NoSpread,
}

impl DefectKind {
    /// Every kind, in the order reports list them.
    pub const ALL: [DefectKind; 5] = [
        DefectKind::TrivialWin,
        DefectKind::DeadChoice,
        DefectKind::FreeLunch,
        DefectKind::FixedGoal,
        DefectKind::NoSpread,
    ];

    /// The name written in scenario files and JSON, e.g. `FixedGoal`.
    pub fn id(self) -> &'static str {
        match self {
            DefectKind::TrivialWin => "TrivialWin",
            DefectKind::DeadChoice => "DeadChoice",
            DefectKind::FreeLunch => "FreeLunch",
            DefectKind::FixedGoal => "FixedGoal",
            DefectKind::NoSpread => "NoSpread",
        }
    }

    /// In plain words, e.g. `fixed goal`.
    pub fn words(self) -> &'static str {
        match self {
            DefectKind::TrivialWin => "trivial win",
            DefectKind::DeadChoice => "dead choice",
            DefectKind::FreeLunch => "free lunch",
            DefectKind::FixedGoal => "fixed goal",
            DefectKind::NoSpread => "outcome with no spread",
        }
    }

    /// What the target names: `choice`, `goal`, `outcome`, or `None` (no target).
    pub fn target_kind(self) -> Option<&'static str> {
        match self {
            DefectKind::TrivialWin => None,
            DefectKind::DeadChoice | DefectKind::FreeLunch => Some("choice"),
            DefectKind::FixedGoal => Some("goal"),
            DefectKind::NoSpread => Some("outcome"),
        }
    }
}

/// A problem with one declaration, to be reported at one of its fields.
pub(crate) struct Problem {
    pub kind: DiagnosticKind,
    /// `target` or `reason`.
    pub field: &'static str,
    pub message: String,
    pub hint: Option<String>,
}

/// What is wrong with `intended`, declared in `scenario`, if anything.
pub(crate) fn check(scenario: &Scenario, intended: &Intended) -> Option<Problem> {
    let Intended {
        defect,
        target,
        reason,
    } = intended;
    let ids: Vec<&str> = match defect.target_kind() {
        None => Vec::new(),
        Some("choice") => scenario.choices.iter().map(|c| c.id.as_str()).collect(),
        Some("goal") => scenario.goals.iter().map(|g| g.id.as_str()).collect(),
        Some(_) => scenario.outcomes.iter().map(|o| o.id.as_str()).collect(),
    };
    match defect.target_kind() {
        None if !target.is_empty() => {
            return Some(Problem {
                kind: DiagnosticKind::Defect,
                field: "target",
                message: format!("a {} has no target", defect.words()),
                hint: Some("leave `target` out: a trivial win is about the whole scenario".into()),
            });
        }
        Some(kind) if !ids.contains(&target.as_str()) => {
            let hint = match suggest(target, ids.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None if target.is_empty() => format!("add `target: \"...\"`, the id of a {kind}"),
                None => format!("a {} is declared on the id of a {kind}", defect.words()),
            };
            let message = if target.is_empty() {
                format!("a {} needs a target: the id of a {kind}", defect.words())
            } else {
                format!("no {kind} has the id `{target}`")
            };
            return Some(Problem {
                kind: if target.is_empty() {
                    DiagnosticKind::Missing
                } else {
                    DiagnosticKind::UnknownName
                },
                field: "target",
                message,
                hint: Some(hint),
            });
        }
        _ => {}
    }
    if reason.trim().is_empty() {
        return Some(Problem {
            kind: DiagnosticKind::Missing,
            field: "reason",
            message: "a defect declared intended needs a reason".into(),
            hint: Some("say in plain words why the scenario is meant to be so".into()),
        });
    }
    None
}
