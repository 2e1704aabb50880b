//! Elementwise functions and their derivatives, each from its formula in
//! `f64` with exact constants. The VJP of an elementwise `f` is `g ⊙ f'(x)`
//! ([`Reference::unary`](crate::Reference::unary)).
//!
//! The two GELUs are named by their formula, since the frameworks disagree
//! on which one `gelu` means: [`gelu_erf`] is the exact one (burn's `gelu`,
//! candle's `gelu_erf`), [`gelu_tanh`] the tanh approximation (candle's
//! `gelu`, burn's `gelu_approximate`).

use std::f64::consts::{FRAC_1_SQRT_2, PI};

/// `sqrt(2/π)`, the constant of the tanh approximation of GELU.
const SQRT_2_OVER_PI: f64 = 0.797_884_560_802_865_4;

/// The cubic coefficient of the tanh approximation of GELU.
const GELU_CUBIC: f64 = 0.044715;

/// `erf(x) = 2/√π ∫₀ˣ e^(-t²) dt`, by the `libm` crate (a port of musl's;
/// the standard library has no `erf`).
pub fn erf(x: f64) -> f64 {
    libm::erf(x)
}

/// `erf'(x) = 2/√π · e^(-x²)`.
pub fn erf_d(x: f64) -> f64 {
    2.0 / PI.sqrt() * (-x * x).exp()
}

/// `gelu_erf(x) = ½x(1 + erf(x/√2)) = x·Φ(x)`, the exact GELU.
pub fn gelu_erf(x: f64) -> f64 {
    0.5 * x * (1.0 + erf(x * FRAC_1_SQRT_2))
}

/// `gelu_erf'(x) = ½(1 + erf(x/√2)) + x·e^(-x²/2)/√(2π) = Φ(x) + x·φ(x)`.
pub fn gelu_erf_d(x: f64) -> f64 {
    0.5 * (1.0 + erf(x * FRAC_1_SQRT_2)) + x * (-0.5 * x * x).exp() / (2.0 * PI).sqrt()
}

/// `gelu_tanh(x) = ½x(1 + tanh(√(2/π)(x + 0.044715x³)))`, the tanh
/// approximation of GELU.
pub fn gelu_tanh(x: f64) -> f64 {
    0.5 * x * (1.0 + (SQRT_2_OVER_PI * x * (1.0 + GELU_CUBIC * x * x)).tanh())
}

/// `gelu_tanh'(x) = ½(1 + t) + ½x(1 - t²)·√(2/π)(1 + 3·0.044715x²)`, `t`
/// the tanh of [`gelu_tanh`].
pub fn gelu_tanh_d(x: f64) -> f64 {
    let t = (SQRT_2_OVER_PI * x * (1.0 + GELU_CUBIC * x * x)).tanh();
    0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_CUBIC * x * x)
}

/// `σ(x) = 1 / (1 + e^(-x))`.
pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// `σ'(x) = σ(x)(1 - σ(x))`.
pub fn sigmoid_d(x: f64) -> f64 {
    sigmoid(x) * (1.0 - sigmoid(x))
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

/// `hard_sigmoid(x) = max(0, min(1, αx + β))`.
pub fn hard_sigmoid(x: f64, alpha: f64, beta: f64) -> f64 {
    (alpha * x + beta).clamp(0.0, 1.0)
}

/// `hard_sigmoid'(x) = α` where `0 < αx + β < 1`, 0 where it is clamped
/// (either one-sided value at the two kinks).
pub fn hard_sigmoid_d(x: f64, alpha: f64, beta: f64) -> f64 {
    let y = alpha * x + beta;
    if y > 0.0 && y < 1.0 { alpha } else { 0.0 }
}
