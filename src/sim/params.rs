//! Uncertain parameters: drawing them for a run, overriding them, and their quantiles.

use crate::scenario::expr::{Draws, LANES, standard_normal, triangular};
use crate::scenario::{Distribution, Model};

use super::rng::{LaneStreams, Purpose, RunKey};

/// A value per parameter that replaces its draw (what-if), in the scenario's order; `None`
/// draws it. Reads and writes as the list it is (`overrides[i] = Some(x)`).
#[derive(Clone, PartialEq, Default)]
pub struct Overrides(Vec<Option<f64>>);

/// Printed as the list it is (`[None, Some(2.0)]`), as the saved fixtures read it.
impl std::fmt::Debug for Overrides {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl Overrides {
    /// No parameter overridden: every one is drawn.
    pub fn none(model: &Model) -> Self {
        Self(vec![None; model.parameters.len()])
    }
}

impl std::ops::Deref for Overrides {
    type Target = Vec<Option<f64>>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Overrides {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl From<Vec<Option<f64>>> for Overrides {
    fn from(values: Vec<Option<f64>>) -> Self {
        Self(values)
    }
}

impl FromIterator<Option<f64>> for Overrides {
    fn from_iter<I: IntoIterator<Item = Option<f64>>>(values: I) -> Self {
        Self(values.into_iter().collect())
    }
}

/// Draws every parameter of a run. Each parameter takes the same two uniforms whether it is
/// overridden or not, so overriding one leaves the others' draws unchanged.
pub fn draw_parameters(model: &Model, key: &RunKey, overrides: &Overrides) -> Vec<f64> {
    let mut stream = key.stream(Purpose::Parameters, 0);
    model
        .parameters
        .iter()
        .enumerate()
        .map(|(i, dist)| {
            let u1 = stream.uniform01();
            let u2 = stream.uniform01();
            parameter(dist, overrides.get(i).copied().flatten(), u1, u2)
        })
        .collect()
}

/// [`draw_parameters`] for the first `lanes` runs of `streams` at once: parameter `i` of
/// lane `l` at `out[i * LANES + l]`. Opens the streams for the parameters.
pub(super) fn draw_parameters_lanes(
    model: &Model,
    streams: &mut LaneStreams,
    lanes: usize,
    overrides: &Overrides,
    out: &mut [f64],
) {
    streams.open(Purpose::Parameters, 0);
    let (mut u1, mut u2) = ([0.0; LANES], [0.0; LANES]);
    let rows = out.chunks_exact_mut(LANES);
    for ((i, dist), row) in model.parameters.iter().enumerate().zip(rows) {
        streams.uniform01_each(lanes, &mut u1);
        streams.uniform01_each(lanes, &mut u2);
        let overridden = overrides.get(i).copied().flatten();
        for (l, value) in row.iter_mut().enumerate().take(lanes) {
            *value = parameter(dist, overridden, u1[l], u2[l]);
        }
    }
}

/// A parameter's value: the override if there is one, else the draw from `dist` given two
/// independent uniforms.
fn parameter(dist: &Distribution, overridden: Option<f64>, u1: f64, u2: f64) -> f64 {
    overridden.unwrap_or_else(|| sample(dist, u1, u2))
}

/// A draw from `dist` given two independent uniforms.
pub fn sample(dist: &Distribution, u1: f64, u2: f64) -> f64 {
    struct Two(f64, f64, u8);
    impl Draws for Two {
        fn uniform01(&mut self) -> f64 {
            self.2 += 1;
            if self.2 == 1 { self.0 } else { self.1 }
        }
    }
    match *dist {
        Distribution::Fixed(v) => v,
        Distribution::Uniform { low, high } => low + (high - low) * u1,
        Distribution::Normal { mean, sd } => mean + sd * standard_normal(&mut Two(u1, u2, 0)),
        Distribution::Triangular { low, mode, high } => triangular(low, mode, high, u1),
    }
}

/// The `p`-quantile (0 < p < 1) of a distribution.
pub fn quantile(dist: &Distribution, p: f64) -> f64 {
    match *dist {
        Distribution::Fixed(v) => v,
        Distribution::Uniform { low, high } => low + (high - low) * p,
        Distribution::Normal { mean, sd } => mean + sd * normal_quantile(p),
        Distribution::Triangular { low, mode, high } => triangular(low, mode, high, p),
    }
}

/// The standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9).
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.38357751867269e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-3,
        3.224671290700398e-1,
        2.445134137142996,
        3.754408661907416,
    ];
    let p = p.clamp(1e-12, 1.0 - 1e-12);
    let low = 0.02425;
    if p < low {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - low {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -normal_quantile(1.0 - p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_known_values() {
        assert!((normal_quantile(0.5)).abs() < 1e-9);
        assert!((normal_quantile(0.9) - 1.281_551_565_5).abs() < 1e-8);
        assert!((normal_quantile(0.01) + 2.326_347_874).abs() < 1e-8);
        let n = Distribution::Normal {
            mean: 10.0,
            sd: 2.0,
        };
        assert!((quantile(&n, 0.1) - (10.0 - 2.0 * 1.281_551_565_5)).abs() < 1e-7);
        let u = Distribution::Uniform {
            low: 2.0,
            high: 4.0,
        };
        assert_eq!(quantile(&u, 0.25), 2.5);
        let t = Distribution::Triangular {
            low: 0.0,
            mode: 0.0,
            high: 1.0,
        };
        // CDF of this triangle is 1 - (1 - x)^2; at x = 0.5 it is 0.75.
        assert!((quantile(&t, 0.75) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn samples_follow_their_distribution() {
        let n = Distribution::Normal { mean: 5.0, sd: 1.0 };
        let k = 20_000;
        let mean: f64 = (0..k)
            .map(|i| {
                let u1 = (i as f64 + 0.5) / k as f64;
                let u2 = ((i * 7919) % k) as f64 / k as f64;
                sample(&n, u1, u2)
            })
            .sum::<f64>()
            / k as f64;
        assert!((mean - 5.0).abs() < 0.02, "{mean}");
        assert_eq!(sample(&Distribution::Fixed(3.0), 0.1, 0.9), 3.0);
    }
}
