//! The small float trait every rule is generic over.

use std::fmt::Debug;
use std::ops::{Add, Div, Mul, Neg, Sub};

/// The arithmetic a derivative rule needs.
///
/// Implemented for [`f32`], [`f64`] and [`Dual`](crate::Dual), so one rule
/// written once can run in single precision, double precision, and in
/// forward mode (which yields an exact, independent derivative to check the
/// rule's own `df` against).
///
/// Comparisons (`PartialOrd`) look at the primal value only: that is what
/// decides which branch a rule such as `relu` or `max` takes.
pub trait Real:
    Copy
    + Debug
    + PartialOrd
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
{
    /// A constant: derivative-free when `Self` is a dual number.
    fn from_f64(v: f64) -> Self;
    /// The primal value, rounded to `f64`.
    fn to_f64(self) -> f64;
    /// `0` as a constant.
    fn zero() -> Self {
        Self::from_f64(0.0)
    }
    /// `1` as a constant.
    fn one() -> Self {
        Self::from_f64(1.0)
    }
    /// `e^x`.
    fn exp(self) -> Self;
    /// Natural logarithm `ln x`.
    fn ln(self) -> Self;
    /// `ln(1 + x)`, accurate near `x = 0`.
    fn ln_1p(self) -> Self;
    /// Square root.
    fn sqrt(self) -> Self;
    /// Hyperbolic tangent.
    fn tanh(self) -> Self;
    /// Sine.
    fn sin(self) -> Self;
    /// Cosine.
    fn cos(self) -> Self;
    /// Absolute value.
    fn abs(self) -> Self;
    /// `x^n` for an integer `n`.
    fn powi(self, n: i32) -> Self;
    /// `x^y` for a real `y`.
    fn powf(self, y: Self) -> Self;
    /// Whether the primal value is neither infinite nor NaN.
    fn is_finite(self) -> bool;
}

macro_rules! impl_real_for_primitive {
    ($t:ty) => {
        impl Real for $t {
            #[inline]
            fn from_f64(v: f64) -> Self {
                v as $t
            }
            #[inline]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline]
            fn exp(self) -> Self {
                <$t>::exp(self)
            }
            #[inline]
            fn ln(self) -> Self {
                <$t>::ln(self)
            }
            #[inline]
            fn ln_1p(self) -> Self {
                <$t>::ln_1p(self)
            }
            #[inline]
            fn sqrt(self) -> Self {
                <$t>::sqrt(self)
            }
            #[inline]
            fn tanh(self) -> Self {
                <$t>::tanh(self)
            }
            #[inline]
            fn sin(self) -> Self {
                <$t>::sin(self)
            }
            #[inline]
            fn cos(self) -> Self {
                <$t>::cos(self)
            }
            #[inline]
            fn abs(self) -> Self {
                <$t>::abs(self)
            }
            #[inline]
            fn powi(self, n: i32) -> Self {
                <$t>::powi(self, n)
            }
            #[inline]
            fn powf(self, y: Self) -> Self {
                <$t>::powf(self, y)
            }
            #[inline]
            fn is_finite(self) -> bool {
                <$t>::is_finite(self)
            }
        }
    };
}

impl_real_for_primitive!(f32);
impl_real_for_primitive!(f64);
