//! Reductions (sum and mean) and the shape operations (transpose of the
//! last two axes, reshape), with their gradients.

use ndarray::{ArrayD, ArrayViewD, Axis, Order, arr0};

use crate::elementwise::same_shape;
use crate::{Element, Result, TensorError};

/// Which axes a reduction runs over.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Axes {
    /// Every element: the result is 0-d.
    All,
    /// These axes, which are removed from the result (NumPy's
    /// `axis=(...)`). An empty list reduces nothing.
    List(Vec<usize>),
}

impl Axes {
    /// The listed axes, checked against `shape` and sorted ascending.
    fn resolve(&self, op: &'static str, shape: &[usize]) -> Result<Vec<usize>> {
        let list = match self {
            Axes::All => return Ok((0..shape.len()).collect()),
            Axes::List(list) => list,
        };
        let mut sorted = list.clone();
        sorted.sort_unstable();
        for (i, &axis) in sorted.iter().enumerate() {
            if axis >= shape.len() {
                return Err(TensorError::AxisOutOfRange {
                    op,
                    axis,
                    shape: shape.to_vec(),
                });
            }
            if i > 0 && sorted[i - 1] == axis {
                return Err(TensorError::RepeatedAxis {
                    op,
                    axis,
                    axes: list.clone(),
                    shape: shape.to_vec(),
                });
            }
        }
        Ok(sorted)
    }

    /// The shape left after reducing `shape` over these axes.
    fn reduced_shape(&self, op: &'static str, shape: &[usize]) -> Result<Vec<usize>> {
        let axes = self.resolve(op, shape)?;
        Ok((0..shape.len())
            .filter(|i| !axes.contains(i))
            .map(|i| shape[i])
            .collect())
    }

    /// How many elements each result element sums.
    fn count(&self, op: &'static str, shape: &[usize]) -> Result<usize> {
        Ok(self.resolve(op, shape)?.iter().map(|&i| shape[i]).product())
    }
}

/// Sum over `axes` (NumPy's `x.sum(axis=...)`): `Axes::All` gives a 0-d
/// array, listed axes are removed.
///
/// ```
/// use backprop_tensor::{sum, Axes};
/// use ndarray::array;
///
/// let x = array![[1.0, 2.0], [3.0, 4.0]].into_dyn();
/// assert_eq!(sum(&x.view(), &Axes::All).unwrap(), ndarray::arr0(10.0).into_dyn());
/// assert_eq!(sum(&x.view(), &Axes::List(vec![0])).unwrap(), array![4.0, 6.0].into_dyn());
/// ```
///
/// # Errors
///
/// [`TensorError::AxisOutOfRange`] or [`TensorError::RepeatedAxis`].
pub fn sum<A: Element>(x: &ArrayViewD<'_, A>, axes: &Axes) -> Result<ArrayD<A>> {
    sum_named("sum", x, axes)
}

fn sum_named<A: Element>(
    op: &'static str,
    x: &ArrayViewD<'_, A>,
    axes: &Axes,
) -> Result<ArrayD<A>> {
    if *axes == Axes::All {
        return Ok(arr0(x.sum()).into_dyn());
    }
    let resolved = axes.resolve(op, x.shape())?;
    let mut out = x.to_owned();
    for &axis in resolved.iter().rev() {
        out = out.sum_axis(Axis(axis));
    }
    Ok(out)
}

/// Gradient of [`sum`]: each element of `x` receives the upstream gradient
/// of the sum it went into (`∂(Σx)/∂xᵢ = 1`), i.e. `dy` broadcast back over
/// the reduced axes.
///
/// # Errors
///
/// The errors of [`sum`], and [`TensorError::ShapeMismatch`] when `dy` does
/// not have the sum's shape.
pub fn sum_vjp<A: Element>(
    x_shape: &[usize],
    axes: &Axes,
    dy: &ArrayViewD<'_, A>,
) -> Result<ArrayD<A>> {
    spread("sum", x_shape, axes, dy)
}

/// `dy` broadcast back over the axes a reduction removed.
fn spread<A: Element>(
    op: &'static str,
    x_shape: &[usize],
    axes: &Axes,
    dy: &ArrayViewD<'_, A>,
) -> Result<ArrayD<A>> {
    same_shape(op, &axes.reduced_shape(op, x_shape)?, dy.shape())?;
    let mut kept = dy.view();
    for axis in axes.resolve(op, x_shape)? {
        kept = kept.insert_axis(Axis(axis));
    }
    Ok(kept
        .broadcast(x_shape)
        .expect("reduced axes have size 1")
        .to_owned())
}

/// Mean over `axes`: the [`sum`] divided by the number of elements summed.
///
/// # Errors
///
/// As [`sum`].
pub fn mean<A: Element>(x: &ArrayViewD<'_, A>, axes: &Axes) -> Result<ArrayD<A>> {
    let n = A::from_f64(axes.count("mean", x.shape())? as f64);
    Ok(sum_named("mean", x, axes)?.mapv_into(|s| s / n))
}

/// Gradient of [`mean`]: `∂mean/∂xᵢ = 1/n`, so each element receives
/// `dy / n`, broadcast back over the reduced axes.
///
/// # Errors
///
/// As [`sum_vjp`].
pub fn mean_vjp<A: Element>(
    x_shape: &[usize],
    axes: &Axes,
    dy: &ArrayViewD<'_, A>,
) -> Result<ArrayD<A>> {
    let n = A::from_f64(axes.count("mean", x_shape)? as f64);
    Ok(spread("mean", x_shape, axes, dy)?.mapv_into(|g| g / n))
}

/// Checks that `shape` has the two axes `transpose` swaps.
pub(crate) fn check_transpose(shape: &[usize]) -> Result<()> {
    if shape.len() < 2 {
        return Err(TensorError::TooFewAxes {
            op: "transpose",
            shape: shape.to_vec(),
            min: 2,
        });
    }
    Ok(())
}

/// The last two axes swapped, as a strided view of `x` (no copy). Its own
/// gradient is the same swap of the upstream gradient.
///
/// ```
/// use backprop_tensor::transpose;
/// use ndarray::ArrayD;
///
/// let x = ArrayD::<f64>::zeros(vec![5, 2, 3]);
/// assert_eq!(transpose(x.view()).unwrap().shape(), &[5, 3, 2]);
/// ```
///
/// # Errors
///
/// [`TensorError::TooFewAxes`] for fewer than two axes.
pub fn transpose<A>(x: ArrayViewD<'_, A>) -> Result<ArrayViewD<'_, A>> {
    check_transpose(x.shape())?;
    let mut t = x;
    let nd = t.ndim();
    t.swap_axes(nd - 2, nd - 1);
    Ok(t)
}

/// Checks that a reshape keeps the number of elements.
pub(crate) fn check_reshape(from: &[usize], to: &[usize]) -> Result<()> {
    if from.iter().product::<usize>() != to.iter().product::<usize>() {
        return Err(TensorError::ElementCount {
            op: "reshape",
            from: from.to_vec(),
            to: to.to_vec(),
        });
    }
    Ok(())
}

/// `x` with the same elements in row-major (C) order laid out in `shape`,
/// like NumPy's `reshape`. Its gradient is the upstream gradient reshaped
/// back to `x`'s shape.
///
/// # Errors
///
/// [`TensorError::ElementCount`] when the element counts differ.
pub fn reshape<A: Element>(x: &ArrayViewD<'_, A>, shape: &[usize]) -> Result<ArrayD<A>> {
    check_reshape(x.shape(), shape)?;
    Ok(x.to_shape((shape, Order::RowMajor))
        .expect("element counts agree")
        .into_owned())
}
