//! What a checked function receives: its inputs as burn tensors of the
//! rank it asks for, and the device and float type to make constants with.

use burn_tensor::{Bool, DType, Device, Int, Tensor};
use ndarray::ArrayD;

use crate::convert::{AnyRank, bool_tensor, float_tensor, int_tensor};
use crate::{BurnFloat, CheckError};

/// The inputs of one evaluation of a checked function.
///
/// Burn tensors carry their rank in their type, so the function asks for
/// each input at the rank it needs: `x.tensor::<4>(0)?` is input 0 as a
/// `Tensor<4>`, or an error naming both ranks if input 0 is not 4-D.
/// Constants (indices, masks, fixed weights) are made with the same
/// device and float type as the inputs, so an `f32` check stays in `f32`.
///
/// ```
/// use backprop_burn::{Inputs, CheckError};
/// use burn_tensor::Tensor;
///
/// // softmax over the last axis, checked in whatever type the run uses
/// fn f(x: &Inputs) -> Result<Tensor<2>, CheckError> {
///     Ok(burn_tensor::activation::softmax(x.tensor::<2>(0)?, 1))
/// }
/// ```
pub struct Inputs {
    leaves: Vec<AnyRank>,
    device: Device,
    dtype: DType,
}

impl Inputs {
    /// The arrays as burn tensors on `device`, leaves of the autodiff graph
    /// when `track` (gradients wanted), plain constants otherwise.
    /// `None` if an array has rank 0 or above [`MAX_RANK`](crate::MAX_RANK).
    pub(crate) fn new<T: BurnFloat>(
        arrays: &[ArrayD<T>],
        device: &Device,
        track: bool,
    ) -> Option<Inputs> {
        let leaves = arrays
            .iter()
            .map(|a| AnyRank::float(a, device, track))
            .collect::<Option<Vec<_>>>()?;
        Some(Inputs {
            leaves,
            device: device.clone(),
            dtype: T::BURN,
        })
    }

    /// How many inputs there are.
    pub fn len(&self) -> usize {
        self.leaves.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.leaves.is_empty()
    }

    /// The shape of input `index`.
    ///
    /// # Errors
    ///
    /// [`CheckError::NoSuchInput`] when there is no such input.
    pub fn shape(&self, index: usize) -> Result<&[usize], CheckError> {
        self.leaf(index).map(|l| l.shape.as_slice())
    }

    /// Input `index` as a float tensor of rank `R` (the same tensor each
    /// call: the gradient is taken with respect to it).
    ///
    /// # Errors
    ///
    /// [`CheckError::NoSuchInput`] or [`CheckError::RankMismatch`].
    pub fn tensor<const R: usize>(&self, index: usize) -> Result<Tensor<R>, CheckError> {
        let leaf = self.leaf(index)?;
        leaf.get::<R>().ok_or_else(|| CheckError::RankMismatch {
            index,
            shape: leaf.shape.clone(),
            rank: R,
        })
    }

    /// The device the inputs live on (autodiff-enabled).
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// The float type of this run (`F64` or `F32`).
    pub fn dtype(&self) -> DType {
        self.dtype
    }

    /// A float constant (no gradient) of rank `R` in this run's float type.
    ///
    /// # Errors
    ///
    /// [`CheckError::ConstantRank`] when `data` does not have rank `R`.
    pub fn float<const R: usize>(&self, data: &ArrayD<f64>) -> Result<Tensor<R>, CheckError> {
        check_rank::<R>(data.shape())?;
        Ok(match self.dtype {
            DType::F32 => float_tensor::<f32, R>(&data.mapv(|v| v as f32), &self.device),
            _ => float_tensor::<f64, R>(data, &self.device),
        })
    }

    /// An integer constant (indices) of rank `R`.
    ///
    /// # Errors
    ///
    /// [`CheckError::ConstantRank`] when `data` does not have rank `R`.
    pub fn int<const R: usize>(&self, data: &ArrayD<i64>) -> Result<Tensor<R, Int>, CheckError> {
        check_rank::<R>(data.shape())?;
        Ok(int_tensor::<R>(data, &self.device))
    }

    /// A boolean constant (a mask) of rank `R`.
    ///
    /// # Errors
    ///
    /// [`CheckError::ConstantRank`] when `data` does not have rank `R`.
    pub fn bool<const R: usize>(&self, data: &ArrayD<bool>) -> Result<Tensor<R, Bool>, CheckError> {
        check_rank::<R>(data.shape())?;
        Ok(bool_tensor::<R>(data, &self.device))
    }

    pub(crate) fn leaf(&self, index: usize) -> Result<&AnyRank, CheckError> {
        self.leaves.get(index).ok_or(CheckError::NoSuchInput {
            index,
            count: self.leaves.len(),
        })
    }
}

fn check_rank<const R: usize>(shape: &[usize]) -> Result<(), CheckError> {
    if shape.len() == R {
        Ok(())
    } else {
        Err(CheckError::ConstantRank {
            shape: shape.to_vec(),
            rank: R,
        })
    }
}
