//! Reading a session file: its size, its RON, its format and its limits are checked before
//! anything is replayed, and problems in its embedded scenario are numbered as lines and
//! columns of the session file itself.

#![deny(clippy::indexing_slicing)]

use super::{SESSION_FORMAT, SessionFile};
use crate::scenario::limits::{
    MAX_BRANCHES, MAX_CHOICES, MAX_NAME_CHARS, MAX_NESTING, MAX_NOTES_CHARS, MAX_SESSION_BYTES,
};
use crate::scenario::spans::{LiteralMap, Node, Path};
use crate::scenario::{DiagnosticKind, FileError};

/// Parses a session file and checks it against the limits of a session.
pub(super) fn parse(file: &str, text: &str) -> Result<SessionFile, FileError> {
    if text.len() > MAX_SESSION_BYTES {
        return Err(FileError::whole(
            DiagnosticKind::Limit,
            file,
            format!(
                "the session file is {} KiB; session files over {} KiB are refused",
                text.len() / 1024,
                MAX_SESSION_BYTES / 1024
            ),
            Some("delete branches you no longer need and save again".into()),
        ));
    }
    let parsed: SessionFile = ron::Options::default()
        .with_recursion_limit(MAX_NESTING)
        .from_str(text)
        .map_err(|e| super::session_syntax_error(file, text, &e))?;
    if parsed.format != SESSION_FORMAT {
        return Err(FileError::whole(
            DiagnosticKind::Version,
            file,
            format!(
                "session format {} is not supported; this version reads format {SESSION_FORMAT}",
                parsed.format
            ),
            Some("open it with the version of Sandtable that saved it".into()),
        ));
    }
    let tree = Node::scan(text);
    let mut err = FileError::new(file, text);
    let mut at = |path: Path, message: String, hint: &str| {
        let span = tree.as_ref().map(|t| t.locate(&path));
        err.push(
            DiagnosticKind::Limit,
            span,
            path.to_string(),
            message,
            Some(hint.to_string()),
        );
    };
    let root = Path::root();
    if parsed.branches.len() > MAX_BRANCHES {
        at(
            root.field("branches"),
            format!(
                "the session has {} branches; a session holds at most {MAX_BRANCHES}",
                parsed.branches.len()
            ),
            "delete branches you no longer need in a copy of the file",
        );
    }
    for (i, branch) in parsed.branches.iter().enumerate().take(MAX_BRANCHES) {
        let path = root.field("branches").index(i);
        if branch.name.chars().nth(MAX_NAME_CHARS).is_some() {
            at(
                path.field("name"),
                format!(
                    "branch {} has a name of {} characters; the limit is {MAX_NAME_CHARS}",
                    i + 1,
                    branch.name.chars().count()
                ),
                "shorten the branch's name",
            );
        }
        for (week, choices) in branch.decisions.iter().enumerate() {
            if choices.len() > MAX_CHOICES {
                at(
                    path.field("decisions").index(week),
                    format!(
                        "week {} takes {} choices; a scenario has at most {MAX_CHOICES}",
                        week + 1,
                        choices.len()
                    ),
                    "the file was changed by hand",
                );
            }
        }
    }
    if parsed.notes.chars().nth(MAX_NOTES_CHARS).is_some() {
        at(
            root.field("notes"),
            format!(
                "the notes are {} characters long; the limit is {MAX_NOTES_CHARS}",
                parsed.notes.chars().count()
            ),
            "shorten the notes",
        );
    }
    if parsed.selection.len() > MAX_CHOICES {
        at(
            root.field("selection"),
            format!("{} choices are selected", parsed.selection.len()),
            "the file was changed by hand",
        );
    }
    if err.is_empty() {
        Ok(parsed)
    } else {
        err.sort();
        Err(err)
    }
}

/// A problem of the scenario embedded in the session `text`, placed at its line and column
/// in the session file.
pub(super) fn embedded_error(file: &str, text: &str, e: &FileError) -> FileError {
    let literal = Node::scan(text).map(|t| t.locate(&Path::root().field("scenario")));
    match literal.and_then(|lit| LiteralMap::new(text, &lit)) {
        Some(map) => e.embedded_in(file, text, "scenario", |offset| map.to_file(offset)),
        None => {
            let mut e = e.clone();
            e.file = format!("{file} (its embedded scenario)");
            e
        }
    }
}
