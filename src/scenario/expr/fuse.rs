//! The fuser: neighbouring instructions merged into one, so that fewer values pass
//! through the stack.

use super::ops::Op;

/// Fuses `Load`/`Const` followed by a binary op into one op (the VM keeps the top of the
/// stack in a register, so the fused op combines it with the operand directly), and two
/// constants followed by `clamp` or `if` likewise. A negated number (`-0.5`) is first
/// made the number it gives, which then fuses as any other.
pub(super) fn fuse(ops: Vec<Op>) -> Vec<Op> {
    let ops = negated_numbers(ops);
    let mut out = Vec::with_capacity(ops.len());
    let mut i = 0;
    while i < ops.len() {
        let triple = match (ops[i], ops.get(i + 1), ops.get(i + 2)) {
            (Op::Const(a), Some(&Op::Const(b)), Some(Op::Clamp)) => Some(Op::ClampC(a, b)),
            (Op::Const(a), Some(&Op::Const(b)), Some(Op::Select)) => Some(Op::SelectC(a, b)),
            _ => None,
        };
        if let Some(op) = triple {
            out.push(op);
            i += 3;
            continue;
        }
        let fused = match (ops[i], ops.get(i + 1).copied()) {
            (Op::Load(s), Some(b)) => match b {
                Op::Add => Some(Op::AddL(s)),
                Op::Sub => Some(Op::SubL(s)),
                Op::RSub => Some(Op::RSubL(s)),
                Op::Mul => Some(Op::MulL(s)),
                Op::Div => Some(Op::DivL(s)),
                Op::Gt => Some(Op::GtL(s)),
                Op::Lt => Some(Op::LtL(s)),
                Op::Ge => Some(Op::GeL(s)),
                Op::Le => Some(Op::LeL(s)),
                Op::Min => Some(Op::MinL(s)),
                Op::Max => Some(Op::MaxL(s)),
                _ => None,
            },
            (Op::Const(c), Some(b)) => match b {
                Op::Add => Some(Op::AddC(c)),
                Op::Sub => Some(Op::SubC(c)),
                Op::RSub => Some(Op::RSubC(c)),
                Op::Mul => Some(Op::MulC(c)),
                Op::Div => Some(Op::DivC(c)),
                Op::Gt => Some(Op::GtC(c)),
                Op::Lt => Some(Op::LtC(c)),
                Op::Ge => Some(Op::GeC(c)),
                Op::Le => Some(Op::LeC(c)),
                Op::Min => Some(Op::MinC(c)),
                Op::Max => Some(Op::MaxC(c)),
                Op::Eq => Some(Op::EqC(c)),
                Op::Ne => Some(Op::NeC(c)),
                _ => None,
            },
            _ => None,
        };
        match fused {
            Some(op) => {
                out.push(op);
                i += 2;
            }
            None => {
                out.push(ops[i]);
                i += 1;
            }
        }
    }
    out
}

/// `Const(c)` followed by `Neg` as `Const(-c)`: negation is exact, so the number is the
/// one the two instructions give.
fn negated_numbers(ops: Vec<Op>) -> Vec<Op> {
    let mut out: Vec<Op> = Vec::with_capacity(ops.len());
    for op in ops {
        match (out.last_mut(), op) {
            (Some(Op::Const(c)), Op::Neg) => *c = -*c,
            _ => out.push(op),
        }
    }
    out
}
