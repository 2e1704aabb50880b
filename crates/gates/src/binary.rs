//! Two-input gates: forward `f(a, b)` and both local derivatives.

use std::fmt;

use crate::{Domain, Real};

/// A two-input derivative rule.
pub trait BinaryRule {
    /// Short lowercase name, as used in traces and reports.
    const NAME: &'static str;
    /// The forward function `y = f(a, b)`.
    fn f<F: Real>(&self, a: F, b: F) -> F;
    /// The local derivatives `(∂y/∂a, ∂y/∂b)`, given `a`, `b` and `y = f(a, b)`.
    fn df<F: Real>(&self, a: F, b: F, y: F) -> (F, F);
    /// Where the rule is differentiable, per input.
    fn domain(&self) -> [Domain; 2] {
        [Domain::Real, Domain::Real]
    }
    /// Whether the derivative jumps where `a == b` (max, min).
    fn kinks_at_ties(&self) -> bool {
        false
    }
}

/// Addition. `f = a + b`, `∂f/∂a = 1`, `∂f/∂b = 1`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Add;
impl BinaryRule for Add {
    const NAME: &'static str = "add";
    fn f<F: Real>(&self, a: F, b: F) -> F {
        a + b
    }
    fn df<F: Real>(&self, _a: F, _b: F, _y: F) -> (F, F) {
        (F::one(), F::one())
    }
}

/// Subtraction. `f = a - b`, `∂f/∂a = 1`, `∂f/∂b = -1`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sub;
impl BinaryRule for Sub {
    const NAME: &'static str = "sub";
    fn f<F: Real>(&self, a: F, b: F) -> F {
        a - b
    }
    fn df<F: Real>(&self, _a: F, _b: F, _y: F) -> (F, F) {
        (F::one(), -F::one())
    }
}

/// Multiplication. `f = a·b`, `∂f/∂a = b`, `∂f/∂b = a` (the notebook's
/// "switch": `dfdz = q`, `dfdq = z`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mul;
impl BinaryRule for Mul {
    const NAME: &'static str = "mul";
    fn f<F: Real>(&self, a: F, b: F) -> F {
        a * b
    }
    fn df<F: Real>(&self, a: F, b: F, _y: F) -> (F, F) {
        (b, a)
    }
}

/// Division. `f = a / b`, `∂f/∂a = 1 / b`, `∂f/∂b = -a / b² = -f / b`
/// (the latter form never squares `b`, so it cannot overflow early).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Div;
impl BinaryRule for Div {
    const NAME: &'static str = "div";
    fn f<F: Real>(&self, a: F, b: F) -> F {
        a / b
    }
    fn df<F: Real>(&self, _a: F, b: F, y: F) -> (F, F) {
        (F::one() / b, -(y / b))
    }
    fn domain(&self) -> [Domain; 2] {
        [Domain::Real, Domain::NonZero]
    }
}

/// Variable power. `f = aᵇ`, `∂f/∂a = b·aᵇ⁻¹`, `∂f/∂b = aᵇ·ln a = f·ln a`,
/// for `a > 0`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pow;
impl BinaryRule for Pow {
    const NAME: &'static str = "pow";
    fn f<F: Real>(&self, a: F, b: F) -> F {
        a.powf(b)
    }
    fn df<F: Real>(&self, a: F, b: F, y: F) -> (F, F) {
        (b * a.powf(b - F::one()), y * a.ln())
    }
    fn domain(&self) -> [Domain; 2] {
        [Domain::Positive, Domain::Real]
    }
}

/// Which of two inputs an extremum picks: `(1, 0)`, `(0, 1)`, a tie split
/// evenly `(½, ½)` (so `max(x, x)` has derivative 1), or NaN if either is NaN.
fn pick<F: Real>(a_wins: bool, b_wins: bool, a: F, b: F) -> (F, F) {
    if a_wins {
        (F::one(), F::zero())
    } else if b_wins {
        (F::zero(), F::one())
    } else if a == b {
        let half = F::from_f64(0.5);
        (half, half)
    } else {
        let nan = a + b;
        (nan, nan)
    }
}

/// The larger input, NaN if either is NaN.
fn extremum<F: Real>(a_wins: bool, b_wins: bool, a: F, b: F) -> F {
    if a_wins || a == b {
        a
    } else if b_wins {
        b
    } else {
        a + b
    }
}

/// Maximum. `f = max(a, b)`, `∂f/∂a = [a > b]`, `∂f/∂b = [b > a]`, `½` each
/// at a tie (a kink).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Max;
impl BinaryRule for Max {
    const NAME: &'static str = "max";
    fn f<F: Real>(&self, a: F, b: F) -> F {
        extremum(a > b, b > a, a, b)
    }
    fn df<F: Real>(&self, a: F, b: F, _y: F) -> (F, F) {
        pick(a > b, b > a, a, b)
    }
    fn kinks_at_ties(&self) -> bool {
        true
    }
}

/// Minimum. `f = min(a, b)`, `∂f/∂a = [a < b]`, `∂f/∂b = [b < a]`, `½` each
/// at a tie (a kink).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Min;
impl BinaryRule for Min {
    const NAME: &'static str = "min";
    fn f<F: Real>(&self, a: F, b: F) -> F {
        extremum(a < b, b < a, a, b)
    }
    fn df<F: Real>(&self, a: F, b: F, _y: F) -> (F, F) {
        pick(a < b, b < a, a, b)
    }
    fn kinks_at_ties(&self) -> bool {
        true
    }
}

/// Every two-input gate, as a value.
///
/// Each variant dispatches to the rule of the same name; its doc comment
/// there states the formula.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // each variant is documented by its rule struct
pub enum Binary {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Max,
    Min,
}

/// Runs `$body` with `$rule` bound to the rule struct behind a [`Binary`].
macro_rules! with_rule {
    ($gate:expr, $rule:ident => $body:expr) => {
        match $gate {
            Binary::Add => {
                let $rule = Add;
                $body
            }
            Binary::Sub => {
                let $rule = Sub;
                $body
            }
            Binary::Mul => {
                let $rule = Mul;
                $body
            }
            Binary::Div => {
                let $rule = Div;
                $body
            }
            Binary::Pow => {
                let $rule = Pow;
                $body
            }
            Binary::Max => {
                let $rule = Max;
                $body
            }
            Binary::Min => {
                let $rule = Min;
                $body
            }
        }
    };
}

fn name_of<R: BinaryRule>(_: &R) -> &'static str {
    R::NAME
}

/// Code generic over two-input rules, run on the rule behind a [`Binary`]
/// by [`Binary::visit`]: one dispatch, then code specialised for that rule.
pub trait BinaryVisitor {
    /// What the visit returns.
    type Output;
    /// Runs with the rule.
    fn visit<R: BinaryRule>(self, rule: R) -> Self::Output;
}

impl Binary {
    /// Runs `visitor` with the rule struct behind this gate.
    ///
    /// ```
    /// use backprop_gates::{Binary, BinaryRule, BinaryVisitor};
    ///
    /// struct At(f64, f64);
    /// impl BinaryVisitor for At {
    ///     type Output = f64;
    ///     fn visit<R: BinaryRule>(self, rule: R) -> f64 {
    ///         rule.f(self.0, self.1)
    ///     }
    /// }
    /// assert_eq!(Binary::Mul.visit(At(3.0, 4.0)), 12.0);
    /// ```
    #[inline]
    pub fn visit<V: BinaryVisitor>(self, visitor: V) -> V::Output {
        with_rule!(self, r => visitor.visit(r))
    }
}

impl Binary {
    /// The forward function `y = f(a, b)`.
    #[inline]
    pub fn forward<F: Real>(self, a: F, b: F) -> F {
        with_rule!(self, r => r.f(a, b))
    }

    /// The local derivatives `(∂y/∂a, ∂y/∂b)` given `a`, `b` and `y = f(a, b)`.
    #[inline]
    pub fn derivatives<F: Real>(self, a: F, b: F, y: F) -> (F, F) {
        with_rule!(self, r => r.df(a, b, y))
    }

    /// The rule's short name (`"add"`, `"max"`, ...).
    pub fn name(self) -> &'static str {
        with_rule!(self, r => name_of(&r))
    }

    /// Where the rule is differentiable, per input.
    pub fn domain(self) -> [Domain; 2] {
        with_rule!(self, r => r.domain())
    }

    /// Whether the derivative jumps where `a == b`.
    pub fn kinks_at_ties(self) -> bool {
        with_rule!(self, r => r.kinks_at_ties())
    }
}

impl fmt::Display for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
