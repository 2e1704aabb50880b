//! What candle's backward errors mean: a misshapen gradient that candle's
//! own accumulation refused, or any other failure.

use backprop_audit::Status;

use crate::error::{candle_message, without_backtrace};

/// The verdict on an error from candle's backward pass. candle adds each
/// gradient contribution to the input's accumulated gradient; when a rule
/// produces a gradient of the wrong shape, that `add` fails with
/// `ShapeMismatchBinaryOp`, whose typed `lhs`/`rhs` shapes say which shape
/// was needed: a wrong shape, not a failing backward pass.
pub(crate) fn backward_error(error: &candle_core::Error) -> (Status, String) {
    let text = candle_message(error);
    match without_backtrace(error) {
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
    }
}
