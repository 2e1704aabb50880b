//! The point and upstream gradient the classification and confirmation
//! tests share.

use ndarray::{ArrayD, arr1};

/// A 1-D array of `v`.
pub fn a(v: &[f64]) -> ArrayD<f64> {
    arr1(v).into_dyn()
}

/// The point every check is made at.
pub fn x() -> ArrayD<f64> {
    a(&[1.0, 0.5, -0.75])
}

/// The upstream gradient of every check.
pub fn g() -> ArrayD<f64> {
    a(&[1.0, -2.0, 0.5])
}
