//! Two-input gates: forward `f(a, b)` and both local derivatives.

use std::fmt;

use crate::{Domain, KinkConvention, Real};

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
    /// Which derivatives `df` returns at its kinks (every rule with kinks
    /// should say; `None` for a smooth rule).
    fn kink_convention(&self) -> Option<KinkConvention> {
        None
    }
    /// The local derivatives `(∂y/∂a, ∂y/∂b)` when they are the same
    /// constants for every `a` and `b` (the linear gates: `+` and `-`), so
    /// that a tensor backward pass can pass the upstream gradient on
    /// instead of multiplying it by `1` element by element. `None` (the
    /// default) when they depend on the operands. Must agree with
    /// [`df`](BinaryRule::df).
    fn constant_df(&self) -> Option<(f64, f64)> {
        None
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
    fn constant_df(&self) -> Option<(f64, f64)> {
        Some((1.0, 1.0))
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
    fn constant_df(&self) -> Option<(f64, f64)> {
        Some((1.0, -1.0))
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
///
/// # At the edges
///
/// Value; derivative(s) at each documented edge, beside PyTorch's and
/// JAX's as measured (bold where they differ from ours); the crate
/// README has every gate's.
///
/// | gate at point | kind | backprop | PyTorch | JAX | why |
/// |---|---|---|---|---|---|
/// | div at (1, 0) | singular | inf; inf, -inf | inf; inf, -inf | inf; inf, -inf | A pole: no finite value exists; the infinities are the limits from the right. |
/// | div at (0, 0) | singular | NaN; inf, NaN | NaN; inf, NaN | NaN; inf, NaN | 0/0 has no value; ∂a = 1/b = +inf whatever a is; ∂b = -a/b² is 0/0 again. |
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
/// for `a > 0`. Where those products are `0·∞`, the exact partials:
/// `∂f/∂a = 0` at `b = 0` (`a⁰ = 1` for every `a`), `∂f/∂b = 0` at `a = 0`,
/// `b >= 0` (`0ᵇ = 0` for every `b > 0`, and its limit at `b = 0`).
///
/// # At the edges
///
/// Value; derivative(s) at each documented edge, beside PyTorch's and
/// JAX's as measured (bold where they differ from ours); the crate
/// README has every gate's.
///
/// | gate at point | kind | backprop | PyTorch | JAX | why |
/// |---|---|---|---|---|---|
/// | pow at (0, 0) | singular | 1; 0, 0 | 1; 0, 0 | **1; NaN, 0** | ∂a = 0 exactly: a⁰ = 1 for every a (the formula's 0·0⁻¹ would be NaN). ∂b = 0, the limit from b > 0, where 0ᵇ = 0 (the formula gives -inf). |
/// | pow at (0, 1) | singular | 0; 1, 0 | 0; 1, 0 | 0; 1, 0 | ∂b = 0 exactly: 0ᵇ = 0 for every b > 0 (the formula's 0·ln 0 would be NaN). |
/// | pow at (0, 2) | singular | 0; 0, 0 | 0; 0, 0 | 0; 0, 0 | ∂b = 0 exactly: 0ᵇ = 0 for every b > 0 (the formula's 0·ln 0 would be NaN). |
/// | pow at (0, 0.5) | singular | 0; inf, 0 | 0; inf, 0 | 0; inf, 0 | ∂a = +inf, the derivative from the right (aᵇ is real only for a >= 0); ∂b = 0 as for every b > 0. |
/// | pow at (0, -1) | singular | inf; -inf, -inf | inf; -inf, -inf | **inf; -inf, NaN** | A pole: 0ᵇ = +inf for b < 0. ∂b = -inf is the limit of aᵇ·ln a as a → 0+. |
/// | pow at (0, -0.5) | singular | inf; -inf, -inf | inf; -inf, -inf | **inf; -inf, NaN** | A pole: 0ᵇ = +inf for b < 0. ∂b = -inf is the limit of aᵇ·ln a as a → 0+. |
/// | pow at (-2, 3) | singular | -8; 12, NaN | -8; 12, NaN | -8; 12, NaN | ∂b = NaN: (-2)ᵇ is not real for b near 3, so no derivative exists; ∂a = b·aᵇ⁻¹ holds. |
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pow;
impl BinaryRule for Pow {
    const NAME: &'static str = "pow";
    fn f<F: Real>(&self, a: F, b: F) -> F {
        a.powf(b)
    }
    fn df<F: Real>(&self, a: F, b: F, y: F) -> (F, F) {
        // a⁰ = 1 for every a, so ∂a = 0 exactly at b = 0 (the formula
        // gives 0·0⁻¹ = NaN at a = 0).
        let da = if b == F::zero() {
            F::zero()
        } else {
            b * a.powf(b - F::one())
        };
        // 0ᵇ = 0 for every b > 0, so ∂b = 0 there, and at b = 0 we take
        // that limit from b > 0 (the formula gives 0·ln 0 = NaN, or
        // 1·ln 0 = -∞ at b = 0).
        let db = if a == F::zero() && b >= F::zero() {
            F::zero()
        } else {
            y * a.ln()
        };
        (da, db)
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

/// The winning input, NaN if either is NaN. At a tie between `-0` and
/// `+0`, IEEE 754-2019's `maximum`/`minimum` order `-0 < +0`, so the
/// result does not depend on the order of the inputs.
fn extremum<F: Real>(a_wins: bool, b_wins: bool, larger: bool, a: F, b: F) -> F {
    if a_wins {
        a
    } else if b_wins {
        b
    } else if a == b && a == F::zero() {
        // Sums of zeros: -0 + -0 = -0, any +0 makes +0; negated for min.
        if larger { a + b } else { -(-a + -b) }
    } else if a == b {
        a
    } else {
        a + b
    }
}

/// Maximum. `f = max(a, b)`, `∂f/∂a = [a > b]`, `∂f/∂b = [b > a]`, `½` each
/// at a tie (a kink: the mean of both sides, [`KinkConvention::Mean`]);
/// `max(-0, +0) = +0` in either order (IEEE 754-2019).
///
/// # At the edges
///
/// Value; derivative(s) at each documented edge, beside PyTorch's and
/// JAX's as measured (bold where they differ from ours); the crate
/// README has every gate's.
///
/// | gate at point | kind | backprop | PyTorch | JAX | why |
/// |---|---|---|---|---|---|
/// | max at (1, 1) | kink | 1; 0.5, 0.5 | 1; 0.5, 0.5 | 1; 0.5, 0.5 | Mean of the one-sided derivatives: ½ to each input, so max(x, x) has derivative 1. |
/// | max at (-0, 0) | signed zero | 0; 0.5, 0.5 | **-0; 0.5, 0.5** | 0; 0.5, 0.5 | IEEE 754-2019's maximum (-0 < +0): the result does not depend on the order of the inputs. |
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Max;
impl BinaryRule for Max {
    const NAME: &'static str = "max";
    fn f<F: Real>(&self, a: F, b: F) -> F {
        extremum(a > b, b > a, true, a, b)
    }
    fn df<F: Real>(&self, a: F, b: F, _y: F) -> (F, F) {
        pick(a > b, b > a, a, b)
    }
    fn kinks_at_ties(&self) -> bool {
        true
    }
    fn kink_convention(&self) -> Option<KinkConvention> {
        Some(KinkConvention::Mean)
    }
}

/// Minimum. `f = min(a, b)`, `∂f/∂a = [a < b]`, `∂f/∂b = [b < a]`, `½` each
/// at a tie (a kink: the mean of both sides, [`KinkConvention::Mean`]);
/// `min(-0, +0) = -0` in either order (IEEE 754-2019).
///
/// # At the edges
///
/// Value; derivative(s) at each documented edge, beside PyTorch's and
/// JAX's as measured (bold where they differ from ours); the crate
/// README has every gate's.
///
/// | gate at point | kind | backprop | PyTorch | JAX | why |
/// |---|---|---|---|---|---|
/// | min at (1, 1) | kink | 1; 0.5, 0.5 | 1; 0.5, 0.5 | 1; 0.5, 0.5 | Mean of the one-sided derivatives: ½ to each input, so min(x, x) has derivative 1. |
/// | min at (-0, 0) | signed zero | -0; 0.5, 0.5 | -0; 0.5, 0.5 | -0; 0.5, 0.5 | IEEE 754-2019's minimum (-0 < +0): the result does not depend on the order of the inputs. |
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Min;
impl BinaryRule for Min {
    const NAME: &'static str = "min";
    fn f<F: Real>(&self, a: F, b: F) -> F {
        extremum(a < b, b < a, false, a, b)
    }
    fn df<F: Real>(&self, a: F, b: F, _y: F) -> (F, F) {
        pick(a < b, b < a, a, b)
    }
    fn kinks_at_ties(&self) -> bool {
        true
    }
    fn kink_convention(&self) -> Option<KinkConvention> {
        Some(KinkConvention::Mean)
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

    /// The local derivatives when they are constants (`+`, `-`; see
    /// [`BinaryRule::constant_df`]).
    ///
    /// ```
    /// use backprop_gates::Binary;
    ///
    /// assert_eq!(Binary::Sub.constant_derivatives(), Some((1.0, -1.0)));
    /// assert_eq!(Binary::Mul.constant_derivatives(), None);
    /// ```
    pub fn constant_derivatives(self) -> Option<(f64, f64)> {
        with_rule!(self, r => r.constant_df())
    }

    /// Whether the derivative jumps where `a == b`.
    pub fn kinks_at_ties(self) -> bool {
        with_rule!(self, r => r.kinks_at_ties())
    }

    /// Which derivatives the rule returns at a tie (`None` if smooth).
    pub fn kink_convention(self) -> Option<KinkConvention> {
        with_rule!(self, r => r.kink_convention())
    }
}

impl fmt::Display for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use crate::Gate;

    /// A gate that declares constant derivatives must return exactly them
    /// from `df` wherever it is defined; the others must not declare any
    /// (their derivatives vary: checked at two points where they differ).
    #[test]
    fn constant_derivatives_agree_with_df() {
        let points = [(0.5, 2.0), (3.0, -1.25), (-4.0, 0.75), (1e-3, 7.0)];
        for &gate in Gate::catalog() {
            let Gate::Binary(g) = gate else { continue };
            let at: Vec<(f64, f64)> = points
                .iter()
                .map(|&(a, b)| g.derivatives(a, b, g.forward(a, b)))
                .collect();
            match g.constant_derivatives() {
                Some(c) => assert!(at.iter().all(|&d| d == c), "{g}: {c:?} vs {at:?}"),
                None => assert!(
                    at.iter().any(|&d| d != at[0]),
                    "{g}'s derivatives look constant: {at:?}"
                ),
            }
        }
    }
}
