//! Errors for checks that cannot be carried out (as opposed to findings
//! about candle's gradients, which go into the report).

use thiserror::Error;

/// Why a check could not be carried out.
///
/// A wrong gradient is never an error: it is a [`CandleReport`](crate::CandleReport)
/// whose status says how candle is wrong. These errors are about the call:
/// no inputs, inputs candle cannot differentiate, a function that fails on
/// its own inputs.
#[derive(Debug, Error)]
pub enum CheckError {
    /// No inputs were given.
    #[error("no inputs to check: give at least one tensor")]
    NoInputs,
    /// An input is not `f32` or `f64`.
    #[error("input {index} has dtype {dtype:?}; only f32 and f64 inputs can be checked")]
    UnsupportedDtype {
        /// Position of the input.
        index: usize,
        /// Its dtype.
        dtype: candle_core::DType,
    },
    /// The inputs do not all have the same dtype.
    #[error(
        "input {index} has dtype {dtype:?} but input 0 has {first:?}; give inputs of one dtype"
    )]
    MixedDtypes {
        /// Position of the odd input.
        index: usize,
        /// Its dtype.
        dtype: candle_core::DType,
        /// The dtype of input 0.
        first: candle_core::DType,
    },
    /// An input is not on the CPU.
    #[error("input {index} is not on the CPU; backprop-candle checks CPU tensors only")]
    NotCpu {
        /// Position of the input.
        index: usize,
    },
    /// The layout asked for needs inputs of higher rank.
    #[error("input {index} has rank {rank}; a transposed layout needs rank 2 or more")]
    LayoutNeedsRank {
        /// Position of the input.
        index: usize,
        /// Its rank.
        rank: usize,
    },
    /// The function failed on the given inputs (forward pass, not backward).
    #[error("the function failed on its inputs ({dtype}): {message}")]
    Forward {
        /// The dtype the forward ran in.
        dtype: backprop_gradcheck::Dtype,
        /// candle's error, without backtrace.
        message: String,
    },
    /// The function's output is not a floating-point tensor.
    #[error("the function returned a {type_name} tensor; it must return f32 or f64")]
    OutputDtype {
        /// The output's dtype, as candle names it in lower case (`"u32"`).
        type_name: String,
    },
    /// The function failed at a perturbed point although it ran at the
    /// unperturbed one.
    #[error("the function failed at a perturbed input of the numerical check: {message}")]
    ForwardAtPerturbation {
        /// candle's error, without backtrace.
        message: String,
    },
    /// candle failed while converting or creating tensors for the check.
    #[error("candle error while preparing the check: {0}")]
    Candle(String),
    /// The numerical check itself refused the call.
    #[error(transparent)]
    Gradcheck(#[from] backprop_gradcheck::GradcheckError),
}

/// candle's error message without the backtrace candle may attach, and
/// without the context layers around the innermost error.
pub fn candle_message(error: &candle_core::Error) -> String {
    without_backtrace(error).to_string()
}

/// The error inside candle's backtrace wrappers.
pub(crate) fn without_backtrace(error: &candle_core::Error) -> &candle_core::Error {
    let mut inner = error;
    while let candle_core::Error::WithBacktrace { inner: next, .. } = inner {
        inner = next;
    }
    inner
}

impl From<candle_core::Error> for CheckError {
    fn from(e: candle_core::Error) -> Self {
        CheckError::Candle(candle_message(&e))
    }
}
