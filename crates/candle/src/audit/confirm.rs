//! The second route: a failing check is confirmed against the op's naive
//! loop, independently of the finite differences through candle.

use backprop_gradcheck::{Dtype, Options, Upstream, check_vjp};
use candle_core::DType;
use ndarray::{ArrayD, Dimension, IxDyn};
use serde::Serialize;

use super::case::Case;
use super::naive::Reference;
use crate::check::{candle_forward, candle_gradients};
use crate::{CandleReport, Status};

/// How far candle's gradient is from the naive loop's, at the worst
/// element of one input.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GradientGap {
    /// The input's name.
    pub input: String,
    /// The element.
    pub index: Vec<usize>,
    /// candle's value there (`None`: candle gives no gradient).
    pub candle: Option<f64>,
    /// The naive loop's value there.
    pub naive: f64,
}

/// What the naive loop says about one check.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Confirmation {
    /// `max |candle - naive| / max(1, max |naive|)` of the forward pass (in
    /// the dtype of the check).
    pub forward_error: f64,
    /// Whether candle's forward agrees with the naive one (so the finite
    /// differences through candle are the right oracle).
    pub forward_agrees: bool,
    /// Whether the naive VJP passes finite differences of the naive forward
    /// (so the naive code is right); `None` when not needed.
    pub reference_passes: Option<bool>,
    /// Where candle's gradient is furthest from the naive VJP beyond
    /// tolerance (with the check's upstream gradient); `None` when they
    /// agree or candle gives no gradient to compare.
    pub gap: Option<GradientGap>,
    /// The failure is about backward and confirmed by the naive loop.
    pub confirmed: bool,
    /// One line for the report.
    pub summary: String,
}

/// Relative tolerance of forward and gradient comparisons by dtype.
fn tolerance(dtype: Dtype) -> f64 {
    match dtype {
        Dtype::F64 => 1e-9,
        Dtype::F32 => 1e-3,
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

/// candle's forward pass against the naive loop's.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ForwardCheck {
    /// `max |candle - naive| / max(1, max |naive|)`.
    pub error: f64,
    /// Whether that is within the tolerance of the dtype.
    pub agrees: bool,
    /// The output element where they differ most.
    pub index: Vec<usize>,
    /// candle's value there.
    pub candle: f64,
    /// The naive loop's value there.
    pub naive: f64,
}

impl ForwardCheck {
    /// One line for the report.
    pub fn describe(&self) -> String {
        if self.agrees {
            format!(
                "candle's forward agrees with it (max relative difference {:.1e})",
                self.error
            )
        } else {
            format!(
                "candle's FORWARD disagrees with it: out{:?} is {:e}, the definition gives {:e}",
                self.index, self.candle, self.naive
            )
        }
    }
}

/// candle's forward (in `dtype`, in the case's layout) against the naive
/// loop's; an error when candle fails or the shapes differ.
pub(crate) fn forward_check(
    case: &Case,
    reference: &Reference,
    values: &[ArrayD<f64>],
    dtype: Dtype,
) -> Result<ForwardCheck, String> {
    let candle_dtype = match dtype {
        Dtype::F64 => DType::F64,
        Dtype::F32 => DType::F32,
    };
    let candle = candle_forward(&*case.f, values, candle_dtype, case.layout)?;
    let naive = (reference.forward)(values);
    match worst_gap(&candle, &naive) {
        Some((d, index)) => {
            let error = d / scale(&naive);
            Ok(ForwardCheck {
                error,
                agrees: error <= tolerance(dtype),
                candle: candle[IxDyn(&index)],
                naive: naive[IxDyn(&index)],
                index,
            })
        }
        None => Err(format!(
            "candle's forward has shape {:?}, the naive loop's {:?}",
            candle.shape(),
            naive.shape()
        )),
    }
}

/// Confirm a failing check by the naive loop.
pub(crate) fn confirm(
    case: &Case,
    reference: &Reference,
    values: &[ArrayD<f64>],
    report: &CandleReport,
) -> Confirmation {
    let dtype = match report.dtype {
        Dtype::F64 => DType::F64,
        Dtype::F32 => DType::F32,
    };
    let (forward_error, forward_agrees, forward_note) =
        match forward_check(case, reference, values, report.oracle) {
            Ok(f) => (f.error, f.agrees, f.describe()),
            Err(m) => (
                f64::INFINITY,
                false,
                format!("candle's FORWARD fails ({m}) where the definition computes an output"),
            ),
        };
    let mut options = Options {
        seed: report.seed,
        ..Options::default()
    };
    if values.iter().map(|v| v.len()).sum::<usize>() > 4096 {
        options.mode = backprop_gradcheck::Mode::Fast;
    }
    let reference_passes = check_vjp(
        &*reference.forward,
        &*reference.vjp,
        values,
        Upstream::Random,
        &options,
    )
    .map(|r| r.passed())
    .unwrap_or(false);

    let names = report.input_names();
    let gap = match candle_gradients(&*case.f, values, dtype, case.layout, report.seed) {
        Err(_) => None,
        Ok((grads, upstream)) => {
            let naive = (reference.vjp)(values, &upstream);
            let tol = tolerance(report.dtype);
            grads
                .iter()
                .zip(&naive)
                .enumerate()
                .filter_map(|(i, (c, n))| match c {
                    None if n.iter().any(|v| *v != 0.0) => {
                        let (_, index) =
                            worst_gap(n, &ArrayD::zeros(n.raw_dim())).unwrap_or_default();
                        Some(GradientGap {
                            input: names[i].clone(),
                            naive: n[IxDyn(&index)],
                            index,
                            candle: None,
                        })
                    }
                    None => None,
                    Some(c) => match worst_gap(c, n) {
                        Some((d, index)) if d > tol * scale(n) => Some(GradientGap {
                            input: names[i].clone(),
                            candle: Some(c[IxDyn(&index)]),
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
        _ if !forward_agrees => "the failure is in candle's forward pass".to_string(),
        (_, true) => "candle's backward pass gives no gradient to compare".to_string(),
        (Some(g), _) => match g.candle {
            Some(c) => format!(
                "at {}{:?} candle's gradient is {c:e}, the naive loop's {:e}",
                g.input, g.index, g.naive
            ),
            None => format!(
                "candle gives no gradient for {}; the naive loop's is {:e} at {:?}",
                g.input, g.naive, g.index
            ),
        },
        (None, _) => "candle's gradient agrees with the naive loop".to_string(),
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
        forward_error,
        forward_agrees,
        reference_passes: Some(reference_passes),
        gap,
        confirmed,
        summary,
    }
}
