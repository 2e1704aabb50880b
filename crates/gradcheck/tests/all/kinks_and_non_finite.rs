//! Kinks are reported as `kink`, never as `fail`; NaN and infinities as
//! `non-finite` with their location.

use crate::common;

use backprop_gates::{Binary, Gate, Unary};
use backprop_gradcheck::{
    Mode, Options, Sampling, Side, Status, Upstream, check_derivative, check_partials, check_rule,
    check_vjp,
};
use common::sample;
use ndarray::ArrayD;

#[test]
fn relu_and_abs_at_zero_are_kinks_whatever_the_claim() {
    let relu = |x: f64| x.max(0.0);
    for claim in [0.0, 0.5, 1.0] {
        let r = check_derivative(relu, move |_| claim, 0.0, &Options::default());
        assert_eq!(r.status, Status::Kink, "{r}");
        assert_eq!(r.pairs[0].kinks.count, 1);
    }
    assert_eq!(
        check_derivative(f64::abs, |_| 0.0, 0.0, &Options::default()).status,
        Status::Kink
    );
    // ... but away from zero the rule is checked as usual
    assert_eq!(
        check_derivative(relu, |_| 0.5, 0.3, &Options::default()).status,
        Status::Fail
    );
}

#[test]
fn a_kink_inside_the_step_is_a_kink_not_a_failure() {
    let relu = |x: f64| x.max(0.0);
    let h = f64::EPSILON.cbrt();
    for offset in [0.05, 0.2, 0.3, 0.45, 0.7, 0.95] {
        for x in [offset * h, -offset * h] {
            let claim = if x > 0.0 { 1.0 } else { 0.0 };
            let r = check_derivative(relu, move |_| claim, x, &Options::default());
            assert_ne!(r.status, Status::Fail, "relu at {x:e}: {r}");
        }
    }
}

#[test]
fn ties_of_max_and_min_are_kinks() {
    let max = |v: &[f64]| v[0].max(v[1]);
    let r = check_partials(max, |_| vec![0.5, 0.5], &[1.25, 1.25], &Options::default()).unwrap();
    assert_eq!(r.status, Status::Kink);
    assert!(r.pairs.iter().all(|p| p.status == Status::Kink));
    let min = |v: &[f64]| v[0].min(v[1]);
    let r = check_partials(min, |_| vec![1.0, 0.0], &[-3.0, -3.0], &Options::default()).unwrap();
    assert_eq!(r.status, Status::Kink);
}

#[test]
fn one_kinked_element_of_an_array_is_located() {
    let mut x = sample(&[3, 4], 9);
    x[[1, 2]] = 0.0;
    let forward = |v: &[ArrayD<f64>]| v[0].mapv(|x| x.max(0.0));
    let vjp = |v: &[ArrayD<f64>], g: &ArrayD<f64>| {
        vec![g * &v[0].mapv(|x| if x > 0.0 { 1.0 } else { 0.0 })]
    };
    for mode in [Mode::Exhaustive, Mode::Fast] {
        let o = Options {
            mode,
            ..Options::default()
        };
        let r = check_vjp(forward, vjp, &[x.clone()], Upstream::Random, &o).unwrap();
        assert_eq!(r.status, Status::Kink, "{r}");
        let kinks = match mode {
            Mode::Fast => &r.pairs[0].located.as_ref().unwrap().kinks,
            _ => &r.pairs[0].kinks,
        };
        assert!(kinks.count >= 1);
        assert!(kinks.first.iter().all(|k| k.index == vec![1, 2]), "{r}");
    }
}

#[test]
fn kinked_gates_at_their_kinks_report_kinks() {
    for gate in [
        Gate::Unary(Unary::Relu),
        Gate::Unary(Unary::Abs),
        Gate::Binary(Binary::Max),
        Gate::Binary(Binary::Min),
    ] {
        let s = Sampling {
            include_kinks: true,
            ..Sampling::default()
        };
        let r = check_rule::<f64, _>(&gate, &s, &Options::default());
        assert_eq!(r.status, Status::Kink, "{r}");
        let r = check_rule::<f32, _>(&gate, &s, &Options::default());
        assert_eq!(r.status, Status::Kink, "{r}");
    }
}

#[test]
fn non_finite_values_are_reported_with_their_side_and_location() {
    // numeric side: ln at a negative point
    let r = check_derivative(f64::ln, |x: f64| 1.0 / x, -1.0, &Options::default());
    assert_eq!(r.status, Status::NonFinite);
    let f = &r.pairs[0].non_finite.first[0];
    assert_eq!(
        (f.side, f.value.as_deref()),
        (Some(Side::Numeric), Some("nan"))
    );
    // analytic side: a rule that divides by zero in one element
    let x = sample(&[2, 3], 10);
    let forward = |v: &[ArrayD<f64>]| v[0].mapv(|x| x * x);
    let vjp = |v: &[ArrayD<f64>], g: &ArrayD<f64>| {
        let mut d = g * &v[0].mapv(|x| 2.0 * x);
        d[[1, 0]] = f64::INFINITY;
        vec![d]
    };
    let o = Options {
        structural: false,
        mode: Mode::Exhaustive,
        ..Options::default()
    };
    let r = check_vjp(forward, vjp, &[x], Upstream::Random, &o).unwrap();
    assert_eq!(r.status, Status::NonFinite, "{r}");
    let first = &r.pairs[0].non_finite.first[0];
    assert_eq!(first.index, vec![1, 0]);
    assert_eq!(
        (first.side, first.value.as_deref()),
        (Some(Side::Analytic), Some("inf"))
    );
}
