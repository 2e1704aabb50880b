//! Sum, mean, max, min, transpose and reshape: forward against definitions written
//! out with explicit indices, gradients against finite differences, over
//! random shapes.

use crate::common;

use backprop_tensor::{Axes, TensorOp};
use common::{assert_close, finite_differences, weighted_sum};
use ndarray::{ArrayD, Dimension, IxDyn};
use proptest::prelude::*;

fn array(shape: Vec<usize>) -> impl Strategy<Value = ArrayD<f64>> {
    let len = shape.iter().product::<usize>();
    prop::collection::vec(-2.0f64..2.0, len)
        .prop_map(move |v| ArrayD::from_shape_vec(IxDyn(&shape), v).unwrap())
}

/// A shape and a subset of its axes (in random order).
fn shape_and_axes() -> impl Strategy<Value = (Vec<usize>, Vec<usize>)> {
    prop::collection::vec(1usize..=4, 0..=4).prop_flat_map(|shape| {
        let nd = shape.len();
        (
            Just(shape),
            Just((0..nd).collect::<Vec<_>>()).prop_shuffle(),
            0..=nd,
        )
            .prop_map(|(shape, axes, keep)| (shape, axes[..keep].to_vec()))
    })
}

/// Sum over `axes` by the definition: each input element adds into the
/// output element at its index with those axes deleted.
fn naive_sum(x: &ArrayD<f64>, axes: &[usize]) -> ArrayD<f64> {
    let out_shape: Vec<usize> = (0..x.ndim())
        .filter(|i| !axes.contains(i))
        .map(|i| x.shape()[i])
        .collect();
    let mut out = ArrayD::zeros(IxDyn(&out_shape));
    for (i, &v) in x.indexed_iter() {
        let kept: Vec<usize> = (0..x.ndim())
            .filter(|a| !axes.contains(a))
            .map(|a| i.slice()[a])
            .collect();
        out[IxDyn(&kept)] += v;
    }
    out
}

/// A fold over `axes` by the definition (`pick` is `f64::max` or `min`).
fn naive_fold(x: &ArrayD<f64>, axes: &[usize], pick: fn(f64, f64) -> f64) -> ArrayD<f64> {
    let out_shape: Vec<usize> = (0..x.ndim())
        .filter(|i| !axes.contains(i))
        .map(|i| x.shape()[i])
        .collect();
    let mut out = ArrayD::from_elem(IxDyn(&out_shape), f64::NAN);
    for (i, &v) in x.indexed_iter() {
        let kept: Vec<usize> = (0..x.ndim())
            .filter(|a| !axes.contains(a))
            .map(|a| i.slice()[a])
            .collect();
        let slot = &mut out[IxDyn(&kept)];
        *slot = if slot.is_nan() { v } else { pick(*slot, v) };
    }
    out
}

/// A reduction's result with the reduced `axes` of `shape` put back with
/// size 1 (`keepdims`).
fn keep(removed: &ArrayD<f64>, shape: &[usize], axes: &[usize]) -> ArrayD<f64> {
    let kept: Vec<usize> = (0..shape.len())
        .map(|i| if axes.contains(&i) { 1 } else { shape[i] })
        .collect();
    removed.to_shape(IxDyn(&kept)).unwrap().to_owned()
}

fn apply(op: &TensorOp, x: &ArrayD<f64>) -> ArrayD<f64> {
    op.forward(&[x.view()]).unwrap()
}

/// The finite-difference step, `2⁻¹⁰`.
const STEP: f64 = 1.0 / 1024.0;

fn check_gradient(op: &TensorOp, x: &ArrayD<f64>, up: &ArrayD<f64>) {
    let y = apply(op, x);
    let dx = op
        .vjp(&[x.view()], &y.view(), &up.view())
        .unwrap()
        .remove(0);
    assert_eq!(dx.shape(), x.shape(), "{op}: gradient shape");
    // A power-of-two step: the inputs and upstreams here are small multiples
    // of 1/4, so `x ± h`, every product and every partial sum of the loss are
    // exact and the central difference of a piecewise-linear reduction is
    // exact too. A decimal step (1e-3) made the loss round, which on large
    // shapes (sums near 1e8) left 1e-8 of noise in the reference.
    let numeric = finite_differences(std::slice::from_ref(x), STEP, |v| {
        weighted_sum(&apply(op, &v[0]), up)
    });
    assert_close(&op.to_string(), &dx, &numeric[0], 1e-9);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn sum_and_mean_over_axes(
        (shape, axes) in shape_and_axes(),
        seed in any::<u64>(),
        negative in any::<bool>(),
        keepdims in any::<bool>(),
    ) {
        let x = ArrayD::from_shape_fn(IxDyn(&shape), |i| ((i.slice().iter().sum::<usize>() as u64 ^ seed) % 17) as f64 - 8.0);
        let removed = naive_sum(&x, &axes);
        let expected = if keepdims { keep(&removed, &shape, &axes) } else { removed };
        let count: usize = axes.iter().map(|&a| shape[a]).product();
        // The same axes, counted from the end when `negative`.
        let given: Vec<isize> = axes
            .iter()
            .map(|&a| if negative { a as isize - shape.len() as isize } else { a as isize })
            .collect();
        let sum_op = TensorOp::Sum { axes: Axes::List(given.clone()), keepdims };
        let mean_op = TensorOp::Mean { axes: Axes::List(given), keepdims };
        assert_close("sum", &apply(&sum_op, &x), &expected, 1e-12);
        assert_close("mean", &apply(&mean_op, &x), &expected.mapv(|s| s / count as f64), 1e-12);
        let all: Vec<usize> = (0..shape.len()).collect();
        let sum_all = TensorOp::Sum { axes: Axes::All, keepdims: false };
        assert_close("sum(all)", &apply(&sum_all, &x), &naive_sum(&x, &all), 1e-12);
        let up_shape = expected.shape().to_vec();
        let up = ArrayD::from_shape_fn(IxDyn(&up_shape), |i| 0.5 + i.slice().iter().sum::<usize>() as f64);
        check_gradient(&sum_op, &x, &up);
        check_gradient(&mean_op, &x, &up);
        let mean_all = TensorOp::Mean { axes: Axes::All, keepdims: false };
        check_gradient(&mean_all, &x, &ndarray::arr0(1.5).into_dyn());
    }

    #[test]
    fn max_and_min_over_axes(
        (shape, axes) in shape_and_axes(),
        seed in any::<u64>(),
        keepdims in any::<bool>(),
    ) {
        prop_assume!(axes.iter().all(|&a| shape[a] > 0));
        // Distinct values (a permutation of 0..n, scaled), so no ties.
        let n: usize = shape.iter().product();
        let mut order: Vec<usize> = (0..n).collect();
        let mut state = seed | 1;
        for i in (1..n).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            order.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let x = ArrayD::from_shape_vec(IxDyn(&shape), order.iter().map(|&k| k as f64 * 0.25 - 2.0).collect()).unwrap();
        let given: Vec<isize> = axes.iter().map(|&a| a as isize).collect();
        for (op, pick) in [
            (TensorOp::Max { axes: Axes::List(given.clone()), keepdims }, f64::max as fn(f64, f64) -> f64),
            (TensorOp::Min { axes: Axes::List(given.clone()), keepdims }, f64::min),
        ] {
            let removed = naive_fold(&x, &axes, pick);
            let expected = if keepdims { keep(&removed, &shape, &axes) } else { removed };
            assert_close(&op.to_string(), &apply(&op, &x), &expected, 0.0);
            let up = expected.mapv(|v| 0.75 - v);
            check_gradient(&op, &x, &up);
        }
    }

    #[test]
    fn transpose_swaps_the_last_two_axes(
        x in prop::collection::vec(1usize..=4, 2..=4).prop_flat_map(array),
        up_seed in any::<u32>(),
    ) {
        let y = apply(&TensorOp::Transpose, &x);
        let nd = x.ndim();
        for (i, &v) in x.indexed_iter() {
            let mut j = i.slice().to_vec();
            j.swap(nd - 2, nd - 1);
            prop_assert_eq!(y[IxDyn(&j)], v);
        }
        let up = y.mapv(|v| v * 0.5 + f64::from(up_seed % 7));
        check_gradient(&TensorOp::Transpose, &x, &up);
    }

    #[test]
    fn reshape_keeps_row_major_order(
        x in prop::collection::vec(1usize..=4, 0..=3).prop_flat_map(array),
        split in any::<bool>(),
    ) {
        let n = x.len();
        let to = if split && n % 2 == 0 { vec![2, n / 2] } else { vec![n, 1] };
        let op = TensorOp::Reshape(to.iter().map(|&s| s as isize).collect());
        let y = apply(&op, &x);
        prop_assert_eq!(y.shape(), to.as_slice());
        // The same shape with its first size inferred.
        if to[1] > 0 {
            let inferred = TensorOp::Reshape(vec![-1, to[1] as isize]);
            prop_assert_eq!(apply(&inferred, &x), y.clone());
        }
        let flat_x: Vec<f64> = x.iter().copied().collect();
        let flat_y: Vec<f64> = y.iter().copied().collect();
        prop_assert_eq!(flat_x, flat_y);
        check_gradient(&op, &x, &y.mapv(|v| 1.0 - v));
        // Reshaping a transposed (non-contiguous) value still follows the
        // logical row-major order.
        if x.ndim() == 2 {
            let t = apply(&TensorOp::Transpose, &x);
            let r = apply(&TensorOp::Reshape(vec![n as isize]), &t);
            let logical: Vec<f64> = t.iter().copied().collect();
            prop_assert_eq!(r.iter().copied().collect::<Vec<_>>(), logical);
        }
    }
}
