//! Operator overloading for [`Var`]: `x + y`, `2.0 * x`, `-x`, `1.0 / x`, ...
//!
//! With a constant on one side, `+`, `-` and `*` become the one-input gates
//! `add_const` / `mul_const` where that is exact (`x - c` is `x + (-c)` in
//! IEEE arithmetic); `c - x`, `c / x` and `x / c` record the two-input gate
//! with a constant node, so every result is bit-for-bit what plain `f64`
//! arithmetic gives.

use std::ops::{Add, Div, Mul, Neg, Sub};

use backprop_gates::{Binary, Unary};

use super::Var;

macro_rules! binary_operator {
    ($trait:ident, $method:ident, $gate:expr) => {
        impl<'g> $trait for Var<'g> {
            type Output = Var<'g>;
            fn $method(self, rhs: Var<'g>) -> Var<'g> {
                self.graph.binary($gate, self, rhs)
            }
        }
    };
}

binary_operator!(Add, add, Binary::Add);
binary_operator!(Sub, sub, Binary::Sub);
binary_operator!(Mul, mul, Binary::Mul);
binary_operator!(Div, div, Binary::Div);

impl<'g> Neg for Var<'g> {
    type Output = Var<'g>;
    fn neg(self) -> Var<'g> {
        self.graph.unary(Unary::Neg, self)
    }
}

impl<'g> Add<f64> for Var<'g> {
    type Output = Var<'g>;
    fn add(self, c: f64) -> Var<'g> {
        self.graph.unary(Unary::AddConst(c), self)
    }
}

impl<'g> Add<Var<'g>> for f64 {
    type Output = Var<'g>;
    fn add(self, x: Var<'g>) -> Var<'g> {
        x + self
    }
}

impl<'g> Sub<f64> for Var<'g> {
    type Output = Var<'g>;
    fn sub(self, c: f64) -> Var<'g> {
        self + (-c)
    }
}

impl<'g> Sub<Var<'g>> for f64 {
    type Output = Var<'g>;
    fn sub(self, x: Var<'g>) -> Var<'g> {
        x.graph.constant(self) - x
    }
}

impl<'g> Mul<f64> for Var<'g> {
    type Output = Var<'g>;
    fn mul(self, c: f64) -> Var<'g> {
        self.graph.unary(Unary::MulConst(c), self)
    }
}

impl<'g> Mul<Var<'g>> for f64 {
    type Output = Var<'g>;
    fn mul(self, x: Var<'g>) -> Var<'g> {
        x * self
    }
}

impl<'g> Div<f64> for Var<'g> {
    type Output = Var<'g>;
    fn div(self, c: f64) -> Var<'g> {
        self / self.graph.constant(c)
    }
}

impl<'g> Div<Var<'g>> for f64 {
    type Output = Var<'g>;
    fn div(self, x: Var<'g>) -> Var<'g> {
        x.graph.constant(self) / x
    }
}
