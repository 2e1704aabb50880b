//! Confirmation of a finding by a naive reference (`x²`, derivative `2x`):
//! the framework's forward against it, the naive VJP against finite
//! differences, the framework's gradient against the naive VJP.

use backprop_audit::{
    GradientGap, GradientReport, Reference, Status, confirm, confirm_within, forward_check,
    tolerance,
};
use backprop_gradcheck::Dtype;

use crate::points::{a, g, x};

fn square() -> Reference {
    Reference::unary(|v| v * v, |v| 2.0 * v)
}

/// A failing check of `x²` in `dtype` with status `status`.
fn failing(status: Status, dtype: Dtype) -> GradientReport {
    GradientReport::new("toy", "square", dtype, 0, &["x".into()], &[vec![3]])
        .stopped(status, "failed")
}

#[test]
fn a_framework_gradient_off_by_a_factor_is_confirmed_at_its_worst_element() {
    // 3·x·g against the naive 2·x·g: the gap |x·g| = [1, 1, 0.375] is
    // largest first at [0].
    let framework = 3.0 * &x() * &g();
    let c = confirm(
        &failing(Status::WrongValue, Dtype::F64),
        &square(),
        &[x()],
        Ok(x().mapv(|v| v * v)),
        Ok((vec![Some(framework)], g())),
    );
    assert!(c.forward_agrees);
    assert_eq!(c.forward_error, 0.0);
    assert_eq!(c.reference_passes, Some(true));
    assert_eq!(
        c.gap,
        Some(GradientGap {
            input: "x".into(),
            index: vec![0],
            framework: Some(3.0),
            naive: 2.0,
        })
    );
    assert!(c.confirmed);
    assert!(c.summary.ends_with(" — confirmed"), "{}", c.summary);
    assert!(
        c.summary
            .contains("at x[0] toy's gradient is 3e0, the naive loop's 2e0"),
        "{}",
        c.summary
    );
}

#[test]
fn a_framework_gradient_that_agrees_with_the_naive_loop_is_not_confirmed() {
    let c = confirm(
        &failing(Status::WrongValue, Dtype::F64),
        &square(),
        &[x()],
        Ok(x().mapv(|v| v * v)),
        Ok((vec![Some(2.0 * &x() * &g())], g())),
    );
    assert_eq!(c.gap, None);
    assert!(
        !c.confirmed,
        "the finite differences, not the framework, are off"
    );
    assert!(
        c.summary
            .contains("toy's gradient agrees with the naive loop")
    );
    assert!(c.summary.ends_with(" — NOT confirmed"), "{}", c.summary);
}

#[test]
fn a_naive_vjp_that_fails_finite_differences_confirms_nothing() {
    // The naive loop's own derivative is wrong (3x): it cannot confirm.
    let wrong = Reference::unary(|v| v * v, |v| 3.0 * v);
    let c = confirm(
        &failing(Status::WrongValue, Dtype::F64),
        &wrong,
        &[x()],
        Ok(x().mapv(|v| v * v)),
        Ok((vec![Some(2.0 * &x() * &g())], g())),
    );
    assert_eq!(c.reference_passes, Some(false));
    assert!(
        c.gap.is_some(),
        "the framework's right gradient differs from it"
    );
    assert!(!c.confirmed);
    assert!(
        c.summary.contains("its own VJP FAILS finite differences"),
        "{}",
        c.summary
    );
}

#[test]
fn a_forward_that_disagrees_with_the_definition_is_confirmed_as_a_forward_failure() {
    let c = confirm(
        &failing(Status::WrongValue, Dtype::F64),
        &square(),
        &[x()],
        Ok(a(&[1.0, 0.25, 0.5])), // 0.5625 at [2]
        Ok((vec![Some(2.0 * &x() * &g())], g())),
    );
    assert!(!c.forward_agrees);
    // max |framework - naive| / max(1, max |naive|) = 0.0625 / 1.
    assert_eq!(c.forward_error, 0.0625);
    assert!(c.confirmed);
    assert!(
        c.summary.contains("toy's FORWARD disagrees"),
        "{}",
        c.summary
    );
    assert!(c.summary.contains("the failure is in toy's forward pass"));
    // A forward that fails outright.
    let c = confirm(
        &failing(Status::WrongValue, Dtype::F64),
        &square(),
        &[x()],
        Err("out of memory".into()),
        Ok((vec![Some(2.0 * &x() * &g())], g())),
    );
    assert_eq!(c.forward_error, f64::INFINITY);
    assert!(!c.forward_agrees && c.confirmed);
    assert!(c.summary.contains("toy's FORWARD fails (out of memory)"));
}

#[test]
fn a_backward_pass_that_computes_nothing_is_confirmed_when_the_naive_loop_is_right() {
    for status in [Status::BackwardError, Status::WrongShape, Status::Panic] {
        let c = confirm(
            &failing(status, Dtype::F64),
            &square(),
            &[x()],
            Ok(x().mapv(|v| v * v)),
            Err("backward not supported".into()),
        );
        assert_eq!(c.gap, None);
        assert!(c.confirmed, "{status}");
        assert!(
            c.summary
                .contains("toy's backward pass gives no gradient to compare")
        );
    }
    // A wrong value with no gradient to compare is not confirmed.
    let c = confirm(
        &failing(Status::WrongValue, Dtype::F64),
        &square(),
        &[x()],
        Ok(x().mapv(|v| v * v)),
        Err("gone".into()),
    );
    assert!(!c.confirmed);
}

#[test]
fn a_missing_gradient_is_confirmed_where_the_naive_one_is_not_zero() {
    let c = confirm(
        &failing(Status::MissingGradient, Dtype::F64),
        &square(),
        &[x()],
        Ok(x().mapv(|v| v * v)),
        Ok((vec![None], g())),
    );
    // Naive 2·x·g = [2, -2, -0.75]: the first largest |value| is at [0].
    assert_eq!(
        c.gap,
        Some(GradientGap {
            input: "x".into(),
            index: vec![0],
            framework: None,
            naive: 2.0,
        })
    );
    assert!(c.confirmed);
    assert!(
        c.summary
            .contains("toy gives no gradient for x; the naive loop's is 2e0 at [0]")
    );
    // Where the naive gradient is zero, no gradient is right.
    let c = confirm(
        &failing(Status::MissingGradient, Dtype::F64),
        &square(),
        &[x()],
        Ok(x().mapv(|v| v * v)),
        Ok((vec![None], a(&[0.0, 0.0, 0.0]))),
    );
    assert_eq!(c.gap, None);
    assert!(!c.confirmed);
}

#[test]
fn the_gradient_gap_is_held_to_the_relative_tolerance_of_the_dtype() {
    // Allowed: tolerance · max(1, max |naive|) = 1e-3 · 2; a gap of 1.9e-3
    // passes, 2.1e-3 fails.
    let naive = 2.0 * &x() * &g();
    let gap_of = |d: f64| {
        let mut framework = naive.clone();
        framework[[0]] += d;
        confirm(
            &failing(Status::WrongValue, Dtype::F32),
            &square(),
            &[x()],
            Ok(x().mapv(|v| v * v)),
            Ok((vec![Some(framework)], g())),
        )
        .gap
    };
    let tol = tolerance(Dtype::F32);
    assert_eq!(tol, 1e-3);
    assert_eq!(gap_of(1.9 * tol), None);
    assert_eq!(gap_of(2.1 * tol).map(|g| g.index), Some(vec![0]));
    // A gap of exactly the allowed size is within it: with a zero upstream
    // at [1] the naive gradient is [1, 0, -0.375] (scale 1), and a
    // framework value of 1e-3 there is |1e-3 - 0| = 1e-3 · 1 exactly.
    let upstream = a(&[0.5, 0.0, 0.25]);
    let at_edge = |d: f64| {
        let mut framework = 2.0 * &x() * &upstream;
        framework[[1]] = d;
        confirm(
            &failing(Status::WrongValue, Dtype::F32),
            &square(),
            &[x()],
            Ok(x().mapv(|v| v * v)),
            Ok((vec![Some(framework)], upstream.clone())),
        )
        .gap
    };
    assert_eq!(at_edge(1e-3), None);
    assert_eq!(at_edge(1.01e-3).map(|g| g.index), Some(vec![1]));
    // confirm_within: a tighter bound sees the smaller gap.
    let mut framework = naive.clone();
    framework[[0]] += 1.9 * tol;
    let c = confirm_within(
        &failing(Status::WrongValue, Dtype::F32),
        &square(),
        &[x()],
        Ok(x().mapv(|v| v * v)),
        Ok((vec![Some(framework)], g())),
        1e-4,
    );
    assert!(c.gap.is_some() && c.confirmed);
    // A NaN in the framework's gradient is a gap wherever it is.
    let mut framework = naive;
    framework[[2]] = f64::NAN;
    let c = confirm(
        &failing(Status::NonFinite, Dtype::F64),
        &square(),
        &[x()],
        Ok(x().mapv(|v| v * v)),
        Ok((vec![Some(framework)], g())),
    );
    assert_eq!(c.gap.map(|g| g.index), Some(vec![2]));
}

#[test]
fn the_forward_check_is_relative_to_the_larger_of_one_and_the_naive_output() {
    let naive = a(&[10.0, -40.0]);
    // |gap| 0.02 / 40 = 5e-4 <= 1e-3 in f32, > 1e-9 in f64.
    let framework = a(&[10.02, -40.0]);
    let f = forward_check(&framework, &naive, Dtype::F32).unwrap();
    assert!((f.error - 5e-4).abs() < 1e-12, "{}", f.error);
    assert!(f.agrees);
    assert_eq!(
        (f.index.as_slice(), f.framework, f.naive),
        (&[0][..], 10.02, 10.0)
    );
    assert!(
        !forward_check(&framework, &naive, Dtype::F64)
            .unwrap()
            .agrees
    );
    // Small outputs: the scale is 1, not the output.
    let f = forward_check(&a(&[0.0015]), &a(&[0.001]), Dtype::F32).unwrap();
    assert!((f.error - 5e-4).abs() < 1e-15 && f.agrees);
    // Exactly at the tolerance agrees.
    let f = forward_check(&a(&[1e-3]), &a(&[0.0]), Dtype::F32).unwrap();
    assert_eq!((f.error, f.agrees), (1e-3, true));
    assert!(
        !forward_check(&a(&[1.1e-3]), &a(&[0.0]), Dtype::F32)
            .unwrap()
            .agrees
    );
    assert!(forward_check(&a(&[1.0]), &a(&[1.0, 2.0]), Dtype::F64).is_err());
}

#[test]
fn fan_out_adds_the_second_paths_upstream_gradient() {
    // cat([x², x]): the gradient is 2·x·g[..3] + g[3..].
    let both = square().fan_out();
    assert_eq!(
        (both.forward)(&[x()]),
        a(&[1.0, 0.25, 0.5625, 1.0, 0.5, -0.75])
    );
    let upstream = a(&[1.0, -2.0, 0.5, 3.0, 4.0, 5.0]);
    let grads = (both.vjp)(&[x()], &upstream);
    assert_eq!(grads, vec![a(&[2.0 + 3.0, -2.0 + 4.0, -0.75 + 5.0])]);
    assert_eq!(format!("{both:?}"), "Reference");
}
