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

#[test]
fn a_kink_below_the_relative_tolerance_of_its_slope_is_within_tolerance() {
    // A slope of 1000 with a kink at 0 where it grows by `jump`: the
    // one-sided derivatives are 1000 and 1000 + jump. The tolerance there
    // is about rtol·1000 = 1e-4 (f64), so a jump of 1e-5 is an error like
    // any other below it: the element passes (central differences give
    // 1000 + jump/2). A jump of 1e-3 is beyond it: a kink.
    let sloped = |jump: f64| move |x: f64| 1e3 * x + jump * x.max(0.0);
    let r = check_derivative(sloped(1e-5), |_| 1e3, 0.0, &Options::default());
    assert_eq!(r.status, Status::Pass, "{r}");
    assert_eq!(r.pairs[0].kinks.count, 0, "{r}");
    let numeric = r.pairs[0].worst.as_ref().unwrap().numeric;
    assert!((numeric - (1e3 + 0.5e-5)).abs() < 1e-8, "{r}");
    let r = check_derivative(sloped(1e-3), |_| 1e3, 0.0, &Options::default());
    assert_eq!(r.status, Status::Kink, "{r}");
    let sides = r.pairs[0].kinks.first[0].kink.unwrap();
    assert!((sides.left - 1e3).abs() < 1e-8, "{r}");
    assert!((sides.right - (1e3 + 1e-3)).abs() < 1e-8, "{r}");
}

#[test]
fn negative_infinity_is_named_minus_inf() {
    // ln|x| at 0 is -inf; the rule's value there is finite, so the
    // non-finite side is the numerical one.
    let ln_abs = |x: f64| x.abs().ln();
    let r = check_derivative(ln_abs, |_| 0.0, 0.0, &Options::default());
    assert_eq!(r.status, Status::NonFinite, "{r}");
    let f = &r.pairs[0].non_finite.first[0];
    assert_eq!(
        (f.side, f.value.as_deref()),
        (Some(Side::Numeric), Some("-inf"))
    );
    assert!(r.to_string().contains("Numeric = -inf"), "{r}");
}

/// `Σ ln|x|` over `x`, checked exhaustively with upstream 1 against a rule
/// that returns 0 where `x` is 0: with one `x` at 0, every comparison
/// (each Jacobian entry, and each element of the upstream's run) has
/// `-inf` at the centre of its stencil.
fn sum_ln_abs_with_a_zero(n: usize) -> backprop_gradcheck::Report {
    let mut x = ArrayD::from_elem(vec![n], 0.5);
    x[[0]] = 0.0;
    let forward = |v: &[ArrayD<f64>]| ArrayD::from_elem(vec![1], v[0].mapv(|x| x.abs().ln()).sum());
    let vjp = |v: &[ArrayD<f64>], g: &ArrayD<f64>| {
        vec![v[0].mapv(|x| if x == 0.0 { 0.0 } else { g[[0]] / x })]
    };
    let o = Options {
        mode: Mode::Exhaustive,
        structural: false,
        ..Options::default()
    };
    let one = ArrayD::from_elem(vec![1], 1.0);
    check_vjp(forward, vjp, &[x], Upstream::Given(&one), &o).unwrap()
}

#[test]
fn a_report_lists_the_first_five_findings_and_counts_the_rest() {
    // Three elements: 3 Jacobian entries and 3 elements of the upstream's
    // run, 6 non-finite comparisons, of which the first five are listed.
    let r = sum_ln_abs_with_a_zero(3);
    let found = &r.pairs[0].non_finite;
    assert_eq!(found.count, 6, "{r}");
    assert_eq!(found.first.len(), 5, "{r}");
    for f in &found.first {
        assert_eq!(
            (f.side, f.value.as_deref()),
            (Some(Side::Numeric), Some("-inf"))
        );
    }
    let text = r.to_string();
    let line = text
        .lines()
        .find(|l| l.contains("6 non-finite value(s):"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.ends_with("; ..."), "more than listed: {line}");
    assert_eq!(line.matches("Numeric = -inf;").count(), 5, "{line}");

    // Two elements: 4 comparisons, every one listed, no ellipsis.
    let r = sum_ln_abs_with_a_zero(2);
    let found = &r.pairs[0].non_finite;
    assert_eq!((found.count, found.first.len()), (4, 4), "{r}");
    let text = r.to_string();
    let line = text
        .lines()
        .find(|l| l.contains("4 non-finite value(s):"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.ends_with("Numeric = -inf;"), "all listed: {line}");
}

#[test]
fn a_located_kink_or_non_finite_value_is_a_wrong_element_found() {
    // relu with one element exactly at its kink: the fast projection
    // crosses the kink, and locating finds it.
    let mut x = sample(&[3, 4], 9);
    x[[1, 2]] = 0.0;
    let o = Options {
        mode: Mode::Fast,
        structural: false,
        ..Options::default()
    };
    let relu = |v: &[ArrayD<f64>]| v[0].mapv(|x| x.max(0.0));
    let step = |v: &[ArrayD<f64>], g: &ArrayD<f64>| {
        vec![g * &v[0].mapv(|x| if x > 0.0 { 1.0 } else { 0.0 })]
    };
    let r = check_vjp(relu, step, &[x.clone()], Upstream::Random, &o).unwrap();
    let located = r.pairs[0].located.as_ref().unwrap();
    assert_eq!(located.kinks.count, 1, "{r}");
    assert!(located.worst.iter().all(|e| e.abs_error <= e.allowed));
    let text = r.to_string();
    assert!(text.contains("1 kink(s): [1, 2]"), "{text}");
    assert!(
        !text.contains("no single element was found wrong"),
        "{text}"
    );

    // x² with a rule that gives NaN at one element.
    let square = |v: &[ArrayD<f64>]| v[0].mapv(|x| x * x);
    let nan_at_2_1 = |v: &[ArrayD<f64>], g: &ArrayD<f64>| {
        let mut d = g * &v[0].mapv(|x| 2.0 * x);
        d[[2, 1]] = f64::NAN;
        vec![d]
    };
    let r = check_vjp(square, nan_at_2_1, &[x], Upstream::Random, &o).unwrap();
    assert_eq!(r.status, Status::NonFinite, "{r}");
    let located = r.pairs[0].located.as_ref().unwrap();
    assert_eq!(located.non_finite.count, 1, "{r}");
    assert_eq!(located.non_finite.first[0].index, vec![2, 1]);
    let text = r.to_string();
    assert!(text.contains("Analytic = nan"), "{text}");
    assert!(
        !text.contains("no single element was found wrong"),
        "{text}"
    );
}
