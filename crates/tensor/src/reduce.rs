//! Reductions over axes — sum, mean, max, min — with their gradients, and
//! the index reductions argmax and argmin.
//!
//! Every reduction takes [`Axes`] (negative axes count from the end) and
//! `keepdims`: whether the reduced axes stay in the result with size 1
//! (NumPy's `keepdims=True`) so that it broadcasts against its input.

use backprop_gates::{Real, chain};
use ndarray::{ArrayD, ArrayViewD, Axis, IxDyn, Zip, arr0};

use crate::axes::{reduced_shape, resolve_axis};
use crate::elementwise::same_shape;
use crate::{Axes, Element, Result, TensorError};

/// The axes a reduction removes, counted from 0 and sorted, and the shape
/// of its result.
pub(crate) struct Plan {
    /// The reduced axes, counted from 0, ascending.
    pub(crate) axes: Vec<usize>,
    /// The result's shape.
    pub(crate) out_shape: Vec<usize>,
    /// The result's shape with the reduced axes kept as size 1.
    pub(crate) kept_shape: Vec<usize>,
    /// How many elements go into each result element.
    pub(crate) count: usize,
}

impl Plan {
    pub(crate) fn new(
        op: &'static str,
        shape: &[usize],
        axes: &Axes,
        keepdims: bool,
    ) -> Result<Plan> {
        let resolved = axes.resolve(op, shape)?;
        Ok(Plan {
            out_shape: reduced_shape(shape, &resolved, keepdims),
            kept_shape: reduced_shape(shape, &resolved, true),
            count: resolved.iter().map(|&i| shape[i]).product(),
            axes: resolved,
        })
    }

    /// Like [`Plan::new`], for reductions without an identity element: an
    /// empty reduced axis is an error.
    pub(crate) fn nonempty(
        op: &'static str,
        shape: &[usize],
        axes: &Axes,
        keepdims: bool,
    ) -> Result<Plan> {
        let plan = Plan::new(op, shape, axes, keepdims)?;
        if let Some(&axis) = plan.axes.iter().find(|&&a| shape[a] == 0) {
            return Err(TensorError::EmptyReduction {
                op,
                shape: shape.to_vec(),
                axes: plan.axes,
                axis,
            });
        }
        Ok(plan)
    }

    /// An array of the result's shape (`out_shape`) seen with the reduced
    /// axes kept (`kept_shape`), so it broadcasts against the input.
    pub(crate) fn kept<'a, A>(&self, y: &'a ArrayViewD<'_, A>) -> ArrayViewD<'a, A> {
        y.view()
            .into_shape_with_order(IxDyn(&self.kept_shape))
            .expect("the same elements, with size-1 axes inserted")
    }

    /// The full-shape reduction result, then reshaped to `out_shape`.
    pub(crate) fn finish<A>(&self, reduced: ArrayD<A>) -> ArrayD<A> {
        reduced
            .into_shape_with_order(IxDyn(&self.out_shape))
            .expect("a fresh array holds the result's elements in order")
    }

    /// Checks a reduction's output `y` and upstream gradient `dy`, and
    /// returns both with the reduced axes kept (to broadcast against the
    /// input).
    pub(crate) fn checked_kept<'a, A>(
        &self,
        op: &'static str,
        y: &'a ArrayViewD<'_, A>,
        dy: &'a ArrayViewD<'_, A>,
    ) -> Result<(ArrayViewD<'a, A>, ArrayViewD<'a, A>)> {
        same_shape(op, &self.out_shape, y.shape())?;
        self.check_upstream(op, dy)?;
        Ok((self.kept(y), self.kept(dy)))
    }

    /// Checks an upstream gradient's shape.
    pub(crate) fn check_upstream<A>(&self, op: &'static str, dy: &ArrayViewD<'_, A>) -> Result<()> {
        same_shape(op, &self.out_shape, dy.shape())
    }
}

/// Sums `x` over the sorted `axes` (removing them).
pub(crate) fn sum_over<A: Element>(x: &ArrayViewD<'_, A>, axes: &[usize]) -> ArrayD<A> {
    if axes.len() == x.ndim() {
        return arr0(x.sum()).into_dyn();
    }
    let mut from_last = axes.iter().rev();
    let Some(&last) = from_last.next() else {
        return x.to_owned();
    };
    let mut out = x.sum_axis(Axis(last));
    for &axis in from_last {
        out = out.sum_axis(Axis(axis));
    }
    out
}

/// Sum over `axes` (NumPy's `x.sum(axis=..., keepdims=...)`).
///
/// ```
/// use backprop_tensor::{sum, Axes};
/// use ndarray::array;
///
/// let x = array![[1.0, 2.0], [3.0, 4.0]].into_dyn();
/// assert_eq!(sum(&x.view(), &Axes::All, false)?, ndarray::arr0(10.0).into_dyn());
/// assert_eq!(sum(&x.view(), &Axes::from([0]), false)?, array![4.0, 6.0].into_dyn());
/// assert_eq!(sum(&x.view(), &Axes::from([-1]), true)?, array![[3.0], [7.0]].into_dyn());
/// # Ok::<(), backprop_tensor::TensorError>(())
/// ```
///
/// # Errors
///
/// [`TensorError::AxisOutOfRange`] or [`TensorError::RepeatedAxis`].
pub fn sum<A: Element>(x: &ArrayViewD<'_, A>, axes: &Axes, keepdims: bool) -> Result<ArrayD<A>> {
    let plan = Plan::new("sum", x.shape(), axes, keepdims)?;
    Ok(plan.finish(sum_over(x, &plan.axes)))
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
    keepdims: bool,
    dy: &ArrayViewD<'_, A>,
) -> Result<ArrayD<A>> {
    let plan = Plan::new("sum", x_shape, axes, keepdims)?;
    spread("sum", &plan, x_shape, dy)
}

/// `dy` broadcast back over the axes a reduction removed.
fn spread<A: Element>(
    op: &'static str,
    plan: &Plan,
    x_shape: &[usize],
    dy: &ArrayViewD<'_, A>,
) -> Result<ArrayD<A>> {
    plan.check_upstream(op, dy)?;
    Ok(plan
        .kept(dy)
        .broadcast(x_shape)
        .expect("reduced axes have size 1")
        .to_owned())
}

/// Mean over `axes`: the [`sum`] divided by the number of elements summed
/// (NaN for an empty reduction, as in NumPy).
///
/// # Errors
///
/// As [`sum`].
pub fn mean<A: Element>(x: &ArrayViewD<'_, A>, axes: &Axes, keepdims: bool) -> Result<ArrayD<A>> {
    let plan = Plan::new("mean", x.shape(), axes, keepdims)?;
    let n = A::from_f64(plan.count as f64);
    Ok(plan.finish(sum_over(x, &plan.axes).mapv_into(|s| s / n)))
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
    keepdims: bool,
    dy: &ArrayViewD<'_, A>,
) -> Result<ArrayD<A>> {
    let plan = Plan::new("mean", x_shape, axes, keepdims)?;
    let n = A::from_f64(plan.count as f64);
    Ok(spread("mean", &plan, x_shape, dy)?.mapv_into(|g| g / n))
}

/// Which extremum a reduction takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Extremum {
    Max,
    Min,
}

impl Extremum {
    fn name(self) -> &'static str {
        match self {
            Extremum::Max => "amax",
            Extremum::Min => "amin",
        }
    }

    /// The reduction's identity: `-∞` for max, `+∞` for min.
    fn identity<A: Element>(self) -> A {
        A::from_f64(match self {
            Extremum::Max => f64::NEG_INFINITY,
            Extremum::Min => f64::INFINITY,
        })
    }

    /// Whether `v` replaces the extremum so far, `acc`: it is strictly
    /// better, or the first NaN (NaN wins, as in NumPy's `max`).
    fn replaces<A: Element>(self, acc: A, v: A) -> bool {
        let better = match self {
            Extremum::Max => v > acc,
            Extremum::Min => v < acc,
        };
        !is_nan(acc) && (is_nan(v) || better)
    }

    /// The extremum of two values.
    fn pick<A: Element>(self, acc: A, v: A) -> A {
        if self.replaces(acc, v) { v } else { acc }
    }
}

/// Whether `v` is NaN (the only value unequal to itself).
pub(crate) fn is_nan<A: PartialEq>(v: A) -> bool {
    #[allow(clippy::eq_op)] // NaN is the only value unequal to itself
    let nan = v != v;
    nan
}

fn extremum<A: Element>(
    which: Extremum,
    x: &ArrayViewD<'_, A>,
    axes: &Axes,
    keepdims: bool,
) -> Result<ArrayD<A>> {
    let plan = Plan::nonempty(which.name(), x.shape(), axes, keepdims)?;
    Ok(plan.finish(fold_over(which, x, &plan.axes)))
}

/// The extremum of `x` over the sorted, non-empty `axes` (removing them).
fn fold_over<A: Element>(which: Extremum, x: &ArrayViewD<'_, A>, axes: &[usize]) -> ArrayD<A> {
    let init = which.identity::<A>();
    let mut from_last = axes.iter().rev();
    let Some(&last) = from_last.next() else {
        return x.to_owned();
    };
    let mut out = x.fold_axis(Axis(last), init, |&acc, &v| which.pick(acc, v));
    for &axis in from_last {
        out = out.fold_axis(Axis(axis), init, |&acc, &v| which.pick(acc, v));
    }
    out
}

/// The maximum of `values` (NaN propagates; `-∞` when there are none).
pub(crate) fn max_of<A: Element>(values: impl IntoIterator<Item = A>) -> A {
    let which = Extremum::Max;
    values
        .into_iter()
        .fold(which.identity(), |acc, v| which.pick(acc, v))
}

/// The maximum of `x` over the sorted, non-empty `axes` (removing them);
/// NaN propagates.
pub(crate) fn max_over<A: Element>(x: &ArrayViewD<'_, A>, axes: &[usize]) -> ArrayD<A> {
    fold_over(Extremum::Max, x, axes)
}

/// The gradient of a max or min reduction: the upstream gradient of each
/// result element goes to the input elements equal to it, **split equally
/// among ties** (`∂y/∂xᵢ = [xᵢ = y] / #{j : xⱼ = y}`; a NaN result goes to
/// the NaN inputs).
fn extremum_vjp<A: Element>(
    which: Extremum,
    x: &ArrayViewD<'_, A>,
    y: &ArrayViewD<'_, A>,
    axes: &Axes,
    keepdims: bool,
    dy: &ArrayViewD<'_, A>,
) -> Result<ArrayD<A>> {
    let op = which.name();
    let plan = Plan::nonempty(op, x.shape(), axes, keepdims)?;
    let (y_kept, dy_kept) = plan.checked_kept(op, y, dy)?;
    let y_wide = y_kept
        .broadcast(x.shape())
        .expect("reduced axes have size 1");
    let hits = Zip::from(x).and(&y_wide).map_collect(|&x, &y| {
        if x == y || (is_nan(x) && is_nan(y)) {
            <A as Real>::one()
        } else {
            <A as Real>::zero()
        }
    });
    let ties = sum_over(&hits.view(), &plan.axes)
        .into_shape_with_order(IxDyn(&plan.kept_shape))
        .expect("the same elements, with size-1 axes inserted");
    let ties = ties.broadcast(x.shape()).expect("reduced axes have size 1");
    let dy_wide = dy_kept
        .broadcast(x.shape())
        .expect("reduced axes have size 1");
    Ok(Zip::from(&hits)
        .and(&ties)
        .and(&dy_wide)
        .map_collect(|&hit, &ties, &upstream| chain(hit / ties, upstream)))
}

/// Maximum over `axes` (NumPy's `x.max(axis=..., keepdims=...)`); a NaN in
/// a reduced lane makes its result NaN.
///
/// Its gradient ([`amax_vjp`]) goes to the maximal elements, split equally
/// among ties — JAX's and PyTorch's `amax` rule, the central difference at
/// a tie, and for two tied elements the mean of the one-sided derivatives,
/// the convention the elementwise `max` gate declares
/// (`KinkConvention::Mean`). A tie is a kink (the one-sided derivatives are
/// 0 and 1), which gradient checkers report as such.
///
/// ```
/// use backprop_tensor::{amax, Axes};
/// use ndarray::array;
///
/// let x = array![[1.0, 5.0, 2.0], [7.0, 0.0, 7.0]].into_dyn();
/// assert_eq!(amax(&x.view(), &Axes::from([1]), false)?, array![5.0, 7.0].into_dyn());
/// # Ok::<(), backprop_tensor::TensorError>(())
/// ```
///
/// # Errors
///
/// [`TensorError::AxisOutOfRange`], [`TensorError::RepeatedAxis`], or
/// [`TensorError::EmptyReduction`] when a reduced axis has size 0 (a max
/// of nothing).
pub fn amax<A: Element>(x: &ArrayViewD<'_, A>, axes: &Axes, keepdims: bool) -> Result<ArrayD<A>> {
    extremum(Extremum::Max, x, axes, keepdims)
}

/// Minimum over `axes`; see [`amax`] (NaN propagates, ties split the
/// gradient equally).
///
/// # Errors
///
/// As [`amax`].
pub fn amin<A: Element>(x: &ArrayViewD<'_, A>, axes: &Axes, keepdims: bool) -> Result<ArrayD<A>> {
    extremum(Extremum::Min, x, axes, keepdims)
}

/// Gradient of [`amax`] given its output `y` and upstream gradient `dy`:
/// `dxᵢ = dy · [xᵢ = y] / #ties`, i.e. each result's gradient goes to the
/// elements equal to the maximum, split equally among ties.
///
/// ```
/// use backprop_tensor::{amax, amax_vjp, Axes};
/// use ndarray::array;
///
/// let x = array![3.0, 1.0, 3.0].into_dyn();
/// let y = amax(&x.view(), &Axes::All, false)?;
/// let dy = ndarray::arr0(1.0).into_dyn();
/// let dx = amax_vjp(&x.view(), &y.view(), &Axes::All, false, &dy.view())?;
/// assert_eq!(dx, array![0.5, 0.0, 0.5].into_dyn()); // a tie: half each
/// # Ok::<(), backprop_tensor::TensorError>(())
/// ```
///
/// # Errors
///
/// The errors of [`amax`], and [`TensorError::ShapeMismatch`] when `y` or
/// `dy` does not have the result's shape.
pub fn amax_vjp<A: Element>(
    x: &ArrayViewD<'_, A>,
    y: &ArrayViewD<'_, A>,
    axes: &Axes,
    keepdims: bool,
    dy: &ArrayViewD<'_, A>,
) -> Result<ArrayD<A>> {
    extremum_vjp(Extremum::Max, x, y, axes, keepdims, dy)
}

/// Gradient of [`amin`]; see [`amax_vjp`].
///
/// # Errors
///
/// As [`amax_vjp`].
pub fn amin_vjp<A: Element>(
    x: &ArrayViewD<'_, A>,
    y: &ArrayViewD<'_, A>,
    axes: &Axes,
    keepdims: bool,
    dy: &ArrayViewD<'_, A>,
) -> Result<ArrayD<A>> {
    extremum_vjp(Extremum::Min, x, y, axes, keepdims, dy)
}

fn arg_extremum<A: Element>(
    which: Extremum,
    op: &'static str,
    x: &ArrayViewD<'_, A>,
    axis: isize,
) -> Result<ArrayD<usize>> {
    let resolved = resolve_axis(op, axis, x.shape(), x.ndim())?;
    if x.shape()[resolved] == 0 {
        return Err(TensorError::EmptyReduction {
            op,
            shape: x.shape().to_vec(),
            axes: vec![resolved],
            axis: resolved,
        });
    }
    Ok(x.map_axis(Axis(resolved), |lane| {
        let mut best = 0;
        for (i, &v) in lane.iter().enumerate().skip(1) {
            if which.replaces(lane[best], v) {
                best = i;
            }
        }
        best
    }))
}

/// Index of the largest element along `axis` (NumPy's `argmax`): the
/// **first** of tied maxima, and the first NaN if there is one. The axis is
/// removed from the result. Not differentiable, so not an op.
///
/// ```
/// use backprop_tensor::argmax;
/// use ndarray::array;
///
/// let scores = array![[0.1, 0.7, 0.2], [0.5, 0.1, 0.5]].into_dyn();
/// assert_eq!(argmax(&scores.view(), -1)?, array![1, 0].into_dyn());
/// # Ok::<(), backprop_tensor::TensorError>(())
/// ```
///
/// # Errors
///
/// [`TensorError::AxisOutOfRange`], or [`TensorError::EmptyReduction`]
/// for an axis of size 0.
pub fn argmax<A: Element>(x: &ArrayViewD<'_, A>, axis: isize) -> Result<ArrayD<usize>> {
    arg_extremum(Extremum::Max, "argmax", x, axis)
}

/// Index of the smallest element along `axis`; see [`argmax`] (first of
/// ties, first NaN).
///
/// # Errors
///
/// As [`argmax`].
pub fn argmin<A: Element>(x: &ArrayViewD<'_, A>, axis: isize) -> Result<ArrayD<usize>> {
    arg_extremum(Extremum::Min, "argmin", x, axis)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn nan_wins_max_min_argmax() {
        let x = array![1.0, f64::NAN, 3.0].into_dyn();
        assert!(amax(&x.view(), &Axes::All, false).unwrap()[[]].is_nan());
        assert!(amin(&x.view(), &Axes::All, false).unwrap()[[]].is_nan());
        assert_eq!(argmax(&x.view(), 0).unwrap()[[]], 1);
        assert_eq!(argmin(&x.view(), 0).unwrap()[[]], 1);
    }

    #[test]
    fn argmax_takes_the_first_of_ties() {
        let x = array![2.0, 5.0, 5.0, -1.0].into_dyn();
        assert_eq!(argmax(&x.view(), -1).unwrap()[[]], 1);
        let y = array![2.0, -1.0, 5.0, -1.0].into_dyn();
        assert_eq!(argmin(&y.view(), 0).unwrap()[[]], 1);
    }

    #[test]
    fn infinite_values_are_ordinary_extrema() {
        let x = array![f64::NEG_INFINITY, f64::NEG_INFINITY].into_dyn();
        let y = amax(&x.view(), &Axes::All, false).unwrap();
        assert_eq!(y[[]], f64::NEG_INFINITY);
        let dx = amax_vjp(
            &x.view(),
            &y.view(),
            &Axes::All,
            false,
            &arr0(1.0).into_dyn().view(),
        )
        .unwrap();
        assert_eq!(dx, array![0.5, 0.5].into_dyn());
    }
}
