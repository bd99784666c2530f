//! The expression parser, compiler and both evaluators on any text: compiling may refuse it;
//! a compiled program evaluates without panicking, and 32 lanes at once give exactly what
//! one state at a time gives.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sandtable::scenario::expr::{
    self, Draws, LANES, LaneDraws, LaneStack, Lanes, NameError, Query, Resolve,
};

/// Four names and one slot for every query.
struct Names;

impl Resolve for Names {
    fn name(&self, name: &str) -> Result<u32, NameError> {
        match name {
            "a" => Ok(0),
            "b" => Ok(1),
            "turn" => Ok(2),
            "x.y" => Ok(3),
            _ => Err(NameError {
                kind: sandtable::scenario::DiagnosticKind::UnknownName,
                message: format!("unknown name `{name}`"),
                hint: None,
            }),
        }
    }

    fn query(&self, _query: Query, id: &str) -> Result<u32, NameError> {
        match id {
            "c" => Ok(4),
            _ => Err(NameError {
                kind: sandtable::scenario::DiagnosticKind::UnknownName,
                message: format!("no choice `{id}`"),
                hint: None,
            }),
        }
    }
}

/// A fixed sequence of draws, the same for every lane.
struct Fixed(f64);

impl Draws for Fixed {
    fn uniform01(&mut self) -> f64 {
        self.0 = (self.0 * 7.0 + 0.3).fract();
        self.0
    }
}

struct FixedLanes([Fixed; LANES]);

impl LaneDraws for FixedLanes {
    fn uniform01(&mut self, lane: usize) -> f64 {
        self.0[lane].uniform01()
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = expr::names(text);
    let Ok(program) = expr::compile(text, &Names, true) else {
        return;
    };
    let state = [2.0, -3000.0, 5.0, 0.5, 1.0];
    let one = program.eval(&state, &mut Fixed(0.25));
    let mut slots = Vec::with_capacity(state.len() * LANES);
    for &v in &state {
        slots.extend(std::iter::repeat_n(v, LANES));
    }
    let mut lanes: Lanes = [0.0; LANES];
    let mut draws = FixedLanes(std::array::from_fn(|_| Fixed(0.25)));
    program.eval_lanes(&slots, &mut LaneStack::default(), &mut draws, u64::MAX, &mut lanes);
    for v in lanes {
        assert!(
            v.to_bits() == one.to_bits() || (v.is_nan() && one.is_nan()),
            "{text}: one state gives {one}, lanes give {v}"
        );
    }
});
