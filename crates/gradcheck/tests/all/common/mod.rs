//! Shared helpers for the integration tests: small array functions written
//! from their textbook formulas (not by the code under test).
#![allow(dead_code)]

use ndarray::{ArrayD, Ix2};

/// `a · b` for 2-D arrays.
pub fn dot(a: &ArrayD<f64>, b: &ArrayD<f64>) -> ArrayD<f64> {
    let a = a.view().into_dimensionality::<Ix2>().unwrap();
    let b = b.view().into_dimensionality::<Ix2>().unwrap();
    a.dot(&b).into_dyn()
}

/// `a · b` for 2-D `f32` arrays.
pub fn dot32(a: &ArrayD<f32>, b: &ArrayD<f32>) -> ArrayD<f32> {
    let a = a.view().into_dimensionality::<Ix2>().unwrap();
    let b = b.view().into_dimensionality::<Ix2>().unwrap();
    a.dot(&b).into_dyn()
}

/// Transpose of a 2-D array, owned.
pub fn t<T: Clone>(a: &ArrayD<T>) -> ArrayD<T> {
    a.t().to_owned()
}

/// A deterministic array with entries spread over `[-2, 2]`, none exactly 0.
pub fn sample(shape: &[usize], salt: u64) -> ArrayD<f64> {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64 ^ salt;
    ArrayD::from_shape_simple_fn(shape, || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let u = (state >> 11) as f64 / (1u64 << 53) as f64; // [0, 1)
        let v = 4.0 * u - 2.0;
        if v.abs() < 0.05 { 0.5 } else { v }
    })
}

/// The logistic sigmoid `1 / (1 + e^-x)`.
pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// The ε under the square root of [`layer_norm`].
pub const LAYER_NORM_EPS: f64 = 1e-5;

/// Layer normalisation over the last axis of a 2-D `x` with scale `gamma`
/// and shift `beta` (both shaped like a row): per row,
/// `y = gamma ⊙ (x - μ) / sqrt(σ² + ε) + beta`, with `μ` the row's mean and
/// `σ²` its biased variance (`Σ(x - μ)² / n`).
pub fn layer_norm(x: &ArrayD<f64>, gamma: &ArrayD<f64>, beta: &ArrayD<f64>) -> ArrayD<f64> {
    let x = x.view().into_dimensionality::<Ix2>().unwrap();
    let mut y = x.to_owned();
    for mut row in y.rows_mut() {
        let (mean, s) = mean_and_scale(row.as_slice().unwrap());
        for ((v, g), b) in row.iter_mut().zip(gamma.iter()).zip(beta.iter()) {
            *v = g * (*v - mean) / s + b;
        }
    }
    y.into_dyn()
}

/// The vector-Jacobian product of [`layer_norm`] by its textbook formula:
/// with `x̂ = (x - μ)/s`, `s = sqrt(σ² + ε)` and `ĝ = g ⊙ gamma` per row,
/// `dx = (ĝ - mean(ĝ) - x̂ · mean(ĝ ⊙ x̂)) / s`, `dgamma = Σ_rows g ⊙ x̂`,
/// `dbeta = Σ_rows g`.
pub fn layer_norm_vjp(x: &ArrayD<f64>, gamma: &ArrayD<f64>, g: &ArrayD<f64>) -> [ArrayD<f64>; 3] {
    let x = x.view().into_dimensionality::<Ix2>().unwrap();
    let g = g.view().into_dimensionality::<Ix2>().unwrap();
    let n = x.ncols();
    let mut dx = x.to_owned();
    let mut dgamma = ArrayD::<f64>::zeros(vec![n]);
    let mut dbeta = ArrayD::<f64>::zeros(vec![n]);
    for (r, mut out) in dx.rows_mut().into_iter().enumerate() {
        let row = x.row(r);
        let (mean, s) = mean_and_scale(row.as_slice().unwrap());
        let xhat: Vec<f64> = row.iter().map(|v| (v - mean) / s).collect();
        let ghat: Vec<f64> = g
            .row(r)
            .iter()
            .zip(gamma.iter())
            .map(|(g, c)| g * c)
            .collect();
        let mean_ghat = ghat.iter().sum::<f64>() / n as f64;
        let mean_ghat_xhat = ghat.iter().zip(&xhat).map(|(a, b)| a * b).sum::<f64>() / n as f64;
        for j in 0..n {
            out[j] = (ghat[j] - mean_ghat - xhat[j] * mean_ghat_xhat) / s;
            dgamma[j] += g[[r, j]] * xhat[j];
            dbeta[j] += g[[r, j]];
        }
    }
    [dx.into_dyn(), dgamma, dbeta]
}

/// A row's mean and `sqrt(σ² + ε)`.
fn mean_and_scale(row: &[f64]) -> (f64, f64) {
    let n = row.len() as f64;
    let mean = row.iter().sum::<f64>() / n;
    let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    (mean, (var + LAYER_NORM_EPS).sqrt())
}
