//! Operator overloading for [`Tensor`]: `+ - * /` between tensors (which
//! can fail on shapes, so they return a `Result`), with `f64` constants (which
//! cannot), and unary `-`.

use std::ops::{Add, Div, Mul, Neg, Sub};

use backprop_gates::{Binary, Unary};

use super::Tensor;
use crate::{Element, Result};

macro_rules! tensor_tensor {
    ($trait:ident, $method:ident, $gate:expr, $doc:literal) => {
        #[doc = $doc]
        impl<'g, A: Element> $trait for Tensor<'g, A> {
            type Output = Result<Tensor<'g, A>>;
            fn $method(self, other: Tensor<'g, A>) -> Self::Output {
                self.binary($gate, other)
            }
        }
    };
}

tensor_tensor!(
    Add,
    add,
    Binary::Add,
    "Elementwise `a + b` with NumPy broadcasting; a [`TensorError::Broadcast`](crate::TensorError::Broadcast) when the shapes do not broadcast."
);
tensor_tensor!(
    Sub,
    sub,
    Binary::Sub,
    "Elementwise `a - b` with NumPy broadcasting; a [`TensorError::Broadcast`](crate::TensorError::Broadcast) when the shapes do not broadcast."
);
tensor_tensor!(
    Mul,
    mul,
    Binary::Mul,
    "Elementwise `a · b` (not the matrix product: see [`Tensor::matmul`]) with NumPy broadcasting; a [`TensorError::Broadcast`](crate::TensorError::Broadcast) when the shapes do not broadcast."
);
tensor_tensor!(
    Div,
    div,
    Binary::Div,
    "Elementwise `a / b` with NumPy broadcasting; a [`TensorError::Broadcast`](crate::TensorError::Broadcast) when the shapes do not broadcast."
);

/// `x + c` elementwise ([`backprop_gates::AddConst`]).
impl<'g, A: Element> Add<f64> for Tensor<'g, A> {
    type Output = Tensor<'g, A>;
    fn add(self, c: f64) -> Tensor<'g, A> {
        self.unary(Unary::AddConst(c))
    }
}

/// `c + x` elementwise ([`backprop_gates::AddConst`]).
impl<'g, A: Element> Add<Tensor<'g, A>> for f64 {
    type Output = Tensor<'g, A>;
    fn add(self, x: Tensor<'g, A>) -> Tensor<'g, A> {
        x.unary(Unary::AddConst(self))
    }
}

/// `x - c` elementwise, recorded as `x + (-c)` ([`backprop_gates::AddConst`];
/// exact, since negation is exact).
impl<'g, A: Element> Sub<f64> for Tensor<'g, A> {
    type Output = Tensor<'g, A>;
    fn sub(self, c: f64) -> Tensor<'g, A> {
        self.unary(Unary::AddConst(-c))
    }
}

/// `c · x` elementwise ([`backprop_gates::MulConst`]).
impl<'g, A: Element> Mul<f64> for Tensor<'g, A> {
    type Output = Tensor<'g, A>;
    fn mul(self, c: f64) -> Tensor<'g, A> {
        self.unary(Unary::MulConst(c))
    }
}

/// `c · x` elementwise ([`backprop_gates::MulConst`]).
impl<'g, A: Element> Mul<Tensor<'g, A>> for f64 {
    type Output = Tensor<'g, A>;
    fn mul(self, x: Tensor<'g, A>) -> Tensor<'g, A> {
        x.unary(Unary::MulConst(self))
    }
}

/// `-x` elementwise ([`backprop_gates::Neg`]).
impl<'g, A: Element> Neg for Tensor<'g, A> {
    type Output = Tensor<'g, A>;
    fn neg(self) -> Tensor<'g, A> {
        self.unary(Unary::Neg)
    }
}
