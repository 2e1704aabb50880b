//! Tensor graphs: [`TensorGraph`] records tensor operations through
//! [`Tensor`] handles onto the same tape engine as scalar graphs.

mod arith;
mod diagram;
mod node;

use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;

use backprop_gates::{Binary, Real, Unary};
use backprop_graph::engine::{Gradients, NodeId, Tape};
use ndarray::{Array, ArrayD, ArrayViewD, Dimension};

use crate::reduce::{check_reshape, check_transpose};
use crate::{Axes, Element, Result, TensorError, TensorOp};
pub(crate) use node::{Node, Value};

/// A tensor computation graph: every operation on its [`Tensor`]s is
/// recorded on a tape (the engine of `backprop-graph`, shared with scalar
/// graphs), with its forward value computed at once.
///
/// ```
/// use backprop_tensor::TensorGraph;
/// use ndarray::array;
///
/// // loss = sum(sigmoid(X·W1 + b1)·W2): every gradient from one backward call.
/// let g = TensorGraph::<f64>::new();
/// let x = g.leaf(array![[0.5, -1.0], [2.0, 0.25], [1.0, 1.0]]); // (3, 2)
/// let w1 = g.leaf(array![[0.1, 0.2, -0.3], [0.4, -0.5, 0.6]]);  // (2, 3)
/// let b1 = g.leaf(array![0.01, -0.02, 0.03]);                   // (3,) broadcast over rows
/// let w2 = g.leaf(array![1.0, -2.0, 0.5]);                      // (3,): matrix·vector
/// let hidden = (x.matmul(w1)? + b1)?.sigmoid();
/// let loss = hidden.matmul(w2)?.sum();
/// let grads = g.backward(loss)?;
/// assert_eq!(grads.wrt(w1).shape(), &[2, 3]);
/// assert_eq!(grads.wrt(b1).shape(), &[3]);
/// // d loss / d W2 = the column sums of the hidden layer.
/// let column_sums = hidden.value().sum_axis(ndarray::Axis(0));
/// assert!((grads.wrt(w2) - column_sums).iter().all(|d| d.abs() < 1e-15));
/// # Ok::<(), backprop_tensor::TensorError>(())
/// ```
pub struct TensorGraph<A: Element = f64> {
    tape: RefCell<Tape<Node<A>>>,
}

impl<A: Element> Default for TensorGraph<A> {
    fn default() -> Self {
        TensorGraph {
            tape: RefCell::new(Tape::new()),
        }
    }
}

impl<A: Element> fmt::Debug for TensorGraph<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TensorGraph")
            .field("element", &A::NAME)
            .field("nodes", &self.len())
            .finish()
    }
}

/// A handle to a node of a [`TensorGraph`]: cheap to copy.
///
/// Methods and operators record new nodes. Operations that can meet
/// incompatible shapes (`+ - * /` between tensors, [`matmul`](Tensor::matmul),
/// ...) return a [`Result`]; elementwise gates and operations with an `f64`
/// constant (`x * 2.0`, `x + 1.0`, `-x`) cannot fail and return a
/// `Tensor`. Combining handles of two different graphs is a programming
/// error and panics.
pub struct Tensor<'g, A: Element = f64> {
    graph: &'g TensorGraph<A>,
    id: NodeId,
}

impl<A: Element> Clone for Tensor<'_, A> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<A: Element> Copy for Tensor<'_, A> {}

impl<A: Element> fmt::Debug for Tensor<'_, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tensor")
            .field("id", &self.id.index())
            .field("shape", &self.shape())
            .finish()
    }
}

impl<A: Element> TensorGraph<A> {
    /// An empty graph.
    pub fn new() -> Self {
        TensorGraph::default()
    }

    /// A new input tensor (of any dimensionality).
    pub fn leaf<D: Dimension>(&self, value: Array<A, D>) -> Tensor<'_, A> {
        let id = self.tape.borrow_mut().push(
            Node::Leaf(PhantomData),
            Value(value.into_dyn().into_shared()),
        );
        Tensor { graph: self, id }
    }

    /// A new named input tensor.
    pub fn named<D: Dimension>(&self, name: &str, value: Array<A, D>) -> Tensor<'_, A> {
        self.leaf(value).named(name)
    }

    /// Number of nodes recorded so far.
    pub fn len(&self) -> usize {
        self.tape.borrow().len()
    }

    /// Whether nothing has been recorded.
    pub fn is_empty(&self) -> bool {
        self.tape.borrow().is_empty()
    }

    /// Records `op` applied to `inputs`, computing its value.
    ///
    /// `transpose` and `reshape` (of a row-major input) record a view of
    /// their input's data rather than a copy.
    ///
    /// # Errors
    ///
    /// [`TensorError::Arity`] for the wrong number of inputs, and the op's
    /// shape errors ([`TensorOp::forward`]); nothing is recorded then.
    pub fn apply<'g>(&'g self, op: TensorOp, inputs: &[Tensor<'g, A>]) -> Result<Tensor<'g, A>> {
        for &t in inputs {
            self.check_same(t);
        }
        if inputs.len() != op.arity() {
            return Err(TensorError::Arity {
                op: op.name(),
                expected: op.arity(),
                got: inputs.len(),
            });
        }
        let value = {
            let tape = self.tape.borrow();
            let first = &tape.value(inputs[0].id).0;
            match &op {
                TensorOp::Transpose => {
                    check_transpose(first.shape())?;
                    let mut t = first.clone();
                    let nd = t.ndim();
                    t.swap_axes(nd - 2, nd - 1);
                    t
                }
                TensorOp::Reshape(shape) if first.is_standard_layout() => {
                    check_reshape(first.shape(), shape)?;
                    first
                        .clone()
                        .into_shape_with_order(shape.as_slice())
                        .expect("a row-major array reshapes in place")
                }
                _ => {
                    let views: Vec<ArrayViewD<'_, A>> =
                        inputs.iter().map(|t| tape.value(t.id).0.view()).collect();
                    op.forward(&views)?.into_shared()
                }
            }
        };
        let wiring = [inputs[0].id, inputs[inputs.len() - 1].id];
        let id = self
            .tape
            .borrow_mut()
            .push(Node::Apply { op, inputs: wiring }, Value(value));
        Ok(Tensor { graph: self, id })
    }

    /// Gradients of a single-element `output` (such as a loss from
    /// [`Tensor::sum`]) with respect to every node it depends on, seeded
    /// with `d output / d output = 1`.
    ///
    /// Each call starts from zero, so calling it twice gives equal results.
    ///
    /// # Errors
    ///
    /// [`TensorError::NotScalar`] when `output` has more than one element
    /// (use [`backward_with`](TensorGraph::backward_with)).
    pub fn backward(&self, output: Tensor<'_, A>) -> Result<TensorGradients<A>> {
        let shape = output.shape();
        if shape.iter().product::<usize>() != 1 {
            return Err(TensorError::NotScalar {
                op: "backward",
                shape,
            });
        }
        self.backward_with(output, ArrayD::from_elem(shape, <A as Real>::one()))
    }

    /// Gradients of `output` with respect to every node it depends on, with
    /// `seed` as the upstream gradient `dL/d output` (a vector-Jacobian
    /// product).
    ///
    /// # Errors
    ///
    /// [`TensorError::ShapeMismatch`] when `seed` does not have `output`'s
    /// shape.
    pub fn backward_with<D: Dimension>(
        &self,
        output: Tensor<'_, A>,
        seed: Array<A, D>,
    ) -> Result<TensorGradients<A>> {
        self.check_same(output);
        let expected = output.shape();
        if seed.shape() != expected.as_slice() {
            return Err(TensorError::ShapeMismatch {
                op: "backward",
                expected,
                got: seed.shape().to_vec(),
            });
        }
        let seed = Value(seed.into_dyn().into_shared());
        Ok(TensorGradients(
            self.tape.borrow().backward(output.id, seed),
        ))
    }

    fn check_same(&self, t: Tensor<'_, A>) {
        assert!(
            std::ptr::eq(self, t.graph),
            "a Tensor of one TensorGraph was used with another TensorGraph"
        );
    }
}

impl<'g, A: Element> Tensor<'g, A> {
    /// The forward value (a copy).
    pub fn value(self) -> ArrayD<A> {
        self.graph.tape.borrow().value(self.id).0.to_owned()
    }

    /// The shape of the forward value.
    pub fn shape(self) -> Vec<usize> {
        self.graph.tape.borrow().value(self.id).0.shape().to_vec()
    }

    /// The node's id on its graph's tape.
    pub fn id(self) -> NodeId {
        self.id
    }

    /// The graph this handle belongs to.
    pub fn graph(self) -> &'g TensorGraph<A> {
        self.graph
    }

    /// Names the node and returns it.
    pub fn named(self, name: &str) -> Self {
        self.graph.tape.borrow_mut().set_name(self.id, name);
        self
    }

    /// The node's name, if it was given one.
    pub fn name(self) -> Option<String> {
        self.graph.tape.borrow().name(self.id).map(str::to_owned)
    }

    fn apply1(self, op: TensorOp) -> Result<Self> {
        self.graph.apply(op, &[self])
    }

    /// Applies a one-input gate elementwise. Cannot fail.
    pub fn unary(self, gate: Unary) -> Self {
        self.apply1(TensorOp::Unary(gate))
            .expect("an elementwise gate accepts any shape")
    }

    /// Applies a two-input gate elementwise, broadcasting like NumPy.
    ///
    /// # Errors
    ///
    /// [`TensorError::Broadcast`] when the shapes do not broadcast.
    pub fn binary(self, gate: Binary, other: Self) -> Result<Self> {
        self.graph.apply(TensorOp::Binary(gate), &[self, other])
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
        self.apply1(TensorOp::Sum(Axes::All))
            .expect("summing every element cannot fail")
    }

    /// Sum over `axes`, which are removed.
    ///
    /// # Errors
    ///
    /// [`TensorError::AxisOutOfRange`] or [`TensorError::RepeatedAxis`].
    pub fn sum_axes(self, axes: &[usize]) -> Result<Self> {
        self.apply1(TensorOp::Sum(Axes::List(axes.to_vec())))
    }

    /// Mean of all elements (a 0-d tensor).
    pub fn mean(self) -> Self {
        self.apply1(TensorOp::Mean(Axes::All))
            .expect("averaging every element cannot fail")
    }

    /// Mean over `axes`, which are removed.
    ///
    /// # Errors
    ///
    /// [`TensorError::AxisOutOfRange`] or [`TensorError::RepeatedAxis`].
    pub fn mean_axes(self, axes: &[usize]) -> Result<Self> {
        self.apply1(TensorOp::Mean(Axes::List(axes.to_vec())))
    }

    /// The last two axes swapped (`Xᵀ` for a matrix).
    ///
    /// # Errors
    ///
    /// [`TensorError::TooFewAxes`] for fewer than two axes.
    pub fn t(self) -> Result<Self> {
        self.apply1(TensorOp::Transpose)
    }

    /// The same elements in row-major order, laid out in `shape`.
    ///
    /// # Errors
    ///
    /// [`TensorError::ElementCount`] when the element counts differ.
    pub fn reshape(self, shape: &[usize]) -> Result<Self> {
        self.apply1(TensorOp::Reshape(shape.to_vec()))
    }

    /// `xʸ` elementwise; see [`backprop_gates::Pow`].
    ///
    /// # Errors
    ///
    /// [`TensorError::Broadcast`] when the shapes do not broadcast.
    pub fn pow(self, y: Self) -> Result<Self> {
        self.binary(Binary::Pow, y)
    }
    /// `max(x, y)` elementwise; see [`backprop_gates::Max`].
    ///
    /// # Errors
    ///
    /// [`TensorError::Broadcast`] when the shapes do not broadcast.
    pub fn max(self, y: Self) -> Result<Self> {
        self.binary(Binary::Max, y)
    }
    /// `min(x, y)` elementwise; see [`backprop_gates::Min`].
    ///
    /// # Errors
    ///
    /// [`TensorError::Broadcast`] when the shapes do not broadcast.
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

/// Gradients from [`TensorGraph::backward`]: one per node the output
/// depends on, each with its node's shape.
#[derive(Debug, Clone)]
pub struct TensorGradients<A: Element>(Gradients<Value<A>>);

impl<A: Element> TensorGradients<A> {
    /// `d output / d t`, or `None` when the output does not depend on `t`.
    pub fn get(&self, t: Tensor<'_, A>) -> Option<ArrayViewD<'_, A>> {
        self.of(t.id)
    }

    /// `d output / d t`, zeros of `t`'s shape when the output does not
    /// depend on `t`.
    pub fn wrt(&self, t: Tensor<'_, A>) -> ArrayD<A> {
        match self.get(t) {
            Some(grad) => grad.to_owned(),
            None => ArrayD::zeros(t.shape()),
        }
    }

    /// The gradient of the node with this id, if the output depends on it.
    pub fn of(&self, id: NodeId) -> Option<ArrayViewD<'_, A>> {
        self.0.get(id).map(|v| v.0.view())
    }
}
