//! Elementwise functions and their derivatives, each from its formula in
//! `f64` with exact constants.

use std::f64::consts::{FRAC_1_SQRT_2, PI};

/// `gelu(x) = ½x(1 + erf(x/√2))`, the exact GELU burn's `gelu` computes.
pub fn gelu(x: f64) -> f64 {
    0.5 * x * (1.0 + libm::erf(x * FRAC_1_SQRT_2))
}

/// `gelu'(x) = ½(1 + erf(x/√2)) + x·e^(-x²/2)/√(2π)`.
pub fn gelu_d(x: f64) -> f64 {
    0.5 * (1.0 + libm::erf(x * FRAC_1_SQRT_2)) + x * (-0.5 * x * x).exp() / (2.0 * PI).sqrt()
}

/// `σ(x) = 1 / (1 + e^(-x))`.
pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// `σ'(x) = σ(x)(1 - σ(x))`.
pub fn sigmoid_d(x: f64) -> f64 {
    sigmoid(x) * (1.0 - sigmoid(x))
}

/// `hard_sigmoid(x) = max(0, min(1, αx + β))`.
pub fn hard_sigmoid(x: f64, alpha: f64, beta: f64) -> f64 {
    (alpha * x + beta).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivatives_match_central_differences() {
        let h = 1e-6;
        for x in [-2.3, -0.7, 0.0, 0.4, 1.9] {
            let fd = (gelu(x + h) - gelu(x - h)) / (2.0 * h);
            assert!((fd - gelu_d(x)).abs() < 1e-8, "gelu at {x}");
            let fd = (sigmoid(x + h) - sigmoid(x - h)) / (2.0 * h);
            assert!((fd - sigmoid_d(x)).abs() < 1e-8, "sigmoid at {x}");
        }
        // gelu(x) = x·Φ(x): Φ(1) = 0.8413447460685429
        assert!((gelu(1.0) - 0.841_344_746_068_542_9).abs() < 1e-15);
    }
}
