//! Elementwise functions and their derivatives, each from its formula in
//! `f64` with exact constants.

use std::f64::consts::{FRAC_1_SQRT_2, PI};

/// `sqrt(2/π)`, the constant of the tanh approximation of GELU.
const SQRT_2_OVER_PI: f64 = 0.797_884_560_802_865_4;

/// `gelu(x) = ½x(1 + tanh(√(2/π)(x + 0.044715x³)))` (candle's `gelu`, the
/// tanh approximation).
pub fn gelu(x: f64) -> f64 {
    0.5 * x * (1.0 + (SQRT_2_OVER_PI * x * (1.0 + 0.044715 * x * x)).tanh())
}

/// `gelu'(x) = ½(1 + t) + ½x(1 - t²)·√(2/π)(1 + 3·0.044715x²)`, `t` the
/// tanh of [`gelu`].
pub fn gelu_d(x: f64) -> f64 {
    let t = (SQRT_2_OVER_PI * x * (1.0 + 0.044715 * x * x)).tanh();
    0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * SQRT_2_OVER_PI * (1.0 + 3.0 * 0.044715 * x * x)
}

/// `erf'(x) = 2/√π · e^(-x²)`.
pub fn erf_d(x: f64) -> f64 {
    2.0 / PI.sqrt() * (-x * x).exp()
}

/// `gelu_erf(x) = ½x(1 + erf(x/√2))` (exact GELU).
pub fn gelu_erf(x: f64) -> f64 {
    0.5 * x * (1.0 + libm::erf(x * FRAC_1_SQRT_2))
}

/// `gelu_erf'(x) = ½(1 + erf(x/√2)) + x·e^(-x²/2)/√(2π)`.
pub fn gelu_erf_d(x: f64) -> f64 {
    0.5 * (1.0 + libm::erf(x * FRAC_1_SQRT_2)) + x * (-0.5 * x * x).exp() / (2.0 * PI).sqrt()
}

/// `σ(x) = 1 / (1 + e^(-x))`.
pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// `silu(x) = x·σ(x)`.
pub fn silu(x: f64) -> f64 {
    x * sigmoid(x)
}

/// `silu'(x) = σ(x)(1 + x(1 - σ(x)))`.
pub fn silu_d(x: f64) -> f64 {
    let s = sigmoid(x);
    s * (1.0 + x * (1.0 - s))
}

/// `elu(x) = x` for `x > 0`, `α(e^x - 1)` otherwise.
pub fn elu(x: f64, alpha: f64) -> f64 {
    if x > 0.0 { x } else { alpha * (x.exp() - 1.0) }
}

/// `elu'(x) = 1` for `x > 0`, `α·e^x` otherwise.
pub fn elu_d(x: f64, alpha: f64) -> f64 {
    if x > 0.0 { 1.0 } else { alpha * x.exp() }
}
