//! The second route: each op a finding is about, written out by its
//! definition as a naive loop over `f64` arrays, forward and
//! vector-Jacobian product.
//!
//! A finding is only a finding when burn's forward agrees with the naive
//! forward (so the oracle is right and the problem is in backward), the
//! naive VJP agrees with finite differences of the naive forward (so the
//! naive code is right), and burn's gradient disagrees with the naive VJP
//! (or burn gives none). A precision finding is burn's `f64` forward
//! against the naive `f64` forward. None of this code calls burn. The
//! [`Reference`] type (forward and VJP) is `backprop-audit`'s.

pub mod conv;
pub mod deform;
pub mod elementwise;
pub mod norm;
pub mod resample;

pub use backprop_audit::{Forward, Reference, Vjp};
