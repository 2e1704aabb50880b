//! Forward-mode dual numbers: an exact second oracle for every rule.

use std::cmp::Ordering;
use std::ops::{Add, Div, Mul, Neg, Sub};

use crate::Real;

/// A dual number `value + tangent·ε` with `ε² = 0`.
///
/// Evaluating a function `f` at `Dual::variable(x)` yields `f(x)` and `f'(x)`
/// at once, exactly up to rounding, without any derivative rule. That makes
/// it an independent oracle for the hand-written `df` of every gate.
///
/// Equality and ordering compare the primal [`value`](Dual::value) only, so
/// that branches (`relu`, `max`, ...) take the same path as on plain floats.
///
/// ```
/// use backprop_gates::{Dual, Real};
///
/// // d/dx (x * x + 3x) at x = 2 is 2x + 3 = 7
/// let x = Dual::variable(2.0_f64);
/// let y = x * x + Dual::constant(3.0) * x;
/// assert_eq!((y.value, y.tangent), (10.0, 7.0));
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Dual<F> {
    /// The primal value `f(x)`.
    pub value: F,
    /// The derivative `f'(x)` carried along.
    pub tangent: F,
}

impl<F: Real> Dual<F> {
    /// A dual number with an explicit tangent.
    pub fn new(value: F, tangent: F) -> Self {
        Dual { value, tangent }
    }

    /// The independent variable: tangent `1`.
    pub fn variable(value: F) -> Self {
        Dual::new(value, F::one())
    }

    /// A constant: tangent `0`.
    pub fn constant(value: F) -> Self {
        Dual::new(value, F::zero())
    }

    /// A point as dual numbers seeded along input `i`: tangent `1` there and
    /// `0` elsewhere, so `f(&Dual::seeded(p, i)).tangent` is `∂f/∂xᵢ` at `p`.
    ///
    /// ```
    /// use backprop_gates::Dual;
    /// let p = Dual::seeded(&[2.0_f64, 3.0], 1);
    /// assert_eq!((p[1].value, p[1].tangent, p[0].tangent), (3.0, 1.0, 0.0));
    /// let y = p[0] * p[1]; // ∂(x·y)/∂y = x
    /// assert_eq!(y.tangent, 2.0);
    /// ```
    pub fn seeded(point: &[F], i: usize) -> Vec<Self> {
        point
            .iter()
            .enumerate()
            .map(|(k, &v)| {
                if k == i {
                    Dual::variable(v)
                } else {
                    Dual::constant(v)
                }
            })
            .collect()
    }

    /// Chain rule for a unary function with value `v` and derivative `dv`.
    fn chain(self, v: F, dv: F) -> Self {
        Dual::new(v, dv * self.tangent)
    }
}

impl<F: Real> PartialEq for Dual<F> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<F: Real> PartialOrd for Dual<F> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.value.partial_cmp(&other.value)
    }
}

impl<F: Real> Add for Dual<F> {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        Dual::new(self.value + o.value, self.tangent + o.tangent)
    }
}

impl<F: Real> Sub for Dual<F> {
    type Output = Self;
    fn sub(self, o: Self) -> Self {
        Dual::new(self.value - o.value, self.tangent - o.tangent)
    }
}

impl<F: Real> Mul for Dual<F> {
    type Output = Self;
    fn mul(self, o: Self) -> Self {
        Dual::new(
            self.value * o.value,
            self.tangent * o.value + self.value * o.tangent,
        )
    }
}

impl<F: Real> Div for Dual<F> {
    type Output = Self;
    /// `(a/b)' = (a' - q·b') / b` with `q = a/b`: never squares `b`, so the
    /// tangent stays finite wherever the quotient does. A constant divisor
    /// (`b' = 0`) contributes nothing, even where `q` is infinite, so
    /// `∂(a/b)/∂a = 1/b` holds at `b = 0` too (the strong zero of
    /// [`chain`](crate::chain)).
    fn div(self, o: Self) -> Self {
        let q = self.value / o.value;
        let numerator = if o.tangent == F::zero() {
            self.tangent
        } else {
            self.tangent - q * o.tangent
        };
        Dual::new(q, numerator / o.value)
    }
}

impl<F: Real> Neg for Dual<F> {
    type Output = Self;
    fn neg(self) -> Self {
        Dual::new(-self.value, -self.tangent)
    }
}

impl<F: Real> Real for Dual<F> {
    fn from_f64(v: f64) -> Self {
        Dual::constant(F::from_f64(v))
    }
    fn to_f64(self) -> f64 {
        self.value.to_f64()
    }
    fn exp(self) -> Self {
        let e = self.value.exp();
        self.chain(e, e)
    }
    fn ln(self) -> Self {
        self.chain(self.value.ln(), F::one() / self.value)
    }
    fn ln_1p(self) -> Self {
        self.chain(self.value.ln_1p(), F::one() / (F::one() + self.value))
    }
    fn sqrt(self) -> Self {
        let s = self.value.sqrt();
        self.chain(s, F::one() / (s + s))
    }
    fn tanh(self) -> Self {
        let t = self.value.tanh();
        self.chain(t, F::one() - t * t)
    }
    fn sin(self) -> Self {
        self.chain(self.value.sin(), self.value.cos())
    }
    fn cos(self) -> Self {
        self.chain(self.value.cos(), -self.value.sin())
    }
    fn abs(self) -> Self {
        // The value from `F::abs`, so that |-0| is +0; the tangent from the
        // branch (the right-hand derivative at 0).
        let tangent = if self.value < F::zero() {
            -self.tangent
        } else {
            self.tangent
        };
        Dual::new(self.value.abs(), tangent)
    }
    fn powi(self, n: i32) -> Self {
        let d = if n == 0 {
            F::zero()
        } else {
            F::from_f64(f64::from(n)) * self.value.powi(n - 1)
        };
        self.chain(self.value.powi(n), d)
    }
    fn powf(self, y: Self) -> Self {
        let v = self.value.powf(y.value);
        // Each term only when its tangent is non-zero: a constant exponent
        // must not drag in `ln(x)` (NaN for x <= 0), and vice versa. At the
        // singular points the terms take the values `Pow` documents: x⁰ = 1
        // for every x, so the x-term is 0 at y = 0; 0ʸ = 0 for every y > 0,
        // so the y-term is 0 at x = 0, y >= 0.
        let mut t = F::zero();
        if self.tangent != F::zero() && y.value != F::zero() {
            t = t + y.value * self.value.powf(y.value - F::one()) * self.tangent;
        }
        let zero_base = self.value == F::zero() && y.value >= F::zero();
        if y.tangent != F::zero() && !zero_base {
            t = t + v * self.value.ln() * y.tangent;
        }
        Dual::new(v, t)
    }
    fn is_finite(self) -> bool {
        self.value.is_finite()
    }
}
