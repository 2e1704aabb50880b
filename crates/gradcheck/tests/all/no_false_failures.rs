//! Correct rules pass: every gate in f64 and f32 over many seeds, and
//! correct user closures at many random points. (The whole catalog, tensor
//! ops included, is checked in `backprop-selfcheck`'s tests.)

use crate::common;

use backprop_gates::Gate;
use backprop_gradcheck::{
    Mode, Options, Sampling, Status, Upstream, check_partials, check_rule, check_vjp,
};
use common::{dot, dot32, sample, sigmoid, t};
use ndarray::ArrayD;

#[test]
fn every_gate_passes_in_f64_and_f32_over_many_seeds() {
    for seed in 0..40 {
        let o = Options {
            seed,
            ..Options::default()
        };
        for gate in Gate::catalog() {
            let r = check_rule::<f64, _>(gate, &Sampling::default(), &o);
            assert_eq!(r.status, Status::Pass, "{r}");
            let r = check_rule::<f32, _>(gate, &Sampling::default(), &o);
            assert_eq!(r.status, Status::Pass, "{r}");
        }
    }
}

#[test]
fn the_notebook_function_passes_at_many_points() {
    // f = (x + σ(y)) / (σ(x) + (x + y)²) and its gradient, by the quotient rule.
    let f = |v: &[f64]| (v[0] + sigmoid(v[1])) / (sigmoid(v[0]) + (v[0] + v[1]).powi(2));
    let grad = |v: &[f64]| {
        let (x, y) = (v[0], v[1]);
        let (num, den) = (x + sigmoid(y), sigmoid(x) + (x + y).powi(2));
        let dsx = sigmoid(x) * (1.0 - sigmoid(x));
        let dsy = sigmoid(y) * (1.0 - sigmoid(y));
        let dx = (den - num * (dsx + 2.0 * (x + y))) / (den * den);
        let dy = (dsy * den - num * 2.0 * (x + y)) / (den * den);
        vec![dx, dy]
    };
    for seed in 0..200u64 {
        let x = common::sample(&[2], seed);
        let p = [x[0] * 2.0, x[1] * 2.0];
        let r = check_partials(f, grad, &p, &Options::default()).unwrap();
        assert!(r.passed(), "{r}");
    }
    // the notebook's own point
    assert!(
        check_partials(f, grad, &[3.0, -4.0], &Options::default())
            .unwrap()
            .passed()
    );
}

#[test]
fn matmul_passes_in_both_modes_types_and_many_seeds() {
    let a = sample(&[5, 3], 11);
    let b = sample(&[3, 4], 12);
    let forward = |v: &[ArrayD<f64>]| dot(&v[0], &v[1]);
    let vjp64 = |v: &[ArrayD<f64>], g: &ArrayD<f64>| vec![dot(g, &t(&v[1])), dot(&t(&v[0]), g)];
    let vjp32 = |v: &[ArrayD<f32>], g: &ArrayD<f32>| vec![dot32(g, &t(&v[1])), dot32(&t(&v[0]), g)];
    let (a32, b32) = (a.mapv(|v| v as f32), b.mapv(|v| v as f32));
    for seed in 0..30 {
        for mode in [Mode::Exhaustive, Mode::Fast] {
            let o = Options {
                seed,
                mode,
                ..Options::default()
            };
            let r = check_vjp(
                forward,
                vjp64,
                &[a.clone(), b.clone()],
                Upstream::Random,
                &o,
            )
            .unwrap();
            assert!(r.passed(), "{r}");
            let r = check_vjp(
                forward,
                vjp32,
                &[a32.clone(), b32.clone()],
                Upstream::Random,
                &o,
            )
            .unwrap();
            assert!(r.passed(), "{r}");
        }
    }
}
