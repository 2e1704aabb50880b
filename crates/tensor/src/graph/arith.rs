//! Operator overloading for [`Tensor`]: `+ - * /` between tensors (which
//! can fail on shapes, so they return a `Result`); with a constant on
//! either side, which cannot fail; and unary `-`.
//!
//! A constant has the tensor's element type: `f64` constants for a
//! `Tensor<f64>`, `f32` constants for a `Tensor<f32>`. One constant type
//! per element type is what lets a float literal infer its type:
//! `x / 3.0`, `3.0 - x`, `x * 2.0`, `x + 1.0` compile without annotations
//! on either. A value of the other type is converted first (`x * c as f32`,
//! or `A::from_f64(c)` in code generic over the element type).
//!
//! A constant operand is recorded with its gate as one node
//! ([`TensorOp::BinaryConst`](crate::TensorOp::BinaryConst)), so `2.0 / x`
//! is one exact division per element, not `2 · (1/x)`.

use std::ops::{Add, Div, Mul, Neg, Sub};

use backprop_gates::{Binary, Unary};

use super::Tensor;
use crate::{Element, Result, Side};

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

/// `x ∘ c` for one operator: a constant of the tensor's own element type,
/// generic over it, so that a float literal takes that type.
macro_rules! constant_right {
    ($trait:ident, $method:ident, $gate:ident, $sym:literal) => {
        #[doc = concat!("`x ", $sym, " c` elementwise, for a constant `c` of the tensor's element type (one [`Binary::", stringify!($gate), "`](backprop_gates::Binary::", stringify!($gate), ") node): an `f64` for a `Tensor<f64>`, an `f32` for a `Tensor<f32>`, so `x ", $sym, " 2.0` needs no annotation.")]
        impl<'g, A: Element> $trait<A> for Tensor<'g, A> {
            type Output = Tensor<'g, A>;
            fn $method(self, c: A) -> Tensor<'g, A> {
                self.binary_const(Binary::$gate, c.to_f64(), Side::Right)
            }
        }
    };
}

/// `c ∘ x` for one operator and one element type (the orphan rule allows
/// no impl generic over a foreign left operand).
macro_rules! constant_left {
    ($element:ty, $trait:ident, $method:ident, $gate:ident, $sym:literal) => {
        #[doc = concat!("`c ", $sym, " x` elementwise, for a constant `c` of the tensor's element type (one [`Binary::", stringify!($gate), "`](backprop_gates::Binary::", stringify!($gate), ") node).")]
        impl<'g> $trait<Tensor<'g, $element>> for $element {
            type Output = Tensor<'g, $element>;
            fn $method(self, x: Tensor<'g, $element>) -> Tensor<'g, $element> {
                x.binary_const(Binary::$gate, f64::from(self), Side::Left)
            }
        }
    };
}

constant_right!(Add, add, Add, "+");
constant_right!(Sub, sub, Sub, "-");
constant_right!(Mul, mul, Mul, "·");
constant_right!(Div, div, Div, "/");
constant_left!(f64, Add, add, Add, "+");
constant_left!(f64, Sub, sub, Sub, "-");
constant_left!(f64, Mul, mul, Mul, "·");
constant_left!(f64, Div, div, Div, "/");
constant_left!(f32, Add, add, Add, "+");
constant_left!(f32, Sub, sub, Sub, "-");
constant_left!(f32, Mul, mul, Mul, "·");
constant_left!(f32, Div, div, Div, "/");

/// `-x` elementwise ([`backprop_gates::Neg`]).
impl<'g, A: Element> Neg for Tensor<'g, A> {
    type Output = Tensor<'g, A>;
    fn neg(self) -> Tensor<'g, A> {
        self.unary(Unary::Neg)
    }
}
