//! Comparing floats in units in the last place.

/// Distance between two `f64`s in units in the last place: `0` when equal
/// (including `0.0` and `-0.0`), `1` for neighbours, `u64::MAX` if either is
/// NaN.
///
/// ```
/// use backprop_gates::ulps_between;
/// assert_eq!(ulps_between(1.0, 1.0 + f64::EPSILON), 1);
/// assert_eq!(ulps_between(-0.0, 0.0), 0);
/// assert_eq!(ulps_between(-f64::MIN_POSITIVE, f64::MIN_POSITIVE), 2 << 52);
/// ```
pub fn ulps_between(a: f64, b: f64) -> u64 {
    if a.is_nan() || b.is_nan() {
        return u64::MAX;
    }
    // Map the sign-magnitude bit patterns onto one monotonic integer line.
    let key = |x: f64| {
        let bits = x.to_bits() as i64;
        if bits < 0 { i64::MIN - bits } else { bits }
    };
    key(a).abs_diff(key(b))
}
