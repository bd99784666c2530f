//! Everything meant for people to read outside the app's panels: the report of one
//! session and the class debrief, as HTML (with inline SVG charts), Markdown and CSV.
//!
//! Each output is built in two steps: the numbers are computed once into a plain structure
//! ([`student::StudentReport`], [`class::ClassDebrief`]), then written out by one function
//! per format. The CLI (`sandtable report`, `sandtable class`) and the app (File > Export
//! report, File > Class debrief) call the same functions.

pub mod class;
pub mod html;
pub mod run;
pub mod student;
pub mod svg;
pub mod tables;
pub mod words;

use std::collections::BTreeMap;
use std::path::Path;

use crate::scenario::{Date, Model};
use crate::session::Session;
use crate::sim::ensemble::{DEFAULT_RUNS, default_threads};

/// A session as a report reads it: the session itself and what the report says about who
/// played it and why.
#[derive(Debug, Clone)]
pub struct SessionReport {
    pub session: Session,
    /// Where the session was read from, for headings and error lists (a file name).
    pub source: String,
    /// When the session was saved (the file's date), if known.
    pub date: Option<Date>,
    /// The student's name and class or group.
    pub student: Option<(String, String)>,
    /// The student's reasons, by (branch, turn).
    pub reasons: BTreeMap<(usize, usize), String>,
    /// The questions to discuss at the debrief.
    pub debrief_questions: Vec<String>,
}

impl SessionReport {
    /// What a report reads from a session; `source` names where it came from.
    pub fn from_session(session: Session, source: &str, date: Option<Date>) -> Self {
        let student = session.student().map(|s| (s.name.clone(), s.group.clone()));
        let mut reasons = BTreeMap::new();
        for (b, branch) in session.branches().iter().enumerate() {
            for t in 0..branch.decisions.len() {
                if let Some(reason) = session.reason(b, t) {
                    reasons.insert((b, t), reason.to_string());
                }
            }
        }
        let debrief_questions = session.model().scenario.lesson.debrief.clone();
        Self {
            session,
            source: source.to_string(),
            date,
            student,
            reasons,
            debrief_questions,
        }
    }

    /// Reads a session file, dated by the file's modification time.
    pub fn load(path: &Path) -> Result<Self, crate::scenario::FileError> {
        let session = Session::load(path)?;
        let date = std::fs::metadata(path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(words::date_of);
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        Ok(Self::from_session(session, &name, date))
    }

    /// The student's name, or the file's name without its extension.
    pub fn who(&self) -> String {
        match &self.student {
            Some((name, _)) if !name.trim().is_empty() => name.trim().to_string(),
            _ => self
                .source
                .trim_end_matches(".ron")
                .trim_end_matches(".session")
                .to_string(),
        }
    }

    /// The student's reason for a week of a branch, if any.
    pub fn reason(&self, branch: usize, turn: usize) -> Option<&str> {
        self.reasons
            .get(&(branch, turn))
            .map(String::as_str)
            .filter(|r| !r.trim().is_empty())
    }
}

/// How much simulation a report runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Futures per ensemble.
    pub runs: usize,
    pub threads: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            runs: DEFAULT_RUNS,
            threads: default_threads(),
        }
    }
}

/// The output format, from a file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Markdown,
    Csv,
}

impl Format {
    /// The format a file name asks for: `.html`/`.htm`, `.md`, `.csv`.
    pub fn of_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "html" | "htm" => Some(Self::Html),
            "md" | "markdown" => Some(Self::Markdown),
            "csv" => Some(Self::Csv),
            _ => None,
        }
    }
}

/// A short, stable fingerprint of a scenario's text (64-bit FNV-1a, 12 hex digits): two
/// sessions have the same scenario version exactly when their embedded texts are equal.
pub fn scenario_version(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.as_bytes() {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")[..12].to_string()
}

/// The indicators a report charts: those with real-world observations (up to four), then
/// the first ones, four in all (as the app's Indicators tab starts).
pub fn key_indicators(model: &Model) -> Vec<usize> {
    let s = &model.scenario;
    let mut keys: Vec<usize> = (0..s.indicators.len())
        .filter(|&i| {
            s.observations
                .iter()
                .any(|o| o.indicator == s.indicators[i].id)
        })
        .take(4)
        .collect();
    for i in 0..s.indicators.len() {
        if keys.len() >= 4 {
            break;
        }
        if !keys.contains(&i) {
            keys.push(i);
        }
    }
    keys.sort_unstable();
    keys
}

/// The reference path reports compare with: `history` if the scenario has it, else its
/// first path.
pub fn reference_path(model: &Model) -> Option<usize> {
    model
        .path_index("history")
        .or_else(|| (!model.paths.is_empty()).then_some(0))
}

/// Questions for the debrief when the scenario brings none of its own.
pub const GENERAL_QUESTIONS: [&str; 4] = [
    "Which of your decisions mattered most for the outcomes, and why?",
    "Where did your path differ from what was actually decided, and what did that change?",
    "Which results were luck (the spread of the futures) and which were your choices?",
    "What would you decide differently if you played again?",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_differ_with_the_text_and_only_with_it() {
        assert_eq!(scenario_version("abc"), scenario_version("abc"));
        assert_ne!(scenario_version("abc"), scenario_version("abd"));
        assert_eq!(scenario_version("").len(), 12);
    }

    #[test]
    fn formats_come_from_extensions() {
        assert_eq!(Format::of_path(Path::new("a/b.HTML")), Some(Format::Html));
        assert_eq!(Format::of_path(Path::new("r.md")), Some(Format::Markdown));
        assert_eq!(Format::of_path(Path::new("r.csv")), Some(Format::Csv));
        assert_eq!(Format::of_path(Path::new("r.pdf")), None);
    }

    #[test]
    fn key_indicators_prefer_observed_ones() {
        let model = crate::scenario::default_model().unwrap();
        let keys = key_indicators(&model);
        assert_eq!(keys.len(), 4);
        let s = &model.scenario;
        for &i in &keys {
            assert!(
                s.observations
                    .iter()
                    .any(|o| o.indicator == s.indicators[i].id)
            );
        }
    }
}
