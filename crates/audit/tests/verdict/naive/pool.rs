//! Pooling: average and max, kernel equal to the stride, overlapping
//! windows (stride below the kernel), gaps between windows (stride above
//! it), non-square kernels, sizes whose tail is dropped.

use backprop_audit::Reference;
use backprop_audit::naive::pool::{self, PoolParams};
use ndarray::ArrayD;

use super::{Rng, assert_vjp, flat, vjp_gap};

/// The pooling configurations of candle's catalog: parameters and `x`'s
/// shape.
fn configurations() -> Vec<(PoolParams, [usize; 4])> {
    [
        ((2, 2), (2, 2), [1, 1, 4, 4]),
        ((2, 2), (2, 2), [2, 3, 6, 4]),
        ((2, 3), (2, 3), [1, 2, 4, 6]),
        ((2, 2), (2, 2), [1, 1, 5, 5]),
        ((2, 2), (2, 2), [2, 2, 4, 5]),
        ((3, 3), (3, 3), [1, 1, 7, 6]),
        ((2, 2), (1, 1), [1, 1, 4, 4]),
        ((3, 3), (2, 2), [2, 2, 7, 7]),
        ((2, 2), (3, 3), [1, 2, 8, 8]),
        ((2, 3), (1, 2), [1, 1, 5, 7]),
    ]
    .into_iter()
    .map(|(kernel, stride, x)| (PoolParams { kernel, stride }, x))
    .collect()
}

fn avg(p: PoolParams) -> Reference {
    Reference::new(
        move |x| pool::avg_pool2d(&x[0], &p),
        move |x, g| vec![pool::avg_pool2d_vjp(&x[0], g, &p)],
    )
}

fn max(p: PoolParams) -> Reference {
    Reference::new(
        move |x| pool::max_pool2d(&x[0], &p),
        move |x, g| vec![pool::max_pool2d_vjp(&x[0], g, &p)],
    )
}

#[test]
fn pooling_vjps_agree_with_finite_differences() {
    let mut rng = Rng::new(100);
    for (p, x) in configurations() {
        // Distinct values: no ties for the maximum.
        let inputs = [rng.distinct(&x)];
        assert_vjp(
            &format!("avg_pool2d {p:?} {x:?}"),
            &avg(p),
            &inputs,
            &mut rng,
        );
        assert_vjp(
            &format!("max_pool2d {p:?} {x:?}"),
            &max(p),
            &inputs,
            &mut rng,
        );
        let both = max(p).fan_out();
        assert_vjp(
            &format!("max_pool2d fan-out {p:?}"),
            &both,
            &inputs,
            &mut rng,
        );
    }
}

#[test]
fn a_max_pool_gradient_divided_by_the_window_is_caught() {
    // CANDLE-0001's mistake, as a VJP: the finite differences see it.
    let p = PoolParams {
        kernel: (2, 2),
        stride: (2, 2),
    };
    let wrong = Reference::new(
        move |x| pool::max_pool2d(&x[0], &p),
        move |x, g| vec![pool::max_pool2d_vjp(&x[0], g, &p) / 4.0],
    );
    let mut rng = Rng::new(101);
    let inputs = [rng.distinct(&[1, 1, 4, 4])];
    assert!(vjp_gap(&wrong, &inputs, &mut rng).is_some());
}

#[test]
fn pooling_by_hand() {
    // 0..16 as a 4×4 image, 2×2 windows.
    let x = ArrayD::from_shape_vec(vec![1, 1, 4, 4], (0..16).map(f64::from).collect()).unwrap();
    let p = PoolParams {
        kernel: (2, 2),
        stride: (2, 2),
    };
    assert_eq!(flat(&pool::avg_pool2d(&x, &p)), [2.5, 4.5, 10.5, 12.5]);
    assert_eq!(flat(&pool::max_pool2d(&x, &p)), [5.0, 7.0, 13.0, 15.0]);
    // Overlapping windows: the centre of a 3×3 image is in all four.
    let x = ArrayD::from_shape_vec(vec![1, 1, 3, 3], (0..9).map(f64::from).collect()).unwrap();
    let overlapping = PoolParams {
        kernel: (2, 2),
        stride: (1, 1),
    };
    let g = ArrayD::ones(vec![1, 1, 2, 2]);
    assert_eq!(
        flat(&pool::avg_pool2d_vjp(&x, &g, &overlapping)),
        [0.25, 0.5, 0.25, 0.5, 1.0, 0.5, 0.25, 0.5, 0.25]
    );
    // Each window's maximum is its bottom-right pixel: 4, 5, 7, 8.
    assert_eq!(
        flat(&pool::max_pool2d_vjp(&x, &g, &overlapping)),
        [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0]
    );
}
