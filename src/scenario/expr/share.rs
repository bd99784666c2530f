//! The sharer: what several programs of a group compute on the same state, computed once.
//!
//! A turn evaluates every rule, one after another, on one state, and the rules repeat one
//! another (Mali's airlift of the week is written out in four of them). In a [`Group`], a
//! subexpression that occurs more than once, draws nothing and saves work when shared is
//! kept in a shared row where it is first computed ([`Op::Keep`]) and read from the row
//! where it occurs again ([`Op::Shared`]). The same instructions on the same numbers give
//! the same result to the last bit, so each program gives exactly what it gives alone, as
//! long as the group's programs all run, in order, on the same state. Random draws are
//! never shared, so every program draws the same numbers in the same order as alone.

use super::Program;
use super::ops::Op;

/// Programs that run one after another on the same state, sharing what they compute alike
/// (see the module's documentation). They need a [`LaneStack`](super::LaneStack) with
/// [`Group::rows`] shared rows.
#[derive(Debug, Clone, Default)]
pub struct Group {
    programs: Vec<Program>,
    /// The programs one after another, each but the first starting with an instruction
    /// that ends the one before ([`Op::End`] and its kin).
    all: Vec<Op>,
    rows: usize,
}

impl Group {
    /// The group of `programs`, which must then be evaluated in this order, every one of
    /// them, on one state.
    pub fn new<'p>(programs: impl IntoIterator<Item = &'p Program>) -> Self {
        let programs: Vec<&Program> = programs.into_iter().collect();
        let trees: Vec<Tree> = programs.iter().map(|p| Tree::of(&p.ops)).collect();
        let mut sharer = Sharer {
            found: trees.iter().flat_map(Tree::subexpressions).collect(),
            kept: Vec::new(),
        };
        let mut ops: Vec<Vec<Op>> = trees
            .iter()
            .map(|tree| {
                let mut out = Vec::with_capacity(tree.ops.len());
                if let Some(last) = tree.ops.len().checked_sub(1) {
                    sharer.emit(tree, last, &mut out);
                }
                out
            })
            .collect();
        let rows = renumber_rows(&mut ops);
        let mut all = Vec::with_capacity(ops.iter().map(Vec::len).sum());
        for (i, program) in ops.iter().enumerate() {
            let rest = match program.split_first() {
                _ if i == 0 => program.as_slice(),
                Some((Op::Const(c), rest)) => {
                    all.push(Op::EndConst(*c));
                    rest
                }
                Some((Op::Load(s), rest)) => {
                    all.push(Op::EndLoad(*s));
                    rest
                }
                Some((Op::Shared(t), rest)) => {
                    all.push(Op::EndShared(*t));
                    rest
                }
                _ => {
                    all.push(Op::End);
                    program.as_slice()
                }
            };
            all.extend_from_slice(rest);
        }
        Self {
            all,
            programs: programs
                .iter()
                .zip(ops)
                .map(|(p, ops)| Program {
                    ops,
                    draws: p.draws,
                })
                .collect(),
            rows,
        }
    }

    /// The programs, in the order given to [`Group::new`].
    pub fn programs(&self) -> &[Program] {
        &self.programs
    }

    /// Evaluates every program, in order, on `N` states at once, as
    /// [`Program::eval_lanes`] evaluates each on its own (drawing in the same order), in one
    /// pass of the interpreter: program `p`'s value goes to `out[p]`. `stack` must have
    /// [`Group::rows`] shared rows.
    pub fn eval_lanes<const N: usize, D: super::LaneDraws>(
        &self,
        slots: &[f64],
        stack: &mut super::LaneStack<N>,
        draws: &mut D,
        mask: u64,
        out: &mut [[f64; N]],
    ) {
        super::eval::eval_ops(&self.all, slots, stack, draws, mask, out);
    }

    /// How many shared rows the programs use.
    pub fn rows(&self) -> usize {
        self.rows
    }
}

/// A program's instructions with, for each, where the subexpression it ends starts.
struct Tree<'p> {
    ops: &'p [Op],
    starts: Vec<usize>,
}

impl<'p> Tree<'p> {
    fn of(ops: &'p [Op]) -> Self {
        let mut starts = Vec::with_capacity(ops.len());
        // Where each value on the stack starts.
        let mut stack: Vec<usize> = Vec::new();
        for (i, op) in ops.iter().enumerate() {
            let mut start = i;
            for _ in 0..op.arity() {
                // Popped from the top down: the last is the one that starts first.
                if let Some(s) = stack.pop() {
                    start = s;
                }
            }
            stack.push(start);
            starts.push(start);
        }
        Self { ops, starts }
    }

    /// The subexpression that ends at `end`.
    fn at(&self, end: usize) -> &'p [Op] {
        self.ops
            .get(self.starts.get(end).map_or(end, |&s| s)..=end)
            .unwrap_or_default()
    }

    /// Where the operands of the instruction at `end` end, first operand first.
    fn operands(&self, end: usize) -> Vec<usize> {
        let arity = self.ops.get(end).map_or(0, |op| op.arity());
        let mut ends = Vec::with_capacity(arity);
        let mut next = end;
        for _ in 0..arity {
            let Some(e) = next.checked_sub(1) else { break };
            ends.push(e);
            next = self.starts.get(e).map_or(e, |&s| s);
        }
        ends.reverse();
        ends
    }

    /// Every subexpression worth sharing if it occurs again: more than a name or a number,
    /// and drawing nothing.
    fn subexpressions(&self) -> impl Iterator<Item = &'p [Op]> + '_ {
        (0..self.ops.len())
            .map(|end| self.at(end))
            .filter(|e| e.len() > 1 && !e.iter().any(|op| op.draws()))
    }
}

/// Whether two subexpressions are the same instructions.
fn same(a: &[Op], b: &[Op]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same(*y))
}

struct Sharer<'p> {
    /// Every subexpression of the group worth sharing, with repetitions.
    found: Vec<&'p [Op]>,
    /// The subexpressions kept so far, in their rows.
    kept: Vec<&'p [Op]>,
}

impl<'p> Sharer<'p> {
    /// Whether sharing `expr` saves instructions: computing it once, keeping it and
    /// reading it again costs its length plus one instruction per occurrence.
    fn worth_sharing(&self, expr: &[Op]) -> bool {
        if expr.len() < 2 {
            return false;
        }
        let n = self.found.iter().filter(|e| same(e, expr)).count();
        n > 1 && (n - 1) * (expr.len() - 1) > 1
    }

    /// Writes the subexpression of `tree` that ends at `end` to `out`, reading what was
    /// kept before and keeping what occurs again.
    fn emit(&mut self, tree: &Tree<'p>, end: usize, out: &mut Vec<Op>) {
        let expr = tree.at(end);
        let shared = self.worth_sharing(expr);
        if shared && let Some(row) = self.kept.iter().position(|k| same(k, expr)) {
            out.push(Op::Shared(row as u32));
            return;
        }
        for operand in tree.operands(end) {
            self.emit(tree, operand, out);
        }
        if let Some(&op) = tree.ops.get(end) {
            out.push(op);
        }
        if shared {
            out.push(Op::Keep(self.kept.len() as u32));
            self.kept.push(expr);
        }
    }
}

/// Drops the rows kept but never read again (a part of a larger subexpression that is
/// itself shared), numbers the others from 0, and returns how many there are.
fn renumber_rows(programs: &mut [Vec<Op>]) -> usize {
    let mut rows: Vec<u32> = programs
        .iter()
        .flatten()
        .filter_map(|op| match op {
            Op::Shared(row) => Some(*row),
            _ => None,
        })
        .collect();
    rows.sort_unstable();
    rows.dedup();
    let new_row = |row: u32| rows.binary_search(&row).ok().map(|r| r as u32);
    for ops in programs.iter_mut() {
        ops.retain(|op| !matches!(op, Op::Keep(row) if new_row(*row).is_none()));
        for op in ops.iter_mut() {
            if let Op::Keep(row) | Op::Shared(row) = op
                && let Some(r) = new_row(*row)
            {
                *row = r;
            }
        }
    }
    rows.len()
}
