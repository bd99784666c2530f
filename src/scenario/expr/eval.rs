//! The interpreter: a compiled program run on `N` states at once.
//!
//! There is one interpreter, generic over the number of lanes. A played run evaluates with
//! one lane ([`Program::eval`]), an ensemble with [`LANES`] ([`Program::eval_lanes`]);
//! each instruction is written once, as a loop over the lanes, so the two cannot drift
//! apart and lane `l` of a batch gives, to the last bit, what one lane gives on that lane's
//! state alone.

use super::ops::{Op, clamp, div, logistic, standard_normal, triangular, truth};
use super::{Program, STACK};

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

/// A [`Draws`] as the draws of a single lane.
struct Single<'a, D>(&'a mut D);

impl<D: Draws> LaneDraws for Single<'_, D> {
    fn uniform01(&mut self, _lane: usize) -> f64 {
        self.0.uniform01()
    }
}

/// Runs evaluated together by an ensemble's [`Program::eval_lanes`].
pub const LANES: usize = 32;

/// One value per lane.
pub type Lanes = [f64; LANES];

/// The value stack of [`Program::eval_lanes`], allocated once and reused, and the rows
/// the programs of a [`Group`](super::Group) share.
#[derive(Clone)]
pub struct LaneStack<const N: usize = LANES> {
    values: Vec<[f64; N]>,
    shared: Vec<[f64; N]>,
}

impl<const N: usize> Default for LaneStack<N> {
    fn default() -> Self {
        Self::with_shared(0)
    }
}

impl<const N: usize> LaneStack<N> {
    /// A stack with `rows` shared rows, for the programs of a group that needs as many.
    pub fn with_shared(rows: usize) -> Self {
        Self {
            values: vec![[0.0; N]; STACK + 1],
            shared: vec![[0.0; N]; rows],
        }
    }
}

/// Whether lane `l` is set in `mask`.
#[inline(always)]
fn lane_set(mask: u64, l: usize) -> bool {
    mask >> l & 1 == 1
}

impl Program {
    /// Evaluates on `slots`. Division by zero yields 0; other non-finite results are
    /// returned as they are, for the caller to handle.
    pub fn eval(&self, slots: &[f64], rng: &mut impl Draws) -> f64 {
        let mut stack = [[0.0f64; 1]; STACK + 1];
        let mut out = [[0.0]];
        let shared = &mut [];
        run(
            &self.ops,
            slots,
            &mut stack,
            shared,
            &mut Single(rng),
            1,
            &mut out,
        );
        out[0][0]
    }

    /// Evaluates on `N` states at once, one instruction across every lane before the
    /// next, so the interpreter's cost is shared by all the lanes. `slots` holds the states
    /// interleaved, lane `l` of slot `s` at `s * N + l`. Lane `l` gives exactly what
    /// [`Program::eval`] gives on its own state, drawing from lane `l` of `draws` only if
    /// bit `l` of `mask` is set (lanes outside `mask` are computed but meaningless; they
    /// never draw).
    #[inline]
    pub fn eval_lanes<const N: usize, D: LaneDraws>(
        &self,
        slots: &[f64],
        stack: &mut LaneStack<N>,
        draws: &mut D,
        mask: u64,
        out: &mut [f64; N],
    ) {
        // Many programs are a number (most effects, many rules): no interpreter for them.
        if let [Op::Const(v)] = self.ops.as_slice() {
            *out = [*v; N];
            return;
        }
        eval_ops(
            &self.ops,
            slots,
            stack,
            draws,
            mask,
            std::slice::from_mut(out),
        );
    }
}

/// Runs `ops` (see [`Program::eval_lanes`]): the value of each program they hold (more
/// than one for a [`Group`](super::Group)) goes to the next row of `out`.
#[inline]
pub(super) fn eval_ops<const N: usize, D: LaneDraws>(
    ops: &[Op],
    slots: &[f64],
    stack: &mut LaneStack<N>,
    draws: &mut D,
    mask: u64,
    out: &mut [[f64; N]],
) {
    let LaneStack { values, shared } = stack;
    #[cfg(target_arch = "x86_64")]
    if N > 1 && std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has AVX2, checked just above.
        unsafe { eval_avx2(ops, slots, values, shared, draws, mask, out) };
        return;
    }
    run(ops, slots, values, shared, draws, mask, out);
}

/// [`run`] compiled for processors with AVX2: more lanes per instruction. The arithmetic
/// is IEEE 754 either way (Rust never fuses a multiply and an add by itself), so the
/// numbers are the same to the last bit.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn eval_avx2<const N: usize, D: LaneDraws>(
    ops: &[Op],
    slots: &[f64],
    stack: &mut [[f64; N]],
    shared: &mut [[f64; N]],
    draws: &mut D,
    mask: u64,
    out: &mut [[f64; N]],
) {
    run(ops, slots, stack, shared, draws, mask, out);
}

/// The interpreter (see [`Program::eval_lanes`] and [`eval_ops`]). The top of the stack
/// lives in `acc`; `stack` holds what is below it, `shared` the rows of a
/// [`Group`](super::Group).
#[inline(always)]
fn run<const N: usize, D: LaneDraws>(
    ops: &[Op],
    slots: &[f64],
    stack: &mut [[f64; N]],
    shared: &mut [[f64; N]],
    draws: &mut D,
    mask: u64,
    out: &mut [[f64; N]],
) {
    let load = |slot: u32| -> [f64; N] {
        let start = slot as usize * N;
        match slots.get(start..start + N).map(<&[f64; N]>::try_from) {
            Some(Ok(row)) => *row,
            _ => [0.0; N],
        }
    };
    // A program starts with a push: begin with its value, as if pushed on an empty
    // stack (this saves clearing the accumulator).
    let (mut acc, mut sp, ops) = match ops.split_first() {
        Some((Op::Const(v), rest)) => ([*v; N], 1usize, rest),
        Some((Op::Load(slot), rest)) => (load(*slot), 1, rest),
        Some((Op::Shared(row), rest)) => (read_shared(shared, *row), 1, rest),
        _ => ([0.0; N], 0, ops),
    };
    let drawing = (0..N).filter(|&l| lane_set(mask, l));
    // The program whose value comes next.
    let mut program = 0;
    // A program's value: its one value left on the stack.
    let value = |acc: [f64; N], sp: usize| if sp == 1 { acc } else { [f64::NAN; N] };
    // compile() refuses programs deeper than STACK, and its depth accounting guarantees
    // every pop follows a push, so the indexing below never fails.
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
    // The value of the program that ends here goes to the next row of `out`.
    macro_rules! end {
        () => {{
            if let Some(out) = out.get_mut(program) {
                *out = value(acc, sp);
            }
            program += 1;
        }};
    }
    macro_rules! each {
        (|$x:ident| $e:expr) => {{
            for l in 0..N {
                let $x = acc[l];
                acc[l] = $e;
            }
        }};
    }
    macro_rules! bin {
        (|$a:ident, $b:ident| $e:expr) => {{
            let lhs = pop!();
            for l in 0..N {
                let ($a, $b) = (lhs[l], acc[l]);
                acc[l] = $e;
            }
        }};
    }
    macro_rules! with {
        ($operand:expr, |$a:ident, $b:ident| $e:expr) => {{
            let rhs: [f64; N] = $operand;
            for l in 0..N {
                let ($a, $b) = (acc[l], rhs[l]);
                acc[l] = $e;
            }
        }};
    }
    for op in ops {
        match *op {
            Op::Const(v) => {
                push_acc!();
                acc = [v; N];
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
                for l in 0..N {
                    acc[l] = if c[l] != 0.0 { a[l] } else { acc[l] };
                }
            }
            Op::Min => bin!(|a, b| a.min(b)),
            Op::Max => bin!(|a, b| a.max(b)),
            Op::Clamp => {
                let lo = pop!();
                let x = pop!();
                for l in 0..N {
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
            Op::MaxC(c) => each!(|x| x.max(c)),
            Op::EqC(c) => each!(|x| truth(x == c)),
            Op::NeC(c) => each!(|x| truth(x != c)),
            Op::ClampC(lo, hi) => each!(|x| clamp(x, lo, hi)),
            Op::SelectC(a, b) => each!(|x| if x != 0.0 { a } else { b }),
            Op::Keep(row) => {
                if let Some(kept) = shared.get_mut(row as usize) {
                    *kept = acc;
                }
            }
            Op::Shared(row) => {
                push_acc!();
                acc = read_shared(shared, row);
            }
            // The end of a program and the first instruction of the next, which starts on
            // an empty stack.
            Op::EndConst(v) => {
                end!();
                (acc, sp) = ([v; N], 1);
            }
            Op::EndLoad(slot) => {
                end!();
                (acc, sp) = (load(slot), 1);
            }
            Op::EndShared(row) => {
                end!();
                (acc, sp) = (read_shared(shared, row), 1);
            }
            Op::End => {
                end!();
                sp = 0;
            }
        }
    }
    if let Some(out) = out.get_mut(program) {
        *out = value(acc, sp);
    }
}

/// Shared row `row` (see [`Op::Keep`]).
#[inline(always)]
fn read_shared<const N: usize>(shared: &[[f64; N]], row: u32) -> [f64; N] {
    shared.get(row as usize).copied().unwrap_or([0.0; N])
}
