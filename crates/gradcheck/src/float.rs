//! The floating-point types a rule under test may compute in.

use std::fmt;

use backprop_gates::Real;
use serde::Serialize;

use crate::Tolerances;

/// The precision a rule under test computes in, as named in reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dtype {
    /// Single precision.
    F32,
    /// Double precision.
    F64,
}

impl Dtype {
    /// Both precisions, `f64` first.
    pub const ALL: [Dtype; 2] = [Dtype::F64, Dtype::F32];

    /// `"f32"` or `"f64"`.
    pub fn name(self) -> &'static str {
        match self {
            Dtype::F32 => "f32",
            Dtype::F64 => "f64",
        }
    }

    /// Machine epsilon of this precision.
    pub fn epsilon(self) -> f64 {
        match self {
            Dtype::F32 => f64::from(f32::EPSILON),
            Dtype::F64 => f64::EPSILON,
        }
    }
}

impl fmt::Display for Dtype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// `f32` or `f64`: the type a rule under test computes in.
///
/// Whatever the rule's type, the numerical oracle always runs in `f64`, so an
/// `f32` rule is judged against an answer far more accurate than itself, with
/// tolerances chosen for `f32` ([`Tolerances::for_dtype`]).
pub trait Float:
    Real + Default + Send + Sync + fmt::Display + serde::Serialize + sealed::Sealed + 'static
{
    /// The report name of this type.
    const DTYPE: Dtype;

    /// The value rounded to this type (exact for `f64`).
    fn from_f64_rounded(v: f64) -> Self {
        Self::from_f64(v)
    }

    /// Distance in units in the last place *of this type*: `0` when equal
    /// (including `0.0` and `-0.0`), `u64::MAX` if either is NaN.
    fn ulps(a: Self, b: Self) -> u64;

    /// The next representable values below and above (used to look at both
    /// sides of a point).
    fn neighbours(self) -> (Self, Self);

    /// Default tolerances for rules computing in this type.
    fn default_tolerances() -> Tolerances {
        Tolerances::for_dtype(Self::DTYPE)
    }
}

impl Float for f64 {
    const DTYPE: Dtype = Dtype::F64;

    fn ulps(a: f64, b: f64) -> u64 {
        backprop_gates::ulps_between(a, b)
    }

    fn neighbours(self) -> (f64, f64) {
        (self.next_down(), self.next_up())
    }
}

impl Float for f32 {
    const DTYPE: Dtype = Dtype::F32;

    fn ulps(a: f32, b: f32) -> u64 {
        if a.is_nan() || b.is_nan() {
            return u64::MAX;
        }
        // Map the sign-magnitude bit patterns onto one monotonic integer line,
        // as `ulps_between` does for f64.
        let key = |x: f32| {
            let bits = x.to_bits() as i32;
            i64::from(if bits < 0 { i32::MIN - bits } else { bits })
        };
        key(a).abs_diff(key(b))
    }

    fn neighbours(self) -> (f32, f32) {
        (self.next_down(), self.next_up())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f32_ulps_count_representable_steps() {
        assert_eq!(f32::ulps(1.0, 1.0 + f32::EPSILON), 1);
        assert_eq!(f32::ulps(-0.0, 0.0), 0);
        // smallest subnormals on either side of zero are two steps apart
        let tiny = f32::from_bits(1);
        assert_eq!(f32::ulps(-tiny, tiny), 2);
        assert_eq!(f32::ulps(f32::NAN, 1.0), u64::MAX);
    }

    #[test]
    fn neighbours_are_adjacent() {
        let (lo, hi) = 1.0_f32.neighbours();
        assert_eq!((f32::ulps(lo, 1.0), f32::ulps(hi, 1.0)), (1, 1));
        let (lo, hi) = 0.0_f64.neighbours();
        assert!(lo < 0.0 && hi > 0.0);
    }
}
