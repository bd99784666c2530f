//! Expressions: the small, safe arithmetic language used inside scenario files.
//!
//! An expression is parsed once, its names are resolved to state slots when the scenario
//! loads, and it is compiled to a flat postfix [`Program`]. Evaluating a program never looks
//! a name up by string and never allocates.
//!
//! `if(c, a, b)` evaluates both branches and then selects one. That keeps the number of
//! random draws an expression makes independent of the state, so two runs that share a seed
//! draw the same numbers for the same purposes (common random numbers), whatever they chose.

use std::ops::Range;

use super::diag::DiagnosticKind;

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

/// One instruction of a compiled expression (postfix, on a value stack).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
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
}

/// Fuses `Load`/`Const` followed by a binary op into one op (the VM keeps the top of the
/// stack in a register, so the fused op combines it with the operand directly), and two
/// constants followed by `clamp` or `if` likewise.
fn fuse(ops: Vec<Op>) -> Vec<Op> {
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

/// Source of uniform random numbers in [0, 1) for the draw functions.
pub trait Draws {
    fn uniform01(&mut self) -> f64;
}

/// For expressions that cannot draw (checked at compile time).
pub struct NoDraws;

impl Draws for NoDraws {
    fn uniform01(&mut self) -> f64 {
        0.5
    }
}

/// Source of uniform random numbers in [0, 1) for each lane of [`Program::eval_lanes`].
pub trait LaneDraws {
    fn uniform01(&mut self, lane: usize) -> f64;
}

impl LaneDraws for NoDraws {
    fn uniform01(&mut self, _lane: usize) -> f64 {
        0.5
    }
}

/// One lane of a [`LaneDraws`], as a [`Draws`].
struct Lane<'a, D>(&'a mut D, usize);

impl<D: LaneDraws> Draws for Lane<'_, D> {
    fn uniform01(&mut self) -> f64 {
        self.0.uniform01(self.1)
    }
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
        self.ops.iter().filter_map(|op| match *op {
            Op::Load(s)
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
        })
    }

    /// The constant this program always yields, if it is one.
    pub fn as_constant(&self) -> Option<f64> {
        match self.ops.as_slice() {
            [Op::Const(v)] => Some(*v),
            _ => None,
        }
    }

    /// Evaluates on `slots`. Division by zero yields 0; other non-finite results are
    /// returned as they are, for the caller to handle.
    pub fn eval(&self, slots: &[f64], rng: &mut impl Draws) -> f64 {
        // The top of the stack lives in `acc`; `stack` holds what is below it (its first
        // entry is the meaningless accumulator before the first push).
        let mut stack = [0.0f64; STACK + 1];
        let mut sp = 0usize;
        let mut acc = 0.0f64;
        // compile() refuses programs deeper than STACK, and its depth accounting guarantees
        // every pop follows a push, so the indexing below never fails.
        macro_rules! pop {
            () => {{
                sp -= 1;
                stack[sp]
            }};
        }
        macro_rules! push_acc {
            () => {{
                stack[sp] = acc;
                sp += 1;
            }};
        }
        macro_rules! bin {
            (|$a:ident, $b:ident| $e:expr) => {{
                let $b = acc;
                let $a = pop!();
                acc = $e;
            }};
        }
        let load = |slot: u32| slots.get(slot as usize).copied().unwrap_or(0.0);
        for op in &self.ops {
            match *op {
                Op::Const(v) => {
                    push_acc!();
                    acc = v;
                }
                Op::Load(slot) => {
                    push_acc!();
                    acc = load(slot);
                }
                Op::Neg => acc = -acc,
                Op::Not => acc = truth(acc == 0.0),
                Op::Add => bin!(|a, b| a + b),
                Op::Sub => bin!(|a, b| a - b),
                Op::RSub => bin!(|a, b| b - a),
                Op::Mul => bin!(|a, b| a * b),
                Op::Div => bin!(|a, b| div(a, b)),
                Op::Pow => bin!(|a, b| a.powf(b)),
                Op::Lt => bin!(|a, b| truth(a < b)),
                Op::Le => bin!(|a, b| truth(a <= b)),
                Op::Gt => bin!(|a, b| truth(a > b)),
                Op::Ge => bin!(|a, b| truth(a >= b)),
                Op::Eq => bin!(|a, b| truth(a == b)),
                Op::Ne => bin!(|a, b| truth(a != b)),
                Op::And => bin!(|a, b| truth(a != 0.0 && b != 0.0)),
                Op::Or => bin!(|a, b| truth(a != 0.0 || b != 0.0)),
                Op::Select => {
                    let b = acc;
                    let a = pop!();
                    let c = pop!();
                    acc = if c != 0.0 { a } else { b };
                }
                Op::Min => bin!(|a, b| a.min(b)),
                Op::Max => bin!(|a, b| a.max(b)),
                Op::Clamp => {
                    let hi = acc;
                    let lo = pop!();
                    let x = pop!();
                    acc = clamp(x, lo, hi);
                }
                Op::Abs => acc = acc.abs(),
                Op::Sqrt => acc = acc.sqrt(),
                Op::Exp => acc = acc.exp(),
                Op::Ln => acc = acc.ln(),
                Op::Logistic => acc = logistic(acc),
                Op::Floor => acc = acc.floor(),
                Op::Round => acc = acc.round(),
                Op::Normal => {
                    let sd = acc;
                    let mean = pop!();
                    acc = mean + sd * standard_normal(rng);
                }
                Op::Uniform => {
                    let hi = acc;
                    let lo = pop!();
                    acc = lo + (hi - lo) * rng.uniform01();
                }
                Op::Triangular => {
                    let hi = acc;
                    let mode = pop!();
                    let lo = pop!();
                    acc = triangular(lo, mode, hi, rng.uniform01());
                }
                Op::Chance => acc = truth(rng.uniform01() < acc),
                Op::AddL(s) => acc += load(s),
                Op::SubL(s) => acc -= load(s),
                Op::RSubL(s) => acc = load(s) - acc,
                Op::MulL(s) => acc *= load(s),
                Op::DivL(s) => acc = div(acc, load(s)),
                Op::GtL(s) => acc = truth(acc > load(s)),
                Op::LtL(s) => acc = truth(acc < load(s)),
                Op::GeL(s) => acc = truth(acc >= load(s)),
                Op::LeL(s) => acc = truth(acc <= load(s)),
                Op::MinL(s) => acc = acc.min(load(s)),
                Op::MaxL(s) => acc = acc.max(load(s)),
                Op::AddC(c) => acc += c,
                Op::SubC(c) => acc -= c,
                Op::RSubC(c) => acc = c - acc,
                Op::MulC(c) => acc *= c,
                Op::DivC(c) => acc = div(acc, c),
                Op::GtC(c) => acc = truth(acc > c),
                Op::LtC(c) => acc = truth(acc < c),
                Op::GeC(c) => acc = truth(acc >= c),
                Op::LeC(c) => acc = truth(acc <= c),
                Op::MinC(c) => acc = acc.min(c),
                Op::EqC(c) => acc = truth(acc == c),
                Op::NeC(c) => acc = truth(acc != c),
                Op::ClampC(lo, hi) => acc = clamp(acc, lo, hi),
                Op::SelectC(a, b) => acc = if acc != 0.0 { a } else { b },
                Op::MaxC(c) => acc = acc.max(c),
            }
        }
        if sp == 1 { acc } else { f64::NAN }
    }
}

/// Runs evaluated together by [`Program::eval_lanes`].
pub const LANES: usize = 32;

/// One value per lane.
pub type Lanes = [f64; LANES];

/// The value stack of [`Program::eval_lanes`], allocated once and reused.
pub struct LaneStack(Vec<Lanes>);

impl Default for LaneStack {
    fn default() -> Self {
        Self(vec![[0.0; LANES]; STACK + 1])
    }
}

/// Whether lane `l` is set in `mask`.
fn lane_set(mask: u64, l: usize) -> bool {
    mask >> l & 1 == 1
}

impl Program {
    /// Evaluates on [`LANES`] states at once, one instruction across every lane before the
    /// next, so the interpreter's cost is shared by all the lanes. `slots` holds the states
    /// interleaved, lane `l` of slot `s` at `s * LANES + l`. Lane `l` gives exactly what
    /// [`Program::eval`] gives on its own state, drawing from lane `l` of `draws` only if
    /// bit `l` of `mask` is set (lanes outside `mask` are computed but meaningless; they
    /// never draw).
    pub fn eval_lanes<D: LaneDraws>(
        &self,
        slots: &[f64],
        stack: &mut LaneStack,
        draws: &mut D,
        mask: u64,
        out: &mut Lanes,
    ) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2, checked just above.
            unsafe { self.eval_lanes_avx2(slots, stack, draws, mask, out) };
            return;
        }
        self.eval_lanes_portable(slots, stack, draws, mask, out);
    }

    /// [`Program::eval_lanes`] compiled for processors with AVX2: twice the lanes per
    /// instruction. The arithmetic is IEEE 754 either way (Rust never fuses a multiply
    /// and an add by itself), so the numbers are the same to the last bit.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn eval_lanes_avx2<D: LaneDraws>(
        &self,
        slots: &[f64],
        stack: &mut LaneStack,
        draws: &mut D,
        mask: u64,
        out: &mut Lanes,
    ) {
        self.eval_lanes_portable(slots, stack, draws, mask, out);
    }

    #[inline(always)]
    fn eval_lanes_portable<D: LaneDraws>(
        &self,
        slots: &[f64],
        stack: &mut LaneStack,
        draws: &mut D,
        mask: u64,
        out: &mut Lanes,
    ) {
        let stack = &mut stack.0;
        let load = |slot: u32| -> Lanes {
            let start = slot as usize * LANES;
            match slots.get(start..start + LANES).map(<&Lanes>::try_from) {
                Some(Ok(row)) => *row,
                _ => [0.0; LANES],
            }
        };
        // A program starts with a push: begin with its value, as if pushed on an empty
        // stack (this saves clearing the accumulator).
        let (mut acc, mut sp, ops) = match self.ops.split_first() {
            Some((Op::Const(v), rest)) => ([*v; LANES], 1usize, rest),
            Some((Op::Load(slot), rest)) => (load(*slot), 1, rest),
            _ => ([0.0; LANES], 0, self.ops.as_slice()),
        };
        let drawing = (0..LANES).filter(|&l| lane_set(mask, l));
        // The same stack discipline as `eval` (see there): pops always follow pushes.
        macro_rules! push_acc {
            () => {{
                stack[sp] = acc;
                sp += 1;
            }};
        }
        macro_rules! pop {
            () => {{
                sp -= 1;
                stack[sp]
            }};
        }
        macro_rules! each {
            (|$x:ident| $e:expr) => {{
                for l in 0..LANES {
                    let $x = acc[l];
                    acc[l] = $e;
                }
            }};
        }
        macro_rules! bin {
            (|$a:ident, $b:ident| $e:expr) => {{
                let lhs = pop!();
                for l in 0..LANES {
                    let ($a, $b) = (lhs[l], acc[l]);
                    acc[l] = $e;
                }
            }};
        }
        macro_rules! with {
            ($operand:expr, |$a:ident, $b:ident| $e:expr) => {{
                let rhs: Lanes = $operand;
                for l in 0..LANES {
                    let ($a, $b) = (acc[l], rhs[l]);
                    acc[l] = $e;
                }
            }};
        }
        for op in ops {
            match *op {
                Op::Const(v) => {
                    push_acc!();
                    acc = [v; LANES];
                }
                Op::Load(slot) => {
                    push_acc!();
                    acc = load(slot);
                }
                Op::Neg => each!(|x| -x),
                Op::Not => each!(|x| truth(x == 0.0)),
                Op::Add => bin!(|a, b| a + b),
                Op::Sub => bin!(|a, b| a - b),
                Op::RSub => bin!(|a, b| b - a),
                Op::Mul => bin!(|a, b| a * b),
                Op::Div => bin!(|a, b| div(a, b)),
                Op::Pow => bin!(|a, b| a.powf(b)),
                Op::Lt => bin!(|a, b| truth(a < b)),
                Op::Le => bin!(|a, b| truth(a <= b)),
                Op::Gt => bin!(|a, b| truth(a > b)),
                Op::Ge => bin!(|a, b| truth(a >= b)),
                Op::Eq => bin!(|a, b| truth(a == b)),
                Op::Ne => bin!(|a, b| truth(a != b)),
                Op::And => bin!(|a, b| truth(a != 0.0 && b != 0.0)),
                Op::Or => bin!(|a, b| truth(a != 0.0 || b != 0.0)),
                Op::Select => {
                    let a = pop!();
                    let c = pop!();
                    for l in 0..LANES {
                        acc[l] = if c[l] != 0.0 { a[l] } else { acc[l] };
                    }
                }
                Op::Min => bin!(|a, b| a.min(b)),
                Op::Max => bin!(|a, b| a.max(b)),
                Op::Clamp => {
                    let lo = pop!();
                    let x = pop!();
                    for l in 0..LANES {
                        acc[l] = clamp(x[l], lo[l], acc[l]);
                    }
                }
                Op::Abs => each!(|x| x.abs()),
                Op::Sqrt => each!(|x| x.sqrt()),
                Op::Exp => each!(|x| x.exp()),
                Op::Ln => each!(|x| x.ln()),
                Op::Logistic => each!(|x| logistic(x)),
                Op::Floor => each!(|x| x.floor()),
                Op::Round => each!(|x| x.round()),
                Op::Normal => {
                    let mean = pop!();
                    for l in drawing.clone() {
                        acc[l] = mean[l] + acc[l] * standard_normal(&mut Lane(&mut *draws, l));
                    }
                }
                Op::Uniform => {
                    let lo = pop!();
                    for l in drawing.clone() {
                        acc[l] = lo[l] + (acc[l] - lo[l]) * draws.uniform01(l);
                    }
                }
                Op::Triangular => {
                    let mode = pop!();
                    let lo = pop!();
                    for l in drawing.clone() {
                        acc[l] = triangular(lo[l], mode[l], acc[l], draws.uniform01(l));
                    }
                }
                Op::Chance => {
                    for l in drawing.clone() {
                        acc[l] = truth(draws.uniform01(l) < acc[l]);
                    }
                }
                Op::AddL(s) => with!(load(s), |a, b| a + b),
                Op::SubL(s) => with!(load(s), |a, b| a - b),
                Op::RSubL(s) => with!(load(s), |a, b| b - a),
                Op::MulL(s) => with!(load(s), |a, b| a * b),
                Op::DivL(s) => with!(load(s), |a, b| div(a, b)),
                Op::GtL(s) => with!(load(s), |a, b| truth(a > b)),
                Op::LtL(s) => with!(load(s), |a, b| truth(a < b)),
                Op::GeL(s) => with!(load(s), |a, b| truth(a >= b)),
                Op::LeL(s) => with!(load(s), |a, b| truth(a <= b)),
                Op::MinL(s) => with!(load(s), |a, b| a.min(b)),
                Op::MaxL(s) => with!(load(s), |a, b| a.max(b)),
                Op::AddC(c) => each!(|x| x + c),
                Op::SubC(c) => each!(|x| x - c),
                Op::RSubC(c) => each!(|x| c - x),
                Op::MulC(c) => each!(|x| x * c),
                Op::DivC(c) => each!(|x| div(x, c)),
                Op::GtC(c) => each!(|x| truth(x > c)),
                Op::LtC(c) => each!(|x| truth(x < c)),
                Op::GeC(c) => each!(|x| truth(x >= c)),
                Op::LeC(c) => each!(|x| truth(x <= c)),
                Op::MinC(c) => each!(|x| x.min(c)),
                Op::EqC(c) => each!(|x| truth(x == c)),
                Op::NeC(c) => each!(|x| truth(x != c)),
                Op::ClampC(lo, hi) => each!(|x| clamp(x, lo, hi)),
                Op::SelectC(a, b) => each!(|x| if x != 0.0 { a } else { b }),
                Op::MaxC(c) => each!(|x| x.max(c)),
            }
        }
        *out = if sp == 1 { acc } else { [f64::NAN; LANES] };
    }
}

/// 1 for true, 0 for false.
fn truth(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

/// Division, 0 when dividing by zero.
fn div(a: f64, b: f64) -> f64 {
    if b == 0.0 { 0.0 } else { a / b }
}

/// `clamp(x, lo, hi)`: NaN when the bounds are crossed.
fn clamp(x: f64, lo: f64, hi: f64) -> f64 {
    if lo <= hi {
        x.max(lo).min(hi)
    } else {
        f64::NAN
    }
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// A standard normal draw by Box–Muller; always takes exactly two uniforms.
pub fn standard_normal(rng: &mut impl Draws) -> f64 {
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
            ops: fuse(compiler.ops),
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

#[derive(Debug, Clone, PartialEq)]
struct Node {
    span: Range<usize>,
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Num(f64),
    Str(String),
    Name(String),
    Unary(Op, Box<Node>),
    Binary(Op, Box<Node>, Box<Node>),
    Call(String, Vec<Node>),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Ident(String),
    Sym(&'static str),
    End,
}

fn lex(text: &str) -> Result<Vec<(Tok, Range<usize>)>, ExprError> {
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

fn parse(text: &str) -> Result<Node, ExprError> {
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

struct Compiler<'r, R> {
    resolver: &'r R,
    allow_draws: bool,
    ops: Vec<Op>,
    errors: Vec<ExprError>,
    depth: usize,
    max_depth: usize,
    draws: bool,
}

impl<R: Resolve> Compiler<'_, R> {
    fn emit(&mut self, op: Op, pops: usize) {
        self.ops.push(op);
        self.depth = self.depth + 1 - pops;
        self.max_depth = self.max_depth.max(self.depth);
    }

    fn node(&mut self, node: &Node) {
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
                hint: super::suggest(name, function_names())
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

#[cfg(test)]
mod tests {
    use super::*;

    struct Names;

    impl Resolve for Names {
        fn name(&self, name: &str) -> Result<u32, NameError> {
            match name {
                "x" => Ok(0),
                "france.troops" => Ok(1),
                "turn" => Ok(2),
                _ => Err(NameError {
                    kind: DiagnosticKind::UnknownName,
                    message: format!("unknown name `{name}`"),
                    hint: None,
                }),
            }
        }
        fn query(&self, query: Query, id: &str) -> Result<u32, NameError> {
            match (query, id) {
                (Query::Chosen, "extend_c17") => Ok(3),
                _ => Err(NameError {
                    kind: DiagnosticKind::UnknownName,
                    message: format!("unknown id `{id}`"),
                    hint: None,
                }),
            }
        }
    }

    struct Fixed(f64);
    impl Draws for Fixed {
        fn uniform01(&mut self) -> f64 {
            self.0
        }
    }

    fn eval(text: &str) -> f64 {
        let program = compile(text, &Names, true).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        program.eval(&[2.0, 3000.0, 5.0, 1.0], &mut Fixed(0.25))
    }

    fn error(text: &str) -> ExprError {
        compile(text, &Names, false).unwrap_err().remove(0)
    }

    #[test]
    fn arithmetic_follows_precedence() {
        assert_eq!(eval("1 + 2 * 3"), 7.0);
        assert_eq!(eval("(1 + 2) * 3"), 9.0);
        assert_eq!(eval("2 ^ 3 ^ 2"), 512.0);
        assert_eq!(eval("-2 ^ 2"), -4.0);
        assert_eq!(eval("2 ^ -1"), 0.5);
        assert_eq!(eval("10 - 4 - 3"), 3.0);
        assert_eq!(eval("12 / 4 / 3"), 1.0);
        assert_eq!(eval("1_000 + 1e3 + .5"), 2000.5);
    }

    #[test]
    fn operations_fuse_with_their_constant_or_named_operands_with_the_same_result() {
        let cases = [
            // A number or name on the left is taken after the right side.
            ("10 - x * 3", 4.0, Op::RSubC(10.0)),
            ("x - turn * 3", -13.0, Op::RSubL(0)),
            ("1 < x + 1", 1.0, Op::GtC(1.0)),
            ("3 >= x + 1", 1.0, Op::LeC(3.0)),
            ("turn > x + 4", 0.0, Op::LtL(2)),
            ("x <= x * 0", 0.0, Op::GeL(0)),
            ("0.5 * (x + turn)", 3.5, Op::MulC(0.5)),
            ("x + x * x", 6.0, Op::AddL(0)),
            // Constant bounds and branches, and equality with a constant.
            ("clamp(x * 2, 0, 3)", 3.0, Op::ClampC(0.0, 3.0)),
            ("if(x > 1, 10, 20)", 10.0, Op::SelectC(10.0, 20.0)),
            ("if(x - 2, 10, 20)", 20.0, Op::SelectC(10.0, 20.0)),
            ("(x + 1) == 3", 1.0, Op::EqC(3.0)),
            ("(x + 1) != 3", 0.0, Op::NeC(3.0)),
        ];
        for (text, want, last) in cases {
            let program = compile(text, &Names, true).unwrap();
            assert_eq!(eval(text), want, "{text}");
            // Nothing waits on the stack: the load, the inner operation, the outer one.
            assert_eq!(program.ops.len(), 3, "{text}: {:?}", program.ops);
            assert_eq!(program.ops[2], last, "{text}");
            // Every lane as the scalar evaluator gives it, on its own numbers.
            let slots: Vec<f64> = (0..4 * LANES)
                .map(|i| (i % LANES) as f64 - 7.5 + (i / LANES) as f64)
                .collect();
            let mut out = [0.0; LANES];
            let mut stack = LaneStack::default();
            program.eval_lanes(&slots, &mut stack, &mut NoDraws, 0, &mut out);
            for (l, &got) in out.iter().enumerate() {
                let lane: Vec<f64> = (0..4).map(|s| slots[s * LANES + l]).collect();
                let alone = program.eval(&lane, &mut NoDraws);
                assert_eq!(got.to_bits(), alone.to_bits(), "{text}, lane {l}");
            }
        }
    }

    #[test]
    fn names_and_queries_load_slots() {
        assert_eq!(eval("x * france.troops"), 6000.0);
        assert_eq!(eval("turn + chosen(\"extend_c17\")"), 6.0);
    }

    #[test]
    fn logic_and_comparisons_yield_one_or_zero() {
        assert_eq!(eval("x > 1 and x < 3"), 1.0);
        assert_eq!(eval("x > 1 and not (x < 3)"), 0.0);
        assert_eq!(eval("x == 3 or x != 2"), 0.0);
        assert_eq!(eval("x >= 2 && x <= 2 || 0"), 1.0);
        assert_eq!(eval("if(x > 1, 10, 20)"), 10.0);
        assert_eq!(eval("if(0, 10, 20)"), 20.0);
    }

    #[test]
    fn functions_compute() {
        assert_eq!(eval("min(3, x) + max(3, x)"), 5.0);
        assert_eq!(eval("clamp(7, 0, 5)"), 5.0);
        assert_eq!(eval("abs(-3) + sqrt(16)"), 7.0);
        assert!((eval("ln(exp(2))") - 2.0).abs() < 1e-12);
        assert_eq!(eval("logistic(0)"), 0.5);
        assert_eq!(eval("floor(2.7) + round(2.5)"), 5.0);
    }

    #[test]
    fn division_by_zero_yields_zero() {
        assert_eq!(eval("5 / 0"), 0.0);
        assert_eq!(eval("5 / (x - 2)"), 0.0);
    }

    #[test]
    fn draws_use_the_generator() {
        assert_eq!(eval("uniform(10, 20)"), 12.5);
        assert_eq!(eval("chance(0.3)"), 1.0);
        assert_eq!(eval("chance(0.2)"), 0.0);
        // Triangular(0, 1, 2) at u = 0.25 lies on the rising side: sqrt(0.25 * 2 * 1).
        assert!((eval("triangular(0, 1, 2)") - 0.5f64.sqrt()).abs() < 1e-12);
        let n = eval("normal(100, 10)");
        assert!(n.is_finite());
    }

    #[test]
    fn if_draws_in_both_branches() {
        // Both branches draw, so the count of draws does not depend on the condition.
        struct Count(u32);
        impl Draws for Count {
            fn uniform01(&mut self) -> f64 {
                self.0 += 1;
                0.5
            }
        }
        let p = compile("if(x > 100, uniform(0, 1), chance(0.5))", &Names, true).unwrap();
        let mut count = Count(0);
        p.eval(&[2.0, 0.0, 0.0, 0.0], &mut count);
        assert_eq!(count.0, 2);
        assert!(p.draws());
    }

    #[test]
    fn errors_point_at_the_problem() {
        let e = error("x + frnce.troops");
        assert_eq!(e.span, 4..16);
        assert!(e.message.contains("frnce.troops"));

        let e = error("x + * 2");
        assert_eq!(e.span, 4..5);

        let e = error("(x + 2");
        assert_eq!(e.message, "expected `)`");

        let e = error("x = 2");
        assert_eq!(e.span, 2..3);
        assert_eq!(e.hint.as_deref(), Some("to compare, write `==`"));

        let e = error("mx(x, 2)");
        assert_eq!(e.span, 0..2);
        assert_eq!(e.hint.as_deref(), Some("did you mean `max`?"));

        let e = error("min(x)");
        assert!(e.message.contains("takes 2 arguments, found 1"));

        let e = error("normal(1, 2)");
        assert!(e.message.contains("not allowed here"));

        let e = error("chosen(x)");
        assert!(e.message.contains("one quoted id"));

        let e = error("1 < x < 3");
        assert!(e.message.contains("chained"));

        assert_eq!(error("").message, "empty expression");
        assert_eq!(error("x +").message, "expression ends too early");
        assert_eq!(error("x 2").span, 2..3);
    }

    #[test]
    fn collects_every_unknown_name() {
        let errors = compile("a + b * x + c", &Names, true).unwrap_err();
        let spans: Vec<_> = errors.iter().map(|e| e.span.clone()).collect();
        assert_eq!(spans, vec![0..1, 4..5, 12..13]);
    }

    #[test]
    fn refuses_absurd_nesting_and_length() {
        let deep = format!("{}1{}", "(".repeat(200), ")".repeat(200));
        assert!(error(&deep).message.contains("nested too deeply"));
        let long = "1+".repeat(MAX_LEN);
        assert!(error(&long).message.contains("longer than"));
    }

    #[test]
    fn reports_names_for_interpolation() {
        let n = names("x + france.troops").unwrap();
        assert_eq!(n, vec![("x".into(), 0..1), ("france.troops".into(), 4..17)]);
    }
}
