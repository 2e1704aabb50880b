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
