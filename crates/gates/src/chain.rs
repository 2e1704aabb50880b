//! The chain rule's product, with the one convention every engine shares.

use crate::Real;

/// One term of the chain rule: `local · upstream`, except that a zero
/// upstream gradient contributes exactly zero, even through an infinite or
/// NaN local derivative ("strong zero").
///
/// A zero upstream gradient means the output does not depend on this path
/// — the losing side of `max`, a `relu` below zero — so the path's local
/// derivative must not matter: `max(x, x / 0)` has derivative 1 in `x`, not
/// the NaN that `0 · ∞` would give. A NaN upstream still propagates.
///
/// ```
/// use backprop_gates::chain;
/// assert_eq!(chain(3.0, 2.0), 6.0);
/// assert_eq!(chain(f64::INFINITY, 0.0), 0.0);
/// assert!(chain(1.0, f64::NAN).is_nan());
/// ```
#[inline]
pub fn chain<F: Real>(local: F, upstream: F) -> F {
    if upstream == F::zero() {
        F::zero()
    } else {
        local * upstream
    }
}
