//! The one error type of this crate.

use thiserror::Error;

/// Why a tensor operation could not be carried out.
///
/// Every variant names the operation and the shapes involved, so a message
/// alone says what went wrong: `matmul: inner dimensions differ: [2, 3] @
/// [4, 5] (3 vs 4)`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TensorError {
    /// Two shapes do not broadcast against each other (NumPy rules: aligned
    /// from the right, each pair of sizes equal or one of them `1`).
    #[error("{op}: shapes {left:?} and {right:?} do not broadcast")]
    Broadcast {
        /// The operation (`"add"`, `"max"`, `"matmul"` for batch axes, ...).
        op: &'static str,
        /// Shape of the left operand (for `matmul`: its batch axes).
        left: Vec<usize>,
        /// Shape of the right operand (for `matmul`: its batch axes).
        right: Vec<usize>,
    },
    /// The contracted dimensions of a matrix product differ.
    #[error("{op}: inner dimensions differ: {left:?} @ {right:?} ({left_inner} vs {right_inner})")]
    InnerDimension {
        /// The operation (`"matmul"`).
        op: &'static str,
        /// Shape of the left operand.
        left: Vec<usize>,
        /// Shape of the right operand.
        right: Vec<usize>,
        /// The left operand's last axis.
        left_inner: usize,
        /// The right operand's contracted axis (second to last, or only).
        right_inner: usize,
    },
    /// An operand has fewer axes than the operation needs (a 0-d `matmul`
    /// operand, a 1-d `transpose`).
    #[error("{op}: operand of shape {shape:?} has {} axes, needs at least {min}", shape.len())]
    TooFewAxes {
        /// The operation.
        op: &'static str,
        /// The operand's shape.
        shape: Vec<usize>,
        /// The fewest axes the operation accepts.
        min: usize,
    },
    /// A reduction axis does not exist.
    #[error("{op}: axis {axis} is out of range for shape {shape:?}")]
    AxisOutOfRange {
        /// The operation (`"sum"`, `"mean"`).
        op: &'static str,
        /// The offending axis.
        axis: usize,
        /// The operand's shape.
        shape: Vec<usize>,
    },
    /// A reduction names the same axis twice.
    #[error("{op}: axis {axis} is repeated in {axes:?} (shape {shape:?})")]
    RepeatedAxis {
        /// The operation (`"sum"`, `"mean"`).
        op: &'static str,
        /// The repeated axis.
        axis: usize,
        /// All requested axes.
        axes: Vec<usize>,
        /// The operand's shape.
        shape: Vec<usize>,
    },
    /// A reshape that would change the number of elements.
    #[error("{op}: cannot reshape {from:?} ({} elements) into {to:?} ({} elements)", from.iter().product::<usize>(), to.iter().product::<usize>())]
    ElementCount {
        /// The operation (`"reshape"`).
        op: &'static str,
        /// The operand's shape.
        from: Vec<usize>,
        /// The requested shape.
        to: Vec<usize>,
    },
    /// A gradient cannot be summed back to an input's shape (it is not a
    /// broadcast of that shape).
    #[error("{op}: cannot sum shape {from:?} down to {to:?}")]
    SumTo {
        /// The operation (`"sum_to"`).
        op: &'static str,
        /// Shape of the gradient.
        from: Vec<usize>,
        /// The shape it should be reduced to.
        to: Vec<usize>,
    },
    /// Two shapes must be equal and are not (a seed or upstream gradient and
    /// the output it belongs to).
    #[error("{op}: shape {got:?} does not match the expected {expected:?}")]
    ShapeMismatch {
        /// The operation (`"backward"`, or the op whose gradient is asked).
        op: &'static str,
        /// The shape that was expected.
        expected: Vec<usize>,
        /// The shape that was given.
        got: Vec<usize>,
    },
    /// `backward` without a seed needs a single-element output.
    #[error("{op}: output of shape {shape:?} is not a scalar; give a seed of that shape")]
    NotScalar {
        /// The operation (`"backward"`).
        op: &'static str,
        /// The output's shape.
        shape: Vec<usize>,
    },
    /// An operation was given the wrong number of inputs.
    #[error("{op}: takes {expected} input(s), got {got}")]
    Arity {
        /// The operation.
        op: &'static str,
        /// How many inputs it takes.
        expected: usize,
        /// How many it was given.
        got: usize,
    },
}

/// Shorthand for results of this crate.
pub type Result<T, E = TensorError> = std::result::Result<T, E>;
