//! Is a framework's `f64` forward really computed in `f64`?
//!
//! An op that rounds to `f32` somewhere inside (an intermediate in the
//! device's default type, a kernel that converts) returns `f64` tensors
//! whose values carry `f32` noise. Finite differences with `f64` steps then
//! divide that noise by a tiny step, and a correct gradient looks wrong.
//! This module measures the noise of the forward pass directly, so such an
//! op is reported as a lower-precision forward, with its gradient judged at
//! the precision the forward really has.

use ndarray::ArrayD;
use ndarray_rand::rand_distr::StandardNormal;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// Relative noise above which a forward pass is not `f64`: five decades
/// above `f64` rounding (~1e-16), three below `f32` rounding (~6e-8).
pub const LOW_PRECISION_NOISE: f64 = 1e-11;

/// The measured rounding noise of a forward pass along a random line.
#[derive(Clone, Debug, PartialEq)]
pub struct Noise {
    /// The estimated noise, relative to the output's scale (the largest
    /// `|f|`), that a quarter of the output elements exceed.
    pub upper_quartile: f64,
    /// Median over output elements of the same.
    pub median: f64,
}

impl Noise {
    /// Whether the forward carries more noise than `f64` rounding can
    /// explain in at least a quarter of its outputs. A kink crossed by the
    /// probe touches only the outputs of one element; a lower-precision
    /// computation touches every output it computes (an op may compute
    /// only part of its outputs in lower precision, such as the unclamped
    /// part of a hard sigmoid, hence a quartile, not the median).
    pub fn is_low_precision(&self) -> bool {
        self.upper_quartile > LOW_PRECISION_NOISE
    }
}

/// Estimate the rounding noise of `forward` at `x`: evaluate it at five
/// points `x + k·δ⊙u` (`k = -2..=2`, `u` standard normal from `seed`,
/// `δ = 1e-6·max(|x|, 1)`) and take the fourth difference of each output,
/// `Δ⁴f = f₋₂ - 4f₋₁ + 6f₀ - 4f₁ + f₂`. For a smooth function computed
/// exactly it is `f''''·δ⁴`, negligible at this step; independent rounding
/// noise of standard deviation σ gives `Δ⁴f` of standard deviation
/// `√70·σ` (the noise-estimation idea of Moré and Wild's ECnoise). The
/// step `δ` is well above `f32` resolution, so an `f32` computation cannot
/// hide by rounding all five points to the same value.
pub fn forward_noise(
    forward: &dyn Fn(&[ArrayD<f64>]) -> ArrayD<f64>,
    x: &[ArrayD<f64>],
    seed: u64,
) -> Noise {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6e6f_6973_6570_726f);
    let steps: Vec<ArrayD<f64>> = x
        .iter()
        .map(|a| a.mapv(|v| 1e-6 * v.abs().max(1.0) * rng.sample::<f64, _>(StandardNormal)))
        .collect();
    let values: Vec<ArrayD<f64>> = (-2..=2)
        .map(|k| {
            let point: Vec<ArrayD<f64>> = x
                .iter()
                .zip(&steps)
                .map(|(a, d)| a + &(d * f64::from(k)))
                .collect();
            forward(&point)
        })
        .collect();
    let center: Vec<f64> = values[2].iter().copied().collect();
    let scale = center.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    if scale == 0.0 || !scale.is_finite() {
        return Noise {
            upper_quartile: 0.0,
            median: 0.0,
        };
    }
    let flat: Vec<Vec<f64>> = values.iter().map(|v| v.iter().copied().collect()).collect();
    let mut relative: Vec<f64> = (0..center.len())
        .map(|k| {
            let d4 =
                flat[0][k] - 4.0 * flat[1][k] + 6.0 * flat[2][k] - 4.0 * flat[3][k] + flat[4][k];
            let r = d4.abs() / 70f64.sqrt() / scale;
            if r.is_finite() { r } else { 0.0 }
        })
        .collect();
    relative.sort_by(f64::total_cmp);
    let n = relative.len();
    Noise {
        upper_quartile: relative[(3 * n) / 4],
        median: relative[n / 2],
    }
}

/// How burn's `f64` forward falls short of `f64`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ForwardPrecision {
    /// The relative rounding noise a quarter of the outputs exceed (see
    /// [`forward_noise`](crate::forward_noise)).
    pub noise: f64,
    /// The float type the forward returns, when it is not `f64`.
    pub returned: Option<String>,
    /// What was seen, in one line.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::IxDyn;

    fn x() -> Vec<ArrayD<f64>> {
        vec![ArrayD::from_shape_fn(IxDyn(&[4, 5]), |i| {
            0.3 + i[0] as f64 * 0.7 - i[1] as f64 * 0.45
        })]
    }

    #[test]
    fn an_f64_computation_is_not_noisy() {
        let f = |x: &[ArrayD<f64>]| x[0].mapv(|v| v.sin() * v.exp() + v * v);
        let noise = forward_noise(&f, &x(), 1);
        assert!(!noise.is_low_precision(), "{noise:?}");
        assert!(noise.median < 1e-14, "{noise:?}");
    }

    #[test]
    fn an_f32_computation_is_seen() {
        let f = |x: &[ArrayD<f64>]| {
            x[0].mapv(|v| f64::from((v as f32).sin() * (v as f32).exp() + (v as f32) * (v as f32)))
        };
        let noise = forward_noise(&f, &x(), 1);
        assert!(noise.is_low_precision(), "{noise:?}");
        assert!(noise.median > 1e-9, "{noise:?}");
    }

    #[test]
    fn one_kink_crossed_is_not_low_precision() {
        // |x| with one element right at the kink: only its output is noisy.
        let mut xs = x();
        xs[0][[0, 0]] = 0.0;
        let f = |x: &[ArrayD<f64>]| x[0].mapv(f64::abs);
        let noise = forward_noise(&f, &xs, 3);
        assert!(!noise.is_low_precision(), "{noise:?}");
    }

    #[test]
    fn a_constant_function_is_not_noisy() {
        let f = |x: &[ArrayD<f64>]| x[0].mapv(|_| 2.0);
        assert!(!forward_noise(&f, &x(), 0).is_low_precision());
    }
}
