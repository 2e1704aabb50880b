//! Structural checks of a backward rule, and errors for calls that cannot
//! be carried out.

use crate::common;

use std::cell::Cell;

use backprop_gradcheck::{
    GradcheckError, Mode, Options, Status, StructureIssue, Tolerances, Upstream, check_vjp,
};
use common::sample;
use ndarray::ArrayD;

fn tanh_forward(v: &[ArrayD<f64>]) -> ArrayD<f64> {
    v[0].mapv(f64::tanh)
}

fn tanh_vjp(v: &[ArrayD<f64>], g: &ArrayD<f64>) -> Vec<ArrayD<f64>> {
    vec![g * &v[0].mapv(|x| 1.0 - x.tanh().powi(2))]
}

#[test]
fn a_correct_rule_passes_every_structural_check() {
    let r = check_vjp(
        tanh_forward,
        tanh_vjp,
        &[sample(&[3, 5], 1)],
        Upstream::Random,
        &Options::default(),
    )
    .unwrap();
    assert!(r.passed(), "{r}");
    let s = &r.structure;
    assert!(s.shapes_match && s.zero_upstream_gives_zero && s.repeatable);
    assert_eq!((s.zero_upstream_max, s.repeat_max_difference), (0.0, 0.0));
}

#[test]
fn wrong_gradient_count_and_shape_fail() {
    let x = [sample(&[3, 5], 1)];
    let none = |_: &[ArrayD<f64>], _: &ArrayD<f64>| Vec::new();
    let r = check_vjp(
        tanh_forward,
        none,
        &x,
        Upstream::Random,
        &Options::default(),
    )
    .unwrap();
    assert_eq!(r.status, Status::Fail);
    assert_eq!(
        r.structure.issues[0],
        StructureIssue::GradientCount {
            returned: 0,
            inputs: 1
        },
        "{r}"
    );
    assert!(
        r.structure.issues[0]
            .to_string()
            .contains("returned 0 gradients for 1 inputs"),
        "{r}"
    );
    let transposed = |v: &[ArrayD<f64>], g: &ArrayD<f64>| vec![tanh_vjp(v, g)[0].t().to_owned()];
    let r = check_vjp(
        tanh_forward,
        transposed,
        &x,
        Upstream::Random,
        &Options::default(),
    )
    .unwrap();
    assert_eq!(r.status, Status::Fail);
    assert!(!r.structure.shapes_match);
    assert!(
        r.to_string()
            .contains("gradient of input 0 has shape [5, 3], but the input has shape [3, 5]")
    );
}

#[test]
fn a_zero_upstream_must_give_a_zero_gradient() {
    // Not linear in the upstream gradient: an offset survives g = 0.
    let offset = |v: &[ArrayD<f64>], g: &ArrayD<f64>| vec![tanh_vjp(v, g)[0].mapv(|d| d + 1e-3)];
    let r = check_vjp(
        tanh_forward,
        offset,
        &[sample(&[2, 2], 3)],
        Upstream::Random,
        &Options::default(),
    )
    .unwrap();
    assert_eq!(r.structure.status, Status::Fail);
    assert!(!r.structure.zero_upstream_gives_zero);
    assert!((r.structure.zero_upstream_max - 1e-3).abs() < 1e-12);
    // 0 · inf = NaN is caught too
    let nan = |v: &[ArrayD<f64>], g: &ArrayD<f64>| vec![g * &v[0].mapv(|_| f64::INFINITY)];
    let r = check_vjp(
        tanh_forward,
        nan,
        &[sample(&[2, 2], 3)],
        Upstream::Random,
        &Options::default(),
    )
    .unwrap();
    assert!(!r.structure.zero_upstream_gives_zero);
}

#[test]
fn two_backward_runs_must_agree_within_the_nondeterminism_tolerance() {
    let calls = Cell::new(0u32);
    // Each call perturbs the result slightly, like a racy parallel sum.
    let jittery = |v: &[ArrayD<f64>], g: &ArrayD<f64>| {
        calls.set(calls.get() + 1);
        let jitter = f64::from(calls.get()) * 1e-14;
        vec![tanh_vjp(v, g)[0].mapv(|d| d * (1.0 + jitter))]
    };
    let x = [sample(&[3, 3], 4)];
    let strict = check_vjp(
        tanh_forward,
        jittery,
        &x,
        Upstream::Random,
        &Options::default(),
    )
    .unwrap();
    assert!(!strict.structure.repeatable, "{strict}");
    assert!(strict.structure.repeat_max_difference > 0.0);
    let tolerant = Options {
        tolerances: Some(Tolerances {
            nondeterminism: 1e-12,
            ..Tolerances::for_dtype(backprop_gradcheck::Dtype::F64)
        }),
        ..Options::default()
    };
    let r = check_vjp(tanh_forward, jittery, &x, Upstream::Random, &tolerant).unwrap();
    assert!(r.structure.repeatable, "{r}");
}

#[test]
fn calls_that_cannot_run_are_errors_naming_the_shapes() {
    let x = [sample(&[3, 5], 1)];
    let wrong = ArrayD::<f64>::zeros(vec![5, 3]);
    let e = check_vjp(
        tanh_forward,
        tanh_vjp,
        &x,
        Upstream::Given(&wrong),
        &Options::default(),
    )
    .unwrap_err();
    assert_eq!(
        e,
        GradcheckError::UpstreamShape {
            upstream: vec![5, 3],
            output: vec![3, 5]
        }
    );
    assert!(e.to_string().contains("[5, 3]") && e.to_string().contains("[3, 5]"));
    let none: [ArrayD<f64>; 0] = [];
    assert_eq!(
        check_vjp(
            tanh_forward,
            tanh_vjp,
            &none,
            Upstream::Random,
            &Options::default()
        )
        .unwrap_err(),
        GradcheckError::NoInputs
    );
    let small = Options {
        mode: Mode::Exhaustive,
        max_jacobian_entries: 100,
        ..Options::default()
    };
    let e = check_vjp(tanh_forward, tanh_vjp, &x, Upstream::Random, &small).unwrap_err();
    assert_eq!(
        e,
        GradcheckError::JacobianTooLarge {
            outputs: 15,
            inputs: 15,
            entries: 225,
            limit: 100
        }
    );
    // a forward whose shape depends on the values
    let shifty = |v: &[ArrayD<f64>]| {
        if v[0][[0, 0]] == x[0][[0, 0]] {
            tanh_forward(v)
        } else {
            ArrayD::zeros(vec![1])
        }
    };
    let e = check_vjp(shifty, tanh_vjp, &x, Upstream::Random, &Options::default()).unwrap_err();
    assert!(matches!(
        e,
        GradcheckError::ForwardShapeChanged { input: 0, .. }
    ));
}

#[test]
fn a_given_upstream_is_used() {
    let x = [sample(&[2, 3], 5)];
    let g = ArrayD::from_elem(vec![2, 3], 1.0);
    // A rule that ignores the upstream entirely is right for g = 1 and
    // caught by the one-hot rows of the exhaustive Jacobian check.
    let ignores = |v: &[ArrayD<f64>], _: &ArrayD<f64>| vec![v[0].mapv(|x| 1.0 - x.tanh().powi(2))];
    let o = Options {
        structural: false,
        ..Options::default()
    };
    let r = check_vjp(tanh_forward, ignores, &x, Upstream::Given(&g), &o).unwrap();
    assert_eq!(r.status, Status::Fail);
    let vjp_elements_pass = r.pairs[0]
        .worst_elements
        .iter()
        .all(|e| e.output_index.is_some());
    assert!(vjp_elements_pass, "only Jacobian entries are blamed: {r}");
}
