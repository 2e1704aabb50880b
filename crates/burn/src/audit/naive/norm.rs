//! RMS normalisation by its definition.

use ndarray::{ArrayD, Axis};

/// `y = x / √(mean(x²) + ε) · γ` over the last axis.
pub fn rms_norm(x: &ArrayD<f64>, gamma: &ArrayD<f64>, eps: f64) -> ArrayD<f64> {
    let last = Axis(x.ndim() - 1);
    let rms = (x.mapv(|v| v * v).mean_axis(last).expect("non-empty") + eps).mapv(f64::sqrt);
    let rms = rms.insert_axis(last);
    &(x / &rms) * gamma
}

/// The VJP of [`rms_norm`]: with `r = √(mean(x²) + ε)` and `n` the length
/// of the last axis, `dx = γg/r - x·Σ(γg·x)/(n·r³)`, `dγ = Σ g·x/r` over
/// every axis but the last.
pub fn rms_norm_vjp(
    x: &ArrayD<f64>,
    gamma: &ArrayD<f64>,
    eps: f64,
    g: &ArrayD<f64>,
) -> (ArrayD<f64>, ArrayD<f64>) {
    let last = Axis(x.ndim() - 1);
    let n = x.shape()[x.ndim() - 1] as f64;
    let r = (x.mapv(|v| v * v).mean_axis(last).expect("non-empty") + eps)
        .mapv(f64::sqrt)
        .insert_axis(last);
    let gg = g * gamma;
    let dot = (&gg * x).sum_axis(last).insert_axis(last);
    let dx = &(&gg / &r) - &(&(x * &dot) / &r.mapv(|v| n * v * v * v));
    let normed = x / &r;
    let mut dgamma = g * &normed;
    while dgamma.ndim() > 1 {
        dgamma = dgamma.sum_axis(Axis(0));
    }
    (dx, dgamma)
}
