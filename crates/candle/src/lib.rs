//! Check candle's gradients with finite differences: any candle function,
//! and an audit of candle's own differentiable ops.
//!
//! [`check`] takes a function `Fn(&[Tensor]) -> candle_core::Result<Tensor>`
//! and its inputs. The analytic side is candle's own autograd (`Var`,
//! `backward`, `GradStore`) with a random upstream gradient; the numerical
//! side is [`backprop_gradcheck`]: central differences of the same function
//! run by candle in `f64`, so an `f32` gradient is judged against an `f64`
//! oracle. Exhaustive and fast modes, kinks, non-finite values and the
//! structural checks (shapes, zero upstream gives zero, repeatability)
//! apply as for any rule `backprop-gradcheck` checks.
//!
//! The [`Status`] says how candle is wrong, if it is: a wrong value (with
//! the worst elements), a gradient that is missing or silently zero although
//! the output depends on the input, a gradient of the wrong shape, an error
//! from backward, or a panic (caught, never aborting the caller).
//!
//! ```
//! use backprop_candle::{check, CheckOptions, Status};
//! use candle_core::{Device, Tensor};
//!
//! let x = Tensor::new(&[[0.3f32, -1.2, 2.0], [0.5, 0.1, -0.7]], &Device::Cpu)?;
//! let report = check(|t| t[0].exp()?.sum_keepdim(1), &[x], &CheckOptions::default())?;
//! assert_eq!(report.status, Status::Pass, "{report}");
//! # Ok::<(), backprop_candle::CheckError>(())
//! ```
//!
//! The `audit` module (feature `audit`) checks every differentiable public
//! op of candle-core and candle-nn over many configurations (`cargo xtask
//! audit candle`).

#[cfg(feature = "audit")]
pub mod audit;
mod check;
mod classify;
mod error;
mod layout;

pub use backprop_audit::{InputResult, Phase, Status};
pub use check::{CheckOptions, check};
pub use error::{CheckError, candle_message};
pub use layout::{InputLayout, from_array, to_array};

/// The result of [`check`]: candle's gradient of one function against
/// finite differences of its forward pass, one verdict per input
/// (`backprop-audit`'s report, with `framework = "candle"` and the
/// inputs' [`InputLayout`] as `layout`).
pub type CandleReport = backprop_audit::GradientReport;

/// The candle release this crate is built and audited against (pinned in
/// the adapter's own `Cargo.toml`, a workspace of its own).
pub const CANDLE_VERSION: &str = "0.11.1";

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeExamples;
