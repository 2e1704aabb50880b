//! The second route: a failing check is confirmed against the op's naive
//! loop, independently of the finite differences through burn.

use backprop_gradcheck::{Dtype, Options, Upstream, check_vjp};
use ndarray::{ArrayD, Dimension, IxDyn};
use serde::Serialize;

use super::case::Case;
use super::naive::Reference;
use crate::{BurnReport, Status};

/// How far burn's gradient is from the naive loop's, at the worst element
/// of one input.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GradientGap {
    /// The input's name.
    pub input: String,
    /// The element.
    pub index: Vec<usize>,
    /// burn's value there (`None`: burn gives no gradient).
    pub burn: Option<f64>,
    /// The naive loop's value there.
    pub naive: f64,
}

/// burn's forward pass against the naive loop's.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ForwardCheck {
    /// `max |burn - naive| / max(1, max |naive|)`.
    pub error: f64,
    /// Whether that is within the tolerance of the precision compared.
    pub agrees: bool,
    /// The output element where they differ most.
    pub index: Vec<usize>,
    /// burn's value there.
    pub burn: f64,
    /// The naive loop's value there.
    pub naive: f64,
}

impl ForwardCheck {
    /// One line for the report.
    pub fn describe(&self) -> String {
        if self.agrees {
            format!(
                "burn's forward agrees with it (max relative difference {:.1e})",
                self.error
            )
        } else {
            format!(
                "burn's FORWARD disagrees with it: out{:?} is {:e}, the definition gives {:e} (relative difference {:.1e})",
                self.index, self.burn, self.naive, self.error
            )
        }
    }
}

/// What the naive loop says about one check.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Confirmation {
    /// burn's forward (at the oracle's precision) against the naive one.
    pub forward: Option<ForwardCheck>,
    /// Whether the naive VJP passes finite differences of the naive
    /// forward (so the naive code is right).
    pub reference_passes: bool,
    /// Where burn's gradient is furthest from the naive VJP beyond
    /// tolerance (with the check's upstream gradient); `None` when they
    /// agree or burn gives no gradient to compare.
    pub gap: Option<GradientGap>,
    /// The failure is about backward and confirmed by the naive loop.
    pub confirmed: bool,
    /// One line for the report.
    pub summary: String,
}

/// Relative tolerance of forward and gradient comparisons at a precision.
pub fn tolerance(dtype: Dtype) -> f64 {
    match dtype {
        Dtype::F64 => 1e-9,
        Dtype::F32 => 1e-4,
    }
}

fn scale(a: &ArrayD<f64>) -> f64 {
    a.iter().fold(1.0_f64, |m, v| m.max(v.abs()))
}

/// The largest `|a - b|` and where, or `None` if the shapes differ.
fn worst_gap(a: &ArrayD<f64>, b: &ArrayD<f64>) -> Option<(f64, Vec<usize>)> {
    if a.shape() != b.shape() {
        return None;
    }
    let mut worst = (0.0, vec![0; a.ndim()]);
    for ((i, x), y) in a.indexed_iter().zip(b.iter()) {
        let d = (x - y).abs();
        if d > worst.0 || d.is_nan() {
            worst = (
                if d.is_nan() { f64::INFINITY } else { d },
                i.slice().to_vec(),
            );
        }
    }
    Some(worst)
}

/// burn's forward in `dtype` against the naive loop's, judged at
/// `precision`; an error when burn fails or the shapes differ.
pub fn forward_check(
    case: &Case,
    reference: &Reference,
    dtype: Dtype,
    precision: Dtype,
) -> Result<ForwardCheck, String> {
    let burn = case.forward(dtype)?;
    let values: Vec<ArrayD<f64>> = match dtype {
        Dtype::F64 => case.inputs.clone(),
        Dtype::F32 => case
            .inputs
            .iter()
            .map(|a| a.mapv(|v| f64::from(v as f32)))
            .collect(),
    };
    let naive = (reference.forward)(&values);
    match worst_gap(&burn, &naive) {
        Some((d, index)) => {
            let error = d / scale(&naive);
            Ok(ForwardCheck {
                error,
                agrees: error <= tolerance(precision),
                burn: burn[IxDyn(&index)],
                naive: naive[IxDyn(&index)],
                index,
            })
        }
        None => Err(format!(
            "burn's forward has shape {:?}, the naive loop's {:?}",
            burn.shape(),
            naive.shape()
        )),
    }
}

/// Confirm a failing check by the naive loop.
pub fn confirm(case: &Case, reference: &Reference, report: &BurnReport) -> Confirmation {
    let dtype = report.dtype;
    let values: Vec<ArrayD<f64>> = match dtype {
        Dtype::F64 => case.inputs.clone(),
        Dtype::F32 => case
            .inputs
            .iter()
            .map(|a| a.mapv(|v| f64::from(v as f32)))
            .collect(),
    };
    let forward = forward_check(case, reference, dtype, report.oracle.min(dtype));
    let (forward_agrees, forward_note) = match &forward {
        Ok(f) => (f.agrees, f.describe()),
        Err(m) => (
            false,
            format!("burn's FORWARD fails ({m}) where the definition computes an output"),
        ),
    };
    let options = Options {
        seed: report.seed,
        ..Options::default()
    };
    let reference_passes = check_vjp(
        &*reference.forward,
        &*reference.vjp,
        &values,
        Upstream::Random,
        &options,
    )
    .map(|r| r.passed())
    .unwrap_or(false);
    let names = report.input_names();
    let gap = match case.gradients(dtype, report.seed) {
        Err(_) => None,
        Ok((grads, upstream)) => {
            let naive = (reference.vjp)(&values, &upstream);
            let tol = tolerance(report.oracle.min(dtype));
            grads
                .iter()
                .zip(&naive)
                .enumerate()
                .filter_map(|(i, (b, n))| match b {
                    None if n.iter().any(|v| *v != 0.0) => {
                        let (_, index) =
                            worst_gap(n, &ArrayD::zeros(n.raw_dim())).unwrap_or_default();
                        Some(GradientGap {
                            input: names[i].clone(),
                            naive: n[IxDyn(&index)],
                            index,
                            burn: None,
                        })
                    }
                    None => None,
                    Some(b) => match worst_gap(b, n) {
                        Some((d, index)) if d > tol * scale(n) => Some(GradientGap {
                            input: names[i].clone(),
                            burn: Some(b[IxDyn(&index)]),
                            naive: n[IxDyn(&index)],
                            index,
                        }),
                        _ => None,
                    },
                })
                .next()
        }
    };
    let fails_to_compute = matches!(
        report.status,
        Status::BackwardError | Status::WrongShape | Status::Panic
    );
    // With the forward pass in agreement, the failure is in backward and
    // must show against the naive VJP; otherwise it is in the forward pass.
    let confirmed = reference_passes && (!forward_agrees || fails_to_compute || gap.is_some());
    let gap_note = match (&gap, fails_to_compute) {
        _ if !forward_agrees => "the failure is in burn's forward pass".to_string(),
        (_, true) => "burn's backward pass gives no gradient to compare".to_string(),
        (Some(g), _) => match g.burn {
            Some(b) => format!(
                "at {}{:?} burn's gradient is {b:e}, the naive loop's {:e}",
                g.input, g.index, g.naive
            ),
            None => format!(
                "burn gives no gradient for {}; the naive loop's is {:e} at {:?}",
                g.input, g.naive, g.index
            ),
        },
        (None, _) => "burn's gradient agrees with the naive loop".to_string(),
    };
    let summary = format!(
        "naive loop: {forward_note}; its own VJP {} finite differences; {gap_note}{}",
        if reference_passes { "passes" } else { "FAILS" },
        if confirmed {
            " — confirmed"
        } else {
            " — NOT confirmed"
        }
    );
    Confirmation {
        forward: forward.ok(),
        reference_passes,
        gap,
        confirmed,
        summary,
    }
}
