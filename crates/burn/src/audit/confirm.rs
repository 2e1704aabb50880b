//! The second route: a failing check is confirmed against the op's naive
//! loop ([`backprop_audit::confirm`]), independently of the finite
//! differences through burn. This file only runs burn for it.

use backprop_audit::{Confirmation, ForwardCheck, GradientReport, forward_check_within};
use backprop_gradcheck::Dtype;
use ndarray::ArrayD;

use super::case::Case;
use backprop_audit::Reference;

/// Relative tolerance of burn's forward pass against the naive loop's, by
/// the precision compared: tighter in `f32` than `backprop-audit`'s shared
/// [`tolerance`](backprop_audit::tolerance) (`1e-3`), because every burn
/// case is small enough (sums of at most a few hundred terms) for `1e-4`,
/// and a looser gate could hide a wrong forward.
pub fn forward_tolerance(dtype: Dtype) -> f64 {
    match dtype {
        Dtype::F64 => backprop_audit::tolerance(Dtype::F64),
        Dtype::F32 => 1e-4,
    }
}

/// The case's inputs as a check in `dtype` has them (rounded to `f32` for
/// an `f32` check), as `f64`.
fn values(case: &Case, dtype: Dtype) -> Vec<ArrayD<f64>> {
    match dtype {
        Dtype::F64 => case.inputs.clone(),
        Dtype::F32 => case
            .inputs
            .iter()
            .map(|a| a.mapv(|v| f64::from(v as f32)))
            .collect(),
    }
}

/// burn's forward in `dtype` against the naive loop's, judged at
/// `precision` ([`forward_tolerance`]); an error when burn fails or the
/// shapes differ.
pub fn forward_check(
    case: &Case,
    reference: &Reference,
    dtype: Dtype,
    precision: Dtype,
) -> Result<ForwardCheck, String> {
    let burn = case.forward(dtype)?;
    let naive = (reference.forward)(&values(case, dtype));
    forward_check_within(&burn, &naive, forward_tolerance(precision))
        .map_err(|m| format!("burn's forward: {m}"))
}

/// Confirm a failing check by the naive loop: burn's forward in the
/// oracle's precision and its gradients in the check's type, at the check's
/// inputs, against the definition.
pub fn confirm(case: &Case, reference: &Reference, report: &GradientReport) -> Confirmation {
    let values = values(case, report.dtype);
    let forward = case.forward_at(&values, report.oracle);
    let gradients = case.gradients(report.dtype, report.seed);
    // The gradient is held to the same tolerance as the forward pass: the
    // shared 1e-3 would not confirm BURN-0001's f32 GELU derivative.
    let tolerance = forward_tolerance(report.dtype);
    backprop_audit::confirm_within(report, reference, &values, forward, gradients, tolerance)
}
