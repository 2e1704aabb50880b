//! Axes as users write them — counted from 0, or from the end when negative
//! (NumPy's convention: `-1` is the last axis) — and their resolution
//! against a shape.

use crate::{Result, TensorError};

/// Which axes a reduction runs over.
///
/// ```
/// use backprop_tensor::{Axes, sum};
/// use ndarray::array;
///
/// let x = array![[1.0, 2.0], [3.0, 4.0]].into_dyn();
/// // The last axis: row sums.
/// assert_eq!(sum(&x.view(), &Axes::from([-1]), false)?, array![3.0, 7.0].into_dyn());
/// # Ok::<(), backprop_tensor::TensorError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Axes {
    /// Every axis: the result has one element.
    All,
    /// These axes, each counted from 0 or, when negative, from the end
    /// (NumPy's `axis=(...)`). An empty list reduces nothing.
    List(Vec<isize>),
}

impl<const N: usize> From<[isize; N]> for Axes {
    fn from(axes: [isize; N]) -> Axes {
        Axes::List(axes.to_vec())
    }
}

impl From<&[isize]> for Axes {
    fn from(axes: &[isize]) -> Axes {
        Axes::List(axes.to_vec())
    }
}

impl Axes {
    /// The axes, counted from 0, checked against `shape` and sorted
    /// ascending.
    ///
    /// # Errors
    ///
    /// [`TensorError::AxisOutOfRange`] or [`TensorError::RepeatedAxis`].
    pub(crate) fn resolve(&self, op: &'static str, shape: &[usize]) -> Result<Vec<usize>> {
        let list = match self {
            Axes::All => return Ok((0..shape.len()).collect()),
            Axes::List(list) => list,
        };
        resolve_distinct(op, list, shape, shape.len())
    }
}

/// `axis` counted from 0, for an operation whose axes range over `ndim`
/// axes (the shape's own, or one more where an axis is inserted).
///
/// # Errors
///
/// [`TensorError::AxisOutOfRange`] naming `axis`, `shape` and `ndim`.
pub(crate) fn resolve_axis(
    op: &'static str,
    axis: isize,
    shape: &[usize],
    ndim: usize,
) -> Result<usize> {
    let resolved = if axis < 0 {
        ndim.checked_sub(axis.unsigned_abs())
    } else {
        Some(axis.unsigned_abs()).filter(|&a| a < ndim)
    };
    resolved.ok_or_else(|| TensorError::AxisOutOfRange {
        op,
        axis,
        shape: shape.to_vec(),
        ndim,
    })
}

/// Every axis of `list` resolved (see [`resolve_axis`]), sorted ascending,
/// none repeated.
///
/// # Errors
///
/// [`TensorError::AxisOutOfRange`] or [`TensorError::RepeatedAxis`].
pub(crate) fn resolve_distinct(
    op: &'static str,
    list: &[isize],
    shape: &[usize],
    ndim: usize,
) -> Result<Vec<usize>> {
    let mut resolved = list
        .iter()
        .map(|&a| resolve_axis(op, a, shape, ndim))
        .collect::<Result<Vec<usize>>>()?;
    resolved.sort_unstable();
    if let Some(pair) = resolved.windows(2).find(|w| w[0] == w[1]) {
        return Err(TensorError::RepeatedAxis {
            op,
            axis: pair[0],
            axes: list.to_vec(),
            shape: shape.to_vec(),
        });
    }
    Ok(resolved)
}

/// `shape` without the `reduced` axes, or with them set to 1 if
/// `keepdims`.
pub(crate) fn reduced_shape(shape: &[usize], reduced: &[usize], keepdims: bool) -> Vec<usize> {
    shape
        .iter()
        .enumerate()
        .filter_map(|(i, &n)| match (reduced.contains(&i), keepdims) {
            (false, _) => Some(n),
            (true, true) => Some(1),
            (true, false) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_axes_count_from_the_end() {
        let shape = [2, 3, 4];
        assert_eq!(resolve_axis("t", -1, &shape, 3), Ok(2));
        assert_eq!(resolve_axis("t", -3, &shape, 3), Ok(0));
        assert_eq!(resolve_axis("t", 2, &shape, 3), Ok(2));
        assert!(resolve_axis("t", 3, &shape, 3).is_err());
        assert!(resolve_axis("t", -4, &shape, 3).is_err());
        assert_eq!(resolve_axis("t", -4, &shape, 4), Ok(0));
    }

    #[test]
    fn an_axis_named_twice_is_an_error_even_when_spelled_differently() {
        let err = Axes::from([1, -1]).resolve("sum", &[3, 4]).unwrap_err();
        assert_eq!(
            err,
            TensorError::RepeatedAxis {
                op: "sum",
                axis: 1,
                axes: vec![1, -1],
                shape: vec![3, 4]
            }
        );
    }

    #[test]
    fn keepdims_keeps_reduced_axes_with_size_one() {
        assert_eq!(reduced_shape(&[2, 3, 4], &[0, 2], false), [3]);
        assert_eq!(reduced_shape(&[2, 3, 4], &[0, 2], true), [1, 3, 1]);
    }
}
