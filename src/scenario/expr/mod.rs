//! Expressions: the small, safe arithmetic language used inside scenario files.
//!
//! An expression is parsed once, its names are resolved to state slots when the scenario
//! loads, and it is compiled to a flat postfix [`Program`]. Evaluating a program never looks
//! a name up by string and never allocates.
//!
//! One stage a file, all meeting in one IR (`ops.rs`): `lex` (text to tokens), `parse`
//! (tokens to a tree), `compile` (the tree to postfix instructions, names to slots),
//! `fuse` (neighbouring instructions merged), `share` (what a group of programs computes
//! alike, computed once) and `eval` (the one interpreter, for one run or many in lanes).
//! The tests in `tests.rs` run every case through both widths.
//!
//! `if(c, a, b)` evaluates both branches and then selects one. That keeps the number of
//! random draws an expression makes independent of the state, so two runs that share a seed
//! draw the same numbers for the same purposes (common random numbers), whatever they chose.

mod compile;
mod eval;
mod fuse;
mod lex;
mod ops;
mod parse;
mod share;
#[cfg(test)]
mod tests;

use std::ops::Range;

use super::diag::DiagnosticKind;
use compile::Compiler;
pub use compile::function_names;
pub use eval::{Draws, LANES, LaneDraws, LaneStack, Lanes, NoDraws};
use ops::Op;
pub use ops::{standard_normal, triangular};
use parse::{Kind, Node, parse};
pub use share::Group;

/// Longest expression accepted, in bytes.
pub const MAX_LEN: usize = super::limits::MAX_EXPRESSION_BYTES;
/// Deepest nesting of parentheses, calls and operators accepted.
pub const MAX_DEPTH: usize = super::limits::MAX_EXPRESSION_DEPTH;
/// Evaluation stack size; programs needing more are refused at compile time.
const STACK: usize = 32;

/// A problem in an expression, located by byte range within the expression's text.
#[derive(Debug, Clone, PartialEq)]
pub struct ExprError {
    pub kind: DiagnosticKind,
    pub span: Range<usize>,
    pub message: String,
    pub hint: Option<String>,
}

impl ExprError {
    /// A syntax error.
    fn new(span: Range<usize>, message: impl Into<String>) -> Self {
        Self::of(DiagnosticKind::Syntax, span, message)
    }

    fn of(kind: DiagnosticKind, span: Range<usize>, message: impl Into<String>) -> Self {
        Self {
            kind,
            span,
            message: message.into(),
            hint: None,
        }
    }
}

/// The queries an expression can make of the run's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Query {
    /// `chosen("id")`: 1 if the choice was taken this turn.
    Chosen,
    /// `times_chosen("id")`: how many times the choice has been taken, this turn included.
    TimesChosen,
    /// `fired("id")`: how many times the event has fired.
    Fired,
}

/// Why a name could not be resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct NameError {
    pub kind: DiagnosticKind,
    pub message: String,
    pub hint: Option<String>,
}

/// Maps the names an expression uses to state slots.
pub trait Resolve {
    fn name(&self, name: &str) -> Result<u32, NameError>;
    fn query(&self, query: Query, id: &str) -> Result<u32, NameError>;
}

/// A compiled expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    ops: Vec<Op>,
    draws: bool,
}

impl Program {
    /// A program that yields a constant.
    pub fn constant(value: f64) -> Self {
        Self {
            ops: vec![Op::Const(value)],
            draws: false,
        }
    }

    /// Whether evaluating this program draws random numbers.
    pub fn draws(&self) -> bool {
        self.draws
    }

    /// The slots this program reads.
    pub fn reads(&self) -> impl Iterator<Item = usize> + '_ {
        self.ops.iter().filter_map(|op| op.slot())
    }

    /// The constant this program always yields, if it is one.
    pub fn as_constant(&self) -> Option<f64> {
        match self.ops.as_slice() {
            [Op::Const(v)] => Some(*v),
            _ => None,
        }
    }
}

/// Parses and compiles `text`. `allow_draws` is false where the expression must be
/// deterministic (policies, conditions, outcomes).
pub fn compile(
    text: &str,
    resolver: &impl Resolve,
    allow_draws: bool,
) -> Result<Program, Vec<ExprError>> {
    let node = parse(text).map_err(|e| vec![e])?;
    let mut compiler = Compiler {
        resolver,
        allow_draws,
        ops: Vec::new(),
        errors: Vec::new(),
        depth: 0,
        max_depth: 0,
        draws: false,
    };
    compiler.node(&node);
    if compiler.max_depth > STACK {
        compiler.errors.push(ExprError::of(
            DiagnosticKind::Limit,
            0..text.len(),
            "expression is too complex",
        ));
    }
    if compiler.errors.is_empty() {
        Ok(Program {
            ops: fuse::fuse(compiler.ops),
            draws: compiler.draws,
        })
    } else {
        Err(compiler.errors)
    }
}

/// The names an expression refers to (for `{name}` interpolation and tooling).
pub fn names(text: &str) -> Result<Vec<(String, Range<usize>)>, ExprError> {
    fn walk(node: &Node, out: &mut Vec<(String, Range<usize>)>) {
        match &node.kind {
            Kind::Name(name) => out.push((name.clone(), node.span.clone())),
            Kind::Unary(_, a) => walk(a, out),
            Kind::Binary(_, a, b) => {
                walk(a, out);
                walk(b, out);
            }
            Kind::Call(_, args) => args.iter().for_each(|a| walk(a, out)),
            Kind::Num(_) | Kind::Str(_) => {}
        }
    }
    let node = parse(text)?;
    let mut out = Vec::new();
    walk(&node, &mut out);
    Ok(out)
}
