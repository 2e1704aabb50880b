//! Tensor graphs: [`TensorGraph`] records tensor operations through
//! [`Tensor`] handles onto the same tape engine as scalar graphs.

mod arith;
mod diagram;
mod methods;
mod node;

use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;

use backprop_gates::Real;
use backprop_graph::engine::{Gradients, NodeId, Tape};
use ndarray::{ArcArray, Array, ArrayD, ArrayViewD, Dimension, IxDyn};

use crate::shape::{self, ViewOp};
use crate::{Element, Result, TensorError, TensorOp};
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
/// ...) return a [`Result`]; elementwise gates and operations with a
/// constant (`x * 2.0`, `3.0 - x`, `-x`) cannot fail and return a
/// `Tensor`. A constant has the tensor's element type (`f32` for a
/// `Tensor<f32>`, `f64` for a `Tensor<f64>`), so float literals need no
/// annotation. Combining handles of two different graphs is an error
/// ([`TensorError::ForeignTensor`](crate::TensorError::ForeignTensor)) from
/// every fallible operation and from `backward`.
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

    /// A new trainable input tensor (of any dimensionality): backward
    /// computes its gradient.
    pub fn leaf<D: Dimension>(&self, value: Array<A, D>) -> Tensor<'_, A> {
        self.push_leaf(value.into_dyn().into_shared(), true)
    }

    /// A new named trainable input tensor.
    pub fn named<D: Dimension>(&self, name: &str, value: Array<A, D>) -> Tensor<'_, A> {
        self.leaf(value).named(name)
    }

    /// A new constant input tensor, such as the data of a model: backward
    /// computes no gradient for it, nor for anything that depends only on
    /// constants (`X·W` with `X` constant skips the product for `dX`).
    ///
    /// ```
    /// use backprop_tensor::TensorGraph;
    /// use ndarray::array;
    ///
    /// let g = TensorGraph::<f64>::new();
    /// let x = g.constant(array![[1.0, 2.0]]);
    /// let w = g.leaf(array![[3.0], [4.0]]);
    /// let grads = g.backward(x.matmul(w)?.sum())?;
    /// assert!(grads.get(x).is_none());
    /// assert_eq!(grads.wrt(w), array![[1.0], [2.0]].into_dyn());
    /// # Ok::<(), backprop_tensor::TensorError>(())
    /// ```
    pub fn constant<D: Dimension>(&self, value: Array<A, D>) -> Tensor<'_, A> {
        self.push_leaf(value.into_dyn().into_shared(), false)
    }

    /// A constant sharing `value`'s storage: data reused in every training
    /// step is recorded without a copy.
    pub fn constant_shared<D: Dimension>(&self, value: ArcArray<A, D>) -> Tensor<'_, A> {
        self.push_leaf(value.into_dyn(), false)
    }

    /// A leaf sharing `value`'s storage (no copy).
    pub(crate) fn push_leaf(&self, value: ArcArray<A, IxDyn>, trainable: bool) -> Tensor<'_, A> {
        let node = Node::Leaf {
            trainable,
            element: PhantomData,
        };
        let id = self.tape.borrow_mut().push(node, Value(value));
        Tensor { graph: self, id }
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
    /// `transpose`, `permute`, `squeeze`, `expand_dims` and `reshape` (of
    /// a row-major input) record a view of their input's data rather than
    /// a copy.
    ///
    /// # Errors
    ///
    /// [`TensorError::Arity`] or [`TensorError::NoInputs`] for the wrong
    /// number of inputs, and the op's shape errors
    /// ([`TensorOp::forward`]); nothing is recorded then.
    pub fn apply<'g>(&'g self, op: TensorOp, inputs: &[Tensor<'g, A>]) -> Result<Tensor<'g, A>> {
        for (index, &t) in inputs.iter().enumerate() {
            self.check_same(t, op.name(), index)?;
        }
        op.check_arity(inputs.len())?;
        let (value, saved, wiring) = {
            let tape = self.tape.borrow();
            let first = &tape.value(inputs[0].id).0;
            let view = match &op {
                TensorOp::Transpose => shape::view(ViewOp::Transpose, first),
                TensorOp::Permute(axes) => shape::view(ViewOp::Permute(axes), first),
                TensorOp::Reshape(to) => shape::view(ViewOp::Reshape(to), first),
                TensorOp::Squeeze(axes) => shape::view(ViewOp::Squeeze(axes), first),
                TensorOp::ExpandDims(axis) => shape::view(ViewOp::ExpandDims(*axis), first),
                _ => None,
            };
            let (value, saved) = match view {
                Some(view) => (view?, None),
                None => {
                    let views: Vec<ArrayViewD<'_, A>> =
                        inputs.iter().map(|t| tape.value(t.id).0.view()).collect();
                    let (value, saved) = op.forward_saving(&views)?;
                    (value.into_shared(), saved)
                }
            };
            let wiring: Box<[(NodeId, bool)]> = inputs
                .iter()
                .map(|t| (t.id, tape.op(t.id).wants_gradient()))
                .collect();
            (value, saved, wiring)
        };
        let node = Node::Apply {
            op,
            inputs: wiring,
            saved,
        };
        let id = self.tape.borrow_mut().push(node, Value(value));
        Ok(Tensor { graph: self, id })
    }

    /// The tensors joined along an existing axis (NumPy's `concatenate`;
    /// see [`concat`](crate::concat())).
    ///
    /// ```
    /// use backprop_tensor::TensorGraph;
    /// use ndarray::array;
    ///
    /// let g = TensorGraph::<f64>::new();
    /// let (a, b) = (g.leaf(array![1.0, 2.0]), g.leaf(array![3.0]));
    /// let c = g.concat(&[a, b], 0)?;
    /// let grads = g.backward_with(c, array![10.0, 20.0, 30.0])?;
    /// assert_eq!(grads.wrt(b), array![30.0].into_dyn());
    /// # Ok::<(), backprop_tensor::TensorError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`concat`](crate::concat()).
    pub fn concat<'g>(&'g self, tensors: &[Tensor<'g, A>], axis: isize) -> Result<Tensor<'g, A>> {
        self.apply(TensorOp::Concat(axis), tensors)
    }

    /// The tensors, all of one shape, joined along a new axis (NumPy's
    /// `stack`; see [`stack`](crate::stack())).
    ///
    /// # Errors
    ///
    /// As [`stack`](crate::stack()).
    pub fn stack<'g>(&'g self, tensors: &[Tensor<'g, A>], axis: isize) -> Result<Tensor<'g, A>> {
        self.apply(TensorOp::Stack(axis), tensors)
    }

    /// Gradients of a single-element `output` (such as a loss from
    /// [`Tensor::sum`]) with respect to every node it depends on, seeded
    /// with `d output / d output = 1`.
    ///
    /// Each call starts from zero, so calling it twice gives equal results.
    /// Constants ([`TensorGraph::constant`]) and nodes that depend only on
    /// constants get no gradient.
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
        self.check_same(output, "backward", 0)?;
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

    /// `t` belongs to this graph, or the error naming `op` and the input.
    fn check_same(&self, t: Tensor<'_, A>, op: &'static str, index: usize) -> Result<()> {
        if std::ptr::eq(self, t.graph) {
            Ok(())
        } else {
            Err(TensorError::ForeignTensor { op, index })
        }
    }
}

impl<'g, A: Element> Tensor<'g, A> {
    /// The forward value (a copy).
    pub fn value(self) -> ArrayD<A> {
        self.graph.tape.borrow().value(self.id).0.to_owned()
    }

    /// The single element of a one-element tensor (such as a loss).
    ///
    /// # Errors
    ///
    /// [`TensorError::NotScalar`] when the tensor has more or fewer than one
    /// element.
    pub fn item(self) -> Result<A> {
        let tape = self.graph.tape.borrow();
        let value = &tape.value(self.id).0;
        match value.len() {
            1 => Ok(*value.iter().next().expect("one element")),
            _ => Err(TensorError::NotScalar {
                op: "item",
                shape: value.shape().to_vec(),
            }),
        }
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

    /// Index of the largest element along `axis`, first of ties (see
    /// [`argmax`](crate::argmax())). Not recorded: it has no gradient.
    ///
    /// # Errors
    ///
    /// As [`argmax`](crate::argmax()).
    pub fn argmax(self, axis: isize) -> Result<ArrayD<usize>> {
        crate::argmax(&self.graph.tape.borrow().value(self.id).0.view(), axis)
    }

    /// Index of the smallest element along `axis`, first of ties (see
    /// [`argmin`](crate::argmin())). Not recorded.
    ///
    /// # Errors
    ///
    /// As [`argmin`](crate::argmin()).
    pub fn argmin(self, axis: isize) -> Result<ArrayD<usize>> {
        crate::argmin(&self.graph.tape.borrow().value(self.id).0.view(), axis)
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

    /// The gradient's shared storage (no copy).
    pub(crate) fn shared(&self, id: NodeId) -> Option<ArcArray<A, IxDyn>> {
        self.0.get(id).map(|v| v.0.clone())
    }
}
