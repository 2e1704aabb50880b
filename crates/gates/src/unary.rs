//! One-input gates: each is a forward function `f` and its local derivative
//! `df`, written side by side.

use std::fmt;

use crate::{DerivativeFrom, Domain, KinkConvention, Real};

/// A one-input derivative rule.
///
/// `df(x, y)` receives both the input `x` and the output `y = f(x)`; rules
/// whose derivative is cheapest (or, as in the notebook, customary) in terms
/// of the output say so with [`DERIVATIVE_FROM`](UnaryRule::DERIVATIVE_FROM).
pub trait UnaryRule {
    /// Short lowercase name, as used in traces and reports.
    const NAME: &'static str;
    /// Whether `df` reads the input `x` or the output `y`.
    const DERIVATIVE_FROM: DerivativeFrom;
    /// The forward function `y = f(x)`.
    fn f<F: Real>(&self, x: F) -> F;
    /// The local derivative `dy/dx`, given `x` and `y = f(x)`.
    fn df<F: Real>(&self, x: F, y: F) -> F;
    /// Where the rule is differentiable.
    fn domain(&self) -> Domain {
        Domain::Real
    }
    /// Points where the derivative jumps.
    fn kinks(&self) -> &'static [f64] {
        &[]
    }
    /// Which derivative `df` returns at those points (every rule with
    /// kinks should say; `None` for a smooth rule).
    fn kink_convention(&self) -> Option<KinkConvention> {
        None
    }
}

/// `1` if `x > 0`, `low` if `x <= 0`, and NaN stays NaN (never hidden as 0).
fn step<F: Real>(x: F, low: F) -> F {
    if x > F::zero() {
        F::one()
    } else if x <= F::zero() {
        low
    } else {
        x
    }
}

/// Negation. `f(x) = -x`, `f'(x) = -1`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Neg;
impl UnaryRule for Neg {
    const NAME: &'static str = "neg";
    const DERIVATIVE_FROM: DerivativeFrom = DerivativeFrom::Input;
    fn f<F: Real>(&self, x: F) -> F {
        -x
    }
    fn df<F: Real>(&self, _x: F, _y: F) -> F {
        -F::one()
    }
}

/// Reciprocal. `f(x) = 1 / x`, `f'(x) = -1 / x²` (the notebook's
/// `-1.0 / (den ** 2)`).
///
/// # At the edges
///
/// Value; derivative(s) at each documented edge, beside PyTorch's and
/// JAX's as measured (bold where they differ from ours); the crate
/// README has every gate's.
///
/// | gate at point | kind | backprop | PyTorch | JAX | why |
/// |---|---|---|---|---|---|
/// | recip at 0 | singular | inf; -inf | inf; -inf | inf; -inf | A pole: no finite value exists; the infinities are the limits from the right. |
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Recip;
impl UnaryRule for Recip {
    const NAME: &'static str = "recip";
    const DERIVATIVE_FROM: DerivativeFrom = DerivativeFrom::Input;
    fn f<F: Real>(&self, x: F) -> F {
        F::one() / x
    }
    fn df<F: Real>(&self, x: F, _y: F) -> F {
        -F::one() / x.powi(2)
    }
    fn domain(&self) -> Domain {
        Domain::NonZero
    }
}

/// Adding a constant `c`. `f(x) = x + c`, `f'(x) = 1`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AddConst(pub f64);
impl UnaryRule for AddConst {
    const NAME: &'static str = "add_const";
    const DERIVATIVE_FROM: DerivativeFrom = DerivativeFrom::Input;
    fn f<F: Real>(&self, x: F) -> F {
        x + F::from_f64(self.0)
    }
    fn df<F: Real>(&self, _x: F, _y: F) -> F {
        F::one()
    }
}

/// Multiplying by a constant `c`. `f(x) = c·x`, `f'(x) = c`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MulConst(pub f64);
impl UnaryRule for MulConst {
    const NAME: &'static str = "mul_const";
    const DERIVATIVE_FROM: DerivativeFrom = DerivativeFrom::Input;
    fn f<F: Real>(&self, x: F) -> F {
        F::from_f64(self.0) * x
    }
    fn df<F: Real>(&self, _x: F, _y: F) -> F {
        F::from_f64(self.0)
    }
}

/// Integer power `n` (the notebook's `** 2`). `f(x) = xⁿ`,
/// `f'(x) = n·xⁿ⁻¹` (and `0` for `n = 0`).
///
/// # At the edges
///
/// Value; derivative(s) at each documented edge, beside PyTorch's and
/// JAX's as measured (bold where they differ from ours); the crate
/// README has every gate's.
///
/// | gate at point | kind | backprop | PyTorch | JAX | why |
/// |---|---|---|---|---|---|
/// | powi(0) at 0 | singular | 1; 0 | 1; 0 | 1; 0 | x⁰ = 1 for every x: the derivative is exactly 0. |
/// | powi(2) at 0 | singular | 0; 0 | 0; 0 | 0; 0 | The formula n·xⁿ⁻¹ holds. |
/// | powi(-2) at 0 | singular | inf; -inf | inf; -inf | inf; -inf | A pole: no finite value exists; the infinities are the limits from the right. |
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Powi(pub i32);
impl UnaryRule for Powi {
    const NAME: &'static str = "powi";
    const DERIVATIVE_FROM: DerivativeFrom = DerivativeFrom::Input;
    fn f<F: Real>(&self, x: F) -> F {
        x.powi(self.0)
    }
    fn df<F: Real>(&self, x: F, _y: F) -> F {
        if self.0 == 0 {
            return F::zero();
        }
        F::from_f64(f64::from(self.0)) * x.powi(self.0 - 1)
    }
    fn domain(&self) -> Domain {
        if self.0 < 0 {
            Domain::NonZero
        } else {
            Domain::Real
        }
    }
}

/// Constant real power `c`. `f(x) = xᶜ`, `f'(x) = c·xᶜ⁻¹`, for `x > 0`;
/// `f' = 0` for `c = 0` (`x⁰ = 1` everywhere, even at `x = 0`).
///
/// # At the edges
///
/// Value; derivative(s) at each documented edge, beside PyTorch's and
/// JAX's as measured (bold where they differ from ours); the crate
/// README has every gate's.
///
/// | gate at point | kind | backprop | PyTorch | JAX | why |
/// |---|---|---|---|---|---|
/// | powf(0.0) at 0 | singular | 1; 0 | 1; 0 | **1; NaN** | x⁰ = 1 for every x: the derivative is exactly 0 (the formula's 0·0⁻¹ would be NaN), as for powi(0). |
/// | powf(0.5) at 0 | singular | 0; inf | 0; inf | 0; inf | The derivative from the right: x^0.5 is real only for x >= 0. |
/// | powf(2.5) at 0 | singular | 0; 0 | 0; 0 | 0; 0 | The derivative from the right: x^2.5 is real only for x >= 0. |
/// | powf(-1.5) at 0 | singular | inf; -inf | inf; -inf | inf; -inf | A pole: no finite value exists; the infinities are the limits from the right. |
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Powf(pub f64);
impl UnaryRule for Powf {
    const NAME: &'static str = "powf";
    const DERIVATIVE_FROM: DerivativeFrom = DerivativeFrom::Input;
    fn f<F: Real>(&self, x: F) -> F {
        x.powf(F::from_f64(self.0))
    }
    fn df<F: Real>(&self, x: F, _y: F) -> F {
        // x⁰ = 1 for every x: the derivative is exactly 0, where the
        // formula would give 0·0⁻¹ = 0·∞ = NaN at x = 0.
        if self.0 == 0.0 {
            return F::zero();
        }
        F::from_f64(self.0) * x.powf(F::from_f64(self.0 - 1.0))
    }
    fn domain(&self) -> Domain {
        Domain::Positive
    }
}

/// Exponential. `f(x) = eˣ`, `f'(x) = eˣ = f` (from the output).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Exp;
impl UnaryRule for Exp {
    const NAME: &'static str = "exp";
    const DERIVATIVE_FROM: DerivativeFrom = DerivativeFrom::Output;
    fn f<F: Real>(&self, x: F) -> F {
        x.exp()
    }
    fn df<F: Real>(&self, _x: F, y: F) -> F {
        y
    }
}

/// Natural logarithm. `f(x) = ln x`, `f'(x) = 1 / x`, for `x > 0`.
///
/// # At the edges
///
/// Value; derivative(s) at each documented edge, beside PyTorch's and
/// JAX's as measured (bold where they differ from ours); the crate
/// README has every gate's.
///
/// | gate at point | kind | backprop | PyTorch | JAX | why |
/// |---|---|---|---|---|---|
/// | ln at 0 | singular | -inf; inf | -inf; inf | -inf; inf | A pole: no finite value exists; the infinities are the limits from the right. |
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ln;
impl UnaryRule for Ln {
    const NAME: &'static str = "ln";
    const DERIVATIVE_FROM: DerivativeFrom = DerivativeFrom::Input;
    fn f<F: Real>(&self, x: F) -> F {
        x.ln()
    }
    fn df<F: Real>(&self, x: F, _y: F) -> F {
        F::one() / x
    }
    fn domain(&self) -> Domain {
        Domain::Positive
    }
}

/// Square root. `f(x) = √x`, `f'(x) = 1 / (2√x) = 1 / (2f)` (from the
/// output), for `x > 0`.
///
/// # At the edges
///
/// Value; derivative(s) at each documented edge, beside PyTorch's and
/// JAX's as measured (bold where they differ from ours); the crate
/// README has every gate's.
///
/// | gate at point | kind | backprop | PyTorch | JAX | why |
/// |---|---|---|---|---|---|
/// | sqrt at 0 | singular | 0; inf | 0; inf | 0; inf | The derivative from the right: √x is real only for x >= 0. |
/// | sqrt at -0 | signed zero | -0; -inf | -0; -inf | -0; -inf | IEEE 754 makes √-0 = -0, so 1/(2√x) = -inf; PyTorch and JAX agree, and we match them bit for bit. |
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sqrt;
impl UnaryRule for Sqrt {
    const NAME: &'static str = "sqrt";
    const DERIVATIVE_FROM: DerivativeFrom = DerivativeFrom::Output;
    fn f<F: Real>(&self, x: F) -> F {
        x.sqrt()
    }
    fn df<F: Real>(&self, _x: F, y: F) -> F {
        F::one() / (y + y)
    }
    fn domain(&self) -> Domain {
        Domain::Positive
    }
}

/// Logistic sigmoid. `f(x) = 1 / (1 + e⁻ˣ)`, `f'(x) = (1 - f)·f` (from the
/// output, as in the notebook).
///
/// The forward form is the notebook's `1.0 / (1 + math.exp(-x))`, so replays
/// match it to the last digit; where `e⁻ˣ` overflows (`x` below about -709
/// in `f64`) it switches to `eˣ / (1 + eˣ)`, so `sigmoid(-1000)` is a finite
/// `0` and the dual-number tangent stays finite too.
///
/// # At the edges
///
/// Value; derivative(s) at each documented edge, beside PyTorch's and
/// JAX's as measured (bold where they differ from ours); the crate
/// README has every gate's.
///
/// | gate at point | kind | backprop | PyTorch | JAX | why |
/// |---|---|---|---|---|---|
/// | sigmoid at 1000 | saturated | 1; 0 | 1; 0 | 1; 0 | e⁻ˣ underflows to 0: σ = 1 and σ' = (1 - σ)·σ = 0, with nothing overflowing. |
/// | sigmoid at -1000 | saturated | 0; 0 | 0; 0 | 0; 0 | Computed as eˣ/(1 + eˣ) where e⁻ˣ would overflow: σ = 0 and σ' = 0, not NaN. |
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sigmoid;
impl UnaryRule for Sigmoid {
    const NAME: &'static str = "sigmoid";
    const DERIVATIVE_FROM: DerivativeFrom = DerivativeFrom::Output;
    fn f<F: Real>(&self, x: F) -> F {
        let e = (-x).exp();
        if e.is_finite() {
            F::one() / (F::one() + e)
        } else {
            let e = x.exp();
            e / (F::one() + e)
        }
    }
    fn df<F: Real>(&self, _x: F, y: F) -> F {
        (F::one() - y) * y
    }
}

/// Hyperbolic tangent. `f(x) = tanh x`, `f'(x) = 1 - f²` (from the output).
///
/// # At the edges
///
/// Value; derivative(s) at each documented edge, beside PyTorch's and
/// JAX's as measured (bold where they differ from ours); the crate
/// README has every gate's.
///
/// | gate at point | kind | backprop | PyTorch | JAX | why |
/// |---|---|---|---|---|---|
/// | tanh at 1000 | saturated | 1; 0 | 1; 0 | 1; 0 | tanh saturates at 1; 1 - tanh² = 0. |
/// | tanh at -1000 | saturated | -1; 0 | -1; 0 | -1; 0 | tanh saturates at -1; 1 - tanh² = 0. |
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tanh;
impl UnaryRule for Tanh {
    const NAME: &'static str = "tanh";
    const DERIVATIVE_FROM: DerivativeFrom = DerivativeFrom::Output;
    fn f<F: Real>(&self, x: F) -> F {
        x.tanh()
    }
    fn df<F: Real>(&self, _x: F, y: F) -> F {
        F::one() - y * y
    }
}

/// Rectified linear unit. `f(x) = max(x, 0)`, `f'(x) = 1` for `x > 0`, `0`
/// for `x <= 0`; kink at `0`, where `f'` is the left derivative
/// ([`KinkConvention::Left`]), and `relu(-0) = +0`.
///
/// # At the edges
///
/// Value; derivative(s) at each documented edge, beside PyTorch's and
/// JAX's as measured (bold where they differ from ours); the crate
/// README has every gate's.
///
/// | gate at point | kind | backprop | PyTorch | JAX | why |
/// |---|---|---|---|---|---|
/// | relu at 0 | kink | 0; 0 | 0; 0 | 0; 0 | Left derivative: relu is flat on the left. |
/// | relu at -0 | signed zero | 0; 0 | **-0; 0** | 0; 0 | relu(x) = max(x, 0) with IEEE 754-2019's maximum (-0 < +0): the output is never -0. |
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Relu;
impl UnaryRule for Relu {
    const NAME: &'static str = "relu";
    const DERIVATIVE_FROM: DerivativeFrom = DerivativeFrom::Input;
    fn f<F: Real>(&self, x: F) -> F {
        // Both comparisons are false for NaN, so NaN propagates instead of
        // becoming 0; `-0` is not above 0 and becomes `+0`.
        if x > F::zero() {
            x
        } else if x <= F::zero() {
            F::zero()
        } else {
            x
        }
    }
    fn df<F: Real>(&self, x: F, _y: F) -> F {
        step(x, F::zero())
    }
    fn kinks(&self) -> &'static [f64] {
        &[0.0]
    }
    fn kink_convention(&self) -> Option<KinkConvention> {
        Some(KinkConvention::Left)
    }
}

/// Leaky ReLU with slope `a` for negative inputs. `f(x) = x` for `x > 0`,
/// `a·x` otherwise; `f'(x) = 1` for `x > 0`, `a` otherwise; kink at `0`,
/// where `f'` is the left derivative `a` ([`KinkConvention::Left`]).
///
/// # At the edges
///
/// Value; derivative(s) at each documented edge, beside PyTorch's and
/// JAX's as measured (bold where they differ from ours); the crate
/// README has every gate's.
///
/// | gate at point | kind | backprop | PyTorch | JAX | why |
/// |---|---|---|---|---|---|
/// | leaky_relu(0.01) at 0 | kink | 0; 0.01 | 0; 0.01 | **0; 1** | Left derivative, the slope: then leaky_relu with slope 0 is relu exactly, whose derivative at 0 is 0 everywhere. |
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LeakyRelu(pub f64);
impl UnaryRule for LeakyRelu {
    const NAME: &'static str = "leaky_relu";
    const DERIVATIVE_FROM: DerivativeFrom = DerivativeFrom::Input;
    fn f<F: Real>(&self, x: F) -> F {
        if x < F::zero() {
            F::from_f64(self.0) * x
        } else {
            x
        }
    }
    fn df<F: Real>(&self, x: F, _y: F) -> F {
        step(x, F::from_f64(self.0))
    }
    fn kinks(&self) -> &'static [f64] {
        &[0.0]
    }
    fn kink_convention(&self) -> Option<KinkConvention> {
        Some(KinkConvention::Left)
    }
}

/// Softplus. `f(x) = ln(1 + eˣ)`, `f'(x) = sigmoid(x)`.
///
/// Computed as `x + ln(1 + e⁻ˣ)` for `x > 0` and `ln(1 + eˣ)` otherwise,
/// which never overflows:
/// `softplus(1000) = 1000`, `softplus(-1000) = 0`.
///
/// # At the edges
///
/// Value; derivative(s) at each documented edge, beside PyTorch's and
/// JAX's as measured (bold where they differ from ours); the crate
/// README has every gate's.
///
/// | gate at point | kind | backprop | PyTorch | JAX | why |
/// |---|---|---|---|---|---|
/// | softplus at 1000 | saturated | 1000; 1 | 1000; 1 | 1000; 1 | Computed as x + ln(1 + e⁻ˣ): no overflow; the derivative σ(x) = 1. |
/// | softplus at -1000 | saturated | 0; 0 | 0; 0 | 0; 0 | ln(1 + eˣ) with eˣ underflowing: 0, derivative σ(x) = 0. |
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Softplus;
impl UnaryRule for Softplus {
    const NAME: &'static str = "softplus";
    const DERIVATIVE_FROM: DerivativeFrom = DerivativeFrom::Input;
    fn f<F: Real>(&self, x: F) -> F {
        // Each branch is the exact identity for its side, so a dual number
        // sees the right derivative even at x = 0 (a shared `-|x|` would
        // take `abs`'s branch there and flip the sign of the tangent).
        if x > F::zero() {
            x + (-x).exp().ln_1p()
        } else {
            x.exp().ln_1p()
        }
    }
    fn df<F: Real>(&self, x: F, _y: F) -> F {
        Sigmoid.f(x)
    }
}

/// Absolute value. `f(x) = |x|`, `f'(x) = sign(x)`; kink at `0`, where
/// `f'(0) = 0`, the mean of both sides ([`KinkConvention::Mean`]).
///
/// # At the edges
///
/// Value; derivative(s) at each documented edge, beside PyTorch's and
/// JAX's as measured (bold where they differ from ours); the crate
/// README has every gate's.
///
/// | gate at point | kind | backprop | PyTorch | JAX | why |
/// |---|---|---|---|---|---|
/// | abs at 0 | kink | 0; 0 | 0; 0 | **0; 1** | Mean of the one-sided derivatives -1 and 1, i.e. sign(0) = 0: the same rule as max at a tie, and abs(x) = max(x, -x). |
/// | abs at -0 | signed zero | 0; 0 | 0; 0 | **0; 1** | -0 is 0: the same as at +0. |
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Abs;
impl UnaryRule for Abs {
    const NAME: &'static str = "abs";
    const DERIVATIVE_FROM: DerivativeFrom = DerivativeFrom::Input;
    fn f<F: Real>(&self, x: F) -> F {
        x.abs()
    }
    fn df<F: Real>(&self, x: F, _y: F) -> F {
        if x < F::zero() {
            -F::one()
        } else if x == F::zero() {
            F::zero()
        } else {
            step(x, F::zero())
        }
    }
    fn kinks(&self) -> &'static [f64] {
        &[0.0]
    }
    fn kink_convention(&self) -> Option<KinkConvention> {
        Some(KinkConvention::Mean)
    }
}

/// Sine. `f(x) = sin x`, `f'(x) = cos x`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sin;
impl UnaryRule for Sin {
    const NAME: &'static str = "sin";
    const DERIVATIVE_FROM: DerivativeFrom = DerivativeFrom::Input;
    fn f<F: Real>(&self, x: F) -> F {
        x.sin()
    }
    fn df<F: Real>(&self, x: F, _y: F) -> F {
        x.cos()
    }
}

/// Cosine. `f(x) = cos x`, `f'(x) = -sin x`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cos;
impl UnaryRule for Cos {
    const NAME: &'static str = "cos";
    const DERIVATIVE_FROM: DerivativeFrom = DerivativeFrom::Input;
    fn f<F: Real>(&self, x: F) -> F {
        x.cos()
    }
    fn df<F: Real>(&self, x: F, _y: F) -> F {
        -x.sin()
    }
}

/// Every one-input gate, as a value (for graphs, tensors and catalogs).
///
/// Each variant dispatches to the rule of the same name; its doc comment
/// there states the formula.
#[derive(Clone, Copy, Debug, PartialEq)]
#[allow(missing_docs)] // each variant is documented by its rule struct
pub enum Unary {
    Neg,
    Recip,
    AddConst(f64),
    MulConst(f64),
    Powi(i32),
    Powf(f64),
    Exp,
    Ln,
    Sqrt,
    Sigmoid,
    Tanh,
    Relu,
    LeakyRelu(f64),
    Softplus,
    Abs,
    Sin,
    Cos,
}

/// Runs `$body` with `$rule` bound to the rule struct behind a [`Unary`].
macro_rules! with_rule {
    ($gate:expr, $rule:ident => $body:expr) => {
        match $gate {
            Unary::Neg => {
                let $rule = Neg;
                $body
            }
            Unary::Recip => {
                let $rule = Recip;
                $body
            }
            Unary::AddConst(c) => {
                let $rule = AddConst(c);
                $body
            }
            Unary::MulConst(c) => {
                let $rule = MulConst(c);
                $body
            }
            Unary::Powi(n) => {
                let $rule = Powi(n);
                $body
            }
            Unary::Powf(c) => {
                let $rule = Powf(c);
                $body
            }
            Unary::Exp => {
                let $rule = Exp;
                $body
            }
            Unary::Ln => {
                let $rule = Ln;
                $body
            }
            Unary::Sqrt => {
                let $rule = Sqrt;
                $body
            }
            Unary::Sigmoid => {
                let $rule = Sigmoid;
                $body
            }
            Unary::Tanh => {
                let $rule = Tanh;
                $body
            }
            Unary::Relu => {
                let $rule = Relu;
                $body
            }
            Unary::LeakyRelu(a) => {
                let $rule = LeakyRelu(a);
                $body
            }
            Unary::Softplus => {
                let $rule = Softplus;
                $body
            }
            Unary::Abs => {
                let $rule = Abs;
                $body
            }
            Unary::Sin => {
                let $rule = Sin;
                $body
            }
            Unary::Cos => {
                let $rule = Cos;
                $body
            }
        }
    };
}

/// A rule's `NAME` and `DERIVATIVE_FROM` constants, read through a value.
fn name_of<R: UnaryRule>(_: &R) -> &'static str {
    R::NAME
}
fn derivative_from_of<R: UnaryRule>(_: &R) -> DerivativeFrom {
    R::DERIVATIVE_FROM
}

/// Code generic over one-input rules, run on the rule behind a [`Unary`]
/// by [`Unary::visit`]: one dispatch, then code specialised for that rule
/// (a tensor kernel's loop over every element, with no dispatch per
/// element).
pub trait UnaryVisitor {
    /// What the visit returns.
    type Output;
    /// Runs with the rule.
    fn visit<R: UnaryRule>(self, rule: R) -> Self::Output;
}

impl Unary {
    /// Runs `visitor` with the rule struct behind this gate.
    ///
    /// ```
    /// use backprop_gates::{Unary, UnaryRule, UnaryVisitor};
    ///
    /// struct Twice(f64);
    /// impl UnaryVisitor for Twice {
    ///     type Output = f64;
    ///     fn visit<R: UnaryRule>(self, rule: R) -> f64 {
    ///         rule.f(rule.f(self.0))
    ///     }
    /// }
    /// assert_eq!(Unary::Neg.visit(Twice(3.0)), 3.0);
    /// ```
    #[inline]
    pub fn visit<V: UnaryVisitor>(self, visitor: V) -> V::Output {
        with_rule!(self, r => visitor.visit(r))
    }
}

impl Unary {
    /// The forward function `y = f(x)`.
    #[inline]
    pub fn forward<F: Real>(self, x: F) -> F {
        with_rule!(self, r => r.f(x))
    }

    /// The local derivative `dy/dx` given `x` and `y = f(x)`.
    #[inline]
    pub fn derivative<F: Real>(self, x: F, y: F) -> F {
        with_rule!(self, r => r.df(x, y))
    }

    /// The rule's short name (`"sigmoid"`, `"powi"`, ...), without parameters.
    pub fn name(self) -> &'static str {
        with_rule!(self, r => name_of(&r))
    }

    /// Whether the derivative is computed from the input or the output.
    pub fn derivative_from(self) -> DerivativeFrom {
        with_rule!(self, r => derivative_from_of(&r))
    }

    /// Where the rule is differentiable.
    pub fn domain(self) -> Domain {
        with_rule!(self, r => r.domain())
    }

    /// Points where the derivative jumps.
    pub fn kinks(self) -> &'static [f64] {
        with_rule!(self, r => r.kinks())
    }

    /// Which derivative the rule returns at its kinks (`None` if smooth).
    pub fn kink_convention(self) -> Option<KinkConvention> {
        with_rule!(self, r => r.kink_convention())
    }

    /// The rule's parameter, if it has one (`c`, `n` or the slope).
    pub fn parameter(self) -> Option<f64> {
        match self {
            Unary::AddConst(c) | Unary::MulConst(c) | Unary::Powf(c) | Unary::LeakyRelu(c) => {
                Some(c)
            }
            Unary::Powi(n) => Some(f64::from(n)),
            _ => None,
        }
    }
}

impl fmt::Display for Unary {
    /// The name, with the parameter in parentheses: `sigmoid`, `powi(2)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unary::Powi(n) => write!(f, "{}({n})", self.name()),
            _ => match self.parameter() {
                Some(p) => write!(f, "{}({p:?})", self.name()),
                None => f.write_str(self.name()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Gate;

    /// `DERIVATIVE_FROM` is exact: `df` reads the value it names and never
    /// the other one (tensor backward passes read only that operand), so
    /// replacing the other by anything leaves the derivative unchanged.
    #[test]
    fn df_reads_only_the_value_derivative_from_names() {
        for &gate in Gate::catalog() {
            let Gate::Unary(g) = gate else { continue };
            for x in [0.25, 0.5, 1.5, 3.0, -0.75, -2.0] {
                let y = g.forward(x);
                let exact = g.derivative(x, y);
                for junk in [17.0, -3.5, f64::NAN] {
                    let swapped = match g.derivative_from() {
                        DerivativeFrom::Input => g.derivative(x, junk),
                        DerivativeFrom::Output => g.derivative(junk, y),
                    };
                    assert!(
                        swapped == exact || (swapped.is_nan() && exact.is_nan()),
                        "{g} at x = {x}: {exact} with y, {swapped} with {junk} in its place"
                    );
                }
            }
        }
    }
}
