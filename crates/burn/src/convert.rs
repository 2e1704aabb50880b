//! Between `ndarray` arrays and burn tensors of any rank burn allows here.

use std::any::Any;

use burn_tensor::{Bool, Device, Int, Tensor, TensorData};
use ndarray::{ArrayD, IxDyn};

use crate::BurnFloat;

/// The highest rank a checked input or output may have.
pub const MAX_RANK: usize = 6;

/// Calls `$body` with `R` bound to the const rank equal to `$rank`
/// (1 to [`MAX_RANK`]), or evaluates `$otherwise`.
macro_rules! with_rank {
    ($rank:expr, $r:ident => $body:expr, _ => $otherwise:expr) => {
        match $rank {
            1 => {
                const $r: usize = 1;
                $body
            }
            2 => {
                const $r: usize = 2;
                $body
            }
            3 => {
                const $r: usize = 3;
                $body
            }
            4 => {
                const $r: usize = 4;
                $body
            }
            5 => {
                const $r: usize = 5;
                $body
            }
            6 => {
                const $r: usize = 6;
                $body
            }
            _ => $otherwise,
        }
    };
}
pub(crate) use with_rank;

/// An array as a float tensor of rank `R` and type `T` on `device`.
/// The caller checks that the array has rank `R`.
pub(crate) fn float_tensor<T: BurnFloat, const R: usize>(
    array: &ArrayD<T>,
    device: &Device,
) -> Tensor<R> {
    let data = TensorData::new(
        array.iter().copied().collect::<Vec<T>>(),
        array.shape().to_vec(),
    );
    Tensor::<R>::from_data(data, (device, T::BURN))
}

/// An integer array as an `Int` tensor of rank `R` on `device`.
pub(crate) fn int_tensor<const R: usize>(array: &ArrayD<i64>, device: &Device) -> Tensor<R, Int> {
    let data = TensorData::new(
        array.iter().copied().collect::<Vec<i64>>(),
        array.shape().to_vec(),
    );
    Tensor::<R, Int>::from_data(data, device)
}

/// A boolean array as a `Bool` tensor of rank `R` on `device`.
pub(crate) fn bool_tensor<const R: usize>(
    array: &ArrayD<bool>,
    device: &Device,
) -> Tensor<R, Bool> {
    let data = TensorData::new(
        array.iter().copied().collect::<Vec<bool>>(),
        array.shape().to_vec(),
    );
    Tensor::<R, Bool>::from_data(data, device)
}

/// A float tensor's values as `f64`, whatever float type it holds.
pub(crate) fn to_f64_array<const R: usize>(tensor: Tensor<R>) -> ArrayD<f64> {
    let shape = tensor.dims().to_vec();
    let values = tensor
        .into_data()
        .convert::<f64>()
        .try_to_vec::<f64>()
        .expect("converted to f64");
    ArrayD::from_shape_vec(IxDyn(&shape), values).expect("burn's shape matches its data")
}

/// A tensor of a rank known only at run time.
pub(crate) struct AnyRank {
    /// The tensor's shape (its length is the rank).
    pub shape: Vec<usize>,
    /// A `Tensor<R>` with `R = shape.len()`.
    tensor: Box<dyn Any>,
}

impl AnyRank {
    /// The array as a float tensor of its own rank; `None` for a rank above
    /// [`MAX_RANK`] or zero.
    pub fn float<T: BurnFloat>(array: &ArrayD<T>, device: &Device, track: bool) -> Option<AnyRank> {
        with_rank!(array.ndim(), R => {
            let t = float_tensor::<T, R>(array, device);
            let t = if track { t.require_grad() } else { t };
            Some(AnyRank { shape: array.shape().to_vec(), tensor: Box::new(t) })
        }, _ => None)
    }

    /// The tensor, if its rank is `R`.
    pub fn get<const R: usize>(&self) -> Option<Tensor<R>> {
        self.tensor.downcast_ref::<Tensor<R>>().cloned()
    }
}
