//! What candle's backward run gave per input, in `backprop-audit`'s terms:
//! the candle-specific half of classifying a check (gradient shapes of
//! strided storages, gradients on skipped elements, candle's shape errors).

use backprop_audit::{GradientReport, Observed, Status};

use crate::check::Gradients;
use crate::error::{candle_message, without_backtrace};

/// Each input's gradient as [`Observed`]: wrong when its shape is not the
/// (storage) input's, or when it reaches elements the strided view does
/// not use.
pub(crate) fn observe(gradients: &Gradients, storage_shapes: &[Vec<usize>]) -> Vec<Observed> {
    (0..gradients.grads.len())
        .map(|i| match (&gradients.grads[i], &gradients.shapes[i]) {
            (_, Some(shape)) if *shape != storage_shapes[i] => Observed::Wrong {
                status: Status::WrongShape,
                message: format!(
                    "candle's gradient has shape {shape:?}, but the input (as stored) has shape {:?}",
                    storage_shapes[i]
                ),
            },
            (None, _) => Observed::Missing,
            (Some(_), _) if gradients.skipped[i] > 0.0 => Observed::Wrong {
                status: Status::WrongValue,
                message: format!(
                    "candle's gradient reaches elements the strided view does not use (up to {:e})",
                    gradients.skipped[i]
                ),
            },
            (Some(g), _) => Observed::Gradient(g.clone()),
        })
        .collect()
}

/// A report for a backward pass that returned an error. candle accumulates
/// gradients with `add`, which fails on a shape mismatch: such an error is a
/// gradient of the wrong shape, not a missing feature.
pub(crate) fn backward_error(report: GradientReport, error: &candle_core::Error) -> GradientReport {
    let text = candle_message(error);
    match without_backtrace(error) {
        candle_core::Error::ShapeMismatchBinaryOp { lhs, rhs, op } if *op == "add" => {
            let message = format!(
                "candle's backward pass produced a gradient of shape {:?} where shape {:?} was needed (candle: {text})",
                rhs.dims(),
                lhs.dims()
            );
            report.stopped(Status::WrongShape, message)
        }
        _ => report.stopped(
            Status::BackwardError,
            format!("candle's backward pass failed: {text}"),
        ),
    }
}
