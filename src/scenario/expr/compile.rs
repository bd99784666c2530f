//! The compiler: a tree to postfix instructions, names resolved to slots, draws checked.

use super::ops::Op;
use super::parse::{Kind, Node};
use super::{ExprError, Query, Resolve};
use crate::scenario::diag::DiagnosticKind;

/// Functions: name, arity, op, whether it draws.
const FUNCTIONS: &[(&str, usize, Op, bool)] = &[
    ("if", 3, Op::Select, false),
    ("min", 2, Op::Min, false),
    ("max", 2, Op::Max, false),
    ("clamp", 3, Op::Clamp, false),
    ("abs", 1, Op::Abs, false),
    ("sqrt", 1, Op::Sqrt, false),
    ("exp", 1, Op::Exp, false),
    ("ln", 1, Op::Ln, false),
    ("logistic", 1, Op::Logistic, false),
    ("floor", 1, Op::Floor, false),
    ("round", 1, Op::Round, false),
    ("normal", 2, Op::Normal, true),
    ("uniform", 2, Op::Uniform, true),
    ("triangular", 3, Op::Triangular, true),
    ("chance", 1, Op::Chance, true),
];

const QUERIES: &[(&str, Query)] = &[
    ("chosen", Query::Chosen),
    ("times_chosen", Query::TimesChosen),
    ("fired", Query::Fired),
];

/// Every function name the language knows, for hints.
pub fn function_names() -> impl Iterator<Item = &'static str> {
    FUNCTIONS
        .iter()
        .map(|f| f.0)
        .chain(QUERIES.iter().map(|q| q.0))
}

pub(super) struct Compiler<'r, R> {
    pub(super) resolver: &'r R,
    pub(super) allow_draws: bool,
    pub(super) ops: Vec<Op>,
    pub(super) errors: Vec<ExprError>,
    pub(super) depth: usize,
    pub(super) max_depth: usize,
    pub(super) draws: bool,
}

impl<R: Resolve> Compiler<'_, R> {
    fn emit(&mut self, op: Op, pops: usize) {
        self.ops.push(op);
        self.depth = self.depth + 1 - pops;
        self.max_depth = self.max_depth.max(self.depth);
    }

    pub(super) fn node(&mut self, node: &Node) {
        match &node.kind {
            Kind::Num(v) => self.emit(Op::Const(*v), 0),
            Kind::Str(s) => {
                self.errors.push(ExprError {
                    kind: DiagnosticKind::TypeMismatch,
                    span: node.span.clone(),
                    message: format!("the text \"{s}\" is not a value"),
                    hint: Some(
                        "quoted ids go inside chosen(..), times_chosen(..) or fired(..)".into(),
                    ),
                });
                self.emit(Op::Const(0.0), 0);
            }
            Kind::Name(name) => match self.resolver.name(name) {
                Ok(slot) => self.emit(Op::Load(slot), 0),
                Err(e) => {
                    self.errors.push(ExprError {
                        kind: e.kind,
                        span: node.span.clone(),
                        message: e.message,
                        hint: e.hint,
                    });
                    self.emit(Op::Const(0.0), 0);
                }
            },
            Kind::Unary(op, inner) => {
                self.node(inner);
                self.emit(*op, 1);
            }
            Kind::Binary(op, a, b) => match self.swapped(*op, a, b) {
                // `2 * x` as `x * 2`: the constant or name then fuses with the operation
                // (see [`fuse`]) and nothing waits on the stack.
                Some(op) => {
                    self.node(b);
                    self.node(a);
                    self.emit(op, 2);
                }
                None => {
                    self.node(a);
                    self.node(b);
                    self.emit(*op, 2);
                }
            },
            Kind::Call(name, args) => self.call(node, name, args),
        }
    }

    /// The operation that gives `a op b` from `b` and `a` taken the other way round, when
    /// `a` is a number or a known name and `b` is neither. The result is the same to the
    /// last bit (IEEE addition and multiplication are commutative, `a < b` is `b > a`, and
    /// `RSub` subtracts the other way), and nothing that draws changes order, since `a`
    /// cannot draw.
    fn swapped(&self, op: Op, a: &Node, b: &Node) -> Option<Op> {
        let leaf = |n: &Node| match &n.kind {
            Kind::Num(_) => true,
            Kind::Name(name) => self.resolver.name(name).is_ok(),
            _ => false,
        };
        if !leaf(a) || leaf(b) {
            return None;
        }
        match op {
            Op::Add | Op::Mul => Some(op),
            Op::Sub => Some(Op::RSub),
            Op::Lt => Some(Op::Gt),
            Op::Gt => Some(Op::Lt),
            Op::Le => Some(Op::Ge),
            Op::Ge => Some(Op::Le),
            _ => None,
        }
    }

    fn call(&mut self, node: &Node, name: &str, args: &[Node]) {
        if let Some(&(_, query)) = QUERIES.iter().find(|q| q.0 == name) {
            let slot = match args {
                [
                    Node {
                        kind: Kind::Str(id),
                        span,
                    },
                ] => match self.resolver.query(query, id) {
                    Ok(slot) => Some(slot),
                    Err(e) => {
                        self.errors.push(ExprError {
                            kind: e.kind,
                            span: span.clone(),
                            message: e.message,
                            hint: e.hint,
                        });
                        None
                    }
                },
                _ => {
                    self.errors.push(ExprError {
                        kind: DiagnosticKind::Syntax,
                        span: node.span.clone(),
                        message: format!("{name}(..) takes one quoted id"),
                        hint: Some(format!("e.g. {name}(\"some_id\")")),
                    });
                    None
                }
            };
            self.emit(slot.map_or(Op::Const(0.0), Op::Load), 0);
            return;
        }
        let Some(&(_, arity, op, draws)) = FUNCTIONS.iter().find(|f| f.0 == name) else {
            self.errors.push(ExprError {
                kind: DiagnosticKind::UnknownName,
                span: node.span.start..node.span.start + name.len(),
                message: format!("unknown function `{name}`"),
                hint: crate::scenario::suggest(name, function_names())
                    .map(|s| format!("did you mean `{s}`?"))
                    .or_else(|| {
                        Some(format!(
                            "functions are: {}",
                            function_names().collect::<Vec<_>>().join(", ")
                        ))
                    }),
            });
            self.emit(Op::Const(0.0), 0);
            return;
        };
        if args.len() != arity {
            self.errors.push(ExprError::new(
                node.span.clone(),
                format!(
                    "{name}(..) takes {arity} argument{}, found {}",
                    if arity == 1 { "" } else { "s" },
                    args.len()
                ),
            ));
            self.emit(Op::Const(0.0), 0);
            return;
        }
        if draws {
            if !self.allow_draws {
                self.errors.push(ExprError {
                    kind: DiagnosticKind::TypeMismatch,
                    span: node.span.clone(),
                    message: format!("{name}(..) draws a random number, which is not allowed here"),
                    hint: Some(
                        "policies, capabilities, conditions of choices, outcomes and goals must be deterministic"
                            .into(),
                    ),
                });
            }
            self.draws = true;
        }
        for arg in args {
            self.node(arg);
        }
        self.emit(op, arity);
    }
}
