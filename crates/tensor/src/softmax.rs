//! Softmax, log-softmax, log-sum-exp and the fused softmax cross-entropy
//! loss with integer labels, with their gradients.
//!
//! All are numerically stable: each lane is shifted by its maximum before
//! exponentiating (by 0 when the maximum is infinite), so scores of ±1000
//! give finite, correct results where `exp` alone would overflow.

use backprop_gates::{Real, chain};
use ndarray::{ArrayD, ArrayView1, ArrayViewD, ArrayViewMut1, Axis, Ix2, IxDyn, Zip, arr0};

use crate::axes::resolve_axis;
use crate::elementwise::same_shape;
use crate::reduce::{Plan, max_of, max_over, sum_over};
use crate::{Axes, Element, Labels, Result, TensorError};

/// The amount to subtract from a lane before exponentiating: its maximum,
/// or 0 when that is infinite (all `-∞`, or a `+∞`) or NaN, so that the
/// shift itself cannot turn a lane into NaN.
fn shift<A: Element>(max: A) -> A {
    if max.is_finite() {
        max
    } else {
        <A as Real>::zero()
    }
}

/// The maximum of a lane (NaN propagates; `-∞` for an empty lane).
fn lane_max<A: Element>(lane: &ArrayView1<'_, A>) -> A {
    max_of(lane.iter().copied())
}

/// `x` with `f` applied to every lane along `axis` (in place on a copy).
fn map_lanes<A: Element>(
    x: &ArrayViewD<'_, A>,
    axis: usize,
    mut f: impl FnMut(ArrayViewMut1<'_, A>),
) -> ArrayD<A> {
    let mut out = x.to_owned();
    for lane in out.lanes_mut(Axis(axis)) {
        f(lane);
    }
    out
}

/// Softmax along `axis` (negative counts from the end):
/// `yᵢ = exp(xᵢ - m) / Σⱼ exp(xⱼ - m)` with `m` the lane's maximum.
///
/// Its gradient ([`softmax_vjp`]) is `dx = y ⊙ (dy - Σ(dy ⊙ y))`, the sum
/// along `axis`.
///
/// ```
/// use backprop_tensor::softmax;
/// use ndarray::array;
///
/// let scores = array![[1000.0, 1000.0], [0.0, f64::ln(3.0)]].into_dyn();
/// let p = softmax(&scores.view(), -1)?;
/// assert_eq!(p[[0, 0]], 0.5); // exp(1000) would overflow
/// assert!((p[[1, 1]] - 0.75).abs() < 1e-15);
/// # Ok::<(), backprop_tensor::TensorError>(())
/// ```
///
/// # Errors
///
/// [`TensorError::AxisOutOfRange`].
pub fn softmax<A: Element>(x: &ArrayViewD<'_, A>, axis: isize) -> Result<ArrayD<A>> {
    let axis = resolve_axis("softmax", axis, x.shape(), x.ndim())?;
    Ok(map_lanes(x, axis, softmax_lane))
}

/// Softmax of one lane, in place.
fn softmax_lane<A: Element>(mut lane: ArrayViewMut1<'_, A>) {
    let m = shift(lane_max(&lane.view()));
    let mut total = <A as Real>::zero();
    for v in lane.iter_mut() {
        *v = (*v - m).exp();
        total = total + *v;
    }
    lane.mapv_inplace(|v| v / total);
}

/// Gradient of [`softmax`] from its output `y`:
/// `dxᵢ = yᵢ (dyᵢ - Σⱼ dyⱼ yⱼ)` along `axis` (the Jacobian is
/// `∂yᵢ/∂xⱼ = yᵢ (δᵢⱼ - yⱼ)`).
///
/// # Errors
///
/// [`TensorError::AxisOutOfRange`], [`TensorError::ShapeMismatch`] when
/// `dy` does not have `y`'s shape.
pub fn softmax_vjp<A: Element>(
    y: &ArrayViewD<'_, A>,
    axis: isize,
    dy: &ArrayViewD<'_, A>,
) -> Result<ArrayD<A>> {
    lane_vjp(
        "softmax",
        y,
        axis,
        dy,
        |y, dy| {
            y.iter()
                .zip(dy)
                .fold(<A as Real>::zero(), |s, (&y, &g)| s + y * g)
        },
        |y, g, dot| y * (g - dot),
    )
}

/// The vjp of an op along lanes of `axis` whose gradient reads each lane's
/// output `y` and upstream `dy` through one number per lane,
/// `lane_total(y, dy)`, then `element(y, g, total)` per element.
fn lane_vjp<A: Element>(
    op: &'static str,
    y: &ArrayViewD<'_, A>,
    axis: isize,
    dy: &ArrayViewD<'_, A>,
    lane_total: impl Fn(&ArrayView1<'_, A>, &ArrayView1<'_, A>) -> A,
    element: impl Fn(A, A, A) -> A,
) -> Result<ArrayD<A>> {
    let axis = resolve_axis(op, axis, y.shape(), y.ndim())?;
    same_shape(op, y.shape(), dy.shape())?;
    let mut dx = ArrayD::<A>::zeros(y.raw_dim());
    Zip::from(dx.lanes_mut(Axis(axis)))
        .and(y.lanes(Axis(axis)))
        .and(dy.lanes(Axis(axis)))
        .for_each(|mut dx, y, dy| {
            let total = lane_total(&y, &dy);
            Zip::from(&mut dx)
                .and(&y)
                .and(&dy)
                .for_each(|dx, &y, &g| *dx = element(y, g, total));
        });
    Ok(dx)
}

/// Log-softmax along `axis`: `yᵢ = (xᵢ - m) - ln Σⱼ exp(xⱼ - m)`, the
/// logarithm of [`softmax`] without its underflow (`log_softmax` of
/// `[0, -1000]` is `[0, -1000]`, where `ln(softmax)` gives `-∞`).
///
/// Its gradient ([`log_softmax_vjp`]) is `dx = dy - softmax(x) · Σ dy`.
///
/// ```
/// use backprop_tensor::log_softmax;
/// use ndarray::array;
///
/// let y = log_softmax(&array![0.0, -1000.0].into_dyn().view(), 0)?;
/// assert_eq!(y, array![0.0, -1000.0].into_dyn());
/// # Ok::<(), backprop_tensor::TensorError>(())
/// ```
///
/// # Errors
///
/// [`TensorError::AxisOutOfRange`].
pub fn log_softmax<A: Element>(x: &ArrayViewD<'_, A>, axis: isize) -> Result<ArrayD<A>> {
    let axis = resolve_axis("log_softmax", axis, x.shape(), x.ndim())?;
    Ok(map_lanes(x, axis, |mut lane| {
        let m = shift(lane_max(&lane.view()));
        let total = lane
            .iter()
            .fold(<A as Real>::zero(), |s, &v| s + (v - m).exp());
        let log_total = total.ln();
        lane.mapv_inplace(|v| (v - m) - log_total);
    }))
}

/// Gradient of [`log_softmax`] from its output `y`:
/// `dxᵢ = dyᵢ - exp(yᵢ) Σⱼ dyⱼ` along `axis` (the Jacobian is
/// `∂yᵢ/∂xⱼ = δᵢⱼ - softmax(x)ⱼ`).
///
/// # Errors
///
/// [`TensorError::AxisOutOfRange`], [`TensorError::ShapeMismatch`] when
/// `dy` does not have `y`'s shape.
pub fn log_softmax_vjp<A: Element>(
    y: &ArrayViewD<'_, A>,
    axis: isize,
    dy: &ArrayViewD<'_, A>,
) -> Result<ArrayD<A>> {
    lane_vjp(
        "log_softmax",
        y,
        axis,
        dy,
        |_, dy| dy.iter().fold(<A as Real>::zero(), |s, &g| s + g),
        |y, g, total| g - y.exp() * total,
    )
}

/// `ln Σ exp(x)` over `axes`, computed as `m + ln Σ exp(x - m)` with `m`
/// the maximum over those axes (SciPy's `logsumexp`), so large scores do
/// not overflow.
///
/// Its gradient ([`logsumexp_vjp`]) is `dx = dy · exp(x - y)`: the softmax
/// over the reduced axes.
///
/// ```
/// use backprop_tensor::{logsumexp, Axes};
/// use ndarray::array;
///
/// let x = array![[1000.0, 1000.0], [0.0, 0.0]].into_dyn();
/// let y = logsumexp(&x.view(), &Axes::from([-1]), false)?;
/// assert_eq!(y, array![1000.0 + 2f64.ln(), 2f64.ln()].into_dyn());
/// # Ok::<(), backprop_tensor::TensorError>(())
/// ```
///
/// # Errors
///
/// [`TensorError::AxisOutOfRange`], [`TensorError::RepeatedAxis`],
/// [`TensorError::EmptyReduction`] for an empty reduced axis.
pub fn logsumexp<A: Element>(
    x: &ArrayViewD<'_, A>,
    axes: &Axes,
    keepdims: bool,
) -> Result<ArrayD<A>> {
    let plan = Plan::nonempty("logsumexp", x.shape(), axes, keepdims)?;
    let shifts = max_over(x, &plan.axes)
        .mapv_into(shift)
        .into_shape_with_order(IxDyn(&plan.kept_shape))
        .expect("the same elements, with size-1 axes inserted");
    let wide = shifts
        .broadcast(x.shape())
        .expect("reduced axes have size 1");
    let exps = Zip::from(x).and(&wide).map_collect(|&x, &m| (x - m).exp());
    let totals = sum_over(&exps.view(), &plan.axes)
        .into_shape_with_order(IxDyn(&plan.kept_shape))
        .expect("the same elements, with size-1 axes inserted");
    let y = Zip::from(&shifts)
        .and(&totals)
        .map_collect(|&m, &s| m + s.ln());
    Ok(plan.finish(y))
}

/// Gradient of [`logsumexp`] given its output `y`:
/// `dxᵢ = dy · exp(xᵢ - y)` (`∂ lse/∂xᵢ = softmax(x)ᵢ` over the reduced
/// axes).
///
/// # Errors
///
/// The errors of [`logsumexp`], [`TensorError::ShapeMismatch`] when `y` or
/// `dy` does not have the result's shape.
pub fn logsumexp_vjp<A: Element>(
    x: &ArrayViewD<'_, A>,
    y: &ArrayViewD<'_, A>,
    axes: &Axes,
    keepdims: bool,
    dy: &ArrayViewD<'_, A>,
) -> Result<ArrayD<A>> {
    let op = "logsumexp";
    let plan = Plan::nonempty(op, x.shape(), axes, keepdims)?;
    let (y_kept, dy_kept) = plan.checked_kept(op, y, dy)?;
    let y_wide = y_kept
        .broadcast(x.shape())
        .expect("reduced axes have size 1");
    let dy_wide = dy_kept
        .broadcast(x.shape())
        .expect("reduced axes have size 1");
    Ok(Zip::from(x)
        .and(&y_wide)
        .and(&dy_wide)
        .map_collect(|&x, &y, &g| chain((x - y).exp(), g)))
}

/// Checks the scores and labels of [`softmax_cross_entropy`]: a matrix of
/// at least one row, one label per row, each naming a column.
fn check_cross_entropy(shape: &[usize], labels: &Labels) -> Result<()> {
    let op = "softmax_cross_entropy";
    labels.check(op, shape)?;
    if shape[0] == 0 {
        return Err(TensorError::EmptyReduction {
            op,
            shape: shape.to_vec(),
            axes: vec![0],
            axis: 0,
        });
    }
    Ok(())
}

/// The mean softmax cross-entropy of `scores` (N examples × K classes)
/// against integer `labels`, fused:
/// `L = (1/N) Σᵢ -ln softmax(sᵢ)[yᵢ] = (1/N) Σᵢ (ln Σⱼ exp(sᵢⱼ - mᵢ) - (sᵢ,yᵢ - mᵢ))`,
/// a 0-d result. This is the CS231n case study's `data_loss`, computed
/// without forming the probabilities, so it stays finite for any scores.
///
/// Its gradient ([`softmax_cross_entropy_vjp`]) is the textbook
/// `(probs - one_hot(y)) / N`.
///
/// ```
/// use backprop_tensor::{softmax_cross_entropy, Labels};
/// use ndarray::array;
///
/// // Equal scores: the loss is ln 3 whatever the labels.
/// let scores = array![[0.0, 0.0, 0.0], [5.0, 5.0, 5.0]].into_dyn();
/// let loss = softmax_cross_entropy(&scores.view(), &Labels::from([0, 2]))?;
/// assert!((loss[[]] - 3f64.ln()).abs() < 1e-15);
/// # Ok::<(), backprop_tensor::TensorError>(())
/// ```
///
/// # Errors
///
/// As [`Labels::check`], and [`TensorError::EmptyReduction`] for no rows.
pub fn softmax_cross_entropy<A: Element>(
    scores: &ArrayViewD<'_, A>,
    labels: &Labels,
) -> Result<ArrayD<A>> {
    Ok(softmax_cross_entropy_with_probs(scores, labels)?.0)
}

/// [`softmax_cross_entropy`] and the softmax probabilities `p` it passes
/// through, which a graph keeps for the backward pass
/// ([`cross_entropy_vjp_from_probs`]): each `exp` is taken once per step.
pub(crate) fn softmax_cross_entropy_with_probs<A: Element>(
    scores: &ArrayViewD<'_, A>,
    labels: &Labels,
) -> Result<(ArrayD<A>, ArrayD<A>)> {
    check_cross_entropy(scores.shape(), labels)?;
    let scores = scores.view().into_dimensionality::<Ix2>().expect("checked");
    let mut probs = ndarray::Array2::<A>::zeros(scores.raw_dim());
    let mut loss = <A as Real>::zero();
    for ((row, mut p), &label) in scores
        .rows()
        .into_iter()
        .zip(probs.rows_mut())
        .zip(labels.iter())
    {
        // Σⱼ exp(sⱼ - m), keeping each term to divide in place.
        let m = shift(lane_max(&row));
        let mut total = <A as Real>::zero();
        for (p, &s) in p.iter_mut().zip(row.iter()) {
            *p = (s - m).exp();
            total = total + *p;
        }
        loss = loss + (total.ln() - (row[label] - m));
        p.mapv_inplace(|e| e / total);
    }
    let n = A::from_f64(scores.nrows() as f64);
    Ok((arr0(loss / n).into_dyn(), probs.into_dyn()))
}

/// Gradient of [`softmax_cross_entropy`]:
/// `dsᵢⱼ = dL · (pᵢⱼ - [j = yᵢ]) / N`, with `pᵢⱼ = exp(sᵢⱼ - mᵢ) / Σₖ
/// exp(sᵢₖ - mᵢ)` the softmax probabilities — the case study's
/// `dscores = probs; dscores[range(N), y] -= 1; dscores /= N`.
///
/// # Errors
///
/// As [`softmax_cross_entropy`], and [`TensorError::ShapeMismatch`] when
/// `dl` is not 0-d.
pub fn softmax_cross_entropy_vjp<A: Element>(
    scores: &ArrayViewD<'_, A>,
    labels: &Labels,
    dl: &ArrayViewD<'_, A>,
) -> Result<ArrayD<A>> {
    let op = "softmax_cross_entropy";
    check_cross_entropy(scores.shape(), labels)?;
    same_shape(op, &[], dl.shape())?;
    let (_, probs) = softmax_cross_entropy_with_probs(scores, labels)?;
    cross_entropy_vjp_from_probs(&probs.view(), labels, dl)
}

/// [`softmax_cross_entropy_vjp`] from the probabilities the forward pass
/// kept: `dsᵢⱼ = dL · (pᵢⱼ - [j = yᵢ]) / N`.
///
/// # Errors
///
/// [`TensorError::ShapeMismatch`] when `dl` is not 0-d.
pub(crate) fn cross_entropy_vjp_from_probs<A: Element>(
    probs: &ArrayViewD<'_, A>,
    labels: &Labels,
    dl: &ArrayViewD<'_, A>,
) -> Result<ArrayD<A>> {
    same_shape("softmax_cross_entropy", &[], dl.shape())?;
    let upstream = dl[[]];
    let n = A::from_f64(probs.shape()[0] as f64);
    let classes = probs.shape()[1];
    let mut ds = probs.as_standard_layout().into_owned();
    let rows = ds.as_slice_mut().expect("standard layout");
    for (row, &label) in rows.chunks_exact_mut(classes.max(1)).zip(labels.iter()) {
        for (j, o) in row.iter_mut().enumerate() {
            let local = if j == label {
                *o - <A as Real>::one()
            } else {
                *o
            } / n;
            *o = chain(local, upstream);
        }
    }
    Ok(ds)
}
