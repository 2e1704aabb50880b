//! The device every check runs on, and the float types it runs in.

use std::sync::OnceLock;

use backprop_gradcheck::{Dtype, Float};
use burn_tensor::{DType, Device, FloatDType};

use crate::CheckError;

static DEVICE: OnceLock<(Device, Dtype)> = OnceLock::new();

fn make(default: Dtype) -> (Device, Dtype) {
    // The ndarray backend is the one audited; burn 0.22 marks it deprecated
    // in favour of `flex` (same API).
    #[allow(deprecated)]
    let mut device = Device::ndarray();
    let float = match default {
        Dtype::F64 => FloatDType::F64,
        Dtype::F32 => FloatDType::F32,
    };
    // `AlreadyInitialized` means the process chose first: tensors made
    // here name their float type anyway, and `device_default` reports the
    // type checks then see.
    let _ = device.configure(float);
    (device.autodiff(), default)
}

/// The CPU device of burn's ndarray backend with autodiff enabled: what
/// every check runs on.
///
/// Its default float type (the type of tensors burn creates without being
/// told one, inside ops too) is `f64` — burn 0.22's equivalent of
/// `Autodiff<NdArray<f64>>`, the oracle's configuration — unless
/// [`configure_device`] chose another before the first use. burn keeps one
/// default per device and process.
///
/// ```
/// let device = backprop_burn::device();
/// assert!(device.is_autodiff());
/// ```
pub fn device() -> Device {
    DEVICE.get_or_init(|| make(Dtype::F64)).0.clone()
}

/// The default float type of [`device()`].
pub fn device_default() -> Dtype {
    DEVICE.get_or_init(|| make(Dtype::F64)).1
}

/// Choose the default float type of [`device()`] before its first use: an
/// `f32` check of a function that creates tensors of the default type
/// itself (burn-nn's label smoothing, for example) must run where that
/// default is `f32`, as it does for burn users who never configure one.
///
/// ```
/// use backprop_gradcheck::Dtype;
///
/// backprop_burn::configure_device(Dtype::F64)?; // what device() would do anyway
/// assert_eq!(backprop_burn::device_default(), Dtype::F64);
/// # Ok::<(), backprop_burn::CheckError>(())
/// ```
///
/// # Errors
///
/// [`CheckError::DeviceConfigured`] when the device is already in use with
/// another default.
pub fn configure_device(default: Dtype) -> Result<(), CheckError> {
    let chosen = DEVICE.get_or_init(|| make(default)).1;
    if chosen == default {
        Ok(())
    } else {
        Err(CheckError::DeviceConfigured {
            wanted: default.name(),
            current: chosen.name(),
        })
    }
}

/// A float type burn computes in and the checker understands: `f32` or
/// `f64`.
pub trait BurnFloat: Float + burn_tensor::Element {
    /// burn's name of the type.
    const BURN: DType;
}

impl BurnFloat for f64 {
    const BURN: DType = DType::F64;
}

impl BurnFloat for f32 {
    const BURN: DType = DType::F32;
}
