//! Errors for checks that cannot be carried out (as opposed to findings
//! about burn, which go into the report).

use thiserror::Error;

/// Why a check could not be run.
///
/// A wrong gradient is never an error: it is a [`Status`](crate::Status)
/// in the report. These errors are about the call: inputs that do not fit
/// what the function asks of them, or a request the checker refuses.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum CheckError {
    /// No inputs were given.
    #[error("no inputs to check: give at least one")]
    NoInputs,
    /// An input's rank is not one the check takes.
    #[error("input {index} has shape {shape:?}: ranks 1 to {max} are supported", max = crate::MAX_RANK)]
    UnsupportedRank {
        /// Which input.
        index: usize,
        /// Its shape.
        shape: Vec<usize>,
    },
    /// An input is not a float type the check runs in.
    #[error("input {index} is {dtype}: give f32 or f64 inputs")]
    UnsupportedDtype {
        /// Which input.
        index: usize,
        /// Its type, as burn names it.
        dtype: String,
    },
    /// The inputs are not all of one float type.
    #[error("input {index} is {dtype}, but input 0 is {first}: give all inputs in one float type")]
    MixedDtypes {
        /// Which input.
        index: usize,
        /// Its type, as burn names it.
        dtype: String,
        /// The type of input 0.
        first: &'static str,
    },
    /// The function failed at a perturbed input after running at the
    /// inputs themselves (its domain ends within a finite-difference step).
    #[error("the f64 forward failed at a perturbed input: {message}")]
    ForwardAtPerturbation {
        /// What it said.
        message: String,
    },
    /// The function asked for an input that was not given.
    #[error("the function asked for input {index}, but only {count} inputs were given")]
    NoSuchInput {
        /// The index asked for.
        index: usize,
        /// How many inputs there are.
        count: usize,
    },
    /// The function asked for an input at a rank it does not have.
    #[error("input {index} has shape {shape:?} (rank {}), but the function asked for rank {rank}", shape.len())]
    RankMismatch {
        /// Which input.
        index: usize,
        /// Its shape.
        shape: Vec<usize>,
        /// The rank asked for.
        rank: usize,
    },
    /// A constant tensor's data does not fit the rank asked for.
    #[error("a constant of shape {shape:?} (rank {}) cannot be a rank-{rank} tensor", shape.len())]
    ConstantRank {
        /// The constant's shape.
        shape: Vec<usize>,
        /// The rank asked for.
        rank: usize,
    },
    /// The device is already in use with another default float type.
    #[error(
        "the device's default float type is already {current}, so it cannot become {wanted}: configure it before any check runs"
    )]
    DeviceConfigured {
        /// The type asked for.
        wanted: &'static str,
        /// The type it has.
        current: &'static str,
    },
    /// The function refused its inputs with an error of its own.
    #[error("the function failed: {0}")]
    Function(String),
    /// The numerical checker refused the call.
    #[error(transparent)]
    Gradcheck(#[from] backprop_gradcheck::GradcheckError),
}
