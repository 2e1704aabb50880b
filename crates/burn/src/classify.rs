//! From a numerical comparison and one backward run to a [`Status`] and a
//! message per input: which way burn is wrong, if it is.

use backprop_gradcheck::{Element, Finding, PairReport, Report, Status as Verdict};
use ndarray::ArrayD;

use crate::{BurnReport, Status};

/// What one backward run with the check's upstream gradient returned, per
/// input: the gradient (as `f64`), its shape, and its float type when that
/// is not the input's.
pub(crate) struct Gradients {
    pub grads: Vec<Option<ArrayD<f64>>>,
    pub shapes: Vec<Option<Vec<usize>>>,
    pub foreign_dtype: Vec<Option<String>>,
}

/// `[1, 2]`, or `∂out[0, 1]/∂in[1, 2]` for a Jacobian entry.
fn place(e: &Element) -> String {
    match &e.output_index {
        Some(out) => format!("∂out{out:?}/∂in{:?}", e.index),
        None if e.index.is_empty() => "the projection".to_string(),
        None => format!("{:?}", e.index),
    }
}

fn describe(e: &Element) -> String {
    format!(
        "at {} burn gives {:e}, finite differences give {:e} (|a-n| {:.2e}, allowed {:.2e})",
        place(e),
        e.analytic,
        e.numeric,
        e.abs_error,
        e.allowed
    )
}

fn first_finding(pair: &PairReport, kinks: bool) -> Option<&Finding> {
    let own = if kinks { &pair.kinks } else { &pair.non_finite };
    let located = pair
        .located
        .as_ref()
        .map(|l| if kinks { &l.kinks } else { &l.non_finite });
    own.first
        .first()
        .or_else(|| located.and_then(|l| l.first.first()))
}

/// The largest finite-difference gradient element of a pair (to show that
/// the output depends on an input burn gives a zero or no gradient for).
fn dependence(pair: &PairReport) -> String {
    match pair.blamed() {
        Some(e) => format!(
            "finite differences give {:e} at {} where burn has 0",
            e.numeric,
            place(e)
        ),
        None => "the finite differences are non-zero".to_string(),
    }
}

/// Fill in each input's status and message, and the report's.
pub(crate) fn classify(report: &mut BurnReport, probe: &Gradients, checked: Report) {
    report.mode = Some(checked.mode);
    for (i, input) in report.inputs.iter_mut().enumerate() {
        input.gradient_shape = probe.shapes[i].clone();
        let pair = checked.pair(i);
        let (status, message) = match (&probe.grads[i], &probe.shapes[i], pair) {
            (_, Some(shape), _) if *shape != input.shape => (
                Status::WrongShape,
                format!(
                    "burn's gradient has shape {shape:?}, but the input has shape {:?}",
                    input.shape
                ),
            ),
            (_, _, _) if probe.foreign_dtype[i].is_some() => (
                Status::WrongShape,
                format!(
                    "burn's gradient is {}, but the input is {}",
                    probe.foreign_dtype[i].as_deref().unwrap_or("?"),
                    report.dtype
                ),
            ),
            (_, _, None) => (Status::Pass, String::new()),
            (None, _, Some(pair)) if pair.status.is_pass() || pair.status == Verdict::Kink => {
                report.notes.push(format!(
                    "burn gives no gradient for {}; its true gradient is zero here",
                    input.name
                ));
                (Status::Pass, String::new())
            }
            (None, _, Some(pair)) => (
                Status::MissingGradient,
                format!(
                    "burn returns no gradient, but the output depends on this input: {}",
                    dependence(pair)
                ),
            ),
            (Some(grad), _, Some(pair)) => match pair.status {
                Verdict::Pass => (Status::Pass, String::new()),
                Verdict::Kink => (
                    Status::Kink,
                    match first_finding(pair, true) {
                        Some(k) => format!("kink at {:?}: no derivative to compare there", k.index),
                        None => "kink: no derivative to compare".to_string(),
                    },
                ),
                Verdict::NonFinite => (
                    Status::NonFinite,
                    match first_finding(pair, false) {
                        Some(n) => format!(
                            "non-finite value {} on the {} side at {:?}",
                            n.value.as_deref().unwrap_or("?"),
                            n.side
                                .map(|s| format!("{s:?}").to_lowercase())
                                .unwrap_or_else(|| "?".into()),
                            n.index
                        ),
                        None => "non-finite value".to_string(),
                    },
                ),
                Verdict::Fail if grad.iter().all(|&v| v == 0.0) => (
                    Status::SilentZero,
                    format!(
                        "burn's gradient is exactly zero, but the output depends on this input: {}",
                        dependence(pair)
                    ),
                ),
                Verdict::Fail => (
                    Status::WrongValue,
                    match pair.blamed() {
                        Some(e) => format!(
                            "wrong gradient: {}; max relative error {:.2e}",
                            describe(e),
                            pair.max_rel_error
                        ),
                        None => "wrong gradient".to_string(),
                    },
                ),
            },
        };
        input.status = status;
        input.message = message;
    }
    report.summarise();
    // A structural failure the per-input comparison did not show (e.g. a
    // gradient that does not scale with the upstream gradient) still fails.
    let structural: Vec<&String> = checked
        .structure
        .issues
        .iter()
        .filter(|s| !s.contains("shape"))
        .collect();
    if report.status.is_ok() && !structural.is_empty() {
        report.status = Status::WrongValue;
        report.message = format!("structure: {}", structural[0]);
    }
    for issue in structural {
        report.notes.push(format!("structure: {issue}"));
    }
    report.gradcheck = Some(checked);
}
