//! The second route: each audited op written out by its definition as a
//! naive loop over `f64` arrays, forward and vector-Jacobian product.
//!
//! A finding is only a finding when candle's forward agrees with the naive
//! forward (so the oracle is right and the problem is in backward), the
//! naive VJP agrees with finite differences of the naive forward (so the
//! naive code is right), and candle's gradient disagrees with the naive VJP.
//! None of this code calls candle.

pub mod conv;
pub mod elementwise;
pub mod index;
pub mod norm;
pub mod pool;
pub mod resample;

pub use backprop_audit::{Forward, Reference, Vjp};
