//! The operations of a [`Tensor`] as methods: each records one
//! [`TensorOp`] node. Axes count from 0, or from the end when negative.

use backprop_gates::{Binary, Unary};

use super::Tensor;
use crate::{Axes, Element, Labels, Result, TensorOp};

impl<'g, A: Element> Tensor<'g, A> {
    fn apply1(self, op: TensorOp) -> Result<Self> {
        self.graph.apply(op, &[self])
    }

    /// Records an op that cannot fail on any input.
    fn infallible(self, op: TensorOp) -> Self {
        self.apply1(op).expect("this operation accepts every shape")
    }

    /// Applies a one-input gate elementwise. Cannot fail.
    pub fn unary(self, gate: Unary) -> Self {
        self.infallible(TensorOp::Unary(gate))
    }

    /// Applies a two-input gate elementwise, broadcasting like NumPy.
    ///
    /// # Errors
    ///
    /// [`TensorError::Broadcast`](crate::TensorError::Broadcast) when the
    /// shapes do not broadcast.
    pub fn binary(self, gate: Binary, other: Self) -> Result<Self> {
        self.graph.apply(TensorOp::Binary(gate), &[self, other])
    }

    /// Applies a two-input gate elementwise with a constant on `side`
    /// (`x ∘ c` or `c ∘ x`). Cannot fail. The operators `x / 2.0`,
    /// `2.0 - x`, ... call this.
    pub fn binary_const(self, gate: Binary, constant: f64, side: crate::Side) -> Self {
        self.infallible(TensorOp::BinaryConst {
            gate,
            constant,
            side,
        })
    }

    /// `self @ other` with `numpy.matmul` semantics; see
    /// [`matmul`](crate::matmul()).
    ///
    /// # Errors
    ///
    /// As [`matmul`](crate::matmul()).
    pub fn matmul(self, other: Self) -> Result<Self> {
        self.graph.apply(TensorOp::MatMul, &[self, other])
    }

    /// Sum of all elements (a 0-d tensor).
    pub fn sum(self) -> Self {
        self.infallible(TensorOp::Sum {
            axes: Axes::All,
            keepdims: false,
        })
    }

    /// Sum over `axes`, which are removed.
    ///
    /// # Errors
    ///
    /// [`TensorError::AxisOutOfRange`](crate::TensorError::AxisOutOfRange)
    /// or [`TensorError::RepeatedAxis`](crate::TensorError::RepeatedAxis).
    pub fn sum_axes(self, axes: &[isize]) -> Result<Self> {
        self.apply1(TensorOp::Sum {
            axes: axes.into(),
            keepdims: false,
        })
    }

    /// Sum over `axes`, which stay with size 1 (NumPy's `keepdims=True`),
    /// so the result broadcasts against `self`.
    ///
    /// # Errors
    ///
    /// As [`sum_axes`](Tensor::sum_axes).
    pub fn sum_keepdims(self, axes: &[isize]) -> Result<Self> {
        self.apply1(TensorOp::Sum {
            axes: axes.into(),
            keepdims: true,
        })
    }

    /// Mean of all elements (a 0-d tensor).
    pub fn mean(self) -> Self {
        self.infallible(TensorOp::Mean {
            axes: Axes::All,
            keepdims: false,
        })
    }

    /// Mean over `axes`, which are removed.
    ///
    /// # Errors
    ///
    /// As [`sum_axes`](Tensor::sum_axes).
    pub fn mean_axes(self, axes: &[isize]) -> Result<Self> {
        self.apply1(TensorOp::Mean {
            axes: axes.into(),
            keepdims: false,
        })
    }

    /// Mean over `axes`, which stay with size 1.
    ///
    /// # Errors
    ///
    /// As [`sum_axes`](Tensor::sum_axes).
    pub fn mean_keepdims(self, axes: &[isize]) -> Result<Self> {
        self.apply1(TensorOp::Mean {
            axes: axes.into(),
            keepdims: true,
        })
    }

    /// Maximum of all elements (a 0-d tensor); ties share the gradient
    /// equally (see [`amax`](crate::amax())). For the elementwise maximum
    /// of two tensors see [`max`](Tensor::max).
    ///
    /// # Errors
    ///
    /// [`TensorError::EmptyReduction`](crate::TensorError::EmptyReduction)
    /// for an empty tensor.
    pub fn max_all(self) -> Result<Self> {
        self.apply1(TensorOp::Max {
            axes: Axes::All,
            keepdims: false,
        })
    }

    /// Maximum over `axes`, which are removed; ties share the gradient
    /// equally.
    ///
    /// # Errors
    ///
    /// As [`amax`](crate::amax()).
    pub fn max_axes(self, axes: &[isize]) -> Result<Self> {
        self.apply1(TensorOp::Max {
            axes: axes.into(),
            keepdims: false,
        })
    }

    /// Maximum over `axes`, which stay with size 1 (so the result
    /// broadcasts against `self`, as in `x - x.max(axis=1, keepdims=True)`).
    ///
    /// ```
    /// use backprop_tensor::TensorGraph;
    /// use ndarray::array;
    ///
    /// let g = TensorGraph::<f64>::new();
    /// let x = g.leaf(array![[1.0, 4.0, 4.0], [2.0, 0.0, -1.0]]);
    /// let row_max = x.max_keepdims(&[-1])?; // (2, 1)
    /// let grads = g.backward(row_max.sum())?;
    /// assert_eq!(grads.wrt(x), array![[0.0, 0.5, 0.5], [1.0, 0.0, 0.0]].into_dyn());
    /// # Ok::<(), backprop_tensor::TensorError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`amax`](crate::amax()).
    pub fn max_keepdims(self, axes: &[isize]) -> Result<Self> {
        self.apply1(TensorOp::Max {
            axes: axes.into(),
            keepdims: true,
        })
    }

    /// Minimum of all elements (a 0-d tensor); see
    /// [`max_all`](Tensor::max_all).
    ///
    /// # Errors
    ///
    /// As [`max_all`](Tensor::max_all).
    pub fn min_all(self) -> Result<Self> {
        self.apply1(TensorOp::Min {
            axes: Axes::All,
            keepdims: false,
        })
    }

    /// Minimum over `axes`, which are removed.
    ///
    /// # Errors
    ///
    /// As [`amin`](crate::amin()).
    pub fn min_axes(self, axes: &[isize]) -> Result<Self> {
        self.apply1(TensorOp::Min {
            axes: axes.into(),
            keepdims: false,
        })
    }

    /// Minimum over `axes`, which stay with size 1.
    ///
    /// # Errors
    ///
    /// As [`amin`](crate::amin()).
    pub fn min_keepdims(self, axes: &[isize]) -> Result<Self> {
        self.apply1(TensorOp::Min {
            axes: axes.into(),
            keepdims: true,
        })
    }

    /// The last two axes swapped (`Xᵀ` for a matrix, batched for more
    /// axes). For NumPy's `x.T`, which reverses every axis, see
    /// [`reverse_axes`](Tensor::reverse_axes).
    ///
    /// # Errors
    ///
    /// [`TensorError::TooFewAxes`](crate::TensorError::TooFewAxes) for
    /// fewer than two axes.
    pub fn t(self) -> Result<Self> {
        self.apply1(TensorOp::Transpose)
    }

    /// The axes in the order `axes`: axis `i` of the result is axis
    /// `axes[i]` of `self` (NumPy's `transpose(x, axes)`). A view, no copy.
    ///
    /// # Errors
    ///
    /// As [`permute`](crate::permute()).
    pub fn permute(self, axes: &[isize]) -> Result<Self> {
        self.apply1(TensorOp::Permute(axes.to_vec()))
    }

    /// Every axis in reverse order: NumPy's `x.T` (for a matrix, the
    /// transpose; for a `(B, M, N)` stack, `(N, M, B)` — use
    /// [`t`](Tensor::t) to transpose each matrix of a stack). A view.
    pub fn reverse_axes(self) -> Self {
        let nd = self.shape().len() as isize;
        self.infallible(TensorOp::Permute((0..nd).rev().collect()))
    }

    /// The same elements in row-major order, laid out in `shape`; one size
    /// may be `-1` and is inferred.
    ///
    /// # Errors
    ///
    /// As [`reshape`](crate::reshape()).
    pub fn reshape(self, shape: &[isize]) -> Result<Self> {
        self.apply1(TensorOp::Reshape(shape.to_vec()))
    }

    /// Without the size-1 axes `axes` (every size-1 axis when empty).
    ///
    /// # Errors
    ///
    /// As [`squeeze`](crate::squeeze()).
    pub fn squeeze(self, axes: &[isize]) -> Result<Self> {
        self.apply1(TensorOp::Squeeze(axes.to_vec()))
    }

    /// With a new size-1 axis at position `axis` of the result.
    ///
    /// # Errors
    ///
    /// As [`expand_dims`](crate::expand_dims()).
    pub fn expand_dims(self, axis: isize) -> Result<Self> {
        self.apply1(TensorOp::ExpandDims(axis))
    }

    /// Broadcast to `shape` (a copy); its gradient is summed back.
    ///
    /// # Errors
    ///
    /// As [`broadcast_to`](crate::broadcast_to()).
    pub fn broadcast_to(self, shape: &[usize]) -> Result<Self> {
        self.apply1(TensorOp::BroadcastTo(shape.to_vec()))
    }

    /// `self[i, labels[i]]` for each row `i` of a matrix (NumPy's
    /// `x[range(N), y]`); the gradient scatters back into those positions.
    ///
    /// # Errors
    ///
    /// As [`Labels::check`].
    pub fn pick_per_row(self, labels: impl Into<Labels>) -> Result<Self> {
        self.apply1(TensorOp::PickPerRow(labels.into()))
    }

    /// Softmax along `axis`, max-subtracted (see
    /// [`softmax`](crate::softmax())).
    ///
    /// # Errors
    ///
    /// [`TensorError::AxisOutOfRange`](crate::TensorError::AxisOutOfRange).
    pub fn softmax(self, axis: isize) -> Result<Self> {
        self.apply1(TensorOp::Softmax(axis))
    }

    /// Log-softmax along `axis` (see
    /// [`log_softmax`](crate::log_softmax())).
    ///
    /// # Errors
    ///
    /// [`TensorError::AxisOutOfRange`](crate::TensorError::AxisOutOfRange).
    pub fn log_softmax(self, axis: isize) -> Result<Self> {
        self.apply1(TensorOp::LogSoftmax(axis))
    }

    /// `ln Σ exp` over `axes`, which are removed (see
    /// [`logsumexp`](crate::logsumexp())).
    ///
    /// # Errors
    ///
    /// As [`logsumexp`](crate::logsumexp()).
    pub fn logsumexp_axes(self, axes: &[isize]) -> Result<Self> {
        self.apply1(TensorOp::LogSumExp {
            axes: axes.into(),
            keepdims: false,
        })
    }

    /// `ln Σ exp` over `axes`, which stay with size 1.
    ///
    /// # Errors
    ///
    /// As [`logsumexp`](crate::logsumexp()).
    pub fn logsumexp_keepdims(self, axes: &[isize]) -> Result<Self> {
        self.apply1(TensorOp::LogSumExp {
            axes: axes.into(),
            keepdims: true,
        })
    }

    /// The mean softmax cross-entropy of these scores (N × K) against
    /// integer labels: a 0-d loss whose gradient is `(probs - one_hot) / N`
    /// (see [`softmax_cross_entropy`](crate::softmax_cross_entropy())).
    ///
    /// ```
    /// use backprop_tensor::TensorGraph;
    /// use ndarray::array;
    ///
    /// let g = TensorGraph::<f64>::new();
    /// let scores = g.leaf(array![[0.0, 0.0], [0.0, 0.0]]);
    /// let loss = scores.softmax_cross_entropy([0, 1])?;
    /// assert!((loss.item()? - 2f64.ln()).abs() < 1e-15);
    /// let grads = g.backward(loss)?;
    /// // (probs - one_hot) / N with probs = 1/2 and N = 2.
    /// assert_eq!(grads.wrt(scores), array![[-0.25, 0.25], [0.25, -0.25]].into_dyn());
    /// # Ok::<(), backprop_tensor::TensorError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`softmax_cross_entropy`](crate::softmax_cross_entropy()).
    pub fn softmax_cross_entropy(self, labels: impl Into<Labels>) -> Result<Self> {
        self.apply1(TensorOp::SoftmaxCrossEntropy(labels.into()))
    }

    /// `xʸ` elementwise; see [`backprop_gates::Pow`].
    ///
    /// # Errors
    ///
    /// [`TensorError::Broadcast`](crate::TensorError::Broadcast) when the
    /// shapes do not broadcast.
    pub fn pow(self, y: Self) -> Result<Self> {
        self.binary(Binary::Pow, y)
    }
    /// `max(x, y)` elementwise; see [`backprop_gates::Max`]. For the
    /// maximum over axes see [`max_axes`](Tensor::max_axes).
    ///
    /// # Errors
    ///
    /// [`TensorError::Broadcast`](crate::TensorError::Broadcast) when the
    /// shapes do not broadcast.
    pub fn max(self, y: Self) -> Result<Self> {
        self.binary(Binary::Max, y)
    }
    /// `min(x, y)` elementwise; see [`backprop_gates::Min`].
    ///
    /// # Errors
    ///
    /// [`TensorError::Broadcast`](crate::TensorError::Broadcast) when the
    /// shapes do not broadcast.
    pub fn min(self, y: Self) -> Result<Self> {
        self.binary(Binary::Min, y)
    }

    /// `1 / (1 + e⁻ˣ)`; see [`backprop_gates::Sigmoid`].
    pub fn sigmoid(self) -> Self {
        self.unary(Unary::Sigmoid)
    }
    /// `tanh x`; see [`backprop_gates::Tanh`].
    pub fn tanh(self) -> Self {
        self.unary(Unary::Tanh)
    }
    /// `eˣ`; see [`backprop_gates::Exp`].
    pub fn exp(self) -> Self {
        self.unary(Unary::Exp)
    }
    /// `ln x`; see [`backprop_gates::Ln`].
    pub fn ln(self) -> Self {
        self.unary(Unary::Ln)
    }
    /// `√x`; see [`backprop_gates::Sqrt`].
    pub fn sqrt(self) -> Self {
        self.unary(Unary::Sqrt)
    }
    /// `1 / x`; see [`backprop_gates::Recip`].
    pub fn recip(self) -> Self {
        self.unary(Unary::Recip)
    }
    /// `xⁿ`; see [`backprop_gates::Powi`].
    pub fn powi(self, n: i32) -> Self {
        self.unary(Unary::Powi(n))
    }
    /// `xᶜ` for a constant `c`; see [`backprop_gates::Powf`].
    pub fn powf(self, c: f64) -> Self {
        self.unary(Unary::Powf(c))
    }
    /// `max(x, 0)`; see [`backprop_gates::Relu`].
    pub fn relu(self) -> Self {
        self.unary(Unary::Relu)
    }
    /// Leaky ReLU with `slope` below zero; see [`backprop_gates::LeakyRelu`].
    pub fn leaky_relu(self, slope: f64) -> Self {
        self.unary(Unary::LeakyRelu(slope))
    }
    /// `ln(1 + eˣ)`; see [`backprop_gates::Softplus`].
    pub fn softplus(self) -> Self {
        self.unary(Unary::Softplus)
    }
    /// `|x|`; see [`backprop_gates::Abs`].
    pub fn abs(self) -> Self {
        self.unary(Unary::Abs)
    }
    /// `sin x`; see [`backprop_gates::Sin`].
    pub fn sin(self) -> Self {
        self.unary(Unary::Sin)
    }
    /// `cos x`; see [`backprop_gates::Cos`].
    pub fn cos(self) -> Self {
        self.unary(Unary::Cos)
    }
}
