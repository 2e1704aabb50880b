//! Operations that move elements without changing them — transpose,
//! permute, reshape (with one inferred `-1`), squeeze, expand_dims,
//! broadcast_to, concat and stack — and their gradients, which move the
//! upstream gradient back the same way (broadcast_to's through
//! [`sum_to`](crate::sum_to)).

use ndarray::{ArcArray, ArrayD, ArrayViewD, Axis, IxDyn, Order, Slice};

use crate::axes::{resolve_axis, resolve_distinct};
use crate::elementwise::same_shape;
use crate::error::Operand;
use crate::{Element, Result, TensorError};

/// Checks that `shape` has the two axes `transpose` swaps.
pub(crate) fn check_transpose(shape: &[usize]) -> Result<()> {
    if shape.len() < 2 {
        return Err(TensorError::TooFewAxes {
            op: "transpose",
            operand: Operand::Only,
            shape: shape.to_vec(),
            min: 2,
        });
    }
    Ok(())
}

/// The last two axes swapped, as a strided view of `x` (no copy): the
/// matrix transpose `Xᵀ`, batched. Its own gradient is the same swap of the
/// upstream gradient.
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

/// The permutation `axes` (negative axes count from the end) resolved
/// against `shape`: every axis exactly once.
pub(crate) fn permutation(shape: &[usize], axes: &[isize]) -> Result<Vec<usize>> {
    let op = "permute";
    if axes.len() != shape.len() {
        return Err(TensorError::NotAPermutation {
            op,
            axes: axes.to_vec(),
            shape: shape.to_vec(),
        });
    }
    resolve_distinct(op, axes, shape, shape.len())?;
    axes.iter()
        .map(|&a| resolve_axis(op, a, shape, shape.len()))
        .collect()
}

/// The inverse of a permutation: `inverse[perm[i]] = i`.
fn inverse(perm: &[usize]) -> Vec<usize> {
    let mut inv = vec![0; perm.len()];
    for (i, &p) in perm.iter().enumerate() {
        inv[p] = i;
    }
    inv
}

/// The axes of `x` in the order `axes` (NumPy's `transpose(x, axes)`):
/// axis `i` of the result is axis `axes[i]` of `x`. A strided view, no
/// copy; its gradient is the upstream gradient permuted back by the
/// inverse permutation.
///
/// ```
/// use backprop_tensor::permute;
/// use ndarray::ArrayD;
///
/// let x = ArrayD::<f64>::zeros(vec![2, 3, 4]);
/// assert_eq!(permute(x.view(), &[2, 0, 1])?.shape(), &[4, 2, 3]);
/// assert_eq!(permute(x.view(), &[-1, -2, -3])?.shape(), &[4, 3, 2]);
/// # Ok::<(), backprop_tensor::TensorError>(())
/// ```
///
/// # Errors
///
/// [`TensorError::NotAPermutation`] unless `axes` names each axis once,
/// [`TensorError::AxisOutOfRange`], [`TensorError::RepeatedAxis`].
pub fn permute<'a, A>(x: ArrayViewD<'a, A>, axes: &[isize]) -> Result<ArrayViewD<'a, A>> {
    let perm = permutation(x.shape(), axes)?;
    Ok(x.permuted_axes(perm))
}

/// Gradient of [`permute`]: `dy` permuted back.
pub(crate) fn permute_vjp<A: Element>(
    x_shape: &[usize],
    axes: &[isize],
    dy: &ArrayViewD<'_, A>,
) -> Result<ArrayD<A>> {
    let perm = permutation(x_shape, axes)?;
    let expected: Vec<usize> = perm.iter().map(|&p| x_shape[p]).collect();
    same_shape("permute", &expected, dy.shape())?;
    Ok(dy.view().permuted_axes(inverse(&perm)).to_owned())
}

/// The shape `shape` asks for, given an operand of shape `from`: one size
/// may be `-1`, inferred so the element counts agree (NumPy's rule).
///
/// # Errors
///
/// [`TensorError::InvalidShape`] for more than one `-1`, another negative
/// size, or a `-1` that no size fits; [`TensorError::ElementCount`] when
/// the counts differ.
pub(crate) fn resolve_shape(from: &[usize], shape: &[isize]) -> Result<Vec<usize>> {
    let op = "reshape";
    let invalid = |reason| TensorError::InvalidShape {
        op,
        from: from.to_vec(),
        shape: shape.to_vec(),
        reason,
    };
    let inferred: Vec<usize> = (0..shape.len()).filter(|&i| shape[i] == -1).collect();
    if inferred.len() > 1 {
        return Err(invalid("at most one size can be -1"));
    }
    if shape.iter().any(|&s| s < -1) {
        return Err(invalid(
            "sizes must be non-negative, or -1 for one inferred size",
        ));
    }
    let total: usize = from.iter().product();
    let mut resolved: Vec<usize> = shape.iter().map(|&s| s.max(0).unsigned_abs()).collect();
    let known: usize = resolved.iter().product(); // the -1 counts as 0 here
    if let [at] = inferred[..] {
        let known: usize = (0..shape.len())
            .filter(|&i| i != at)
            .map(|i| resolved[i])
            .product();
        if known == 0 || !total.is_multiple_of(known) {
            return Err(invalid("no size for the -1 makes the element counts agree"));
        }
        resolved[at] = total / known;
    } else if known != total {
        return Err(TensorError::ElementCount {
            op,
            from: from.to_vec(),
            to: resolved,
        });
    }
    Ok(resolved)
}

/// `x` with the same elements in row-major (C) order laid out in `shape`,
/// like NumPy's `reshape`; one size may be `-1` and is inferred. Its
/// gradient is the upstream gradient reshaped back to `x`'s shape.
///
/// ```
/// use backprop_tensor::reshape;
/// use ndarray::ArrayD;
///
/// let x = ArrayD::<f64>::zeros(vec![2, 3, 4]);
/// assert_eq!(reshape(&x.view(), &[-1, 4])?.shape(), &[6, 4]);
/// # Ok::<(), backprop_tensor::TensorError>(())
/// ```
///
/// # Errors
///
/// [`TensorError::ElementCount`] when the element counts differ,
/// [`TensorError::InvalidShape`] for a bad `-1`.
pub fn reshape<A: Element>(x: &ArrayViewD<'_, A>, shape: &[isize]) -> Result<ArrayD<A>> {
    let to = resolve_shape(x.shape(), shape)?;
    Ok(reshaped(x, &to))
}

/// `x` in row-major order laid out in `to` (same element count).
fn reshaped<A: Element>(x: &ArrayViewD<'_, A>, to: &[usize]) -> ArrayD<A> {
    x.to_shape((to, Order::RowMajor))
        .expect("element counts agree")
        .into_owned()
}

/// The shape after removing `axes` (all size-1 axes when empty).
///
/// # Errors
///
/// [`TensorError::NotSqueezable`] for an axis whose size is not 1, and the
/// axis errors.
pub(crate) fn squeezed_shape(shape: &[usize], axes: &[isize]) -> Result<Vec<usize>> {
    let removed = squeezed_axes(shape, axes)?;
    Ok((0..shape.len())
        .filter(|i| !removed.contains(i))
        .map(|i| shape[i])
        .collect())
}

/// The axes `squeeze` removes, counted from 0 and sorted.
fn squeezed_axes(shape: &[usize], axes: &[isize]) -> Result<Vec<usize>> {
    let op = "squeeze";
    let removed = if axes.is_empty() {
        (0..shape.len()).filter(|&i| shape[i] == 1).collect()
    } else {
        resolve_distinct(op, axes, shape, shape.len())?
    };
    if let Some(&axis) = removed.iter().find(|&&a| shape[a] != 1) {
        return Err(TensorError::NotSqueezable {
            op,
            axis,
            shape: shape.to_vec(),
        });
    }
    Ok(removed)
}

/// `x` without the size-1 axes `axes` (every size-1 axis when `axes` is
/// empty), like NumPy's `squeeze`. Its gradient is the upstream gradient
/// reshaped back.
///
/// ```
/// use backprop_tensor::squeeze;
/// use ndarray::ArrayD;
///
/// let x = ArrayD::<f64>::zeros(vec![1, 3, 1]);
/// assert_eq!(squeeze(&x.view(), &[])?.shape(), &[3]);
/// assert_eq!(squeeze(&x.view(), &[-1])?.shape(), &[1, 3]);
/// # Ok::<(), backprop_tensor::TensorError>(())
/// ```
///
/// # Errors
///
/// [`TensorError::NotSqueezable`] for an axis whose size is not 1,
/// [`TensorError::AxisOutOfRange`], [`TensorError::RepeatedAxis`].
pub fn squeeze<A: Element>(x: &ArrayViewD<'_, A>, axes: &[isize]) -> Result<ArrayD<A>> {
    let to = squeezed_shape(x.shape(), axes)?;
    Ok(reshaped(x, &to))
}

/// The shape with a size-1 axis inserted at `axis` (counted in the
/// result's axes).
pub(crate) fn expanded_shape(shape: &[usize], axis: isize) -> Result<Vec<usize>> {
    let at = resolve_axis("expand_dims", axis, shape, shape.len() + 1)?;
    let mut out = shape.to_vec();
    out.insert(at, 1);
    Ok(out)
}

/// `x` with a new axis of size 1 at position `axis` of the result
/// (NumPy's `expand_dims`; `-1` appends one). Its gradient is the upstream
/// gradient reshaped back.
///
/// ```
/// use backprop_tensor::expand_dims;
/// use ndarray::ArrayD;
///
/// let x = ArrayD::<f64>::zeros(vec![3]);
/// assert_eq!(expand_dims(&x.view(), 0)?.shape(), &[1, 3]);
/// assert_eq!(expand_dims(&x.view(), -1)?.shape(), &[3, 1]);
/// # Ok::<(), backprop_tensor::TensorError>(())
/// ```
///
/// # Errors
///
/// [`TensorError::AxisOutOfRange`] unless `-(n+1) <= axis <= n` for `n`
/// axes.
pub fn expand_dims<A: Element>(x: &ArrayViewD<'_, A>, axis: isize) -> Result<ArrayD<A>> {
    let to = expanded_shape(x.shape(), axis)?;
    Ok(reshaped(x, &to))
}

/// Gradient of reshape, squeeze and expand_dims: `dy` (of the result's
/// shape `out_shape`) laid out in `x`'s shape again.
pub(crate) fn reshape_vjp<A: Element>(
    op: &'static str,
    x_shape: &[usize],
    out_shape: &[usize],
    dy: &ArrayViewD<'_, A>,
) -> Result<ArrayD<A>> {
    same_shape(op, out_shape, dy.shape())?;
    Ok(reshaped(dy, x_shape))
}

/// Checks that `from` broadcasts to exactly `to`.
pub(crate) fn check_broadcast_to(from: &[usize], to: &[usize]) -> Result<()> {
    let fits = from.len() <= to.len()
        && from
            .iter()
            .zip(&to[to.len() - from.len()..])
            .all(|(&f, &t)| f == 1 || f == t);
    if fits {
        Ok(())
    } else {
        Err(TensorError::BroadcastTo {
            op: "broadcast_to",
            from: from.to_vec(),
            to: to.to_vec(),
        })
    }
}

/// `x` broadcast to `shape` (NumPy's `broadcast_to`: leading axes added,
/// size-1 axes stretched), as a new array. Its gradient is the upstream
/// gradient summed back by [`sum_to`](crate::sum_to).
///
/// ```
/// use backprop_tensor::broadcast_to;
/// use ndarray::array;
///
/// let b = array![1.0, 2.0].into_dyn();
/// assert_eq!(broadcast_to(&b.view(), &[2, 2])?, array![[1.0, 2.0], [1.0, 2.0]].into_dyn());
/// # Ok::<(), backprop_tensor::TensorError>(())
/// ```
///
/// # Errors
///
/// [`TensorError::BroadcastTo`] naming the axis that cannot stretch.
pub fn broadcast_to<A: Element>(x: &ArrayViewD<'_, A>, shape: &[usize]) -> Result<ArrayD<A>> {
    check_broadcast_to(x.shape(), shape)?;
    Ok(x.broadcast(shape).expect("checked above").to_owned())
}

/// The joining axis of `concat` (`stacked = false`) or `stack`, counted
/// from 0, after checking the inputs' shapes fit together.
pub(crate) fn check_join(shapes: &[&[usize]], axis: isize, stacked: bool) -> Result<usize> {
    let op = if stacked { "stack" } else { "concat" };
    let Some(&first) = shapes.first() else {
        return Err(TensorError::NoInputs { op });
    };
    if !stacked && first.is_empty() {
        return Err(TensorError::TooFewAxes {
            op,
            operand: Operand::Nth(0),
            shape: first.to_vec(),
            min: 1,
        });
    }
    let ndim = first.len() + usize::from(stacked);
    let at = resolve_axis(op, axis, first, ndim)?;
    for (index, &shape) in shapes.iter().enumerate().skip(1) {
        let fits = shape.len() == first.len()
            && (0..first.len()).all(|i| shape[i] == first[i] || (!stacked && i == at));
        if !fits {
            return Err(TensorError::JoinShape {
                op,
                axis: at,
                first: first.to_vec(),
                index,
                shape: shape.to_vec(),
                stacked,
            });
        }
    }
    Ok(at)
}

/// The inputs joined along an existing axis (NumPy's `concatenate`); they
/// must agree on every other axis. The gradient of each input is its slice
/// of the upstream gradient.
///
/// ```
/// use backprop_tensor::concat;
/// use ndarray::array;
///
/// let a = array![[1.0, 2.0]].into_dyn();
/// let b = array![[3.0, 4.0], [5.0, 6.0]].into_dyn();
/// let c = concat(&[a.view(), b.view()], 0)?;
/// assert_eq!(c, array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]].into_dyn());
/// # Ok::<(), backprop_tensor::TensorError>(())
/// ```
///
/// # Errors
///
/// [`TensorError::NoInputs`], [`TensorError::TooFewAxes`] for 0-d inputs,
/// [`TensorError::AxisOutOfRange`], [`TensorError::JoinShape`] naming the
/// first input that does not fit.
pub fn concat<A: Element>(xs: &[ArrayViewD<'_, A>], axis: isize) -> Result<ArrayD<A>> {
    let shapes: Vec<&[usize]> = xs.iter().map(|x| x.shape()).collect();
    let at = check_join(&shapes, axis, false)?;
    Ok(ndarray::concatenate(Axis(at), xs).expect("shapes were checked"))
}

/// Gradient of [`concat`]: each input's slice of `dy` along the axis.
pub(crate) fn concat_vjp<A: Element>(
    shapes: &[&[usize]],
    axis: isize,
    dy: &ArrayViewD<'_, A>,
) -> Result<Vec<ArrayD<A>>> {
    let at = check_join(shapes, axis, false)?;
    let mut expected = shapes[0].to_vec();
    expected[at] = shapes.iter().map(|s| s[at]).sum();
    same_shape("concat", &expected, dy.shape())?;
    let mut start = 0;
    Ok(shapes
        .iter()
        .map(|s| {
            let end = start + s[at];
            let part = dy.slice_axis(Axis(at), Slice::from(start..end)).to_owned();
            start = end;
            part
        })
        .collect())
}

/// The inputs, all of one shape, joined along a new axis `axis` of the
/// result (NumPy's `stack`). The gradient of input `i` is the upstream
/// gradient at index `i` of that axis.
///
/// ```
/// use backprop_tensor::stack;
/// use ndarray::array;
///
/// let a = array![1.0, 2.0].into_dyn();
/// let b = array![3.0, 4.0].into_dyn();
/// assert_eq!(stack(&[a.view(), b.view()], -1)?, array![[1.0, 3.0], [2.0, 4.0]].into_dyn());
/// # Ok::<(), backprop_tensor::TensorError>(())
/// ```
///
/// # Errors
///
/// [`TensorError::NoInputs`], [`TensorError::AxisOutOfRange`],
/// [`TensorError::JoinShape`] naming the first input of another shape.
pub fn stack<A: Element>(xs: &[ArrayViewD<'_, A>], axis: isize) -> Result<ArrayD<A>> {
    let shapes: Vec<&[usize]> = xs.iter().map(|x| x.shape()).collect();
    let at = check_join(&shapes, axis, true)?;
    Ok(ndarray::stack(Axis(at), xs).expect("shapes were checked"))
}

/// Gradient of [`stack`]: input `i` receives `dy` at index `i` of the
/// stacking axis.
pub(crate) fn stack_vjp<A: Element>(
    shapes: &[&[usize]],
    axis: isize,
    dy: &ArrayViewD<'_, A>,
) -> Result<Vec<ArrayD<A>>> {
    let at = check_join(shapes, axis, true)?;
    let mut expected = shapes[0].to_vec();
    expected.insert(at, shapes.len());
    same_shape("stack", &expected, dy.shape())?;
    Ok((0..shapes.len())
        .map(|i| dy.index_axis(Axis(at), i).to_owned())
        .collect())
}

/// Shape operations that can be recorded as a view of their input's data
/// (shared, reference-counted storage) instead of a copy.
pub(crate) enum ViewOp<'a> {
    /// Swap of the last two axes.
    Transpose,
    /// A permutation of the axes.
    Permute(&'a [isize]),
    /// A reshape (only of row-major data: otherwise a copy is needed).
    Reshape(&'a [isize]),
    /// Removal of size-1 axes.
    Squeeze(&'a [isize]),
    /// Insertion of a size-1 axis.
    ExpandDims(isize),
}

/// `op` applied to `x` as a view sharing `x`'s storage, or `None` when it
/// needs a copy (a reshape of data that is not row-major).
pub(crate) fn view<A: Element>(
    op: ViewOp<'_>,
    x: &ArcArray<A, IxDyn>,
) -> Option<Result<ArcArray<A, IxDyn>>> {
    let shape = x.shape();
    Some(match op {
        ViewOp::Transpose => check_transpose(shape).map(|()| {
            let mut t = x.clone();
            let nd = t.ndim();
            t.swap_axes(nd - 2, nd - 1);
            t
        }),
        ViewOp::Permute(axes) => permutation(shape, axes).map(|p| x.clone().permuted_axes(p)),
        ViewOp::Reshape(axes) => {
            if !x.is_standard_layout() {
                return None;
            }
            resolve_shape(shape, axes).map(|to| {
                x.clone()
                    .into_shape_with_order(to)
                    .expect("a row-major array reshapes in place")
            })
        }
        ViewOp::Squeeze(axes) => squeezed_axes(shape, axes).map(|removed| {
            let mut v = x.clone();
            for &a in removed.iter().rev() {
                v = v.index_axis_move(Axis(a), 0);
            }
            v
        }),
        ViewOp::ExpandDims(axis) => resolve_axis("expand_dims", axis, shape, shape.len() + 1)
            .map(|at| x.clone().insert_axis(Axis(at))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_size_can_be_inferred() {
        assert_eq!(resolve_shape(&[2, 3, 4], &[-1]), Ok(vec![24]));
        assert_eq!(resolve_shape(&[2, 3, 4], &[4, -1, 2]), Ok(vec![4, 3, 2]));
        assert_eq!(resolve_shape(&[0, 3], &[-1, 3]), Ok(vec![0, 3]));
        for bad in [&[-1, -1][..], &[-2, 12], &[5, -1], &[0, -1]] {
            assert!(
                matches!(
                    resolve_shape(&[2, 3, 4], bad),
                    Err(TensorError::InvalidShape { .. })
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn inverse_undoes_a_permutation() {
        let p = [2, 0, 3, 1];
        let inv = inverse(&p);
        for i in 0..4 {
            assert_eq!(inv[p[i]], i);
        }
    }
}
