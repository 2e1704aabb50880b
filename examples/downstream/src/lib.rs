//! A downstream crate in miniature: two activation functions with
//! hand-written backward rules, as a model library would have them.
//!
//! [`softplus_backward`] is right. [`elu_backward`] carries a deliberate
//! bug (the negative side forgets the factor α), so that this crate's
//! tests can show a wrong rule caught by `backprop-gradcheck` and reported
//! by `backprop-report`: `BACKPROP_REPORT_DIR=$PWD/target/report cargo test
//! -p backprop-downstream-example` writes `report.json`, `junit.xml`,
//! `report.md` and `report.html` with the ELU rule failing at a negative
//! input.

use ndarray::ArrayD;

/// The ELU's slope scale for negative inputs.
pub const ELU_ALPHA: f64 = 0.5;

/// `softplus(x) = ln(1 + eˣ)`, elementwise, computed as
/// `max(x, 0) + ln(1 + e^(-|x|))` so it never overflows.
///
/// ```
/// use ndarray::arr1;
/// let y = backprop_downstream_example::softplus(&arr1(&[0.0, 1000.0]).into_dyn());
/// assert_eq!(y[[0]], 2f64.ln());
/// assert_eq!(y[[1]], 1000.0);
/// ```
pub fn softplus(x: &ArrayD<f64>) -> ArrayD<f64> {
    x.mapv(|v| v.max(0.0) + (-v.abs()).exp().ln_1p())
}

/// The VJP of [`softplus`]: `g · σ(x)`, since
/// `d/dx ln(1 + eˣ) = eˣ / (1 + eˣ) = σ(x)`.
pub fn softplus_backward(x: &ArrayD<f64>, upstream: &ArrayD<f64>) -> ArrayD<f64> {
    upstream * &x.mapv(|v| 1.0 / (1.0 + (-v).exp()))
}

/// `elu(x) = x` for `x > 0`, `α·(eˣ - 1)` otherwise, elementwise, with
/// `α =` [`ELU_ALPHA`].
///
/// ```
/// use ndarray::arr1;
/// let y = backprop_downstream_example::elu(&arr1(&[2.0, -1.0]).into_dyn());
/// assert_eq!(y[[0]], 2.0);
/// assert_eq!(y[[1]], 0.5 * (-1f64).exp_m1());
/// ```
pub fn elu(x: &ArrayD<f64>) -> ArrayD<f64> {
    x.mapv(|v| if v > 0.0 { v } else { ELU_ALPHA * v.exp_m1() })
}

/// The VJP of [`elu`] — **deliberately wrong**, to be caught by the tests.
///
/// The right rule is `g · 1` for `x > 0` and `g · α·eˣ` otherwise; this one
/// returns `g · eˣ` on the negative side (the factor α forgotten), so every
/// negative input gets a gradient twice too large.
pub fn elu_backward(x: &ArrayD<f64>, upstream: &ArrayD<f64>) -> ArrayD<f64> {
    upstream * &x.mapv(|v| if v > 0.0 { 1.0 } else { v.exp() })
}
