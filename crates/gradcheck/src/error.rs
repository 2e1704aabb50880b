//! Errors for calls the checker cannot carry out (as opposed to findings
//! about the rule under test, which go into the report).

use thiserror::Error;

/// Why a check could not be carried out.
///
/// A wrong rule is never an error: it is a report with status `fail`. These
/// errors are about the call itself: inconsistent shapes between the inputs,
/// the upstream gradient and the forward function, or a request the checker
/// refuses to run.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum GradcheckError {
    /// No inputs were given.
    #[error("no inputs to check: give at least one input")]
    NoInputs,
    /// The upstream gradient's shape differs from the forward output's.
    #[error(
        "upstream gradient has shape {upstream:?} but the forward function returns shape {output:?}"
    )]
    UpstreamShape {
        /// Shape of the given upstream gradient.
        upstream: Vec<usize>,
        /// Shape of the forward output.
        output: Vec<usize>,
    },
    /// The forward function returned a different shape for a perturbed input.
    #[error(
        "the forward function returned shape {got:?} after perturbing input {input}, but {expected:?} at the unperturbed point"
    )]
    ForwardShapeChanged {
        /// Which input was perturbed.
        input: usize,
        /// Shape at the unperturbed point.
        expected: Vec<usize>,
        /// Shape after the perturbation.
        got: Vec<usize>,
    },
    /// Exhaustive mode would hold a Jacobian larger than allowed.
    #[error(
        "exhaustive mode needs a {outputs}x{inputs} Jacobian ({entries} entries), more than the limit of {limit}; use Mode::Fast or raise Options::max_jacobian_entries"
    )]
    JacobianTooLarge {
        /// Number of output elements.
        outputs: usize,
        /// Number of input elements (all inputs together).
        inputs: usize,
        /// `outputs * inputs`.
        entries: usize,
        /// The configured limit.
        limit: usize,
    },
    /// The claimed partial derivatives have the wrong count.
    #[error("the derivative function returned {got} partial derivatives for {expected} inputs")]
    PartialCount {
        /// Number of inputs.
        expected: usize,
        /// Number of partials returned.
        got: usize,
    },
}
