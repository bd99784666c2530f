//! RON's errors in the app's words, and reading on past them.
//!
//! RON stops at the first problem. An author who mistyped three values would then fix one,
//! run `check`, and meet the next. [`from_ron`] instead mends the text where a problem can
//! be mended without guessing (a value of the wrong type becomes a placeholder of the right
//! one, an unknown field is left out, a fraction where a whole number goes becomes one) and
//! reads it again, until the text reads or a problem cannot be mended. Every problem found
//! on the way is reported at its place in the text as the author wrote it.

#![deny(clippy::indexing_slicing)]

use std::ops::Range;

use serde::de::DeserializeOwned;

use super::diag::{DiagnosticKind as K, FileError, FileErrorKind, offset_of};
use super::limits::MAX_NESTING;
use super::spans::Node;
use super::suggest;

/// Most problems mended in one reading: enough for every typo of a real file, few enough
/// that a hostile one is not read hundreds of times.
const MAX_MENDED: usize = 40;

/// Most bytes read again while mending, over all the readings of one file.
const MAX_REREAD_BYTES: usize = 16 << 20;

/// Reads `text` as a `T`, reporting every problem it can find in one pass; `file` names the
/// text in errors.
pub fn from_ron<T: DeserializeOwned>(
    options: &ron::Options,
    file: &str,
    text: &str,
) -> Result<T, FileError> {
    let mut error = match options.from_str::<T>(text) {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    let mut all = FileError::new(file, text);
    let mut mended = Mended::new(text);
    let mut reread = 0;
    let mut seen = Vec::new();
    loop {
        let (one, mend) = diagnose(file, &mended.text, &error);
        for d in one.diagnostics {
            let span = d.span.map(|s| mended.original(s));
            all.push(d.kind, span, d.field, d.message, d.hint);
        }
        if one.kind != FileErrorKind::default() {
            all.kind = one.kind;
        }
        let Some((range, replacement)) = mend else {
            break;
        };
        reread += mended.text.len();
        if mended.count() >= MAX_MENDED || reread > MAX_REREAD_BYTES {
            break;
        }
        mended.apply(range, &replacement);
        match options.from_str::<T>(&mended.text) {
            Ok(_) => break,
            Err(next) => {
                // A mend that leads back to a problem already met has not helped.
                let at = offset_of(&mended.text, next.span.start.line, next.span.start.col);
                let place = (mended.original(at..at).start, next.code.to_string());
                if seen.contains(&place) {
                    break;
                }
                seen.push(place);
                error = next;
            }
        }
    }
    Err(all)
}

/// Turns a RON error into a diagnostic at its line and column.
pub(crate) fn ron_error(file: &str, text: &str, e: &ron::error::SpannedError) -> FileError {
    diagnose(file, text, e).0
}

/// The diagnostic for a RON error and, where the text can be mended past it, the range to
/// replace and what to put there.
fn diagnose(
    file: &str,
    text: &str,
    e: &ron::error::SpannedError,
) -> (FileError, Option<(Range<usize>, String)>) {
    use ron::Error as E;
    let start = offset_of(text, e.span.start.line, e.span.start.col);
    let end = offset_of(text, e.span.end.line, e.span.end.col).max(start);
    let end = if end == start {
        let next = text.get(start..).and_then(|t| t.chars().next());
        (start + next.map_or(0, char::len_utf8)).min(text.len())
    } else {
        end
    };
    let tree = Node::scan(text);
    let mut err = FileError::new(file, text);
    if let Some(wrong) = wrong_type(text, tree.as_ref(), e, start) {
        // A file that does not scan whole (another problem further on) still names the
        // field in front of the value.
        let field = match tree.as_ref() {
            Some(t) => t.path_at(wrong.span.start),
            None => field_name_before(text, wrong.span.start).to_string(),
        };
        let hint = type_hint(&field, wrong.expected);
        let message = format!(
            "expected {}, found `{}`",
            wrong.expected,
            shown(text, &wrong.span)
        );
        err.push(
            K::Syntax,
            Some(wrong.span.clone()),
            field,
            message,
            Some(hint),
        );
        return (err, wrong.placeholder.map(|p| (wrong.span, p.to_string())));
    }
    // RON notices a missing field at the item's closing bracket; point at the item instead.
    let (start, end) = match e.code {
        E::MissingStructField { .. } => tree
            .as_ref()
            .and_then(|tree| tree.start_of_value_ending_at(end))
            .map_or((start, end), |s| (s, end)),
        _ => (start, end),
    };
    let hint = match &e.code {
        E::NoSuchStructField {
            expected, found, ..
        } => Some(match suggest(found, expected.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("the fields here are: {}", expected.join(", ")),
        }),
        E::NoSuchEnumVariant {
            expected, found, ..
        } => Some(match suggest(found, expected.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("expected one of: {}", expected.join(", ")),
        }),
        E::MissingStructField { field, .. } => Some(format!("add `{field}: ...` to this item")),
        E::ExceededRecursionLimit => {
            Some(format!("files may nest at most {MAX_NESTING} levels deep"))
        }
        E::ExpectedDifferentStructName { expected, .. } => {
            Some(format!("write `{expected}(` here"))
        }
        E::Eof => Some(CUT_OFF.into()),
        _ => None,
    };
    // Whatever RON expected there, an error at the very end of a file with brackets left
    // open means the file was cut off; so does a string that never closes.
    let cut_off = matches!(e.code, E::Eof | E::ExpectedStringEnd)
        || (text.get(end..).is_none_or(|t| t.trim().is_empty()) && brackets_left_open(text));
    let hint = hint.or_else(|| cut_off.then(|| CUT_OFF.into()));
    let kind = match e.code {
        E::ExceededRecursionLimit => K::Limit,
        _ => K::Syntax,
    };
    // Where the problem is not at a value, the item it is in.
    let field = match e.code {
        E::NoSuchStructField { .. }
        | E::MissingStructField { .. }
        | E::NoSuchEnumVariant { .. } => {
            tree.as_ref().map(|t| t.path_at(start)).unwrap_or_default()
        }
        _ => String::new(),
    };
    err.push(kind, Some(start..end), field, e.code.to_string(), hint);
    if cut_off {
        err.kind = FileErrorKind::CutOff;
        return (err, None);
    }
    // An unknown field is read as the one it was probably meant to be, or left out; the
    // rest of its item is still worth reading.
    let mend = match &e.code {
        E::NoSuchStructField {
            expected, found, ..
        } => tree
            .as_ref()
            .and_then(|t| t.field_at(start))
            .map(
                |(name, value)| match suggest(found, expected.iter().copied()) {
                    Some(meant) => (name, meant.to_string()),
                    None => (
                        with_trailing_comma(text, name.start..value.end),
                        String::new(),
                    ),
                },
            ),
        _ => None,
    };
    (err, mend)
}

/// A value of the wrong type: where it is, what was expected there, and a value of the
/// expected type to read on with (none for an item, which has no neutral value).
struct WrongType {
    span: Range<usize>,
    expected: &'static str,
    placeholder: Option<&'static str>,
}

fn wrong_type(
    text: &str,
    tree: Option<&Node>,
    e: &ron::error::SpannedError,
    start: usize,
) -> Option<WrongType> {
    use ron::Error as E;
    if let Some(span) = fraction_for_whole_number(text, &e.code, start) {
        return Some(WrongType {
            span,
            expected: WHOLE_NUMBER,
            placeholder: Some("0"),
        });
    }
    let (expected, placeholder) = match e.code {
        E::ExpectedFloat => ("a number, like `1.5` or `2.0`", Some("0.0")),
        E::ExpectedInteger => (WHOLE_NUMBER, Some("0")),
        E::ExpectedString => ("text in double quotes, like `\"text\"`", Some("\"\"")),
        E::ExpectedBoolean => ("`true` or `false`", Some("false")),
        E::ExpectedOption => (
            "a value, `Some(value)` or `None` (or leave the field out)",
            Some("None"),
        ),
        E::ExpectedArray => ("a list in square brackets, like `[a, b]`", Some("[]")),
        E::ExpectedMap => ("a map in braces, like `{ \"key\": value }`", Some("{}")),
        E::ExpectedStructLike => ("an item in brackets, like `(id: \"x\", ...)`", None),
        E::ExpectedChar => ("a character, like `'a'`", Some("'a'")),
        E::ExpectedUnit => ("`()`", Some("()")),
        _ => return None,
    };
    // RON points at the space before the value: point at the value itself, all of it.
    let skipped = text
        .get(start..)
        .map_or(0, |t| t.len() - t.trim_start().len());
    let start = (start + skipped).min(text.len());
    let span = tree
        .and_then(|t| t.value_starting_at(start))
        .unwrap_or_else(|| {
            let end = text
                .get(start..)
                .and_then(|t| t.find([',', ')', ']', '}', '\n']))
                .map_or(text.len(), |n| start + n.max(1));
            start..end.min(text.len())
        });
    Some(WrongType {
        span,
        expected,
        placeholder,
    })
}

const WHOLE_NUMBER: &str = "a whole number, like `3`";

/// RON reads `1.5` where a whole number goes as `1` followed by something unexpected
/// ("Expected comma"): the span of the whole number written, when that is what happened.
fn fraction_for_whole_number(text: &str, code: &ron::Error, at: usize) -> Option<Range<usize>> {
    use ron::Error as E;
    if !matches!(
        code,
        E::ExpectedComma
            | E::ExpectedStructLikeEnd
            | E::ExpectedArrayEnd
            | E::ExpectedMapEnd
            | E::ExpectedOptionEnd
            | E::TrailingCharacters
    ) {
        return None;
    }
    let bytes = text.as_bytes();
    let is_digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    let continues = matches!(bytes.get(at), Some(b'.' | b'e' | b'E'));
    if !continues || at == 0 || !is_digit(at - 1) {
        return None;
    }
    let number_char = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'+' | b'-');
    let start = text
        .get(..at)?
        .bytes()
        .rposition(|b| !(b.is_ascii_digit() || matches!(b, b'_' | b'+' | b'-')))
        .map_or(0, |i| i + 1);
    let end = at + text.get(at..)?.bytes().take_while(number_char).count();
    // Only a number: `3.5`, `1e3`; not the start of an identifier or anything else.
    let written = text.get(start..end)?;
    written
        .replace('_', "")
        .parse::<f64>()
        .is_ok()
        .then_some(start..end)
}

/// The name of the field whose value starts at `start` (`initial` in `initial: "two"`).
fn field_name_before(text: &str, start: usize) -> &str {
    let before = text.get(..start).unwrap_or("").trim_end();
    let Some(before) = before.strip_suffix(':') else {
        return "";
    };
    let before = before.trim_end();
    let name_start = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    before.get(name_start..).unwrap_or("")
}

/// The hint for a value of the wrong type at `field` (`actors[2].stances["x"].salience`).
fn type_hint(field: &str, expected: &str) -> String {
    let name = field
        .rsplit(['.', '['])
        .next()
        .unwrap_or("")
        .trim_end_matches(']');
    if name.is_empty() || name.starts_with('"') || name.parse::<usize>().is_ok() {
        format!("write {expected} here")
    } else {
        format!("`{name}` takes {expected}")
    }
}

/// The text of a value as a message shows it: one line, and not too long.
fn shown(text: &str, span: &Range<usize>) -> String {
    const MAX_CHARS: usize = 40;
    let value = text.get(span.clone()).unwrap_or("").trim();
    let first_line = value.lines().next().unwrap_or("");
    if first_line.chars().count() > MAX_CHARS || first_line.len() < value.len() {
        let cut: String = first_line.chars().take(MAX_CHARS).collect();
        format!("{}…", cut.trim_end())
    } else {
        first_line.to_string()
    }
}

/// `field` and the comma after it, if there is one, so that leaving it out keeps the item's
/// syntax.
fn with_trailing_comma(text: &str, field: Range<usize>) -> Range<usize> {
    let after = text.get(field.end..).unwrap_or("");
    let spaces = after.len() - after.trim_start().len();
    match after.get(spaces..).and_then(|t| t.chars().next()) {
        Some(',') => field.start..field.end + spaces + 1,
        _ => field,
    }
}

/// The text as mended so far, and how to find a place in it in the original.
struct Mended {
    text: String,
    /// Each mend in order: where it started, how long the replaced text was, how long the
    /// replacement is (in the text as it was then).
    edits: Vec<(usize, usize, usize)>,
}

impl Mended {
    fn new(text: &str) -> Self {
        Self {
            text: text.to_string(),
            edits: Vec::new(),
        }
    }

    fn count(&self) -> usize {
        self.edits.len()
    }

    fn apply(&mut self, range: Range<usize>, replacement: &str) {
        if range.start > range.end || self.text.get(range.clone()).is_none() {
            return;
        }
        self.edits
            .push((range.start, range.end - range.start, replacement.len()));
        self.text.replace_range(range, replacement);
    }

    /// Where a range of the mended text lies in the original.
    fn original(&self, range: Range<usize>) -> Range<usize> {
        let back = |mut at: usize| {
            for &(start, old_len, new_len) in self.edits.iter().rev() {
                if at >= start + new_len {
                    at = at - new_len + old_len;
                } else if at > start {
                    // Inside a replacement: the place of what it replaced.
                    at = start;
                }
            }
            at
        };
        let start = back(range.start);
        start..back(range.end).max(start)
    }
}

/// The hint for a file that ends before its last item is closed.
const CUT_OFF: &str = "the file ends too early: a closing bracket may be missing";

/// Whether `text` opens more brackets than it closes, outside strings.
fn brackets_left_open(text: &str) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0i64, false, false);
    for c in text.chars() {
        match (in_string, c) {
            (true, _) if escaped => escaped = false,
            (true, '\\') => escaped = true,
            (_, '"') => in_string = !in_string,
            (false, '(' | '[' | '{') => depth += 1,
            (false, ')' | ']' | '}') => depth -= 1,
            _ => {}
        }
    }
    depth > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_in_the_mended_text_map_back_to_the_original() {
        let mut m = Mended::new("a: xyz, b: 1, c: 22");
        m.apply(3..6, "0.0"); // same length
        m.apply(11..12, "\"\""); // one longer
        assert_eq!(m.text, "a: 0.0, b: \"\", c: 22");
        let c = m.text.find("22").unwrap();
        assert_eq!(m.original(c..c + 2), 17..19);
        assert_eq!(m.original(11..13), 11..12);
        m.apply(0..8, ""); // shorter
        let c = m.text.find("22").unwrap();
        assert_eq!(m.original(c..c + 2), 17..19);
    }

    #[test]
    fn a_fraction_where_a_whole_number_goes_is_found_whole() {
        let text = "(max_times: 1.5, x: 2)";
        let at = text.find('.').unwrap();
        let span = fraction_for_whole_number(text, &ron::Error::ExpectedComma, at).unwrap();
        assert_eq!(&text[span], "1.5");
        let text = "(max_times: 2e3)";
        let at = text.rfind('e').unwrap();
        let span = fraction_for_whole_number(text, &ron::Error::ExpectedStructLikeEnd, at).unwrap();
        assert_eq!(&text[span], "2e3");
        // Inside `Some(..)`, as an optional whole number is written.
        let text = "(max_times: Some(1.5))";
        let at = text.find('.').unwrap();
        let span = fraction_for_whole_number(text, &ron::Error::ExpectedOptionEnd, at).unwrap();
        assert_eq!(&text[span], "1.5");
        // A comma really missing between two fields is not mistaken for one.
        let text = "(a: 1 b: 2)";
        assert_eq!(
            fraction_for_whole_number(text, &ron::Error::ExpectedComma, 6),
            None
        );
    }

    #[test]
    fn long_values_are_shown_cut() {
        let text = format!("[{}]", "1, ".repeat(40));
        let s = shown(&text, &(0..text.len()));
        assert!(s.ends_with('…') && s.chars().count() <= 41, "{s}");
        assert_eq!(shown("(a,\n b)", &(0..7)), "(a,…");
    }
}
