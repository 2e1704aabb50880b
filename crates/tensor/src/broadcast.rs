//! NumPy broadcasting, and its inverse for gradients: [`sum_to`].

use ndarray::{ArrayBase, ArrayD, Axis, Data, IxDyn};

use crate::{Element, Result, TensorError};

/// The shape two operands broadcast to under NumPy's rules: shapes are
/// aligned from the right, a missing leading axis counts as `1`, and each
/// pair of sizes must be equal or contain a `1`.
///
/// ```
/// use backprop_tensor::broadcast_shapes;
///
/// assert_eq!(broadcast_shapes("add", &[2, 1, 4], &[3, 1]).unwrap(), [2, 3, 4]);
/// assert!(broadcast_shapes("add", &[2, 3], &[4]).is_err());
/// ```
///
/// # Errors
///
/// [`TensorError::Broadcast`] naming `op` and both shapes.
pub fn broadcast_shapes(op: &'static str, left: &[usize], right: &[usize]) -> Result<Vec<usize>> {
    let ndim = left.len().max(right.len());
    let size_at = |shape: &[usize], i: usize| {
        // Axis `i` of the result, counted in the operand's own axes.
        (i + shape.len())
            .checked_sub(ndim)
            .map_or(1, |axis| shape[axis])
    };
    (0..ndim)
        .map(|i| match (size_at(left, i), size_at(right, i)) {
            (l, r) if l == r => Ok(l),
            (1, r) => Ok(r),
            (l, 1) => Ok(l),
            _ => Err(TensorError::Broadcast {
                op,
                left: left.to_vec(),
                right: right.to_vec(),
            }),
        })
        .collect()
}

/// Sums a gradient back to the shape of the input it belongs to: the
/// inverse of broadcasting, and the one helper every broadcasting op
/// (elementwise binary gates, batched `matmul`) reduces its gradients with.
///
/// Leading axes that broadcasting added are summed away, and axes where
/// `shape` has size `1` but `grad` does not are summed and kept with size
/// `1` — PyTorch's `sum_to`. A gradient that already has `shape` is returned
/// as it is, without copying.
///
/// ```
/// use backprop_tensor::sum_to;
/// use ndarray::{ArrayD, IxDyn};
///
/// // A (3,) bias broadcast over a (2, 3) batch receives the sum over rows.
/// let grad = ArrayD::from_shape_vec(IxDyn(&[2, 3]), vec![1., 2., 3., 4., 5., 6.]).unwrap();
/// let reduced = sum_to(grad, &[3]).unwrap();
/// assert_eq!(reduced.as_slice().unwrap(), &[5., 7., 9.]);
/// ```
///
/// # Errors
///
/// [`TensorError::SumTo`] when `grad`'s shape is not a broadcast of
/// `shape`.
pub fn sum_to<A, S>(grad: ArrayBase<S, IxDyn>, shape: &[usize]) -> Result<ArrayD<A>>
where
    A: Element,
    S: Data<Elem = A>,
{
    if grad.shape() == shape {
        return Ok(grad.into_owned());
    }
    let cannot = || TensorError::SumTo {
        op: "sum_to",
        from: grad.shape().to_vec(),
        to: shape.to_vec(),
    };
    if let Some(summed) = sum_rows(&grad, shape) {
        return Ok(summed);
    }
    let leading = grad.ndim().checked_sub(shape.len()).ok_or_else(cannot)?;
    let kept = &grad.shape()[leading..];
    if kept
        .iter()
        .zip(shape)
        .any(|(&have, &want)| have != want && want != 1)
    {
        return Err(cannot());
    }
    // (axis of `grad`, whether it stays with size 1), summed from the last
    // axis down so that the earlier indices stay valid.
    let reductions = (0..leading).map(|axis| (axis, false)).chain(
        (0..shape.len())
            .filter(|&i| shape[i] == 1 && kept[i] != 1)
            .map(|i| (leading + i, true)),
    );
    let mut out: Option<ArrayD<A>> = None;
    for (axis, keep) in reductions.collect::<Vec<_>>().into_iter().rev() {
        let summed = match &out {
            Some(partial) => partial.sum_axis(Axis(axis)),
            None => grad.sum_axis(Axis(axis)),
        };
        out = Some(if keep {
            summed.insert_axis(Axis(axis))
        } else {
            summed
        });
    }
    let out = out.expect("differing shapes need at least one reduction");
    debug_assert_eq!(out.shape(), shape);
    Ok(out)
}

/// The common case of [`sum_to`] on one pass over memory: a row-major
/// gradient whose last axes are `shape` (less its leading size-1 axes),
/// such as a bias's gradient `(N, H)` → `(H,)` or `(1, H)`: the sum of its
/// rows. `None` for any other case.
fn sum_rows<A, S>(grad: &ArrayBase<S, IxDyn>, shape: &[usize]) -> Option<ArrayD<A>>
where
    A: Element,
    S: Data<Elem = A>,
{
    let core = &shape[shape.iter().take_while(|&&s| s == 1).count()..];
    let trailing = grad.shape().get(grad.ndim().checked_sub(core.len())?..)?;
    let data = grad.as_slice()?;
    let inner: usize = core.iter().product();
    if trailing != core || inner == 0 {
        return None;
    }
    let mut rows = data.chunks_exact(inner);
    let mut total = rows.next()?.to_vec();
    for row in rows {
        for (t, &v) in total.iter_mut().zip(row) {
            *t = *t + v;
        }
    }
    ArrayD::from_shape_vec(shape, total).ok()
}
