//! Check burn's gradients with finite differences: any burn function of
//! tensors, and an audit of burn's own differentiable ops.
//!
//! [`check`] takes a function of [`Inputs`] (burn tensors on the autodiff
//! ndarray [`device`], each asked for at its rank) and its inputs as
//! `TensorData`. The analytic side is burn's autodiff (`require_grad`,
//! `backward`, `grad`) with a random upstream gradient; the numerical side
//! is [`backprop_gradcheck`]: central differences of the same function run
//! by burn in `f64`, so an `f32` gradient is judged against an `f64`
//! oracle. The [`Status`] says how burn is wrong, if it is; a forward pass
//! that claims `f64` but computes in lower precision is told apart from a
//! wrong rule ([`forward_noise`]).
//!
//! ```
//! use backprop_burn::{check, CheckOptions, Status};
//! use burn_tensor::TensorData;
//!
//! let x = TensorData::new(vec![0.3f64, -1.2, 2.0, 0.5, 0.1, -0.7], [2, 3]);
//! let report = check(|t| Ok(t.tensor::<2>(0)?.exp().sum_dim(1)), &[x], &CheckOptions::default())?;
//! assert_eq!(report.status, Status::Pass, "{report}");
//! # Ok::<(), backprop_burn::CheckError>(())
//! ```
//!
//! The `audit` module (feature `audit`) checks burn's own ops over many
//! configurations (`cargo xtask audit burn`).

#[cfg(feature = "audit")]
pub mod audit;
mod check;
mod convert;
mod device;
mod error;
mod inputs;

/// The burn version this crate audits (burn-tensor and burn-nn).
pub const BURN_VERSION: &str = "0.22.1";

pub use backprop_audit::F32_RUN_TO_RUN;
pub use backprop_audit::{ForwardPrecision, LOW_PRECISION_NOISE, Noise, forward_noise};
/// A check's result is `backprop-audit`'s, shared with the candle adapter.
pub use backprop_audit::{GradientReport, InputResult};
/// The statuses and their names are `backprop-audit`'s, shared with the
/// candle adapter: both audits report the same ways of being wrong.
pub use backprop_audit::{Phase, Status};
pub use check::{CheckOptions, check, check_arrays, tensor_values};
pub use convert::MAX_RANK;
pub use device::{BurnFloat, configure_device, device, device_default};
pub use error::CheckError;
pub use inputs::Inputs;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeExamples;
