//! The lexer: an expression's text as tokens, each with its byte range.

use std::ops::Range;

use super::{ExprError, MAX_LEN};
use crate::scenario::diag::DiagnosticKind;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    Num(f64),
    Str(String),
    Ident(String),
    Sym(&'static str),
    End,
}

pub(super) fn lex(text: &str) -> Result<Vec<(Tok, Range<usize>)>, ExprError> {
    if text.len() > MAX_LEN {
        return Err(ExprError::of(
            DiagnosticKind::Limit,
            0..0,
            format!("expression is longer than {MAX_LEN} characters"),
        ));
    }
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() || (c == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            while i < bytes.len()
                && (bytes[i].is_ascii_digit() || bytes[i] == b'.' || bytes[i] == b'_')
            {
                i += 1;
            }
            if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
                let mut j = i + 1;
                if j < bytes.len() && (bytes[j] == b'+' || bytes[j] == b'-') {
                    j += 1;
                }
                if j < bytes.len() && bytes[j].is_ascii_digit() {
                    i = j;
                    while i < bytes.len() && bytes[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let literal: String = text[start..i].chars().filter(|&c| c != '_').collect();
            let value: f64 = literal.parse().map_err(|_| {
                ExprError::new(start..i, format!("`{}` is not a number", &text[start..i]))
            })?;
            if !value.is_finite() {
                return Err(ExprError::of(
                    DiagnosticKind::OutOfRange,
                    start..i,
                    format!("`{}` is too large for a number", &text[start..i]),
                ));
            }
            out.push((Tok::Num(value), start..i));
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'.')
            {
                i += 1;
            }
            let ident = &text[start..i];
            if ident.ends_with('.') || ident.contains("..") {
                return Err(ExprError::new(
                    start..i,
                    format!("`{ident}` is not a valid name"),
                ));
            }
            out.push((Tok::Ident(ident.to_string()), start..i));
            continue;
        }
        if c == b'"' {
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += 1;
            }
            if i >= bytes.len() {
                return Err(ExprError::new(start..bytes.len(), "unterminated string"));
            }
            out.push((Tok::Str(text[start + 1..i].to_string()), start..i + 1));
            i += 1;
            continue;
        }
        const SYMBOLS: [&str; 17] = [
            "<=", ">=", "==", "!=", "+", "-", "*", "/", "^", "(", ")", ",", "<", ">", "!", "&&",
            "||",
        ];
        let rest = &text[i..];
        match SYMBOLS.iter().find(|s| rest.starts_with(**s)) {
            Some(sym) => {
                i += sym.len();
                out.push((Tok::Sym(sym), start..i));
            }
            None => {
                let ch = rest.chars().next().unwrap_or('?');
                let mut err =
                    ExprError::new(start..start + ch.len_utf8(), format!("unexpected `{ch}`"));
                if ch == '=' {
                    err.hint = Some("to compare, write `==`".into());
                }
                return Err(err);
            }
        }
    }
    out.push((Tok::End, text.len()..text.len()));
    Ok(out)
}
