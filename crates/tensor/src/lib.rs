//! Tensors for backpropagation: `ndarray` arrays of `f32` or `f64`,
//! `numpy.matmul` with batched and broadcast products, every gate of
//! `backprop-gates` elementwise with NumPy broadcasting, reductions and
//! reshapes — each with its backward rule, recorded on the same tape engine
//! as `backprop-graph`'s scalar graphs.
//!
//! ```
//! use backprop_tensor::TensorGraph;
//! use ndarray::array;
//!
//! // The lecture's D = W·X and its backward pass: dW = dD·Xᵀ, dX = Wᵀ·dD.
//! let w0 = array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]; // (3, 2)
//! let x0 = array![[1.0, 0.0, -1.0], [2.0, 1.0, 0.5]];  // (2, 3)
//! let dd = array![[1.0, 0.0, 2.0], [0.0, 1.0, 0.0], [0.5, 0.0, 1.0]];
//!
//! let g = TensorGraph::<f64>::new();
//! let (w, x) = (g.leaf(w0.clone()), g.leaf(x0.clone()));
//! let d = w.matmul(x)?;
//! let grads = g.backward_with(d, dd.clone())?;
//! assert_eq!(grads.wrt(w), dd.dot(&x0.t()).into_dyn());
//! assert_eq!(grads.wrt(x), w0.t().dot(&dd).into_dyn());
//! # Ok::<(), backprop_tensor::TensorError>(())
//! ```
//!
//! The pieces, from the bottom up:
//!
//! - [`Element`]: `f32` or `f64`.
//! - Array functions with their gradients: [`matmul()`] / [`matmul_vjp`],
//!   [`unary`] / [`binary`] / [`binary_const`] and their `_vjp`s,
//!   reductions ([`sum()`], [`mean()`], [`amax`], [`amin`], [`logsumexp`];
//!   [`argmax`]), shape operations ([`transpose()`], [`permute()`],
//!   [`reshape()`], [`squeeze()`], [`expand_dims()`], [`broadcast_to()`],
//!   [`concat()`], [`stack()`]), [`pick_per_row`], [`softmax()`],
//!   [`log_softmax`], [`softmax_cross_entropy`], and [`sum_to`], the one
//!   helper that reduces every broadcast gradient back to its input's shape.
//!   Axes count from 0, or from the end when negative.
//! - [`TensorOp`]: those operations as values, each with `forward` and
//!   `vjp`.
//! - [`TensorGraph`] / [`Tensor`]: recording and one backward pass on the
//!   `backprop-graph` engine; operators with tensors or constants on either
//!   side.
//! - [`optim`]: parameters that persist across training steps, [`Sgd`](optim::Sgd)
//!   and [`Adam`](optim::Adam).
//! - [`case_study`]: the CS231n minimal neural network case study (the
//!   `spiral` example trains it).
//! - [`op_catalog`]: every op with sample inputs, for gradient checkers.
//!
//! Shape problems are [`TensorError`]s naming the operation and the shapes,
//! never panics.
//!
//! # Constants in arithmetic
//!
//! `+ - * /` take a constant on either side of a tensor. The constant has
//! the tensor's element type — `f32` for a `Tensor<f32>`, `f64` for a
//! `Tensor<f64>` — so float literals need no annotation on either:
//!
//! ```
//! use backprop_tensor::TensorGraph;
//! use backprop_tensor::ndarray::array;
//!
//! let x0 = array![1.5_f32, -3.0, 0.25];
//! let g = TensorGraph::<f32>::new();
//! let x = g.leaf(x0.clone());
//! assert_eq!((x / 3.0).value(), x0.mapv(|v| v / 3.0).into_dyn());
//! assert_eq!((3.0 - x).value(), x0.mapv(|v| 3.0 - v).into_dyn());
//! assert_eq!((x * 2.0).value(), x0.mapv(|v| v * 2.0).into_dyn());
//! assert_eq!((x + 1.0).value(), x0.mapv(|v| v + 1.0).into_dyn());
//!
//! let y0 = x0.mapv(f64::from);
//! let g = TensorGraph::<f64>::new();
//! let y = g.leaf(y0.clone());
//! assert_eq!((3.0 - y / 3.0).value(), y0.mapv(|v| 3.0 - v / 3.0).into_dyn());
//! ```
//!
//! A value of the other type is converted first (`x * c as f32`, or
//! `A::from_f64(c)` with [`Real`](backprop_gates::Real) in scope in code
//! generic over the element type `A`); an `f64` on an `f32` tensor does
//! not compile:
//!
//! ```compile_fail,E0277
//! use backprop_tensor::TensorGraph;
//! use backprop_tensor::ndarray::array;
//!
//! let g = TensorGraph::<f32>::new();
//! let x = g.leaf(array![1.5_f32, -3.0]);
//! let c: f64 = 0.5;
//! let y = x * c; // error[E0277]: cannot multiply `Tensor<'_, f32>` by `f64`
//! ```

mod axes;
mod broadcast;
pub mod case_study;
mod catalog;
mod element;
mod elementwise;
mod error;
mod gemm;
mod graph;
mod kernel;
mod matmul;
mod op;
pub mod optim;
mod reduce;
mod select;
mod shape;
mod softmax;

/// The `ndarray` this crate is built on, so that users build arrays with
/// the same version: `use backprop_tensor::ndarray::array;`.
pub use ndarray;

pub use axes::Axes;
pub use broadcast::{broadcast_shapes, sum_to};
pub use catalog::{KINK_MARGIN, OpCase, op_catalog, op_kink_cases};
pub use element::Element;
pub use elementwise::{Side, binary, binary_const, binary_const_vjp, binary_vjp, unary, unary_vjp};
pub use error::{Operand, Result, TensorError};
pub use gemm::{MatmulKernel, matmul_kernel};
pub use graph::{Tensor, TensorGradients, TensorGraph};
pub use matmul::{matmul, matmul_vjp};
pub use op::TensorOp;
pub use reduce::{amax, amax_vjp, amin, amin_vjp, argmax, argmin, mean, mean_vjp, sum, sum_vjp};
pub use select::{Labels, pick_per_row, pick_per_row_vjp};
pub use shape::{broadcast_to, concat, expand_dims, permute, reshape, squeeze, stack, transpose};
pub use softmax::{
    log_softmax, log_softmax_vjp, logsumexp, logsumexp_vjp, softmax, softmax_cross_entropy,
    softmax_cross_entropy_vjp, softmax_vjp,
};
