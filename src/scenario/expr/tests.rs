//! One suite for the expression language, run on one lane and on many.

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
impl LaneDraws for Fixed {
    fn uniform01(&mut self, _lane: usize) -> f64 {
        self.0
    }
}

/// The value of `text` on a fixed state as a played run evaluates it, checked against
/// every lane of an ensemble's evaluation of the same state: each case runs on both widths.
fn eval(text: &str) -> f64 {
    let program = compile(text, &Names, true).unwrap_or_else(|e| panic!("{text}: {e:?}"));
    let state = [2.0, 3000.0, 5.0, 1.0];
    let alone = program.eval(&state, &mut Fixed(0.25));
    let slots: Vec<f64> = state.iter().flat_map(|&v| [v; LANES]).collect();
    let mut lanes = [0.0; LANES];
    let mut stack = LaneStack::default();
    program.eval_lanes(&slots, &mut stack, &mut Fixed(0.25), u64::MAX, &mut lanes);
    for (l, got) in lanes.iter().enumerate() {
        assert_eq!(got.to_bits(), alone.to_bits(), "{text}, lane {l}");
    }
    alone
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
        // A negated number is the number it gives.
        ("clamp(x * 2, -1, 3)", 3.0, Op::ClampC(-1.0, 3.0)),
        ("x * 2 * -0.5", -2.0, Op::MulC(-0.5)),
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

#[test]
fn a_group_computes_what_its_programs_repeat_once_with_the_same_results() {
    let texts = [
        "x * 2 + (turn - 1) * (x + 3)",
        "(turn - 1) * (x + 3) / 4",
        // Draws are never shared: each program draws as it does alone.
        "uniform(0, 1) + (turn - 1) * (x + 3) + uniform(0, 1)",
        "(turn - 1) * (x + 3)",
        "if(france.troops < 0.9 * x, 1, 0.5) * (x > 0) * turn",
        "clamp(if(france.troops < 0.9 * x, 1, 0.5) * (x > 0) * turn, 0, 1)",
        "if(france.troops < 0.9 * x, 1, 0.5) + chance(0.5)",
        // Programs that start with a number, a name and a shared value, and one that is
        // nothing but a number.
        "0.85",
        "x - uniform(0, 1)",
        "(turn - 1) * (x + 3) - x",
        "1 - normal(0, 1) * x",
    ];
    let alone: Vec<Program> = texts
        .iter()
        .map(|t| compile(t, &Names, true).unwrap())
        .collect();
    let group = Group::new(&alone);
    assert!(group.rows() > 0);
    let ops = |ps: &[Program]| ps.iter().map(|p| p.ops.len()).sum::<usize>();
    assert!(ops(group.programs()) < ops(&alone));
    // Lane by lane, other numbers: every program of the group, run in order, gives what
    // it gives alone, to the last bit.
    let slots: Vec<f64> = (0..4 * LANES)
        .map(|i| ((i % LANES) as f64 - 7.5) * (1.0 + (i / LANES) as f64 * 500.0))
        .collect();
    let mut stack = LaneStack::with_shared(group.rows());
    for (text, (shared, alone)) in texts.iter().zip(group.programs().iter().zip(&alone)) {
        let (mut got, mut want) = ([0.0; LANES], [0.0; LANES]);
        shared.eval_lanes(&slots, &mut stack, &mut Fixed(0.25), u64::MAX, &mut got);
        alone.eval_lanes(
            &slots,
            &mut LaneStack::default(),
            &mut Fixed(0.25),
            u64::MAX,
            &mut want,
        );
        for l in 0..LANES {
            assert_eq!(got[l].to_bits(), want[l].to_bits(), "{text}, lane {l}");
        }
        assert_eq!(shared.draws(), alone.draws());
    }
    // All of them in one pass: each value to the last bit what the program gives alone,
    // run in order, drawing from the same streams in the same order.
    let mut together = vec![[0.0; LANES]; texts.len()];
    let mask = u64::MAX >> 3;
    let mut draws = Counting([0; LANES]);
    group.eval_lanes(&slots, &mut stack, &mut draws, mask, &mut together);
    let mut alone_draws = Counting([0; LANES]);
    for ((text, program), got) in texts.iter().zip(&alone).zip(&together) {
        let mut want = [0.0; LANES];
        let mut stack = LaneStack::default();
        program.eval_lanes(&slots, &mut stack, &mut alone_draws, mask, &mut want);
        for l in (0..LANES).filter(|&l| mask >> l & 1 == 1) {
            assert_eq!(got[l].to_bits(), want[l].to_bits(), "{text}, lane {l}");
        }
    }
    assert_eq!(draws.0, alone_draws.0);
    assert!(draws.0[0] > 3);
}

/// Draws that tell one from another: the `n`th of lane `l` is a number of its own.
struct Counting([u32; LANES]);

impl LaneDraws for Counting {
    fn uniform01(&mut self, lane: usize) -> f64 {
        self.0[lane] += 1;
        (f64::from(self.0[lane]) * 0.618 + lane as f64 * 0.1).fract()
    }
}

#[test]
fn only_the_same_numbers_are_the_same_instruction() {
    assert!(Op::MulC(0.5).same(Op::MulC(0.5)));
    assert!(!Op::MulC(0.0).same(Op::MulC(-0.0)));
    assert!(!Op::AddC(f64::NAN).same(Op::AddC(f64::NAN)));
    assert!(!Op::MulC(2.0).same(Op::AddC(2.0)));
}
