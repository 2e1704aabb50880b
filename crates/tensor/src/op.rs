//! [`TensorOp`]: every operation a tensor graph can record, with its forward
//! function and its vector-Jacobian product in one match each.

use std::fmt;

use backprop_gates::{Binary, Unary};
use ndarray::{ArrayD, ArrayViewD};

use crate::elementwise::{self as ew, Side};
use crate::shape::{self, expanded_shape, resolve_shape, squeezed_shape};
use crate::{
    Axes, Element, Labels, Result, TensorError, matmul as mm, reduce, select, softmax as sm,
};

/// One tensor operation, without its inputs.
///
/// ```
/// use backprop_gates::Unary;
/// use backprop_tensor::TensorOp;
/// use ndarray::array;
///
/// let x = array![0.0_f64, 2.0].into_dyn();
/// let y = TensorOp::Unary(Unary::Tanh).forward(&[x.view()]).unwrap();
/// assert_eq!(y[0], 0.0);
/// ```
///
/// Axes are counted from 0, or from the end when negative (`-1` is the last
/// axis).
#[derive(Clone, Debug, PartialEq)]
pub enum TensorOp {
    /// A one-input gate of `backprop-gates`, elementwise.
    Unary(Unary),
    /// A two-input gate of `backprop-gates`, elementwise with NumPy
    /// broadcasting.
    Binary(Binary),
    /// A two-input gate with a constant operand on `side`, elementwise (see
    /// [`binary_const`](crate::binary_const)): `x / 2.0`, `2.0 - x`.
    BinaryConst {
        /// The gate.
        gate: Binary,
        /// The constant operand (rounded to the element type).
        constant: f64,
        /// Which operand the constant is.
        side: Side,
    },
    /// `numpy.matmul` (see [`matmul`](crate::matmul())).
    MatMul,
    /// Sum over axes (see [`sum`](crate::sum())).
    Sum {
        /// The reduced axes.
        axes: Axes,
        /// Whether they stay with size 1.
        keepdims: bool,
    },
    /// Mean over axes (see [`mean`](crate::mean())).
    Mean {
        /// The reduced axes.
        axes: Axes,
        /// Whether they stay with size 1.
        keepdims: bool,
    },
    /// Maximum over axes, ties sharing the gradient equally (see
    /// [`amax`](crate::amax())).
    Max {
        /// The reduced axes.
        axes: Axes,
        /// Whether they stay with size 1.
        keepdims: bool,
    },
    /// Minimum over axes (see [`amin`](crate::amin())).
    Min {
        /// The reduced axes.
        axes: Axes,
        /// Whether they stay with size 1.
        keepdims: bool,
    },
    /// Swap of the last two axes (see [`transpose`](crate::transpose())).
    Transpose,
    /// The axes in this order (see [`permute`](crate::permute())).
    Permute(Vec<isize>),
    /// Row-major reshape to this shape, one size possibly `-1` (see
    /// [`reshape`](crate::reshape())).
    Reshape(Vec<isize>),
    /// Removal of these size-1 axes, or of all when empty (see
    /// [`squeeze`](crate::squeeze())).
    Squeeze(Vec<isize>),
    /// Insertion of a size-1 axis (see
    /// [`expand_dims`](crate::expand_dims())).
    ExpandDims(isize),
    /// Broadcast to this shape (see
    /// [`broadcast_to`](crate::broadcast_to())).
    BroadcastTo(Vec<usize>),
    /// Any positive number of inputs joined along an existing axis (see
    /// [`concat`](crate::concat())).
    Concat(isize),
    /// Any positive number of inputs of one shape joined along a new axis
    /// (see [`stack`](crate::stack())).
    Stack(isize),
    /// One element per row chosen by integer labels (see
    /// [`pick_per_row`](crate::pick_per_row())).
    PickPerRow(Labels),
    /// Softmax along an axis (see [`softmax`](crate::softmax())).
    Softmax(isize),
    /// Log-softmax along an axis (see
    /// [`log_softmax`](crate::log_softmax())).
    LogSoftmax(isize),
    /// `ln Σ exp` over axes (see [`logsumexp`](crate::logsumexp())).
    LogSumExp {
        /// The reduced axes.
        axes: Axes,
        /// Whether they stay with size 1.
        keepdims: bool,
    },
    /// Mean softmax cross-entropy of a score matrix against integer labels
    /// (see [`softmax_cross_entropy`](crate::softmax_cross_entropy())).
    SoftmaxCrossEntropy(Labels),
}

impl TensorOp {
    /// Short name: the gate's name for elementwise ops, else the op's
    /// (`"matmul"`, `"sum"`, `"amax"`, `"permute"`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            TensorOp::Unary(g) => g.name(),
            TensorOp::Binary(g) | TensorOp::BinaryConst { gate: g, .. } => g.name(),
            TensorOp::MatMul => "matmul",
            TensorOp::Sum { .. } => "sum",
            TensorOp::Mean { .. } => "mean",
            TensorOp::Max { .. } => "amax",
            TensorOp::Min { .. } => "amin",
            TensorOp::Transpose => "transpose",
            TensorOp::Permute(_) => "permute",
            TensorOp::Reshape(_) => "reshape",
            TensorOp::Squeeze(_) => "squeeze",
            TensorOp::ExpandDims(_) => "expand_dims",
            TensorOp::BroadcastTo(_) => "broadcast_to",
            TensorOp::Concat(_) => "concat",
            TensorOp::Stack(_) => "stack",
            TensorOp::PickPerRow(_) => "pick_per_row",
            TensorOp::Softmax(_) => "softmax",
            TensorOp::LogSoftmax(_) => "log_softmax",
            TensorOp::LogSumExp { .. } => "logsumexp",
            TensorOp::SoftmaxCrossEntropy(_) => "softmax_cross_entropy",
        }
    }

    /// Number of inputs: `Some(1)` or `Some(2)`, or `None` for `concat`
    /// and `stack`, which take any positive number.
    pub fn arity(&self) -> Option<usize> {
        match self {
            TensorOp::Binary(_) | TensorOp::MatMul => Some(2),
            TensorOp::Concat(_) | TensorOp::Stack(_) => None,
            _ => Some(1),
        }
    }

    /// Checks the number of inputs.
    ///
    /// # Errors
    ///
    /// [`TensorError::Arity`] for the wrong number,
    /// [`TensorError::NoInputs`] when `concat` or `stack` get none.
    pub fn check_arity(&self, got: usize) -> Result<()> {
        match self.arity() {
            Some(expected) if expected != got => Err(TensorError::Arity {
                op: self.name(),
                expected,
                got,
            }),
            None if got == 0 => Err(TensorError::NoInputs { op: self.name() }),
            _ => Ok(()),
        }
    }

    /// The op's output for `inputs`.
    ///
    /// # Errors
    ///
    /// [`TensorError::Arity`] or [`TensorError::NoInputs`] for the wrong
    /// number of inputs, and each op's shape errors (see the functions it
    /// delegates to).
    pub fn forward<A: Element>(&self, inputs: &[ArrayViewD<'_, A>]) -> Result<ArrayD<A>> {
        self.check_arity(inputs.len())?;
        let x = &inputs[0];
        match self {
            TensorOp::Unary(g) => Ok(ew::unary(*g, x)),
            TensorOp::Binary(g) => ew::binary(*g, x, &inputs[1]),
            TensorOp::BinaryConst {
                gate,
                constant,
                side,
            } => Ok(ew::binary_const(*gate, x, *constant, *side)),
            TensorOp::MatMul => mm::matmul(x, &inputs[1]),
            TensorOp::Sum { axes, keepdims } => reduce::sum(x, axes, *keepdims),
            TensorOp::Mean { axes, keepdims } => reduce::mean(x, axes, *keepdims),
            TensorOp::Max { axes, keepdims } => reduce::amax(x, axes, *keepdims),
            TensorOp::Min { axes, keepdims } => reduce::amin(x, axes, *keepdims),
            TensorOp::Transpose => Ok(shape::transpose(x.view())?.to_owned()),
            TensorOp::Permute(axes) => Ok(shape::permute(x.view(), axes)?.to_owned()),
            TensorOp::Reshape(to) => shape::reshape(x, to),
            TensorOp::Squeeze(axes) => shape::squeeze(x, axes),
            TensorOp::ExpandDims(axis) => shape::expand_dims(x, *axis),
            TensorOp::BroadcastTo(to) => shape::broadcast_to(x, to),
            TensorOp::Concat(axis) => shape::concat(inputs, *axis),
            TensorOp::Stack(axis) => shape::stack(inputs, *axis),
            TensorOp::PickPerRow(labels) => select::pick_per_row(x, labels),
            TensorOp::Softmax(axis) => sm::softmax(x, *axis),
            TensorOp::LogSoftmax(axis) => sm::log_softmax(x, *axis),
            TensorOp::LogSumExp { axes, keepdims } => sm::logsumexp(x, axes, *keepdims),
            TensorOp::SoftmaxCrossEntropy(labels) => sm::softmax_cross_entropy(x, labels),
        }
    }

    /// [`forward`](TensorOp::forward), and what the backward pass can
    /// reuse rather than recompute: the softmax probabilities of
    /// [`SoftmaxCrossEntropy`](TensorOp::SoftmaxCrossEntropy) (`None` for
    /// the other ops).
    pub(crate) fn forward_saving<A: Element>(
        &self,
        inputs: &[ArrayViewD<'_, A>],
    ) -> Result<(ArrayD<A>, Option<ArrayD<A>>)> {
        match self {
            TensorOp::SoftmaxCrossEntropy(labels) if inputs.len() == 1 => {
                let (loss, probs) = sm::softmax_cross_entropy_with_probs(&inputs[0], labels)?;
                Ok((loss, Some(probs)))
            }
            _ => Ok((self.forward(inputs)?, None)),
        }
    }

    /// [`vjp_wanted`](TensorOp::vjp_wanted) using what
    /// [`forward_saving`](TensorOp::forward_saving) kept, if anything.
    pub(crate) fn vjp_saved<A: Element>(
        &self,
        inputs: &[ArrayViewD<'_, A>],
        output: &ArrayViewD<'_, A>,
        upstream: &ArrayViewD<'_, A>,
        wanted: &[bool],
        saved: Option<&ArrayD<A>>,
    ) -> Result<Vec<Option<Grad<A>>>> {
        match (self, saved) {
            // ds = dL · (p - one_hot(y)) / N, p as the forward pass left it.
            (TensorOp::SoftmaxCrossEntropy(labels), Some(probs)) if wanted == [true] => {
                let ds = sm::cross_entropy_vjp_from_probs(&probs.view(), labels, upstream)?;
                Ok(vec![Some(Grad::New(ds))])
            }
            _ => self.vjp_wanted(inputs, output, upstream, wanted),
        }
    }

    /// The vector-Jacobian product: given the inputs, the op's `output` on
    /// them and the upstream gradient `dL/d output`, the gradient `dL/d
    /// input` for each input (each with its input's shape).
    ///
    /// # Errors
    ///
    /// As [`forward`](TensorOp::forward), and
    /// [`TensorError::ShapeMismatch`] when `output` or `upstream` does not
    /// have the output's shape.
    pub fn vjp<A: Element>(
        &self,
        inputs: &[ArrayViewD<'_, A>],
        output: &ArrayViewD<'_, A>,
        upstream: &ArrayViewD<'_, A>,
    ) -> Result<Vec<ArrayD<A>>> {
        let wanted = vec![true; inputs.len()];
        let grads = self.vjp_wanted(inputs, output, upstream, &wanted)?;
        Ok(grads
            .into_iter()
            .map(|g| g.expect("every gradient was wanted").into_array(upstream))
            .collect())
    }

    /// [`vjp`](TensorOp::vjp) for the inputs `wanted` only (`None` for the
    /// others): no work is spent on inputs that need no gradient. Each arm
    /// states its rule.
    pub(crate) fn vjp_wanted<A: Element>(
        &self,
        inputs: &[ArrayViewD<'_, A>],
        output: &ArrayViewD<'_, A>,
        upstream: &ArrayViewD<'_, A>,
        wanted: &[bool],
    ) -> Result<Vec<Option<Grad<A>>>> {
        self.check_arity(inputs.len())?;
        let x = &inputs[0];
        let dy = upstream;
        let name = self.name();
        if !wanted.contains(&true) {
            return Ok(inputs.iter().map(|_| None).collect());
        }
        let one = |grad: Result<ArrayD<A>>| grad.map(|g| vec![Some(Grad::New(g))]);
        match self {
            // dx = f'(x, y) · dy, the gate's own derivative.
            TensorOp::Unary(g) => one(ew::unary_vjp(*g, x, output, dy)),
            // da = ∂f/∂a · dy, db = ∂f/∂b · dy, each through sum_to (dy
            // itself when the derivative is 1 and nothing was broadcast).
            TensorOp::Binary(g) => {
                Ok(
                    ew::binary_vjp_wanted(*g, x, &inputs[1], output, dy, [wanted[0], wanted[1]])?
                        .into(),
                )
            }
            // dx = ∂f/∂(x's side) · dy.
            TensorOp::BinaryConst {
                gate,
                constant,
                side,
            } => one(ew::binary_const_vjp(*gate, x, *constant, *side, output, dy)),
            // dA = dC·Bᵀ, dB = Aᵀ·dC, each through sum_to.
            TensorOp::MatMul => {
                let grads = mm::matmul_vjp_wanted(x, &inputs[1], dy, [wanted[0], wanted[1]])?;
                Ok(grads.into_iter().map(|g| g.map(Grad::New)).collect())
            }
            // dx = dy broadcast over the reduced axes.
            TensorOp::Sum { axes, keepdims } => {
                one(reduce::sum_vjp(x.shape(), axes, *keepdims, dy))
            }
            // dx = dy / n broadcast over the reduced axes.
            TensorOp::Mean { axes, keepdims } => {
                one(reduce::mean_vjp(x.shape(), axes, *keepdims, dy))
            }
            // dx = dy · [x = y] / #ties.
            TensorOp::Max { axes, keepdims } => {
                one(reduce::amax_vjp(x, output, axes, *keepdims, dy))
            }
            TensorOp::Min { axes, keepdims } => {
                one(reduce::amin_vjp(x, output, axes, *keepdims, dy))
            }
            // dx = dyᵀ (the same swap).
            TensorOp::Transpose => {
                let mut expected = x.shape().to_vec();
                shape::check_transpose(&expected)?;
                let nd = expected.len();
                expected.swap(nd - 2, nd - 1);
                ew::same_shape(name, &expected, dy.shape())?;
                one(Ok(shape::transpose(dy.view())?.to_owned()))
            }
            // dx = dy permuted by the inverse permutation.
            TensorOp::Permute(axes) => one(shape::permute_vjp(x.shape(), axes, dy)),
            // dx = dy laid out in x's shape again.
            TensorOp::Reshape(to) => {
                let out = resolve_shape(x.shape(), to)?;
                one(shape::reshape_vjp(name, x.shape(), &out, dy))
            }
            TensorOp::Squeeze(axes) => {
                let out = squeezed_shape(x.shape(), axes)?;
                one(shape::reshape_vjp(name, x.shape(), &out, dy))
            }
            TensorOp::ExpandDims(axis) => {
                let out = expanded_shape(x.shape(), *axis)?;
                one(shape::reshape_vjp(name, x.shape(), &out, dy))
            }
            // dx = sum_to(dy, x's shape).
            TensorOp::BroadcastTo(to) => {
                shape::check_broadcast_to(x.shape(), to)?;
                ew::same_shape(name, to, dy.shape())?;
                one(crate::sum_to(dy.view(), x.shape()))
            }
            // dxᵢ = dy's slice (concat) or index (stack) i along the axis.
            TensorOp::Concat(axis) | TensorOp::Stack(axis) => {
                let shapes: Vec<&[usize]> = inputs.iter().map(|x| x.shape()).collect();
                let grads = if matches!(self, TensorOp::Concat(_)) {
                    shape::concat_vjp(&shapes, *axis, dy)?
                } else {
                    shape::stack_vjp(&shapes, *axis, dy)?
                };
                Ok(grads
                    .into_iter()
                    .zip(wanted)
                    .map(|(g, &w)| w.then_some(Grad::New(g)))
                    .collect())
            }
            // dx[i, yᵢ] = dy[i], zero elsewhere (a scatter).
            TensorOp::PickPerRow(labels) => one(select::pick_per_row_vjp(x.shape(), labels, dy)),
            // dx = y ⊙ (dy - Σ dy ⊙ y).
            TensorOp::Softmax(axis) => one(sm::softmax_vjp(output, *axis, dy)),
            // dx = dy - exp(y) · Σ dy.
            TensorOp::LogSoftmax(axis) => one(sm::log_softmax_vjp(output, *axis, dy)),
            // dx = dy · exp(x - y).
            TensorOp::LogSumExp { axes, keepdims } => {
                one(sm::logsumexp_vjp(x, output, axes, *keepdims, dy))
            }
            // ds = dL · (softmax(s) - one_hot(y)) / N.
            TensorOp::SoftmaxCrossEntropy(labels) => {
                one(sm::softmax_cross_entropy_vjp(x, labels, dy))
            }
        }
    }
}

/// One input's gradient from [`TensorOp::vjp_wanted`].
#[derive(Debug)]
pub(crate) enum Grad<A> {
    /// A new array of the input's shape.
    New(ArrayD<A>),
    /// Exactly the upstream gradient (the input has the output's shape and
    /// its local derivative is 1, as for either side of `a + b`): the tape
    /// shares it instead of copying it.
    Upstream,
}

impl<A: Clone> Grad<A> {
    /// The gradient as an array of its own, given the upstream gradient.
    pub(crate) fn into_array(self, upstream: &ArrayViewD<'_, A>) -> ArrayD<A> {
        match self {
            Grad::New(grad) => grad,
            Grad::Upstream => upstream.to_owned(),
        }
    }
}

/// `reduction(all)` or `reduction(axes=[..])`, with `, keepdims`.
fn fmt_reduction(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    axes: &Axes,
    keepdims: bool,
) -> fmt::Result {
    match axes {
        Axes::All => write!(f, "{name}(all")?,
        Axes::List(list) => write!(f, "{name}(axes={list:?}")?,
    }
    if keepdims {
        f.write_str(", keepdims")?;
    }
    f.write_str(")")
}

impl fmt::Display for TensorOp {
    /// The name with its parameters: `sigmoid`, `powi(2)`, `div(x, 2)`,
    /// `sum(all)`, `mean(axes=[0, -1], keepdims)`, `reshape([4, -1])`,
    /// `softmax(axis=-1)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.name();
        match self {
            TensorOp::Unary(g) => write!(f, "{g}"),
            TensorOp::Binary(g) => write!(f, "{g}"),
            TensorOp::BinaryConst {
                constant,
                side: Side::Right,
                ..
            } => write!(f, "{name}(x, {constant})"),
            TensorOp::BinaryConst {
                constant,
                side: Side::Left,
                ..
            } => write!(f, "{name}({constant}, x)"),
            TensorOp::Sum { axes, keepdims }
            | TensorOp::Mean { axes, keepdims }
            | TensorOp::Max { axes, keepdims }
            | TensorOp::Min { axes, keepdims }
            | TensorOp::LogSumExp { axes, keepdims } => fmt_reduction(f, name, axes, *keepdims),
            TensorOp::Permute(v) | TensorOp::Reshape(v) => write!(f, "{name}({v:?})"),
            TensorOp::Squeeze(v) if v.is_empty() => write!(f, "{name}(all)"),
            TensorOp::Squeeze(v) => write!(f, "{name}({v:?})"),
            TensorOp::BroadcastTo(v) => write!(f, "{name}({v:?})"),
            TensorOp::ExpandDims(axis)
            | TensorOp::Concat(axis)
            | TensorOp::Stack(axis)
            | TensorOp::Softmax(axis)
            | TensorOp::LogSoftmax(axis) => write!(f, "{name}(axis={axis})"),
            TensorOp::PickPerRow(labels) | TensorOp::SoftmaxCrossEntropy(labels) => {
                write!(f, "{name}({labels})")
            }
            TensorOp::MatMul | TensorOp::Transpose => f.write_str(name),
        }
    }
}
