//! The one error type of this crate.

use std::fmt;

use thiserror::Error;

/// Which input of an operation an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operand {
    /// The only input of a one-input operation.
    Only,
    /// The left operand of a two-input operation (`a` in `a @ b`).
    Left,
    /// The right operand of a two-input operation (`b` in `a @ b`).
    Right,
    /// Input number `i` (from 0) of an operation on a list of inputs
    /// (`concat`, `stack`).
    Nth(usize),
}

impl fmt::Display for Operand {
    /// `the operand`, `the left operand`, `the right operand`, `input 2`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Only => f.write_str("the operand"),
            Operand::Left => f.write_str("the left operand"),
            Operand::Right => f.write_str("the right operand"),
            Operand::Nth(i) => write!(f, "input {i}"),
        }
    }
}

/// Why a tensor operation could not be carried out.
///
/// Every variant names the operation and the shapes involved, and the
/// message says which axes clash and which operand is wrong, so a message
/// alone says what went wrong:
///
/// ```
/// use backprop_tensor::{matmul, ndarray::ArrayD};
///
/// let a = ArrayD::<f64>::zeros(vec![5, 2, 3]);
/// let b = ArrayD::<f64>::zeros(vec![2, 3, 4]);
/// let err = matmul(&a.view(), &b.view()).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "matmul: batch axes [5] of the left operand [5, 2, 3] and [2] of the right \
///      operand [2, 3, 4] do not broadcast: batch axis -1 has size 5 on the left, 2 on the right"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TensorError {
    /// Two shapes do not broadcast against each other (NumPy rules: aligned
    /// from the right, each pair of sizes equal or one of them `1`).
    #[error(
        "{op}: shapes {left:?} and {right:?} do not broadcast: {}",
        clash(left, right, "axis")
    )]
    Broadcast {
        /// The operation (`"add"`, `"max"`, ...).
        op: &'static str,
        /// Shape of the left operand.
        left: Vec<usize>,
        /// Shape of the right operand.
        right: Vec<usize>,
    },
    /// The batch axes of a matrix product (every axis but the last two) do
    /// not broadcast.
    #[error(
        "{op}: batch axes {:?} of the left operand {left:?} and {:?} of the right operand {right:?} do not broadcast: {}",
        batch(left),
        batch(right),
        clash(batch(left), batch(right), "batch axis")
    )]
    BatchBroadcast {
        /// The operation (`"matmul"`).
        op: &'static str,
        /// Shape of the left operand.
        left: Vec<usize>,
        /// Shape of the right operand.
        right: Vec<usize>,
    },
    /// A shape cannot be broadcast to a requested shape.
    #[error(
        "{op}: shape {from:?} cannot be broadcast to {to:?}: {}",
        broadcast_to_clash(from, to)
    )]
    BroadcastTo {
        /// The operation (`"broadcast_to"`).
        op: &'static str,
        /// The operand's shape.
        from: Vec<usize>,
        /// The requested shape.
        to: Vec<usize>,
    },
    /// The contracted dimensions of a matrix product differ.
    #[error(
        "{op}: inner dimensions differ: {left:?} @ {right:?}: the left operand's last axis has size {left_inner}, the right operand's {} has size {right_inner}",
        if right.len() == 1 { "only axis" } else { "second-to-last axis" }
    )]
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
    #[error("{op}: {operand} has shape {shape:?} with {}, needs at least {min}", count(shape.len(), "axis", "axes"))]
    TooFewAxes {
        /// The operation.
        op: &'static str,
        /// Which input.
        operand: Operand,
        /// The operand's shape.
        shape: Vec<usize>,
        /// The fewest axes the operation accepts.
        min: usize,
    },
    /// An operand does not have the exact number of axes the operation
    /// works on (`pick_per_row` and `softmax_cross_entropy` take a matrix).
    #[error("{op}: {operand} has shape {shape:?} with {}, needs exactly {expected}", count(shape.len(), "axis", "axes"))]
    AxisCount {
        /// The operation.
        op: &'static str,
        /// Which input.
        operand: Operand,
        /// The operand's shape.
        shape: Vec<usize>,
        /// The number of axes the operation needs.
        expected: usize,
    },
    /// An axis does not exist. Axes count from 0, or from the end when
    /// negative (`-1` is the last axis).
    #[error("{op}: axis {axis} is out of range for shape {shape:?} ({})", valid_axes(*ndim))]
    AxisOutOfRange {
        /// The operation (`"sum"`, `"softmax"`, ...).
        op: &'static str,
        /// The offending axis, as given.
        axis: isize,
        /// The shape the axis refers to.
        shape: Vec<usize>,
        /// How many axes the axis may refer to (the shape's, or one more
        /// for `expand_dims` and `stack`, which insert an axis).
        ndim: usize,
    },
    /// An axis list names the same axis twice (possibly once as negative).
    #[error("{op}: axis {axis} is named twice in {axes:?} (shape {shape:?})")]
    RepeatedAxis {
        /// The operation (`"sum"`, `"permute"`, ...).
        op: &'static str,
        /// The repeated axis, counted from 0.
        axis: usize,
        /// All requested axes, as given.
        axes: Vec<isize>,
        /// The operand's shape.
        shape: Vec<usize>,
    },
    /// A permutation does not list every axis exactly once.
    #[error("{op}: {axes:?} is not a permutation of the {} of shape {shape:?}", count(shape.len(), "axis", "axes"))]
    NotAPermutation {
        /// The operation (`"permute"`).
        op: &'static str,
        /// The requested order, as given.
        axes: Vec<isize>,
        /// The operand's shape.
        shape: Vec<usize>,
    },
    /// A reduction without an identity (`max`, `min`, `logsumexp`, ...)
    /// over an axis of size 0.
    #[error("{op}: cannot reduce shape {shape:?} over axes {axes:?}: axis {axis} is empty")]
    EmptyReduction {
        /// The operation.
        op: &'static str,
        /// The operand's shape.
        shape: Vec<usize>,
        /// The reduced axes, counted from 0.
        axes: Vec<usize>,
        /// The first empty one.
        axis: usize,
    },
    /// A reshape that would change the number of elements.
    #[error("{op}: cannot reshape {from:?} ({}) into {to:?} ({})", count(from.iter().product(), "element", "elements"), count(to.iter().product(), "element", "elements"))]
    ElementCount {
        /// The operation (`"reshape"`).
        op: &'static str,
        /// The operand's shape.
        from: Vec<usize>,
        /// The requested shape (with an inferred `-1` axis filled in when
        /// one could be inferred).
        to: Vec<usize>,
    },
    /// A requested shape that is not a shape: more than one `-1`, a
    /// negative size other than `-1`, or a `-1` that no size fits.
    #[error("{op}: invalid shape {shape:?} for {from:?} ({}): {reason}", count(from.iter().product(), "element", "elements"))]
    InvalidShape {
        /// The operation (`"reshape"`).
        op: &'static str,
        /// The operand's shape.
        from: Vec<usize>,
        /// The requested shape, as given.
        shape: Vec<isize>,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// `squeeze` of an axis whose size is not 1.
    #[error("{op}: axis {axis} of shape {shape:?} has size {}, only axes of size 1 can be removed", shape[*axis])]
    NotSqueezable {
        /// The operation (`"squeeze"`).
        op: &'static str,
        /// The axis, counted from 0.
        axis: usize,
        /// The operand's shape.
        shape: Vec<usize>,
    },
    /// `concat` or `stack` inputs whose shapes do not fit together.
    #[error(
        "{op}: input {index} has shape {shape:?}, input 0 has {first:?}: {}",
        if *stacked { "stacked inputs need equal shapes".to_owned() } else { format!("they may differ only along axis {axis}") }
    )]
    JoinShape {
        /// The operation (`"concat"`, `"stack"`).
        op: &'static str,
        /// The joining axis, counted from 0.
        axis: usize,
        /// Shape of input 0.
        first: Vec<usize>,
        /// The first input that does not fit.
        index: usize,
        /// Its shape.
        shape: Vec<usize>,
        /// Whether the operation is `stack` (equal shapes needed) rather
        /// than `concat` (equal except along the axis).
        stacked: bool,
    },
    /// Integer labels whose count differs from the number of rows.
    #[error("{op}: {} for {} (scores of shape {shape:?})", count(*labels, "label", "labels"), count(shape[0], "row", "rows"))]
    LabelCount {
        /// The operation (`"pick_per_row"`, `"softmax_cross_entropy"`).
        op: &'static str,
        /// Number of labels given.
        labels: usize,
        /// Shape of the scores (rows × classes).
        shape: Vec<usize>,
    },
    /// An integer label that names no column.
    #[error("{op}: label {label} of row {row} is out of range for {}", count(*classes, "class", "classes"))]
    LabelOutOfRange {
        /// The operation (`"pick_per_row"`, `"softmax_cross_entropy"`).
        op: &'static str,
        /// The row (example) whose label is wrong.
        row: usize,
        /// Its label.
        label: usize,
        /// Number of columns (classes).
        classes: usize,
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
    /// `backward` without a seed, or `item`, needs a single-element tensor.
    #[error("{op}: shape {shape:?} holds {}, not 1{}", count(shape.iter().product(), "element", "elements"), if *op == "backward" { "; give a seed of that shape (backward_with)" } else { "" })]
    NotScalar {
        /// The operation (`"backward"`, `"item"`).
        op: &'static str,
        /// The output's shape.
        shape: Vec<usize>,
    },
    /// A tensor of one [`TensorGraph`](crate::TensorGraph) was given to an
    /// operation, or to `backward`, of another.
    #[error(
        "{op}: input {index} is a tensor of another TensorGraph; tensors combine only with tensors of their own graph"
    )]
    ForeignTensor {
        /// The operation (`"matmul"`, `"backward"`).
        op: &'static str,
        /// Which input (0 for `backward`'s output).
        index: usize,
    },
    /// An operation was given the wrong number of inputs.
    #[error("{op}: takes {}, got {got}", count(*expected, "input", "inputs"))]
    Arity {
        /// The operation.
        op: &'static str,
        /// How many inputs it takes.
        expected: usize,
        /// How many it was given.
        got: usize,
    },
    /// An operation on a list of inputs (`concat`, `stack`) was given none.
    #[error("{op}: needs at least 1 input, got none")]
    NoInputs {
        /// The operation.
        op: &'static str,
    },
    /// An optimizer was given gradients for a different set of parameters
    /// than it was stepping before.
    #[error("{op}: {what}")]
    Parameters {
        /// The optimizer (`"sgd"`, `"adam"`).
        op: &'static str,
        /// What does not match.
        what: String,
    },
}

/// Shorthand for results of this crate.
pub type Result<T, E = TensorError> = std::result::Result<T, E>;

/// `1 axis`, `3 axes`.
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The batch axes of a matrix operand: all but the last two.
fn batch(shape: &[usize]) -> &[usize] {
    &shape[..shape.len().saturating_sub(2)]
}

/// The first axis, counted from the end, where two shapes aligned from the
/// right have sizes that are unequal and neither 1.
fn clash(left: &[usize], right: &[usize], what: &str) -> String {
    let from_end = |s: &[usize], k: usize| s.len().checked_sub(k).map_or(1, |i| s[i]);
    (1..=left.len().max(right.len()))
        .map(|k| (k, from_end(left, k), from_end(right, k)))
        .find(|&(_, l, r)| l != r && l != 1 && r != 1)
        .map_or_else(
            || "no axis clashes".to_owned(),
            |(k, l, r)| format!("{what} -{k} has size {l} on the left, {r} on the right"),
        )
}

/// Why `from` does not broadcast to exactly `to`.
fn broadcast_to_clash(from: &[usize], to: &[usize]) -> String {
    if from.len() > to.len() {
        return format!(
            "it has {}, the target only {}",
            count(from.len(), "axis", "axes"),
            to.len()
        );
    }
    let offset = to.len() - from.len();
    from.iter()
        .enumerate()
        .find(|&(i, &f)| f != 1 && f != to[offset + i])
        .map_or_else(
            || "no axis clashes".to_owned(),
            |(i, &f)| {
                format!(
                    "its axis {i} has size {f}, the target's axis {} has size {} (only size 1 stretches)",
                    offset + i,
                    to[offset + i]
                )
            },
        )
}

/// `valid axes are -2..=1` for a 2-axis shape.
fn valid_axes(ndim: usize) -> String {
    if ndim == 0 {
        "a 0-d shape has no axes".to_owned()
    } else {
        format!("valid axes are -{ndim}..={}", ndim - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals() {
        assert_eq!(count(0, "axis", "axes"), "0 axes");
        assert_eq!(count(1, "axis", "axes"), "1 axis");
        assert_eq!(count(2, "axis", "axes"), "2 axes");
    }

    #[test]
    fn clashing_axes_are_counted_from_the_end() {
        assert_eq!(
            clash(&[2, 3], &[4], "axis"),
            "axis -1 has size 3 on the left, 4 on the right"
        );
        assert_eq!(
            clash(&[5, 1, 3], &[2, 7, 3], "axis"),
            "axis -3 has size 5 on the left, 2 on the right"
        );
    }
}
