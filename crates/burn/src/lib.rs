//! Check burn's gradients with finite differences: any burn function of
//! tensors, and an audit of burn's own differentiable ops.

pub mod audit;
mod check;
mod classify;
mod convert;
mod device;
mod error;
mod inputs;
mod precision;
mod report;
mod status;

/// The burn version this crate audits (burn-tensor and burn-nn).
pub const BURN_VERSION: &str = "0.22.1";

pub use check::{CheckOptions, F32_RUN_TO_RUN, check, check_arrays, tensor_values};
pub use convert::MAX_RANK;
pub use device::{BurnFloat, configure_device, device, device_default};
pub use error::CheckError;
pub use inputs::Inputs;
pub use precision::{LOW_PRECISION_NOISE, Noise, forward_noise};
pub use report::{BurnReport, ForwardPrecision, InputResult};
pub use status::{Phase, Status};
