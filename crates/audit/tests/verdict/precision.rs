//! `forward_noise` against hand computations: a forward that answers each
//! of its five calls with values of our choosing has a fourth difference
//! we can work out; the five points it is called at lie on a line through
//! `x` with the step the documentation gives.

use std::cell::{Cell, RefCell};

use backprop_audit::{LOW_PRECISION_NOISE, Noise, forward_noise};
use ndarray::{ArrayD, IxDyn, arr1};

#[test]
fn the_noise_is_the_fourth_difference_over_root_70_relative_to_the_largest_output() {
    // Call k (0..5) answers c + e·2^k: the fourth difference of 2^k is
    // (2 - 1)⁴ = 1, and c drops out, so Δ⁴f = e per element.
    let e = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
    // Centre values c + 4e: element 0 is -300 + 4 = -296, the largest in
    // magnitude, so the scale is 296.
    let mut c = [100.0; 8];
    c[0] = -300.0;
    let call = Cell::new(0);
    let forward = |_: &[ArrayD<f64>]| {
        let k = call.get();
        call.set(k + 1);
        let p = f64::from(1 << k);
        ArrayD::from_shape_fn(IxDyn(&[8]), |i| c[i[0]] + e[i[0]] * p)
    };
    let noise = forward_noise(&forward, &[arr1(&[0.5; 3]).into_dyn()], 0);
    assert_eq!(call.get(), 5, "five points");
    let relative = |e: f64| e / 70f64.sqrt() / 296.0;
    // Sorted, the relative noises are e = 1..8: the upper quartile is
    // element 3·8/4 = 6 (e = 7), the median element 8/2 = 4 (e = 5).
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b;
    assert!(close(noise.upper_quartile, relative(7.0)), "{noise:?}");
    assert!(close(noise.median, relative(5.0)), "{noise:?}");
}

#[test]
fn a_forward_that_is_zero_or_infinite_at_the_centre_has_no_noise() {
    for centre in [0.0, f64::INFINITY] {
        let call = Cell::new(0);
        let forward = |_: &[ArrayD<f64>]| {
            let k = call.get();
            call.set(k + 1);
            let v = if k == 2 { centre } else { 1.0 };
            ArrayD::from_elem(IxDyn(&[4]), v)
        };
        let noise = forward_noise(&forward, &[arr1(&[0.5]).into_dyn()], 0);
        assert_eq!(
            noise,
            Noise {
                upper_quartile: 0.0,
                median: 0.0
            }
        );
    }
}

#[test]
fn the_probe_runs_along_a_line_through_x_with_steps_of_a_millionth_of_its_scale() {
    // 64 elements, magnitudes from 1e-3 to 1e3: δ = 1e-6·max(|x|, 1)·u.
    let x = ArrayD::from_shape_fn(IxDyn(&[64]), |i| {
        let sign = if i[0] % 2 == 0 { 1.0 } else { -1.0 };
        sign * 10f64.powf(-3.0 + 6.0 * i[0] as f64 / 63.0)
    });
    let points: RefCell<Vec<ArrayD<f64>>> = RefCell::new(Vec::new());
    let forward = |p: &[ArrayD<f64>]| {
        points.borrow_mut().push(p[0].clone());
        p[0].clone()
    };
    forward_noise(&forward, std::slice::from_ref(&x), 5);
    let points = points.into_inner();
    assert_eq!(points.len(), 5);
    assert_eq!(points[2], x, "the centre is x itself");
    let step = &points[3] - &x;
    for (k, p) in points.iter().enumerate() {
        let expected = &x + &(&step * (k as f64 - 2.0));
        for (a, b) in p.iter().zip(&expected) {
            assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "point {k}");
        }
    }
    // u = δ / (1e-6·max(|x|, 1)) is standard normal: none beyond 6 sigma,
    // a mean square near 1 (its standard deviation over 64 draws is 0.18).
    let u: Vec<f64> = step
        .iter()
        .zip(&x)
        .map(|(d, x)| d / (1e-6 * x.abs().max(1.0)))
        .collect();
    assert!(u.iter().all(|u| u.abs() < 6.0), "{u:?}");
    let mean_square = u.iter().map(|u| u * u).sum::<f64>() / 64.0;
    assert!((0.5..2.0).contains(&mean_square), "{mean_square}");
}

#[test]
fn the_seed_chooses_the_direction() {
    let x = [arr1(&[0.5; 4]).into_dyn()];
    let direction = |seed: u64| {
        let points = RefCell::new(Vec::new());
        let forward = |p: &[ArrayD<f64>]| {
            points.borrow_mut().push(p[0].clone());
            p[0].clone()
        };
        forward_noise(&forward, &x, seed);
        let points = points.into_inner();
        &points[3] - &points[2]
    };
    let directions: Vec<ArrayD<f64>> = (0..=16).map(direction).collect();
    for (i, a) in directions.iter().enumerate() {
        for b in &directions[i + 1..] {
            assert_ne!(a, b);
        }
    }
    assert_eq!(direction(3), directions[3], "and the same seed the same");
}

#[test]
fn low_precision_is_noise_above_the_threshold() {
    let noise = |upper_quartile| Noise {
        upper_quartile,
        median: 0.0,
    };
    assert_eq!(LOW_PRECISION_NOISE, 1e-11);
    assert!(!noise(1e-11).is_low_precision(), "at the threshold: f64");
    assert!(noise(1.01e-11).is_low_precision());
    assert!(!noise(0.99e-11).is_low_precision());
}
