//! From a numerical comparison and one backward run to a [`Status`] and a
//! message per input: which way candle is wrong, if it is.

use crate::check::Gradients;
use crate::error::{candle_message, without_backtrace};
use crate::{CandleReport, Status};
use backprop_gradcheck::{Element, Finding, PairReport, Report, Status as Verdict};

/// What the backward run with the check's upstream gradient returned.
pub(crate) struct Probe<'a> {
    pub gradients: &'a Gradients,
    pub storage_shapes: Vec<Vec<usize>>,
}

/// `[1, 2]`, or `d out[0, 1] / d in[1, 2]` for a Jacobian entry.
fn place(e: &Element) -> String {
    match &e.output_index {
        Some(out) => format!("∂out{out:?}/∂in{:?}", e.index),
        None if e.index.is_empty() => "the projection".to_string(),
        None => format!("{:?}", e.index),
    }
}

fn describe(e: &Element) -> String {
    format!(
        "at {} candle gives {:e}, finite differences give {:e} (|a-n| {:.2e}, allowed {:.2e})",
        place(e),
        e.analytic,
        e.numeric,
        e.abs_error,
        e.allowed
    )
}

/// The element a pair's failure is blamed on: the located one after a fast
/// check, else the worst compared one.
fn blamed(pair: &PairReport) -> Option<&Element> {
    pair.blamed()
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
/// the output depends on an input candle gives a zero or no gradient for).
fn dependence(pair: &PairReport) -> String {
    match blamed(pair) {
        Some(e) => format!(
            "finite differences give {:e} at {} where candle has 0",
            e.numeric,
            place(e)
        ),
        None => "the finite differences are non-zero".to_string(),
    }
}

/// Fill in each input's status and message, and the report's.
pub(crate) fn classify(report: &mut CandleReport, probe: &Probe<'_>, checked: Report) {
    report.mode = Some(checked.mode);
    let g = probe.gradients;
    for (i, input) in report.inputs.iter_mut().enumerate() {
        input.gradient_shape = g.shapes[i].clone();
        let pair = checked.pair(i);
        let (status, message) = match (&g.grads[i], &g.shapes[i], pair) {
            (_, Some(shape), _) if *shape != probe.storage_shapes[i] => (
                Status::WrongShape,
                format!(
                    "candle's gradient has shape {shape:?}, but the input (as stored) has shape {:?}",
                    probe.storage_shapes[i]
                ),
            ),
            (_, _, None) => (Status::Pass, String::new()),
            (None, _, Some(pair)) if pair.status.is_pass() || pair.status == Verdict::Kink => {
                report.notes.push(format!(
                    "candle gives no gradient for {}; its true gradient is zero here",
                    input.name
                ));
                (Status::Pass, String::new())
            }
            (None, _, Some(pair)) => (
                Status::MissingGradient,
                format!(
                    "candle returns no gradient, but the output depends on this input: {}",
                    dependence(pair)
                ),
            ),
            (Some(_), _, _) if g.skipped[i] > 0.0 => (
                Status::WrongValue,
                format!(
                    "candle's gradient reaches elements the strided view does not use (up to {:e})",
                    g.skipped[i]
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
                        "candle's gradient is exactly zero, but the output depends on this input: {}",
                        dependence(pair)
                    ),
                ),
                Verdict::Fail => (
                    Status::WrongValue,
                    match blamed(pair) {
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

/// A report for a backward pass that returned an error. candle accumulates
/// gradients with `add`, which fails on a shape mismatch: such an error is a
/// gradient of the wrong shape, not a missing feature.
pub(crate) fn backward_error(mut report: CandleReport, error: &candle_core::Error) -> CandleReport {
    let text = candle_message(error);
    let (status, message) = match without_backtrace(error) {
        candle_core::Error::ShapeMismatchBinaryOp { lhs, rhs, op } if *op == "add" => (
            Status::WrongShape,
            format!(
                "candle's backward pass produced a gradient of shape {:?} where shape {:?} was needed (candle: {text})",
                rhs.dims(),
                lhs.dims()
            ),
        ),
        _ => (
            Status::BackwardError,
            format!("candle's backward pass failed: {text}"),
        ),
    };
    report.status = status;
    report.message.clone_from(&message);
    for input in &mut report.inputs {
        input.status = status;
        input.message.clone_from(&message);
        input.gradient_shape = None;
    }
    report
}
