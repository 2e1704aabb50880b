//! How the checked function sees its inputs in memory, and moving values
//! between candle tensors and `ndarray` arrays.
//!
//! candle's CPU kernels take different paths for contiguous, transposed and
//! otherwise strided inputs, so a check can present the same logical values
//! in each layout. The values live in a *storage* tensor (the `Var` whose
//! gradient candle computes); the function receives a *view* of it.

use candle_core::{DType, Device, Tensor, Var};
use ndarray::{ArrayD, Axis, IxDyn};
use serde::Serialize;

/// The memory layout of every input as the checked function receives it.
///
/// ```
/// use backprop_candle::InputLayout;
///
/// assert_eq!(InputLayout::Transposed.name(), "transposed");
/// assert_eq!(InputLayout::ALL.len(), 3);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputLayout {
    /// Row-major and contiguous: the tensor as given.
    #[default]
    Contiguous,
    /// The last two axes are stored swapped and the function receives
    /// `storage.transpose(r-2, r-1)` (needs rank ≥ 2): a column-major view.
    Transposed,
    /// Every element is stored at twice its usual stride with an offset of
    /// one (`storage[..., 1]` of a tensor with an extra trailing axis of 2):
    /// non-contiguous on every axis. The gradient of the elements the view
    /// skips must be exactly zero.
    Strided,
}

impl InputLayout {
    /// Every layout, contiguous first.
    pub const ALL: [InputLayout; 3] = [
        InputLayout::Contiguous,
        InputLayout::Transposed,
        InputLayout::Strided,
    ];

    /// `"contiguous"`, `"transposed"` or `"strided"`.
    pub fn name(self) -> &'static str {
        match self {
            InputLayout::Contiguous => "contiguous",
            InputLayout::Transposed => "transposed",
            InputLayout::Strided => "strided",
        }
    }

    /// The values as stored (row-major) for this layout.
    fn storage_values(self, values: &ArrayD<f64>) -> ArrayD<f64> {
        match self {
            InputLayout::Contiguous => values.as_standard_layout().into_owned(),
            InputLayout::Transposed => {
                let r = values.ndim();
                let mut v = values.view();
                v.swap_axes(r - 2, r - 1);
                v.as_standard_layout().into_owned()
            }
            InputLayout::Strided => {
                let mut shape = values.shape().to_vec();
                shape.push(2);
                let mut stored = ArrayD::<f64>::zeros(IxDyn(&shape));
                stored.index_axis_mut(Axis(values.ndim()), 1).assign(values);
                stored
            }
        }
    }

    /// The view the function receives, from the storage tensor of an input
    /// of logical rank `rank`.
    pub(crate) fn view(self, storage: &Tensor, rank: usize) -> candle_core::Result<Tensor> {
        match self {
            InputLayout::Contiguous => Ok(storage.clone()),
            InputLayout::Transposed => storage.transpose(rank - 2, rank - 1),
            InputLayout::Strided => storage.narrow(rank, 1, 1)?.squeeze(rank),
        }
    }

    /// A gradient of the storage tensor, read back in the logical shape,
    /// with the largest magnitude it has on elements the view skips (always
    /// `0` unless the layout is strided).
    pub(crate) fn logical_gradient(
        self,
        grad: &Tensor,
        rank: usize,
    ) -> candle_core::Result<(ArrayD<f64>, f64)> {
        let stored = to_array(grad)?;
        Ok(match self {
            InputLayout::Contiguous => (stored, 0.0),
            InputLayout::Transposed => {
                let mut v = stored.view();
                v.swap_axes(rank - 2, rank - 1);
                (v.as_standard_layout().into_owned(), 0.0)
            }
            InputLayout::Strided => {
                if stored.ndim() != rank + 1 || stored.shape()[rank] != 2 {
                    // A misshapen gradient: hand it back as is; the shape
                    // check reports it.
                    return Ok((stored, 0.0));
                }
                let skipped = stored
                    .index_axis(Axis(rank), 0)
                    .iter()
                    .fold(0.0_f64, |m, v| m.max(v.abs()));
                (stored.index_axis(Axis(rank), 1).to_owned(), skipped)
            }
        })
    }

    /// The shape of the storage tensor for an input of `shape`.
    #[cfg(test)]
    pub(crate) fn storage_shape(self, shape: &[usize]) -> Vec<usize> {
        let mut s = shape.to_vec();
        match self {
            InputLayout::Contiguous => {}
            InputLayout::Transposed => {
                let r = s.len();
                s.swap(r - 2, r - 1);
            }
            InputLayout::Strided => s.push(2),
        }
        s
    }

    /// A storage tensor holding `values` for this layout, as a plain tensor
    /// or as a `Var` (whose gradient candle tracks).
    pub(crate) fn storage(
        self,
        values: &ArrayD<f64>,
        dtype: DType,
        var: bool,
    ) -> candle_core::Result<Tensor> {
        let stored = self.storage_values(values);
        let shape = stored.shape().to_vec();
        let data: Vec<f64> = stored.iter().copied().collect();
        let device = Device::Cpu;
        match (dtype, var) {
            (DType::F64, false) => Tensor::from_vec(data, shape, &device),
            (DType::F64, true) => Ok(Var::from_vec(data, shape, &device)?.as_tensor().clone()),
            (DType::F32, false) => Tensor::from_vec(to_f32(&data), shape, &device),
            (DType::F32, true) => Ok(Var::from_vec(to_f32(&data), shape, &device)?
                .as_tensor()
                .clone()),
            (other, _) => Err(candle_core::Error::Msg(format!(
                "backprop-candle stores f32 or f64 inputs, not {other:?}"
            ))),
        }
    }
}

fn to_f32(data: &[f64]) -> Vec<f32> {
    data.iter().map(|&v| v as f32).collect()
}

/// A candle tensor's values as an `f64` array of the same shape (any
/// layout, `f32` or `f64`; exact).
///
/// ```
/// use backprop_candle::to_array;
/// use candle_core::{Device, Tensor};
///
/// let t = Tensor::new(&[[1f32, 2.], [3., 4.]], &Device::Cpu)?.t()?;
/// let a = to_array(&t)?;
/// assert_eq!(a.shape(), &[2, 2]);
/// assert_eq!(a[[0, 1]], 3.0);
/// # Ok::<(), candle_core::Error>(())
/// ```
///
/// # Errors
///
/// candle's error if the tensor cannot be converted to `f64`.
pub fn to_array(t: &Tensor) -> candle_core::Result<ArrayD<f64>> {
    let shape = t.dims().to_vec();
    let t64 = t.to_dtype(DType::F64)?;
    let data: Vec<f64> = if shape.is_empty() {
        vec![t64.to_scalar::<f64>()?]
    } else {
        t64.flatten_all()?.to_vec1::<f64>()?
    };
    ArrayD::from_shape_vec(IxDyn(&shape), data)
        .map_err(|e| candle_core::Error::Msg(format!("shape of a converted tensor: {e}")))
}

/// A candle tensor (contiguous, on the CPU) of `dtype` holding `values`.
///
/// ```
/// use backprop_candle::from_array;
/// use candle_core::DType;
/// use ndarray::{ArrayD, IxDyn};
///
/// let a = ArrayD::from_shape_fn(IxDyn(&[2, 3]), |i| (i[0] * 3 + i[1]) as f64);
/// let t = from_array(&a, DType::F32)?;
/// assert_eq!(t.dims(), &[2, 3]);
/// assert_eq!(t.dtype(), DType::F32);
/// # Ok::<(), candle_core::Error>(())
/// ```
///
/// # Errors
///
/// candle's error for a dtype other than `f32` and `f64`.
pub fn from_array(values: &ArrayD<f64>, dtype: DType) -> candle_core::Result<Tensor> {
    InputLayout::Contiguous.storage(values, dtype, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(shape: &[usize]) -> ArrayD<f64> {
        let mut k = 0.0;
        ArrayD::from_shape_simple_fn(IxDyn(shape), || {
            k += 1.0;
            k * 0.5 - 2.0
        })
    }

    #[test]
    fn every_layout_shows_the_same_values() {
        for shape in [vec![3, 4], vec![2, 3, 5]] {
            let values = sample(&shape);
            for layout in InputLayout::ALL {
                for dtype in [DType::F64, DType::F32] {
                    let storage = layout.storage(&values, dtype, true).unwrap();
                    assert_eq!(storage.dims(), layout.storage_shape(&shape).as_slice());
                    let view = layout.view(&storage, shape.len()).unwrap();
                    assert_eq!(view.dims(), shape.as_slice(), "{layout:?}");
                    assert_eq!(to_array(&view).unwrap(), values, "{layout:?} {dtype:?}");
                    let contiguous = layout == InputLayout::Contiguous;
                    assert_eq!(view.is_contiguous(), contiguous, "{layout:?}");
                }
            }
        }
    }

    #[test]
    fn gradients_come_back_in_the_logical_shape() {
        let values = sample(&[2, 3]);
        for layout in InputLayout::ALL {
            let storage = layout.storage(&values, DType::F64, true).unwrap();
            let view = layout.view(&storage, 2).unwrap();
            // d/dx sum(x ⊙ c) = c
            let c = from_array(&values.mapv(|v| v * 3.0), DType::F64).unwrap();
            let grads = (view * &c).unwrap().sum_all().unwrap().backward().unwrap();
            let g = grads.get(&storage).unwrap();
            let (logical, skipped) = layout.logical_gradient(g, 2).unwrap();
            assert_eq!(logical, values.mapv(|v| v * 3.0), "{layout:?}");
            assert_eq!(skipped, 0.0);
        }
    }

    #[test]
    fn scalars_convert() {
        let t = Tensor::new(2.5f64, &Device::Cpu).unwrap();
        let a = to_array(&t).unwrap();
        assert_eq!(a.shape(), &[] as &[usize]);
        assert_eq!(a[IxDyn(&[])], 2.5);
    }
}
