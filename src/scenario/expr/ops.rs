//! The instructions of a compiled expression, and the arithmetic they share.
//!
//! This is the one IR every stage meets: the parser builds trees labelled with these
//! operations, the compiler lays them out in postfix order, the fuser merges neighbours,
//! and the interpreter ([`super::eval`]) runs them on one state or many at once.

/// One instruction of a compiled expression (postfix, on a value stack).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Op {
    Const(f64),
    Load(u32),
    Neg,
    Not,
    Add,
    Sub,
    /// `a - b` with `b` below `a` on the stack: `b - a` taken the other way round.
    RSub,
    Mul,
    Div,
    Pow,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
    Select,
    Min,
    Max,
    Clamp,
    Abs,
    Sqrt,
    Exp,
    Ln,
    Logistic,
    Floor,
    Round,
    Normal,
    Uniform,
    Triangular,
    Chance,
    // Fused: the binary op with a loaded slot or a constant as its right operand.
    AddL(u32),
    SubL(u32),
    RSubL(u32),
    MulL(u32),
    DivL(u32),
    GtL(u32),
    LtL(u32),
    GeL(u32),
    LeL(u32),
    MinL(u32),
    MaxL(u32),
    AddC(f64),
    SubC(f64),
    RSubC(f64),
    MulC(f64),
    DivC(f64),
    GtC(f64),
    LtC(f64),
    GeC(f64),
    LeC(f64),
    MinC(f64),
    MaxC(f64),
    EqC(f64),
    NeC(f64),
    // Fused: two constants and the operation that takes them with the value below.
    /// `clamp(x, lo, hi)` with constant bounds.
    ClampC(f64, f64),
    /// `if(c, a, b)` with constant values.
    SelectC(f64, f64),
    // Shared subexpressions (see [`super::share`]).
    /// Keeps the value on top of the stack in shared row `t`, leaving it there.
    Keep(u32),
    /// Pushes the value kept in shared row `t`.
    Shared(u32),
    // Ends one program of a group run as one ([`super::Group::eval_lanes`]): its value
    // goes to the next output, and the next program starts on an empty stack, with the
    // value it starts by pushing.
    /// Ends a program; the next starts with `Const(c)`.
    EndConst(f64),
    /// Ends a program; the next starts with `Load(s)`.
    EndLoad(u32),
    /// Ends a program; the next starts with `Shared(t)`.
    EndShared(u32),
    /// Ends a program; the next starts with any other instruction.
    End,
}

impl Op {
    /// The slot this instruction reads, if it reads one.
    pub(super) fn slot(self) -> Option<usize> {
        match self {
            Op::Load(s)
            | Op::EndLoad(s)
            | Op::AddL(s)
            | Op::SubL(s)
            | Op::RSubL(s)
            | Op::MulL(s)
            | Op::DivL(s)
            | Op::GtL(s)
            | Op::LtL(s)
            | Op::GeL(s)
            | Op::LeL(s)
            | Op::MinL(s)
            | Op::MaxL(s) => Some(s as usize),
            _ => None,
        }
    }

    /// How many values this instruction takes off the stack (it pushes one).
    pub(super) fn arity(self) -> usize {
        match self {
            Op::Const(_) | Op::Load(_) | Op::Shared(_) => 0,
            // The stack is emptied, and one value pushed.
            Op::EndConst(_) | Op::EndLoad(_) | Op::EndShared(_) => 1,
            Op::Neg
            | Op::Not
            | Op::Abs
            | Op::Sqrt
            | Op::Exp
            | Op::Ln
            | Op::Logistic
            | Op::Floor
            | Op::Round
            | Op::Chance
            | Op::AddL(_)
            | Op::SubL(_)
            | Op::RSubL(_)
            | Op::MulL(_)
            | Op::DivL(_)
            | Op::GtL(_)
            | Op::LtL(_)
            | Op::GeL(_)
            | Op::LeL(_)
            | Op::MinL(_)
            | Op::MaxL(_)
            | Op::AddC(_)
            | Op::SubC(_)
            | Op::RSubC(_)
            | Op::MulC(_)
            | Op::DivC(_)
            | Op::GtC(_)
            | Op::LtC(_)
            | Op::GeC(_)
            | Op::LeC(_)
            | Op::MinC(_)
            | Op::MaxC(_)
            | Op::EqC(_)
            | Op::NeC(_)
            | Op::ClampC(..)
            | Op::SelectC(..)
            | Op::Keep(_)
            | Op::End => 1,
            Op::Add
            | Op::Sub
            | Op::RSub
            | Op::Mul
            | Op::Div
            | Op::Pow
            | Op::Lt
            | Op::Le
            | Op::Gt
            | Op::Ge
            | Op::Eq
            | Op::Ne
            | Op::And
            | Op::Or
            | Op::Min
            | Op::Max
            | Op::Normal
            | Op::Uniform => 2,
            Op::Select | Op::Clamp | Op::Triangular => 3,
        }
    }

    /// Whether this instruction draws a random number.
    pub(super) fn draws(self) -> bool {
        matches!(self, Op::Normal | Op::Uniform | Op::Triangular | Op::Chance)
    }

    /// The same instruction: the same operation on the same operands, numbers compared
    /// bit for bit (`0.0` and `-0.0` give different results, and `==` takes them as equal).
    pub(super) fn same(self, other: Op) -> bool {
        self == other && self.numbers() == other.numbers()
    }

    /// The bits of the numbers this instruction carries.
    fn numbers(self) -> [u64; 2] {
        match self {
            Op::Const(a)
            | Op::AddC(a)
            | Op::SubC(a)
            | Op::RSubC(a)
            | Op::MulC(a)
            | Op::DivC(a)
            | Op::GtC(a)
            | Op::LtC(a)
            | Op::GeC(a)
            | Op::LeC(a)
            | Op::MinC(a)
            | Op::MaxC(a)
            | Op::EqC(a)
            | Op::NeC(a)
            | Op::EndConst(a) => [a.to_bits(), 0],
            Op::ClampC(a, b) | Op::SelectC(a, b) => [a.to_bits(), b.to_bits()],
            _ => [0, 0],
        }
    }
}

/// 1 for true, 0 for false.
#[inline(always)]
pub(super) fn truth(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

/// Division, 0 when dividing by zero.
#[inline(always)]
pub(super) fn div(a: f64, b: f64) -> f64 {
    if b == 0.0 { 0.0 } else { a / b }
}

/// `clamp(x, lo, hi)`: NaN when the bounds are crossed.
#[inline(always)]
pub(super) fn clamp(x: f64, lo: f64, hi: f64) -> f64 {
    if lo <= hi {
        x.max(lo).min(hi)
    } else {
        f64::NAN
    }
}

#[inline(always)]
pub(super) fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// A standard normal draw by Box–Muller; always takes exactly two uniforms.
pub fn standard_normal(rng: &mut impl super::Draws) -> f64 {
    let u1 = rng.uniform01();
    let u2 = rng.uniform01();
    // 1 - u1 lies in (0, 1], so the logarithm is finite.
    (-2.0 * (1.0 - u1).ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// The triangular distribution's inverse CDF at `u`.
pub fn triangular(lo: f64, mode: f64, hi: f64, u: f64) -> f64 {
    let width = hi - lo;
    if width <= 0.0 {
        return lo;
    }
    let split = (mode - lo) / width;
    if u < split {
        lo + (u * width * (mode - lo)).sqrt()
    } else {
        hi - ((1.0 - u) * width * (hi - mode)).sqrt()
    }
}
