//! The second route: a failing check is confirmed against the op's naive
//! loop, independently of the finite differences through the framework.

use backprop_gradcheck::{Dtype, Options, Upstream, check_vjp};
use ndarray::{ArrayD, Dimension, IxDyn};
use serde::Serialize;

use crate::{GradientReport, Reference, Status};

/// The framework's gradient of each input (`None` where it gives none) and
/// the upstream gradient it was computed for.
pub type GradientsAt = (Vec<Option<ArrayD<f64>>>, ArrayD<f64>);

/// How far the framework's gradient is from the naive loop's, at the worst
/// element of one input.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GradientGap {
    /// The input's name.
    pub input: String,
    /// The element.
    pub index: Vec<usize>,
    /// The framework's value there (`None`: it gives no gradient).
    pub framework: Option<f64>,
    /// The naive loop's value there.
    pub naive: f64,
}

/// What the naive loop says about one check.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Confirmation {
    /// `max |framework - naive| / max(1, max |naive|)` of the forward pass
    /// (in the precision of the check's oracle).
    pub forward_error: f64,
    /// Whether the framework's forward agrees with the naive one (so the
    /// finite differences through it are the right oracle).
    pub forward_agrees: bool,
    /// Whether the naive VJP passes finite differences of the naive forward
    /// (so the naive code is right); `None` when not needed.
    pub reference_passes: Option<bool>,
    /// Where the framework's gradient is furthest from the naive VJP beyond
    /// tolerance (with the check's upstream gradient); `None` when they
    /// agree or the framework gives no gradient to compare.
    pub gap: Option<GradientGap>,
    /// The failure is about backward and confirmed by the naive loop.
    pub confirmed: bool,
    /// One line for the report.
    pub summary: String,
}

/// Relative tolerance of the forward and gradient comparisons against the
/// naive loop, by dtype: a few hundred ulps of the largest value in `f32`
/// (sums over a few thousand terms), 1e-9 in `f64`.
///
/// ```
/// use backprop_audit::tolerance;
/// use backprop_gradcheck::Dtype;
///
/// assert!(tolerance(Dtype::F32) > tolerance(Dtype::F64));
/// ```
pub fn tolerance(dtype: Dtype) -> f64 {
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

/// The framework's forward pass against the naive loop's.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ForwardCheck {
    /// `max |framework - naive| / max(1, max |naive|)`.
    pub error: f64,
    /// Whether that is within the tolerance of the dtype.
    pub agrees: bool,
    /// The output element where they differ most.
    pub index: Vec<usize>,
    /// The framework's value there.
    pub framework: f64,
    /// The naive loop's value there.
    pub naive: f64,
}

impl ForwardCheck {
    /// One line for the report, `framework` naming the framework.
    pub fn describe(&self, framework: &str) -> String {
        if self.agrees {
            format!(
                "{framework}'s forward agrees with it (max relative difference {:.1e})",
                self.error
            )
        } else {
            format!(
                "{framework}'s FORWARD disagrees with it: out{:?} is {:e}, the definition gives {:e} (relative difference {:.1e})",
                self.index, self.framework, self.naive, self.error
            )
        }
    }
}

/// The framework's forward output `framework` (computed in `dtype`)
/// against the naive loop's `naive`.
///
/// ```
/// use backprop_audit::forward_check;
/// use backprop_gradcheck::Dtype;
/// use ndarray::arr1;
///
/// let naive = arr1(&[1.0, 2.0]).into_dyn();
/// let ok = forward_check(&arr1(&[1.0, 2.0 + 1e-12]).into_dyn(), &naive, Dtype::F64)?;
/// assert!(ok.agrees);
/// let off = forward_check(&arr1(&[1.0, 2.5]).into_dyn(), &naive, Dtype::F64)?;
/// assert_eq!((off.agrees, off.index.as_slice()), (false, &[1][..]));
/// # Ok::<(), String>(())
/// ```
///
/// # Errors
///
/// When the shapes differ, in words.
pub fn forward_check(
    framework: &ArrayD<f64>,
    naive: &ArrayD<f64>,
    dtype: Dtype,
) -> Result<ForwardCheck, String> {
    forward_check_within(framework, naive, tolerance(dtype))
}

/// [`forward_check`] with a relative tolerance of the adapter's own, for an
/// adapter that holds a framework's forward pass tighter than
/// [`tolerance`] (burn's `f32` forward to `1e-4`).
///
/// ```
/// use backprop_audit::forward_check_within;
/// use ndarray::arr1;
///
/// let naive = arr1(&[1.0, 2.0]).into_dyn();
/// let framework = arr1(&[1.0, 2.0 + 4e-4]).into_dyn();
/// assert!(forward_check_within(&framework, &naive, 1e-3)?.agrees);
/// assert!(!forward_check_within(&framework, &naive, 1e-4)?.agrees);
/// # Ok::<(), String>(())
/// ```
///
/// # Errors
///
/// When the shapes differ, in words.
pub fn forward_check_within(
    framework: &ArrayD<f64>,
    naive: &ArrayD<f64>,
    tolerance: f64,
) -> Result<ForwardCheck, String> {
    match worst_gap(framework, naive) {
        Some((d, index)) => {
            let error = d / scale(naive);
            Ok(ForwardCheck {
                error,
                agrees: error <= tolerance,
                framework: framework[IxDyn(&index)],
                naive: naive[IxDyn(&index)],
                index,
            })
        }
        None => Err(format!(
            "the forward has shape {:?}, the naive loop's {:?}",
            framework.shape(),
            naive.shape()
        )),
    }
}

/// Confirm a failing check by the naive loop: `report` is the check,
/// `values` its inputs, `forward` the framework's output at them in the
/// oracle's precision, `gradients` its gradients in the check's dtype with
/// the check's upstream gradient (or why they could not be had).
///
/// The failure is confirmed when the naive VJP passes finite differences
/// of the naive forward (so the naive code is right) and either the
/// framework's forward disagrees with the definition, or its backward pass
/// fails, or its gradient disagrees with the naive VJP.
pub fn confirm(
    report: &GradientReport,
    reference: &Reference,
    values: &[ArrayD<f64>],
    forward: Result<ArrayD<f64>, String>,
    gradients: Result<GradientsAt, String>,
) -> Confirmation {
    let tol = tolerance(report.dtype);
    confirm_within(report, reference, values, forward, gradients, tol)
}

/// [`confirm`] with the adapter's own relative tolerance for the gradient
/// comparison against the naive VJP, for an adapter whose cases are small
/// enough to hold `f32` tighter than [`tolerance`] (burn's `1e-4`): a
/// tighter bound confirms a small but real gradient error (burn's
/// tanh-approximated GELU derivative) that `1e-3` would let through.
pub fn confirm_within(
    report: &GradientReport,
    reference: &Reference,
    values: &[ArrayD<f64>],
    forward: Result<ArrayD<f64>, String>,
    gradients: Result<GradientsAt, String>,
    gradient_tolerance: f64,
) -> Confirmation {
    let framework = report.framework.as_str();
    let naive_forward = (reference.forward)(values);
    let (forward_error, forward_agrees, forward_note) = match forward
        .and_then(|out| forward_check(&out, &naive_forward, report.oracle))
    {
        Ok(f) => (f.error, f.agrees, f.describe(framework)),
        Err(m) => (
            f64::INFINITY,
            false,
            format!("{framework}'s FORWARD fails ({m}) where the definition computes an output"),
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
    let gap = match gradients {
        Err(_) => None,
        Ok((grads, upstream)) => {
            let naive = (reference.vjp)(values, &upstream);
            let tol = gradient_tolerance;
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
                            framework: None,
                        })
                    }
                    None => None,
                    Some(c) => match worst_gap(c, n) {
                        Some((d, index)) if d > tol * scale(n) => Some(GradientGap {
                            input: names[i].clone(),
                            framework: Some(c[IxDyn(&index)]),
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
        _ if !forward_agrees => format!("the failure is in {framework}'s forward pass"),
        (_, true) => format!("{framework}'s backward pass gives no gradient to compare"),
        (Some(g), _) => match g.framework {
            Some(c) => format!(
                "at {}{:?} {framework}'s gradient is {c:e}, the naive loop's {:e}",
                g.input, g.index, g.naive
            ),
            None => format!(
                "{framework} gives no gradient for {}; the naive loop's is {:e} at {:?}",
                g.input, g.naive, g.index
            ),
        },
        (None, _) => format!("{framework}'s gradient agrees with the naive loop"),
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
