//! Integer class labels, and selecting one element per row by them (NumPy's
//! `x[range(N), y]`) with its scatter backward.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use ndarray::{ArrayD, ArrayViewD, Ix2};

use crate::elementwise::same_shape;
use crate::error::Operand;
use crate::{Element, Result, TensorError};

/// One integer class label per example (row), as `y` in the CS231n case
/// study. Cheap to clone (shared storage), so ops can hold it.
///
/// ```
/// use backprop_tensor::Labels;
///
/// let y = Labels::from(vec![0, 2, 1]);
/// assert_eq!(y.len(), 3);
/// assert_eq!(y[1], 2);
/// let from_iter: Labels = (0..3).collect();
/// assert_eq!(from_iter, Labels::from([0, 1, 2]));
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Labels(Arc<[usize]>);

impl From<Vec<usize>> for Labels {
    fn from(labels: Vec<usize>) -> Labels {
        Labels(labels.into())
    }
}

impl From<&[usize]> for Labels {
    fn from(labels: &[usize]) -> Labels {
        Labels(labels.into())
    }
}

impl<const N: usize> From<[usize; N]> for Labels {
    fn from(labels: [usize; N]) -> Labels {
        Labels(labels.as_slice().into())
    }
}

impl FromIterator<usize> for Labels {
    fn from_iter<I: IntoIterator<Item = usize>>(iter: I) -> Labels {
        Labels(iter.into_iter().collect())
    }
}

impl Deref for Labels {
    type Target = [usize];
    fn deref(&self) -> &[usize] {
        &self.0
    }
}

impl fmt::Debug for Labels {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.iter()).finish()
    }
}

impl fmt::Display for Labels {
    /// The labels themselves when there are at most 8 (`[0, 2, 1]`), else
    /// their count (`300 labels`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.len() <= 8 {
            write!(f, "{:?}", &*self.0)
        } else {
            write!(f, "{} labels", self.len())
        }
    }
}

impl Labels {
    /// Checks that `shape` is a matrix of `len()` rows whose columns every
    /// label names.
    ///
    /// # Errors
    ///
    /// [`TensorError::AxisCount`] unless `shape` has 2 axes,
    /// [`TensorError::LabelCount`] unless there is one label per row,
    /// [`TensorError::LabelOutOfRange`] for the first label `>=` the number
    /// of columns.
    pub fn check(&self, op: &'static str, shape: &[usize]) -> Result<()> {
        if shape.len() != 2 {
            return Err(TensorError::AxisCount {
                op,
                operand: Operand::Only,
                shape: shape.to_vec(),
                expected: 2,
            });
        }
        if self.len() != shape[0] {
            return Err(TensorError::LabelCount {
                op,
                labels: self.len(),
                shape: shape.to_vec(),
            });
        }
        let classes = shape[1];
        match self
            .iter()
            .enumerate()
            .find(|&(_, &label)| label >= classes)
        {
            Some((row, &label)) => Err(TensorError::LabelOutOfRange {
                op,
                row,
                label,
                classes,
            }),
            None => Ok(()),
        }
    }
}

/// `x[i, labels[i]]` for every row `i` of the matrix `x` (NumPy's
/// `x[range(N), y]`): an `(N,)` vector.
///
/// ```
/// use backprop_tensor::{pick_per_row, Labels};
/// use ndarray::array;
///
/// let probs = array![[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]].into_dyn();
/// let picked = pick_per_row(&probs.view(), &Labels::from([1, 2]))?;
/// assert_eq!(picked, array![0.5, 0.8].into_dyn());
/// # Ok::<(), backprop_tensor::TensorError>(())
/// ```
///
/// # Errors
///
/// As [`Labels::check`].
pub fn pick_per_row<A: Element>(x: &ArrayViewD<'_, A>, labels: &Labels) -> Result<ArrayD<A>> {
    labels.check("pick_per_row", x.shape())?;
    let x = x
        .view()
        .into_dimensionality::<Ix2>()
        .expect("checked: 2 axes");
    Ok(labels
        .iter()
        .enumerate()
        .map(|(row, &label)| x[[row, label]])
        .collect::<ndarray::Array1<A>>()
        .into_dyn())
}

/// Gradient of [`pick_per_row`]: a scatter. `dx` is zero except
/// `dx[i, labels[i]] = dy[i]` (`∂x[i, yᵢ]/∂x[i, j] = [j = yᵢ]`).
///
/// # Errors
///
/// As [`Labels::check`], and [`TensorError::ShapeMismatch`] when `dy` is
/// not a vector of one gradient per row.
pub fn pick_per_row_vjp<A: Element>(
    x_shape: &[usize],
    labels: &Labels,
    dy: &ArrayViewD<'_, A>,
) -> Result<ArrayD<A>> {
    let op = "pick_per_row";
    labels.check(op, x_shape)?;
    same_shape(op, &x_shape[..1], dy.shape())?;
    let mut dx = ndarray::Array2::<A>::zeros((x_shape[0], x_shape[1]));
    for ((row, &label), &g) in labels.iter().enumerate().zip(dy.iter()) {
        dx[[row, label]] = g;
    }
    Ok(dx.into_dyn())
}
