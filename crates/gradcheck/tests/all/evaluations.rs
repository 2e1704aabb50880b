//! Evaluation counts: constant in fast mode whatever the size, and what the
//! report says is what was spent.

use crate::common;

use std::cell::Cell;

use backprop_gradcheck::{Mode, Options, Upstream, check_vjp};
use common::{dot, sample, t};
use ndarray::ArrayD;

/// Check an n×n matmul in `mode`, counting calls; returns (report forward,
/// report backward, counted forward, counted backward).
fn matmul_counts(n: usize, mode: Mode) -> (usize, usize, usize, usize) {
    let (forwards, backwards) = (Cell::new(0), Cell::new(0));
    let forward = |v: &[ArrayD<f64>]| {
        forwards.set(forwards.get() + 1);
        dot(&v[0], &v[1])
    };
    let vjp = |v: &[ArrayD<f64>], g: &ArrayD<f64>| {
        backwards.set(backwards.get() + 1);
        vec![dot(g, &t(&v[1])), dot(&t(&v[0]), g)]
    };
    let inputs = [sample(&[n, n], 1), sample(&[n, n], 2)];
    let o = Options {
        mode,
        ..Options::default()
    };
    let r = check_vjp(forward, vjp, &inputs, Upstream::Random, &o).unwrap();
    assert!(r.passed(), "{r}");
    (
        r.evaluations.forward,
        r.evaluations.backward,
        forwards.get(),
        backwards.get(),
    )
}

#[test]
fn fast_mode_on_a_512x512_matmul_needs_a_constant_number_of_evaluations() {
    // 1 at the point + 4 per input (±t, ±t/2); 1 backward run, plus one
    // repeat and one with a zero upstream for the structural checks.
    let expected = (9, 3, 9, 3);
    assert_eq!(matmul_counts(512, Mode::Fast), expected);
    assert_eq!(matmul_counts(64, Mode::Fast), expected);
    assert_eq!(matmul_counts(2, Mode::Fast), expected);
}

#[test]
fn exhaustive_mode_counts_four_forwards_per_input_element_and_one_backward_per_output() {
    let n = 3;
    let (inputs, outputs) = (2 * n * n, n * n);
    let expected = (1 + 4 * inputs, 3 + outputs);
    let (rf, rb, cf, cb) = matmul_counts(n, Mode::Exhaustive);
    assert_eq!((rf, rb), expected);
    assert_eq!((cf, cb), expected);
}
