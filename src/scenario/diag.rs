//! Problems found in a file: where they are, what was expected, and a hint; rendered with
//! the source line underlined.

#![deny(clippy::indexing_slicing)]

use std::fmt;
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term;

/// What went wrong at one place of a file, for code and tests to act on without reading
/// the words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DiagnosticKind {
    /// The file cannot be read as text: missing, a folder, too slow to arrive, not UTF-8.
    Unreadable,
    /// The file is of a format version this one does not read.
    Version,
    /// The text is not RON, or not the format's shape (an unknown or missing field, a value
    /// of the wrong type), or an expression does not parse.
    Syntax,
    /// A name or an id that names nothing: in an expression, a list of ids, a path.
    UnknownName,
    /// An id that is not valid, is used twice, or is already another thing's name.
    BadId,
    /// Something used where it cannot be: a target that cannot be written, a random draw
    /// where none is allowed, a text where a number is needed.
    TypeMismatch,
    /// A value outside what it may be: a number that is not finite, a share outside 0..1,
    /// an initial value outside its bounds, a delay past the end, a date after the clock
    /// ends.
    OutOfRange,
    /// A required text or part left empty.
    Missing,
    /// Over one of the limits on size and work (see `scenario::limits`).
    Limit,
    /// Parts that contradict each other: two rules set one target, two choices of one
    /// group in a turn, a choice or a turn written twice.
    Conflict,
    /// A balance defect declared intended that is not declared right.
    Defect,
    /// A session's decisions or parameters that no longer fit its scenario.
    NoLongerFits,
}

/// One problem in a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub kind: DiagnosticKind,
    /// 1-based line, 0 when the problem is not at a place in the file.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Byte range in the file.
    pub span: Option<Range<usize>>,
    /// The field the problem is in, e.g. `choices[3].effects[1].value`.
    pub field: String,
    pub message: String,
    pub hint: Option<String>,
}

/// What kind of problem a file has, for code to act on without reading the words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FileErrorKind {
    /// The file cannot be read, or its contents break the format's rules.
    #[default]
    Invalid,
    /// The file stops before its end: it was cut off (copied or downloaded partly).
    CutOff,
    /// A session's decisions (or parameters) no longer fit its scenario; the rest of the
    /// session can be opened without them.
    NoLongerFits,
}

/// Everything wrong with one file. Its `Display` renders every problem with its source line.
#[derive(Debug, Clone, PartialEq)]
pub struct FileError {
    /// The file's name as the user gave it.
    pub file: String,
    pub kind: FileErrorKind,
    pub diagnostics: Vec<Diagnostic>,
    /// Problems found beyond [`MAX_DIAGNOSTICS`], counted but not kept.
    pub omitted: usize,
    /// The file's text (empty when it could not be read).
    source: String,
}

/// Most problems kept for one file: a hostile file can hold thousands, and each costs a
/// scan of the text to place; the first hundred are enough to start fixing it.
pub const MAX_DIAGNOSTICS: usize = 100;

/// Longest source line shown with its underline; a longer one (a whole file on one line)
/// is shown as an excerpt around the problem instead.
const MAX_SHOWN_LINE: usize = 400;

impl FileError {
    /// A problem with the file as a whole (missing, too large, unreadable).
    pub fn whole(
        kind: DiagnosticKind,
        file: impl Into<String>,
        message: impl Into<String>,
        hint: Option<String>,
    ) -> Self {
        Self {
            file: file.into(),
            kind: FileErrorKind::default(),
            diagnostics: vec![Diagnostic {
                kind,
                line: 0,
                column: 0,
                span: None,
                field: String::new(),
                message: message.into(),
                hint,
            }],
            omitted: 0,
            source: String::new(),
        }
    }

    /// Collects problems found in `source`.
    pub fn new(file: impl Into<String>, source: &str) -> Self {
        Self {
            file: file.into(),
            kind: FileErrorKind::default(),
            diagnostics: Vec::new(),
            omitted: 0,
            source: source.to_string(),
        }
    }

    /// Adds a problem at a byte range of the source.
    pub fn push(
        &mut self,
        kind: DiagnosticKind,
        span: Option<Range<usize>>,
        field: impl Into<String>,
        message: impl Into<String>,
        hint: Option<String>,
    ) {
        if self.diagnostics.len() >= MAX_DIAGNOSTICS {
            self.omitted += 1;
            return;
        }
        let (line, column) = span
            .as_ref()
            .map(|s| line_column(&self.source, s.start))
            .unwrap_or((0, 0));
        self.diagnostics.push(Diagnostic {
            kind,
            line,
            column,
            span,
            field: field.into(),
            message: message.into(),
            hint,
        });
    }

    /// The kinds of its problems, in their order.
    pub fn kinds(&self) -> Vec<DiagnosticKind> {
        self.diagnostics.iter().map(|d| d.kind).collect()
    }

    /// The same problems, of another kind.
    pub fn with_kind(mut self, kind: FileErrorKind) -> Self {
        self.kind = kind;
        self
    }

    /// The same problems, placed in `text`, the file this one's source is embedded in:
    /// `to_outer` maps an offset of the embedded source to an offset of `text`, and each
    /// field is prefixed with `field` (the field holding the embedded source).
    pub fn embedded_in(
        &self,
        file: &str,
        text: &str,
        field: &str,
        to_outer: impl Fn(usize) -> usize,
    ) -> FileError {
        let mut out = FileError::new(file, text);
        for d in &self.diagnostics {
            let inner = if d.field.is_empty() {
                field.to_string()
            } else {
                format!("{field}: {}", d.field)
            };
            match &d.span {
                Some(span) => {
                    let start = to_outer(span.start);
                    let end = to_outer(span.end).max(start);
                    out.push(
                        d.kind,
                        Some(start..end),
                        inner,
                        d.message.clone(),
                        d.hint.clone(),
                    );
                }
                None => out.diagnostics.push(Diagnostic {
                    field: inner,
                    ..d.clone()
                }),
            }
        }
        out.omitted += self.omitted;
        out
    }

    pub fn is_empty(&self) -> bool {
        self.diagnostics.is_empty()
    }

    /// Sorts problems by their place in the file.
    pub fn sort(&mut self) {
        self.diagnostics
            .sort_by_key(|d| (d.line, d.column, d.message.clone()));
        self.diagnostics.dedup();
    }

    /// One line per problem: `file:line:column: message (hint)`.
    pub fn short(&self) -> String {
        let mut out = String::new();
        for d in &self.diagnostics {
            if d.line > 0 {
                out.push_str(&format!(
                    "{}:{}:{}: {}",
                    self.file, d.line, d.column, d.message
                ));
            } else {
                out.push_str(&format!("{}: {}", self.file, d.message));
            }
            if let Some(hint) = &d.hint {
                out.push_str(&format!(" ({hint})"));
            }
            out.push('\n');
        }
        out
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let files = SimpleFile::new(self.file.as_str(), self.source.as_str());
        let config = term::Config::default();
        for d in &self.diagnostics {
            if let Some(span) = &d.span
                && let Some(excerpt) = long_line_excerpt(&self.source, span.start)
            {
                let mut line = format!(
                    "error: {}\n  at {}:{}:{}",
                    d.message, self.file, d.line, d.column
                );
                if !d.field.is_empty() {
                    line.push_str(&format!(", in `{}`", d.field));
                }
                writeln!(f, "{line}\n  near: {excerpt}")?;
                if let Some(hint) = &d.hint {
                    writeln!(f, "  = hint: {hint}")?;
                }
                writeln!(f)?;
                continue;
            }
            let mut report = Report::error().with_message(&d.message);
            if let Some(span) = &d.span {
                let start = span.start.min(self.source.len());
                let end = span.end.clamp(start, self.source.len());
                let label = if d.field.is_empty() {
                    Label::primary((), start..end)
                } else {
                    Label::primary((), start..end).with_message(format!("in `{}`", d.field))
                };
                report = report.with_labels(vec![label]);
            } else {
                report = report.with_notes(vec![format!("in {}", self.file)]);
            }
            if let Some(hint) = &d.hint {
                report = report.with_notes(vec![format!("hint: {hint}")]);
            }
            match term::emit_into_string(&config, &files, &report) {
                Ok(text) => f.write_str(&text)?,
                Err(_) => writeln!(f, "{}", self.short().trim_end())?,
            }
        }
        if self.omitted > 0 {
            writeln!(
                f,
                "… and {} more problems, not shown: fix these and check again",
                self.omitted
            )?;
        }
        let n = self.diagnostics.len() + self.omitted;
        if n > 1 {
            writeln!(f, "{n} problems in {}", self.file)?;
        }
        Ok(())
    }
}

impl std::error::Error for FileError {}

/// A few dozen characters around `offset` when its line is too long to show whole, else
/// `None`.
fn long_line_excerpt(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let before = text.get(..offset)?;
    let after = text.get(offset..)?;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let end = after.find('\n').map_or(text.len(), |i| offset + i);
    if end - start <= MAX_SHOWN_LINE {
        return None;
    }
    let head: String = {
        let mut chars: Vec<char> = before.get(start..)?.chars().rev().take(30).collect();
        chars.reverse();
        chars.into_iter().collect()
    };
    let tail: String = after.chars().take_while(|&c| c != '\n').take(50).collect();
    Some(format!("…{head}{tail}…"))
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut line_start = 0;
    let mut line = 1;
    for (i, b) in text.bytes().enumerate().take(offset) {
        if b == b'\n' {
            line += 1;
            line_start = i + 1;
        }
    }
    let column = text
        .get(line_start..offset)
        .map(|s| s.chars().count())
        .unwrap_or(0)
        + 1;
    (line, column)
}

/// Byte offset of a 1-based line and column.
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return offset
                + l.char_indices()
                    .nth(column.saturating_sub(1))
                    .map_or(l.len(), |(b, _)| b);
        }
        offset += l.len();
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_are_one_based_in_characters() {
        let text = "ab\ncé d\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        // 'é' takes two bytes but one column.
        assert_eq!(line_column(text, 6), (2, 3));
        assert_eq!(offset_of(text, 2, 3), 6);
        assert_eq!(offset_of(text, 9, 1), text.len());
    }

    #[test]
    fn renders_the_source_line_with_the_hint() {
        let mut e = FileError::new("s.ron", "a: 1,\nb: frnce,\n");
        e.push(
            DiagnosticKind::UnknownName,
            Some(9..14),
            "b",
            "unknown name `frnce`",
            Some("did you mean `france`?".into()),
        );
        let text = e.to_string();
        assert!(text.contains("s.ron:2:4"), "{text}");
        assert!(text.contains("b: frnce"), "{text}");
        assert!(text.contains("^^^^^"), "{text}");
        assert!(text.contains("did you mean `france`?"), "{text}");
        assert_eq!(
            e.short(),
            "s.ron:2:4: unknown name `frnce` (did you mean `france`?)\n"
        );
    }
}
