//! The parser: tokens to a tree whose operations are already the IR's ([`Op`]).

use std::ops::Range;

use super::lex::{Tok, lex};
use super::ops::Op;
use super::{ExprError, MAX_DEPTH};
use crate::scenario::diag::DiagnosticKind;

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Node {
    pub(super) span: Range<usize>,
    pub(super) kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Kind {
    Num(f64),
    Str(String),
    Name(String),
    Unary(Op, Box<Node>),
    Binary(Op, Box<Node>, Box<Node>),
    Call(String, Vec<Node>),
}

pub(super) fn parse(text: &str) -> Result<Node, ExprError> {
    let tokens = lex(text)?;
    let mut parser = Parser {
        tokens,
        pos: 0,
        depth: 0,
    };
    if matches!(parser.peek(), Tok::End) {
        return Err(ExprError {
            kind: DiagnosticKind::Syntax,
            span: 0..text.len(),
            message: "empty expression".into(),
            hint: Some("write a number such as `0` or a formula".into()),
        });
    }
    let node = parser.expr()?;
    match parser.peek() {
        Tok::End => Ok(node),
        _ => {
            let span = parser.span();
            Err(ExprError {
                kind: DiagnosticKind::Syntax,
                span,
                message: "expected an operator or the end of the expression".into(),
                hint: Some("operators are + - * / ^ < <= > >= == != and or not".into()),
            })
        }
    }
}

struct Parser {
    tokens: Vec<(Tok, Range<usize>)>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.tokens[self.pos.min(self.tokens.len() - 1)].0
    }

    fn span(&self) -> Range<usize> {
        self.tokens[self.pos.min(self.tokens.len() - 1)].1.clone()
    }

    fn bump(&mut self) -> (Tok, Range<usize>) {
        let t = self.tokens[self.pos.min(self.tokens.len() - 1)].clone();
        if self.pos < self.tokens.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn is_sym(&self, sym: &str) -> bool {
        matches!(self.peek(), Tok::Sym(s) if *s == sym)
    }

    fn is_word(&self, word: &str) -> bool {
        matches!(self.peek(), Tok::Ident(s) if s == word)
    }

    fn enter(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ExprError::of(
                DiagnosticKind::Limit,
                self.span(),
                "expression is nested too deeply",
            ));
        }
        Ok(())
    }

    fn expr(&mut self) -> Result<Node, ExprError> {
        self.enter()?;
        let node = self.or();
        self.depth -= 1;
        node
    }

    /// Takes the left side by value: a chain such as `1+1+...+1` is built in linear time.
    fn binary(start: Node, op: Op, rhs: Node) -> Node {
        Node {
            span: start.span.start..rhs.span.end,
            kind: Kind::Binary(op, Box::new(start), Box::new(rhs)),
        }
    }

    fn or(&mut self) -> Result<Node, ExprError> {
        let mut lhs = self.and()?;
        while self.is_word("or") || self.is_sym("||") {
            self.bump();
            let rhs = self.and()?;
            lhs = Self::binary(lhs, Op::Or, rhs);
        }
        Ok(lhs)
    }

    fn and(&mut self) -> Result<Node, ExprError> {
        let mut lhs = self.not()?;
        while self.is_word("and") || self.is_sym("&&") {
            self.bump();
            let rhs = self.not()?;
            lhs = Self::binary(lhs, Op::And, rhs);
        }
        Ok(lhs)
    }

    fn not(&mut self) -> Result<Node, ExprError> {
        if self.is_word("not") || self.is_sym("!") {
            let (_, span) = self.bump();
            self.enter()?;
            let inner = self.not()?;
            self.depth -= 1;
            return Ok(Node {
                span: span.start..inner.span.end,
                kind: Kind::Unary(Op::Not, Box::new(inner)),
            });
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Node, ExprError> {
        let lhs = self.sum()?;
        let op = match self.peek() {
            Tok::Sym("<") => Op::Lt,
            Tok::Sym("<=") => Op::Le,
            Tok::Sym(">") => Op::Gt,
            Tok::Sym(">=") => Op::Ge,
            Tok::Sym("==") => Op::Eq,
            Tok::Sym("!=") => Op::Ne,
            _ => return Ok(lhs),
        };
        self.bump();
        let rhs = self.sum()?;
        if matches!(self.peek(), Tok::Sym("<" | "<=" | ">" | ">=" | "==" | "!=")) {
            return Err(ExprError {
                kind: DiagnosticKind::Syntax,
                span: self.span(),
                message: "comparisons cannot be chained".into(),
                hint: Some("write `a < b and b < c`".into()),
            });
        }
        Ok(Self::binary(lhs, op, rhs))
    }

    fn sum(&mut self) -> Result<Node, ExprError> {
        let mut lhs = self.product()?;
        loop {
            let op = match self.peek() {
                Tok::Sym("+") => Op::Add,
                Tok::Sym("-") => Op::Sub,
                _ => return Ok(lhs),
            };
            self.bump();
            let rhs = self.product()?;
            lhs = Self::binary(lhs, op, rhs);
        }
    }

    fn product(&mut self) -> Result<Node, ExprError> {
        let mut lhs = self.unary()?;
        loop {
            let op = match self.peek() {
                Tok::Sym("*") => Op::Mul,
                Tok::Sym("/") => Op::Div,
                _ => return Ok(lhs),
            };
            self.bump();
            let rhs = self.unary()?;
            lhs = Self::binary(lhs, op, rhs);
        }
    }

    fn unary(&mut self) -> Result<Node, ExprError> {
        if self.is_sym("-") || self.is_sym("+") {
            let (tok, span) = self.bump();
            self.enter()?;
            let inner = self.unary()?;
            self.depth -= 1;
            if tok == Tok::Sym("+") {
                return Ok(inner);
            }
            return Ok(Node {
                span: span.start..inner.span.end,
                kind: Kind::Unary(Op::Neg, Box::new(inner)),
            });
        }
        self.power()
    }

    fn power(&mut self) -> Result<Node, ExprError> {
        let base = self.atom()?;
        if self.is_sym("^") {
            self.bump();
            self.enter()?;
            // Right-associative, and the exponent may carry a sign: 2^-1.
            let exponent = self.unary()?;
            self.depth -= 1;
            return Ok(Self::binary(base, Op::Pow, exponent));
        }
        Ok(base)
    }

    fn atom(&mut self) -> Result<Node, ExprError> {
        let (tok, span) = self.bump();
        match tok {
            Tok::Num(v) => Ok(Node {
                span,
                kind: Kind::Num(v),
            }),
            Tok::Str(s) => Ok(Node {
                span,
                kind: Kind::Str(s),
            }),
            Tok::Sym("(") => {
                let inner = self.expr()?;
                self.expect_close(&span)?;
                Ok(inner)
            }
            Tok::Ident(name) if matches!(name.as_str(), "and" | "or" | "not") => Err(ExprError {
                kind: DiagnosticKind::Syntax,
                span,
                message: format!("expected a value, found `{name}`"),
                hint: None,
            }),
            Tok::Ident(name) => {
                if self.is_sym("(") {
                    let open = self.bump().1;
                    let mut args = Vec::new();
                    if !self.is_sym(")") {
                        loop {
                            args.push(self.expr()?);
                            if self.is_sym(",") {
                                self.bump();
                                continue;
                            }
                            break;
                        }
                    }
                    let close = self.expect_close(&open)?;
                    Ok(Node {
                        span: span.start..close.end,
                        kind: Kind::Call(name, args),
                    })
                } else {
                    Ok(Node {
                        span,
                        kind: Kind::Name(name),
                    })
                }
            }
            Tok::End => Err(ExprError {
                kind: DiagnosticKind::Syntax,
                span,
                message: "expression ends too early".into(),
                hint: Some("something is missing after the last operator".into()),
            }),
            Tok::Sym(s) => Err(ExprError::new(
                span,
                format!("expected a value, found `{s}`"),
            )),
        }
    }

    fn expect_close(&mut self, open: &Range<usize>) -> Result<Range<usize>, ExprError> {
        if self.is_sym(")") {
            return Ok(self.bump().1);
        }
        Err(ExprError {
            kind: DiagnosticKind::Syntax,
            span: self.span(),
            message: "expected `)`".into(),
            hint: Some(format!(
                "the `(` at character {} is not closed",
                open.start + 1
            )),
        })
    }
}
