//! Operator overloading for [`Tensor`]: `+ - * /` between tensors (which
//! can fail on shapes, so they return a `Result`); with a constant on
//! either side — an `f64` for any tensor, an `f32` for `f32` tensors —
//! which cannot fail; and unary `-`.
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

/// `x ∘ c` and `c ∘ x` for one operator, with constants of type
/// `$constant` on tensors of element type `$element` (a type or the
/// generic `A`).
macro_rules! with_constant {
    ($constant:ty, [$($generic:ident)?], $element:ty, $trait:ident, $method:ident, $gate:ident, $sym:literal) => {
        #[doc = concat!("`x ", $sym, " c` elementwise, for a constant `c` (one [`Binary::", stringify!($gate), "`](backprop_gates::Binary::", stringify!($gate), ") node).")]
        impl<'g, $($generic: Element)?> $trait<$constant> for Tensor<'g, $element> {
            type Output = Tensor<'g, $element>;
            fn $method(self, c: $constant) -> Tensor<'g, $element> {
                self.binary_const(Binary::$gate, f64::from(c), Side::Right)
            }
        }

        #[doc = concat!("`c ", $sym, " x` elementwise, for a constant `c` (one [`Binary::", stringify!($gate), "`](backprop_gates::Binary::", stringify!($gate), ") node).")]
        impl<'g, $($generic: Element)?> $trait<Tensor<'g, $element>> for $constant {
            type Output = Tensor<'g, $element>;
            fn $method(self, x: Tensor<'g, $element>) -> Tensor<'g, $element> {
                x.binary_const(Binary::$gate, f64::from(self), Side::Left)
            }
        }
    };
}

with_constant!(f64, [A], A, Add, add, Add, "+");
with_constant!(f64, [A], A, Sub, sub, Sub, "-");
with_constant!(f64, [A], A, Mul, mul, Mul, "·");
with_constant!(f64, [A], A, Div, div, Div, "/");
with_constant!(f32, [], f32, Add, add, Add, "+");
with_constant!(f32, [], f32, Sub, sub, Sub, "-");
with_constant!(f32, [], f32, Mul, mul, Mul, "·");
with_constant!(f32, [], f32, Div, div, Div, "/");

/// `-x` elementwise ([`backprop_gates::Neg`]).
impl<'g, A: Element> Neg for Tensor<'g, A> {
    type Output = Tensor<'g, A>;
    fn neg(self) -> Tensor<'g, A> {
        self.unary(Unary::Neg)
    }
}
