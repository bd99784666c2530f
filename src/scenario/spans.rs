//! Where each value of a RON document lies in its text.
//!
//! serde forgets positions once a file is deserialized. Validation reports problems by a
//! path (`choices[3].effects[1].value`); this module scans the same text into a tree of
//! spans so that the path can be turned back into a line and column.
//!
//! The scanner reads text that may be anything (a file cut in the middle of a string, an
//! escape at its very end), so it never indexes: every read goes through `get`.

#![deny(clippy::indexing_slicing)]

use std::ops::Range;

/// One step of a path into a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Field(&'static str),
    Index(usize),
    Key(String),
}

/// A path from the document's root to a value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Path(pub Vec<Seg>);

impl Path {
    pub fn root() -> Self {
        Self(Vec::new())
    }

    pub fn field(&self, name: &'static str) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Field(name));
        p
    }

    pub fn index(&self, i: usize) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }

    pub fn key(&self, key: impl Into<String>) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Key(key.into()));
        p
    }
}

impl std::fmt::Display for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Field(name) if i == 0 => write!(f, "{name}")?,
                Seg::Field(name) => write!(f, ".{name}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
                Seg::Key(k) => write!(f, "[\"{k}\"]")?,
            }
        }
        Ok(())
    }
}

/// A value and where it lies.
#[derive(Debug, Clone)]
pub struct Node {
    pub span: Range<usize>,
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    Scalar,
    /// A named or unnamed struct: fields with the span of each name.
    Struct(Vec<(String, Range<usize>, Node)>),
    /// A list, tuple, or tuple variant such as `Some(x)`.
    Seq(Option<String>, Vec<Node>),
    Map(Vec<(String, Range<usize>, Node)>),
}

/// Deepest nesting the scanner follows; deeper documents are refused by the loader first.
const MAX_DEPTH: usize = 256;

impl Node {
    /// Scans `text`; `None` if it is not well-formed enough to scan.
    pub fn scan(text: &str) -> Option<Node> {
        let mut s = Scanner {
            b: text.as_bytes(),
            i: 0,
            depth: 0,
        };
        s.ws();
        let node = s.value()?;
        Some(node)
    }

    /// The span of the value at `path`, or of the deepest ancestor found.
    pub fn locate(&self, path: &Path) -> Range<usize> {
        let mut node = self;
        for seg in &path.0 {
            match node.child(seg) {
                Some(child) => node = child,
                None => return node.unwrap_some().span.clone(),
            }
        }
        node.unwrap_some().span.clone()
    }

    /// The span of the value at `path` (inside its `Some(..)`), if the text has one there.
    pub fn find(&self, path: &Path) -> Option<Range<usize>> {
        let mut node = self;
        for seg in &path.0 {
            node = node.child(seg)?;
        }
        Some(node.unwrap_some().span.clone())
    }

    /// The value one step down `seg` from this one (looking inside a `Some(..)`).
    fn child(&self, seg: &Seg) -> Option<&Node> {
        match (seg, &self.unwrap_some().kind) {
            (Seg::Field(name), Kind::Struct(fields)) => {
                fields.iter().find(|(n, _, _)| n == name).map(|(_, _, v)| v)
            }
            (Seg::Key(key), Kind::Map(entries)) => {
                entries.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| v)
            }
            (Seg::Index(i), Kind::Seq(_, items)) => items.get(*i),
            _ => None,
        }
    }

    /// The span of the key or field name at `path` (the value's span if it has none).
    pub fn locate_key(&self, path: &Path) -> Range<usize> {
        let Some((last, parent)) = path.0.split_last() else {
            return self.span.clone();
        };
        let mut node = self;
        for seg in parent {
            match node.child(seg) {
                Some(child) => node = child,
                None => return node.unwrap_some().span.clone(),
            }
        }
        let node = node.unwrap_some();
        match (last, &node.kind) {
            (Seg::Field(name), Kind::Struct(fields)) => fields
                .iter()
                .find(|(n, _, _)| n == name)
                .map(|f| f.1.clone())
                .unwrap_or(node.span.clone()),
            (Seg::Key(key), Kind::Map(entries)) => entries
                .iter()
                .find(|(k, _, _)| k == key)
                .map(|e| e.1.clone())
                .unwrap_or(node.span.clone()),
            _ => self.locate(path),
        }
    }

    /// The top-level field `name` if it is a plain unsigned number.
    pub fn top_level_number(&self, text: &str, name: &str) -> Option<(u64, Range<usize>)> {
        let Kind::Struct(fields) = &self.kind else {
            return None;
        };
        let (_, _, node) = fields.iter().find(|(n, _, _)| n == name)?;
        let value = text.get(node.span.clone())?.trim().parse().ok()?;
        Some((value, node.span.clone()))
    }

    /// The start of the innermost value whose text ends at `end` (e.g. the struct a closing
    /// bracket belongs to).
    pub fn start_of_value_ending_at(&self, end: usize) -> Option<usize> {
        for child in self.children() {
            if child.span.start < end && end <= child.span.end {
                return child.start_of_value_ending_at(end);
            }
        }
        (self.span.end == end).then_some(self.span.start)
    }

    /// The path of the innermost value that holds `offset`, written as in diagnostics
    /// (`choices[3].max_times`); empty at the top level.
    pub fn path_at(&self, offset: usize) -> String {
        let mut out = String::new();
        let mut node = self;
        loop {
            let node_here = node.unwrap_some();
            let next = match &node_here.kind {
                Kind::Scalar => None,
                Kind::Struct(fields) => fields
                    .iter()
                    .find(|(_, key, value)| key.start <= offset && offset < value.span.end)
                    .map(|(name, _, value)| {
                        if !out.is_empty() {
                            out.push('.');
                        }
                        out.push_str(name);
                        value
                    }),
                Kind::Map(entries) => entries
                    .iter()
                    .find(|(_, key, value)| key.start <= offset && offset < value.span.end)
                    .map(|(key, _, value)| {
                        out.push_str(&format!("[\"{key}\"]"));
                        value
                    }),
                Kind::Seq(_, items) => items
                    .iter()
                    .enumerate()
                    .find(|(_, item)| item.span.start <= offset && offset < item.span.end)
                    .map(|(i, item)| {
                        out.push_str(&format!("[{i}]"));
                        item
                    }),
            };
            match next {
                Some(child) => node = child,
                None => return out,
            }
        }
    }

    /// The span of the outermost value that starts at `offset`.
    pub fn value_starting_at(&self, offset: usize) -> Option<Range<usize>> {
        if self.span.start == offset {
            return Some(self.span.clone());
        }
        self.children()
            .find(|child| child.span.start <= offset && offset < child.span.end)
            .and_then(|child| child.value_starting_at(offset))
    }

    /// The innermost struct field whose name holds `offset`: the spans of its name and of
    /// its value.
    pub fn field_at(&self, offset: usize) -> Option<(Range<usize>, Range<usize>)> {
        if let Kind::Struct(fields) = &self.kind
            && let Some((_, name, value)) =
                fields.iter().find(|(_, name, _)| name.contains(&offset))
        {
            return Some((name.clone(), value.span.clone()));
        }
        self.children()
            .find(|child| child.span.start <= offset && offset < child.span.end)
            .and_then(|child| child.field_at(offset))
    }

    /// The values directly inside this one.
    fn children(&self) -> Box<dyn Iterator<Item = &Node> + '_> {
        match &self.kind {
            Kind::Scalar => Box::new(std::iter::empty()),
            Kind::Struct(fields) | Kind::Map(fields) => Box::new(fields.iter().map(|f| &f.2)),
            Kind::Seq(_, items) => Box::new(items.iter()),
        }
    }

    fn unwrap_some(&self) -> &Node {
        match &self.kind {
            Kind::Seq(Some(name), items) if name == "Some" && items.len() == 1 => {
                items.first().unwrap_or(self)
            }
            _ => self,
        }
    }
}

/// Maps a byte offset inside a string value to an offset in the file, given the span of the
/// string literal. Exact when the literal has no escapes before that offset.
pub fn offset_in_literal(text: &str, literal: &Range<usize>, offset: usize) -> usize {
    let Some(lit) = text.get(literal.clone()) else {
        return literal.start;
    };
    let prefix = if let Some(raw) = lit.strip_prefix('r') {
        1 + raw.bytes().take_while(|&b| b == b'#').count() + 1
    } else if lit.starts_with('"') {
        1
    } else {
        return literal.start;
    };
    let body = lit.get(prefix..).unwrap_or_default();
    if !lit.starts_with('r') && body.get(..offset).is_none_or(|s| s.contains('\\')) {
        return literal.start;
    }
    (literal.start + prefix + offset).min(literal.end)
}

/// Where the characters of a string literal's value lie in the file, escapes taken into
/// account: used to number problems in a scenario embedded in a session file as lines of
/// the session file.
#[derive(Debug, Clone)]
pub struct LiteralMap {
    /// (offset in the value, offset in the file) where each run of plain characters starts.
    pieces: Vec<(usize, usize)>,
    end: usize,
}

impl LiteralMap {
    /// Reads the literal at `literal` (quotes included) in `text`; `None` if it is not one.
    pub fn new(text: &str, literal: &Range<usize>) -> Option<Self> {
        let lit = text.get(literal.clone())?.as_bytes();
        let start = literal.start;
        if lit.first() == Some(&b'r') {
            let hashes = lit.iter().skip(1).take_while(|&&b| b == b'#').count();
            return Some(Self {
                pieces: vec![(0, start + hashes + 2)],
                end: literal.end,
            });
        }
        if lit.first() != Some(&b'"') {
            return None;
        }
        let (mut raw, mut value) = (1, 0);
        let mut pieces = vec![(0, start + 1)];
        while let Some(&b) = lit.get(raw) {
            match b {
                b'"' => break,
                b'\\' => {
                    let (raw_len, value_len) =
                        escape_lengths(lit.get(raw + 1..).unwrap_or_default());
                    raw += 1 + raw_len;
                    value += value_len;
                    pieces.push((value, start + raw));
                }
                _ => {
                    raw += 1;
                    value += 1;
                }
            }
        }
        Some(Self {
            pieces,
            end: (start + raw).min(literal.end),
        })
    }

    /// The file offset of byte `offset` of the value.
    pub fn to_file(&self, offset: usize) -> usize {
        let i = self.pieces.partition_point(|&(v, _)| v <= offset);
        let (value, file) = i
            .checked_sub(1)
            .and_then(|i| self.pieces.get(i))
            .copied()
            .unwrap_or((0, self.end));
        (file + (offset - value.min(offset))).min(self.end)
    }
}

/// After a backslash: the escape's length in the file and of the character it stands for.
fn escape_lengths(after: &[u8]) -> (usize, usize) {
    match after.first() {
        Some(b'u') if after.get(1) == Some(&b'{') => {
            let close = after.iter().position(|&b| b == b'}').unwrap_or(after.len());
            let digits = after.get(2..close).unwrap_or_default();
            let c = std::str::from_utf8(digits)
                .ok()
                .and_then(|d| u32::from_str_radix(d, 16).ok())
                .and_then(char::from_u32)
                .unwrap_or('\u{fffd}');
            ((close + 1).min(after.len()), c.len_utf8())
        }
        Some(b'x') => (3.min(after.len()), 1),
        Some(_) => (1, 1),
        None => (0, 0),
    }
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
    depth: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// The text not yet read (empty at or past the end).
    fn rest(&self) -> &[u8] {
        self.b.get(self.i..).unwrap_or_default()
    }

    /// The bytes between `start` and the current position, as text.
    fn since(&self, start: usize) -> String {
        let end = self.i.min(self.b.len());
        String::from_utf8_lossy(self.b.get(start..end).unwrap_or_default()).into_owned()
    }

    fn ws(&mut self) {
        loop {
            match (self.peek(), self.b.get(self.i + 1)) {
                (Some(c), _) if c.is_ascii_whitespace() => self.i += 1,
                (Some(b'/'), Some(b'/')) => {
                    while self.peek().is_some_and(|c| c != b'\n') {
                        self.i += 1;
                    }
                }
                (Some(b'/'), Some(b'*')) => {
                    // RON block comments nest.
                    let mut level = 0usize;
                    while self.i < self.b.len() {
                        if self.rest().starts_with(b"/*") {
                            level += 1;
                            self.i += 2;
                        } else if self.rest().starts_with(b"*/") {
                            level -= 1;
                            self.i += 2;
                            if level == 0 {
                                break;
                            }
                        } else {
                            self.i += 1;
                        }
                    }
                }
                _ => return,
            }
        }
    }

    fn ident(&mut self) -> Option<String> {
        let start = self.i;
        if self.rest().starts_with(b"r#") {
            self.i += 2;
        }
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80)
        {
            self.i += 1;
        }
        (self.i > start).then(|| self.since(start))
    }

    fn string(&mut self) -> Option<String> {
        // At `"`, `r"`, `r#"`, `b"`.
        let start = self.i;
        if self.peek() == Some(b'b') {
            self.i += 1;
        }
        if self.peek() == Some(b'r') {
            self.i += 1;
            let hashes = self.rest().iter().take_while(|&&c| c == b'#').count();
            self.i += hashes;
            if self.peek() != Some(b'"') {
                return None;
            }
            self.i += 1;
            let body_start = self.i;
            let mut close = vec![b'"'];
            close.extend(std::iter::repeat_n(b'#', hashes));
            while self.i < self.b.len() && !self.rest().starts_with(&close) {
                self.i += 1;
            }
            if self.i >= self.b.len() {
                return None;
            }
            let body = self.since(body_start);
            self.i = (self.i + close.len()).min(self.b.len());
            let _ = start;
            return Some(body);
        }
        if self.peek() != Some(b'"') {
            return None;
        }
        self.i += 1;
        let body_start = self.i;
        while let Some(c) = self.peek() {
            match c {
                b'\\' => self.i += 2,
                b'"' => break,
                _ => self.i += 1,
            }
        }
        if self.peek() != Some(b'"') {
            // The text ends inside the string (perhaps right after a backslash).
            self.i = self.b.len();
            return None;
        }
        let body = self.since(body_start);
        self.i += 1;
        Some(body)
    }

    fn value(&mut self) -> Option<Node> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let node = self.value_inner();
        self.depth -= 1;
        node
    }

    fn value_inner(&mut self) -> Option<Node> {
        let start = self.i;
        let c = self.peek()?;
        let is_string = c == b'"'
            || ((c == b'r' || c == b'b')
                && matches!(self.b.get(self.i + 1), Some(b'"') | Some(b'#') | Some(b'r')));
        if is_string {
            self.string()?;
            return Some(Node {
                span: start..self.i,
                kind: Kind::Scalar,
            });
        }
        match c {
            b'[' => {
                self.i += 1;
                let items = self.seq_items(b']')?;
                Some(Node {
                    span: start..self.i,
                    kind: Kind::Seq(None, items),
                })
            }
            b'{' => {
                self.i += 1;
                let entries = self.map_entries()?;
                Some(Node {
                    span: start..self.i,
                    kind: Kind::Map(entries),
                })
            }
            b'(' => {
                self.i += 1;
                self.paren_body(start, None)
            }
            b'\'' => {
                self.i += 1;
                while let Some(c) = self.peek() {
                    self.i += 1;
                    match c {
                        b'\\' => self.i += 1,
                        b'\'' => break,
                        _ => {}
                    }
                }
                Some(Node {
                    span: start..self.i,
                    kind: Kind::Scalar,
                })
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let name = self.ident()?;
                let after_name = self.i;
                self.ws();
                if self.peek() == Some(b'(') {
                    self.i += 1;
                    self.paren_body(start, Some(name))
                } else {
                    self.i = after_name;
                    Some(Node {
                        span: start..after_name,
                        kind: Kind::Scalar,
                    })
                }
            }
            _ => {
                // A number: anything up to a delimiter.
                while self.peek().is_some_and(|c| {
                    !c.is_ascii_whitespace() && !matches!(c, b',' | b')' | b']' | b'}' | b':')
                }) {
                    self.i += 1;
                }
                (self.i > start).then_some(Node {
                    span: start..self.i,
                    kind: Kind::Scalar,
                })
            }
        }
    }

    /// After `(`: a struct body (`name: value, ...`) or tuple items.
    fn paren_body(&mut self, start: usize, name: Option<String>) -> Option<Node> {
        self.ws();
        let save = self.i;
        let is_struct = if self
            .peek()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
        {
            self.ident();
            self.ws();
            let colon = self.peek() == Some(b':') && self.b.get(self.i + 1) != Some(&b':');
            self.i = save;
            colon
        } else {
            false
        };
        if is_struct {
            let mut fields = Vec::new();
            loop {
                self.ws();
                if self.peek() == Some(b')') {
                    self.i += 1;
                    break;
                }
                let name_start = self.i;
                let field = self.ident()?;
                let name_span = name_start..self.i;
                self.ws();
                if self.peek() != Some(b':') {
                    return None;
                }
                self.i += 1;
                self.ws();
                let value = self.value()?;
                fields.push((field, name_span, value));
                self.ws();
                match self.peek()? {
                    b',' => self.i += 1,
                    b')' => {
                        self.i += 1;
                        break;
                    }
                    _ => return None,
                }
            }
            Some(Node {
                span: start..self.i,
                kind: Kind::Struct(fields),
            })
        } else {
            let items = self.seq_items(b')')?;
            Some(Node {
                span: start..self.i,
                kind: Kind::Seq(name, items),
            })
        }
    }

    fn seq_items(&mut self, close: u8) -> Option<Vec<Node>> {
        let mut items = Vec::new();
        loop {
            self.ws();
            if self.peek()? == close {
                self.i += 1;
                return Some(items);
            }
            items.push(self.value()?);
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                c if c == close => {
                    self.i += 1;
                    return Some(items);
                }
                _ => return None,
            }
        }
    }

    fn map_entries(&mut self) -> Option<Vec<(String, Range<usize>, Node)>> {
        let mut entries = Vec::new();
        loop {
            self.ws();
            if self.peek()? == b'}' {
                self.i += 1;
                return Some(entries);
            }
            let key_start = self.i;
            let key_node = self.value()?;
            let key_span = key_start..self.i;
            let raw =
                String::from_utf8_lossy(self.b.get(key_node.span.clone()).unwrap_or_default())
                    .into_owned();
            let key = raw
                .strip_prefix('"')
                .and_then(|k| k.strip_suffix('"'))
                .map(str::to_string)
                .unwrap_or(raw);
            self.ws();
            if self.peek()? != b':' {
                return None;
            }
            self.i += 1;
            self.ws();
            let value = self.value()?;
            entries.push((key, key_span, value));
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(entries);
                }
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    const DOC: &str = r##"Scenario( // a comment
    format: 1,
    title: "Mali",
    clock: Clock(start: "2013-01-15", turns: 12),
    actors: [
        Actor(id: "canada", stances: { "involvement": (position: 0.2, salience: 0.5) }),
        /* nested /* block */ comment */
        Actor(id: "france", when: Some("x > 1"), rules: [Rule(value: r#"a "quoted" b"#)]),
    ],
)"##;

    fn at(path: &Path) -> &'static str {
        let node = Node::scan(DOC).expect("scans");
        &DOC[node.locate(path)]
    }

    #[test]
    fn finds_values_by_path() {
        let root = Path::root();
        assert_eq!(at(&root.field("format")), "1");
        assert_eq!(at(&root.field("title")), "\"Mali\"");
        assert_eq!(at(&root.field("clock").field("turns")), "12");
        assert_eq!(at(&root.field("actors").index(1).field("id")), "\"france\"");
        assert_eq!(
            at(&root
                .field("actors")
                .index(0)
                .field("stances")
                .key("involvement")
                .field("salience")),
            "0.5"
        );
        assert_eq!(
            at(&root.field("actors").index(1).field("when")),
            "\"x > 1\""
        );
        assert_eq!(
            at(&root
                .field("actors")
                .index(1)
                .field("rules")
                .index(0)
                .field("value")),
            "r#\"a \"quoted\" b\"#"
        );
    }

    #[test]
    fn a_missing_step_gives_the_deepest_ancestor() {
        let node = Node::scan(DOC).unwrap();
        let span = node.locate(&Path::root().field("actors").index(0).field("nothing"));
        assert!(DOC[span].starts_with("Actor(id: \"canada\""));
    }

    #[test]
    fn locates_keys_and_field_names() {
        let node = Node::scan(DOC).unwrap();
        let p = Path::root()
            .field("actors")
            .index(0)
            .field("stances")
            .key("involvement");
        assert_eq!(&DOC[node.locate_key(&p)], "\"involvement\"");
        assert_eq!(&DOC[node.locate_key(&Path::root().field("title"))], "title");
    }

    #[test]
    fn maps_offsets_inside_string_literals() {
        let text = r#"x: "ab + cd", y: "a\"b + c""#;
        let lit = 3..12;
        assert_eq!(&text[offset_in_literal(text, &lit, 5)..][..2], "cd");
        let escaped = 17..27;
        assert_eq!(offset_in_literal(text, &escaped, 6), 17);
    }

    #[test]
    fn maps_a_literal_with_escapes_to_the_file() {
        let text = "s: \"a\\\"b\\nc\\u{e9}d\"";
        // The value is `a"b`, newline, `c`, `é` (2 bytes), `d`.
        let lit = 3..text.len();
        let map = LiteralMap::new(text, &lit).unwrap();
        assert_eq!(&text[map.to_file(0)..][..1], "a");
        assert_eq!(&text[map.to_file(2)..][..1], "b");
        assert_eq!(&text[map.to_file(4)..][..1], "c");
        assert_eq!(&text[map.to_file(7)..][..1], "d");
        let raw = "x: r#\"ab\"#";
        let map = LiteralMap::new(raw, &(3..raw.len())).unwrap();
        assert_eq!(&raw[map.to_file(1)..][..1], "b");
    }

    #[test]
    fn reads_the_format_number() {
        let node = Node::scan(DOC).unwrap();
        assert_eq!(node.top_level_number(DOC, "format").map(|f| f.0), Some(1));
    }

    #[test]
    fn gives_up_on_garbage_without_panicking() {
        for text in [
            "",
            "(",
            "Scenario(a: ",
            "[1, 2",
            "{\"a\" 1}",
            "r#\"abc",
            "\"abc",
        ] {
            let _ = Node::scan(text);
        }
        let deep = "[".repeat(10_000);
        assert!(Node::scan(&deep).is_none());
    }
}
