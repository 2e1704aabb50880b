//! [`TensorOp`]: every operation a tensor graph can record, with its forward
//! function and its vector-Jacobian product in one match each.

use std::fmt;

use backprop_gates::{Binary, Unary};
use ndarray::{ArrayD, ArrayViewD};

use crate::reduce::{check_reshape, check_transpose};
use crate::{Axes, Element, Result, TensorError, elementwise as ew, matmul as mm, reduce};

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
#[derive(Clone, Debug, PartialEq)]
pub enum TensorOp {
    /// A one-input gate of `backprop-gates`, elementwise.
    Unary(Unary),
    /// A two-input gate of `backprop-gates`, elementwise with NumPy
    /// broadcasting.
    Binary(Binary),
    /// `numpy.matmul` (see [`matmul`](crate::matmul())).
    MatMul,
    /// Sum over axes (see [`sum`](crate::sum())).
    Sum(Axes),
    /// Mean over axes (see [`mean`](crate::mean())).
    Mean(Axes),
    /// Swap of the last two axes (see [`transpose`](crate::transpose())).
    Transpose,
    /// Row-major reshape to this shape (see [`reshape`](crate::reshape())).
    Reshape(Vec<usize>),
}

impl TensorOp {
    /// Short name: the gate's name for elementwise ops, else `"matmul"`,
    /// `"sum"`, `"mean"`, `"transpose"`, `"reshape"`.
    pub fn name(&self) -> &'static str {
        match self {
            TensorOp::Unary(g) => g.name(),
            TensorOp::Binary(g) => g.name(),
            TensorOp::MatMul => "matmul",
            TensorOp::Sum(_) => "sum",
            TensorOp::Mean(_) => "mean",
            TensorOp::Transpose => "transpose",
            TensorOp::Reshape(_) => "reshape",
        }
    }

    /// Number of inputs: 1 or 2.
    pub fn arity(&self) -> usize {
        match self {
            TensorOp::Binary(_) | TensorOp::MatMul => 2,
            TensorOp::Unary(_)
            | TensorOp::Sum(_)
            | TensorOp::Mean(_)
            | TensorOp::Transpose
            | TensorOp::Reshape(_) => 1,
        }
    }

    /// Checks the number of inputs.
    fn check_arity(&self, got: usize) -> Result<()> {
        if got == self.arity() {
            Ok(())
        } else {
            Err(TensorError::Arity {
                op: self.name(),
                expected: self.arity(),
                got,
            })
        }
    }

    /// The op's output for `inputs`.
    ///
    /// # Errors
    ///
    /// [`TensorError::Arity`] for the wrong number of inputs, and each op's
    /// shape errors (see the functions it delegates to).
    pub fn forward<A: Element>(&self, inputs: &[ArrayViewD<'_, A>]) -> Result<ArrayD<A>> {
        self.check_arity(inputs.len())?;
        let x = &inputs[0];
        match self {
            TensorOp::Unary(g) => Ok(ew::unary(*g, x)),
            TensorOp::Binary(g) => ew::binary(*g, x, &inputs[1]),
            TensorOp::MatMul => mm::matmul(x, &inputs[1]),
            TensorOp::Sum(axes) => reduce::sum(x, axes),
            TensorOp::Mean(axes) => reduce::mean(x, axes),
            TensorOp::Transpose => Ok(reduce::transpose(x.view())?.to_owned()),
            TensorOp::Reshape(shape) => reduce::reshape(x, shape),
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
        self.check_arity(inputs.len())?;
        let x = &inputs[0];
        let name = self.name();
        Ok(match self {
            TensorOp::Unary(g) => vec![ew::unary_vjp(*g, x, output, upstream)?],
            TensorOp::Binary(g) => {
                let (da, db) = ew::binary_vjp(*g, x, &inputs[1], output, upstream)?;
                vec![da, db]
            }
            TensorOp::MatMul => {
                let (da, db) = mm::matmul_vjp(x, &inputs[1], upstream)?;
                vec![da, db]
            }
            TensorOp::Sum(axes) => vec![reduce::sum_vjp(x.shape(), axes, upstream)?],
            TensorOp::Mean(axes) => vec![reduce::mean_vjp(x.shape(), axes, upstream)?],
            TensorOp::Transpose => {
                check_transpose(x.shape())?;
                let mut expected = x.shape().to_vec();
                let nd = expected.len();
                expected.swap(nd - 2, nd - 1);
                ew::same_shape(name, &expected, upstream.shape())?;
                vec![reduce::transpose(upstream.view())?.to_owned()]
            }
            TensorOp::Reshape(shape) => {
                check_reshape(x.shape(), shape)?;
                ew::same_shape(name, shape, upstream.shape())?;
                vec![reduce::reshape(upstream, x.shape())?]
            }
        })
    }
}

impl fmt::Display for TensorOp {
    /// The name with its parameters: `sigmoid`, `powi(2)`, `sum(all)`,
    /// `mean(axes=[0, 2])`, `reshape([4, 6])`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TensorOp::Unary(g) => write!(f, "{g}"),
            TensorOp::Binary(g) => write!(f, "{g}"),
            TensorOp::Sum(Axes::All) | TensorOp::Mean(Axes::All) => {
                write!(f, "{}(all)", self.name())
            }
            TensorOp::Sum(Axes::List(axes)) | TensorOp::Mean(Axes::List(axes)) => {
                write!(f, "{}(axes={axes:?})", self.name())
            }
            TensorOp::Reshape(shape) => write!(f, "reshape({shape:?})"),
            TensorOp::MatMul | TensorOp::Transpose => f.write_str(self.name()),
        }
    }
}
