//! The scenario file format, version 1: the types a `*.ron` scenario deserializes into.
//!
//! These types are the file as the author wrote it: names are strings and expressions are
//! source text. [`super::load`] validates them and compiles them into a [`super::Model`],
//! which is what the simulator runs.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use super::date::Date;

/// Reads a field that may be left out, written either bare (`min: 0.0`) or as `Some(0.0)`;
/// `None` means the default. Every optional field of the format accepts both forms.
fn bare_or_some<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// [`bare_or_some`] for a field whose default is not the type's own.
macro_rules! bare_or_some_with {
    ($name:ident, $ty:ty, $default:expr) => {
        fn $name<'de, D: Deserializer<'de>>(d: D) -> Result<$ty, D::Error> {
            Ok(Option::<$ty>::deserialize(d)?.unwrap_or_else(|| $default))
        }
    };
}

bare_or_some_with!(step_days_or_some, u32, default_step_days());
bare_or_some_with!(capability_or_some, String, default_capability());
bare_or_some_with!(duration_or_some, u32, one());
bare_or_some_with!(always_or_some, String, always());

/// Reads a map of decisions by turn, refusing a turn written twice (a plain map would keep
/// only the last list, silently).
pub fn unique_turns<'de, D>(d: D) -> Result<BTreeMap<u32, Vec<String>>, D::Error>
where
    D: Deserializer<'de>,
{
    struct Turns;
    impl<'de> serde::de::Visitor<'de> for Turns {
        type Value = BTreeMap<u32, Vec<String>>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a map from turn to choice ids, e.g. { 0: [\"choice_id\"] }")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut turns = BTreeMap::new();
            while let Some((turn, ids)) = map.next_entry::<u32, Vec<String>>()? {
                if turns.insert(turn, ids).is_some() {
                    return Err(serde::de::Error::custom(format!(
                        "turn {turn} is written twice: put all of that turn's choices in one list"
                    )));
                }
            }
            Ok(turns)
        }
    }
    d.deserialize_map(Turns)
}

/// The only scenario format this version reads and writes.
pub const FORMAT: u32 = 1;

/// A whole crisis scenario, as written in a `*.ron` file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// File format version; must be [`FORMAT`].
    pub format: u32,
    /// Short machine name, e.g. `"mali-2013"`.
    pub id: String,
    /// Title shown to the player.
    pub title: String,
    /// One-paragraph summary for file lists and the briefing header.
    #[serde(default, deserialize_with = "bare_or_some")]
    pub summary: String,
    /// Who wrote the scenario.
    #[serde(default)]
    pub authors: Vec<String>,
    /// Cited sources; observations refer to them by id.
    #[serde(default)]
    pub sources: Vec<Source>,
    /// The situation in plain words, shown to the player before the first turn.
    #[serde(default, deserialize_with = "bare_or_some")]
    pub briefing: String,
    /// The author's explanation of the model's main mechanisms and calibration.
    #[serde(default, deserialize_with = "bare_or_some")]
    pub notes: String,
    /// Id of the actor the player plays; choices' costs are paid from its resources.
    pub role: String,
    /// Start date, step and number of turns.
    pub clock: Clock,
    /// The questions actors take stances on.
    pub issues: Vec<Issue>,
    /// Everyone with a stake in the crisis, the player included.
    pub actors: Vec<Actor>,
    /// Named world quantities.
    pub indicators: Vec<Indicator>,
    /// Uncertain numbers, drawn once per run.
    #[serde(default)]
    pub parameters: Vec<Parameter>,
    /// What the player may do.
    pub choices: Vec<Choice>,
    /// Rules that move the world on every turn, all at once.
    #[serde(default)]
    pub dynamics: Vec<Rule>,
    /// News that may happen when its condition holds.
    #[serde(default)]
    pub events: Vec<Event>,
    /// The scored results shown at the debrief.
    #[serde(default)]
    pub outcomes: Vec<Outcome>,
    /// Goals a class can be scored on, checked on the final state.
    #[serde(default)]
    pub goals: Vec<Goal>,
    /// Observed real-world values, drawn as points on charts.
    #[serde(default)]
    pub observations: Vec<Observation>,
    /// Named decision sequences, e.g. `history` (what was actually decided).
    #[serde(default)]
    pub paths: Vec<ReferencePath>,
    /// The lesson plan for teaching with the scenario; empty when the file has none.
    #[serde(default, skip_serializing_if = "Lesson::is_empty")]
    pub lesson: Lesson,
    /// Defects of balance the author declares intended (`sandtable balance`).
    #[serde(default, skip_serializing_if = "super::balance::Balance::is_empty")]
    pub balance: super::balance::Balance,
}

/// A cited source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: String,
    /// Title or description of the source.
    pub title: String,
    /// Publisher or kind of source (newspaper, agency, government).
    #[serde(default, deserialize_with = "bare_or_some")]
    pub publisher: String,
    #[serde(default)]
    pub date: Option<Date>,
}

/// The scenario's calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clock {
    /// Date of the initial state (turn 0).
    pub start: Date,
    /// Length of one turn in days.
    #[serde(default = "default_step_days", deserialize_with = "step_days_or_some")]
    pub step_days: u32,
    /// Number of turns the player plays.
    pub turns: u32,
}

impl Clock {
    /// What one turn is called for people: `week`, `day`, `fortnight`, `month`, `year`, or
    /// `turn` when the step fits none of them.
    pub fn unit(&self) -> &'static str {
        match self.step_days {
            1 => "day",
            7 => "week",
            14 => "fortnight",
            28..=31 => "month",
            365 | 366 => "year",
            _ => "turn",
        }
    }
}

fn default_step_days() -> u32 {
    7
}

/// A question actors take stances on: an axis from 0 to 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Issue {
    pub id: String,
    pub name: String,
    #[serde(default, deserialize_with = "bare_or_some")]
    pub description: String,
    /// What position 0 means.
    pub low: String,
    /// What position 1 means.
    pub high: String,
    /// The player's current policy position on this issue, computed from the state (0..1).
    pub policy: String,
}

/// Where an actor stands on one issue.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stance {
    /// 0..1 along the issue's axis.
    pub position: f64,
    /// 0..1: how much the actor cares.
    pub salience: f64,
}

/// A named quantity an actor holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub initial: f64,
    #[serde(default, deserialize_with = "bare_or_some")]
    pub min: f64,
    #[serde(default)]
    pub max: Option<f64>,
}

/// Someone with a stake in the crisis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    pub id: String,
    pub name: String,
    /// One line saying who this is.
    #[serde(default, deserialize_with = "bare_or_some")]
    pub description: String,
    /// Stance on each issue it cares about, keyed by issue id.
    #[serde(default)]
    pub stances: BTreeMap<String, Stance>,
    #[serde(default)]
    pub resources: Vec<Resource>,
    /// How much weight the actor carries in bargaining (an expression, >= 0).
    #[serde(
        default = "default_capability",
        deserialize_with = "capability_or_some"
    )]
    pub capability: String,
    /// The actor's own behaviour, evaluated with the dynamics.
    #[serde(default)]
    pub rules: Vec<Rule>,
}

fn default_capability() -> String {
    "1".to_string()
}

/// A named world quantity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub id: String,
    pub name: String,
    pub unit: String,
    #[serde(default, deserialize_with = "bare_or_some")]
    pub description: String,
    pub initial: f64,
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
    /// Decimal places shown.
    #[serde(default, deserialize_with = "bare_or_some")]
    pub precision: u8,
}

/// An uncertain number, drawn once at the start of every run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    pub id: String,
    pub name: String,
    #[serde(default, deserialize_with = "bare_or_some")]
    pub description: String,
    #[serde(default, deserialize_with = "bare_or_some")]
    pub unit: String,
    pub dist: Distribution,
}

/// A probability distribution for a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Distribution {
    /// Always this value.
    Fixed(f64),
    /// Uniform between `low` and `high`.
    Uniform { low: f64, high: f64 },
    /// Normal with mean and standard deviation.
    Normal { mean: f64, sd: f64 },
    /// Triangular between `low` and `high` with its peak at `mode`.
    Triangular { low: f64, mode: f64, high: f64 },
}

/// How an effect or rule combines its value with the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Op {
    /// target += value
    #[default]
    Add,
    /// target = value
    Set,
    /// target *= value
    Multiply,
}

/// A change to a target: an indicator (`refugees`), a resource (`canada.money`), a stance
/// position (`france.involvement`) or salience (`france.involvement.salience`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Effect {
    pub target: String,
    #[serde(default, deserialize_with = "bare_or_some")]
    pub op: Op,
    /// Expression, evaluated on the turn the effect applies.
    pub value: String,
    /// Turns to wait before the first application (0 = this turn).
    #[serde(default, deserialize_with = "bare_or_some")]
    pub delay: u32,
    /// Number of consecutive turns it applies.
    #[serde(default = "one", deserialize_with = "duration_or_some")]
    pub duration: u32,
}

fn one() -> u32 {
    1
}

/// Something the player may do in a turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub id: String,
    pub label: String,
    #[serde(default, deserialize_with = "bare_or_some")]
    pub description: String,
    /// Choices in one group exclude each other within a turn.
    #[serde(default)]
    pub group: Option<String>,
    /// First turn (0-based) it may be taken.
    #[serde(default, deserialize_with = "bare_or_some")]
    pub from_turn: u32,
    /// Last turn it may be taken, if any.
    #[serde(default)]
    pub to_turn: Option<u32>,
    /// Extra condition on the current state.
    #[serde(default)]
    pub condition: Option<String>,
    /// Shown when the condition does not hold.
    #[serde(default, deserialize_with = "bare_or_some")]
    pub unavailable: String,
    /// How many times it may be taken in a run.
    #[serde(default)]
    pub max_times: Option<u32>,
    /// Amounts taken from the player's resources, keyed by resource id.
    #[serde(default)]
    pub cost: BTreeMap<String, f64>,
    #[serde(default)]
    pub effects: Vec<Effect>,
}

/// A rule that moves the world on every turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    /// Plain-language explanation, shown in "why did this change".
    #[serde(default, deserialize_with = "bare_or_some")]
    pub description: String,
    pub target: String,
    #[serde(default, deserialize_with = "bare_or_some")]
    pub op: Op,
    pub value: String,
    /// The rule applies only while this holds.
    #[serde(default)]
    pub when: Option<String>,
}

/// Narrative news.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub id: String,
    pub title: String,
    /// News text; `{name}` is replaced by the value of `name` when it fires.
    pub text: String,
    /// Checked on the state after the turn's dynamics.
    #[serde(default = "always", deserialize_with = "always_or_some")]
    pub condition: String,
    /// Chance of firing when the condition holds (0..1).
    #[serde(default = "always", deserialize_with = "always_or_some")]
    pub probability: String,
    #[serde(default)]
    pub effects: Vec<Effect>,
    /// May fire again on later turns.
    #[serde(default, deserialize_with = "bare_or_some")]
    pub repeat: bool,
    /// Choices that become available once this has fired.
    #[serde(default)]
    pub opens: Vec<String>,
    /// Fires only when injected (by an exercise's schedule or by the teacher), never by
    /// its condition and probability.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub inject: bool,
}

fn always() -> String {
    "1".to_string()
}

/// Which direction of an outcome is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Better {
    Higher,
    Lower,
}

/// A scored result shown at the debrief, computed on the final state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    pub id: String,
    pub name: String,
    #[serde(default, deserialize_with = "bare_or_some")]
    pub description: String,
    pub value: String,
    pub unit: String,
    pub better: Better,
    #[serde(default, deserialize_with = "bare_or_some")]
    pub precision: u8,
}

/// A goal a class can be scored on: a condition on the final state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    pub id: String,
    pub name: String,
    #[serde(default, deserialize_with = "bare_or_some")]
    pub description: String,
    pub condition: String,
}

/// An observed real-world value of an indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observation {
    pub indicator: String,
    pub date: Date,
    pub value: f64,
    /// Id of an entry in `sources`.
    pub source: String,
    #[serde(default, deserialize_with = "bare_or_some")]
    pub note: String,
}

/// A named sequence of decisions, e.g. what was actually decided. Written `Path(..)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Path")]
pub struct ReferencePath {
    pub id: String,
    pub name: String,
    #[serde(default, deserialize_with = "bare_or_some")]
    pub description: String,
    /// Choice ids taken at each turn (0-based); turns not listed take none.
    #[serde(deserialize_with = "unique_turns")]
    pub decisions: BTreeMap<u32, Vec<String>>,
}

/// How to teach with the scenario: objectives, timing, prompts, debrief questions, a
/// glossary and notes for the teacher. Validated by [`super::lesson`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Lesson {
    /// What the students should be able to explain afterwards.
    pub objectives: Vec<String>,
    /// The class's suggested steps, in order.
    pub timing: Vec<Step>,
    /// Questions put to the class at a week or when an event fires.
    pub prompts: Vec<Prompt>,
    /// Questions for the debrief, in order.
    pub debrief: Vec<String>,
    /// Terms explained in tooltips and the help window.
    pub glossary: Vec<Term>,
    /// For the teacher only: how to run the class, what to watch for.
    pub teacher_notes: String,
}

impl Lesson {
    /// Whether the scenario has no lesson at all.
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

/// One step of the lesson's timing, e.g. 5 minutes of briefing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub activity: String,
    pub minutes: u32,
}

/// A question put to the class at a moment of the game.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prompt {
    /// When it is shown.
    pub at: PromptAt,
    pub text: String,
}

/// When a prompt is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PromptAt {
    /// While the week starting after this many turns is being decided (0-based, like paths).
    Turn(u32),
    /// In the week after the event with this id fired.
    Event(String),
}

/// A glossary entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub term: String,
    pub definition: String,
}
