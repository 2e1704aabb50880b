//! Wrong backward rules, planted here as closures, must come out as `fail`
//! with the blame in the right place.

use crate::common;

use backprop_gradcheck::{
    LocateEnd, LocateMethod, Mode, Options, Status, StructureIssue, Upstream, check_derivative,
    check_partials, check_vjp,
};
use common::{dot, sample, sigmoid, t};
use ndarray::{ArrayD, Axis};

#[test]
fn sigmoid_derivative_as_f_instead_of_one_minus_f_times_f() {
    for x in [-3.0, -0.5, 0.7, 2.0] {
        let good = check_derivative(
            sigmoid,
            |x| (1.0 - sigmoid(x)) * sigmoid(x),
            x,
            &Options::default(),
        );
        assert_eq!(good.status, Status::Pass, "{good}");
        let bad = check_derivative(sigmoid, sigmoid, x, &Options::default());
        assert_eq!(bad.status, Status::Fail, "{bad}");
        let worst = bad.pairs[0].worst.as_ref().unwrap();
        assert_eq!(worst.input_value, Some(x));
        assert_eq!(worst.analytic, sigmoid(x));
        // the numeric side is the true slope σ(1-σ)
        let truth = sigmoid(x) * (1.0 - sigmoid(x));
        assert!(
            (worst.numeric - truth).abs() < 1e-9,
            "{} vs {truth}",
            worst.numeric
        );
    }
    // Lifted to arrays: every element of the gradient is blamed.
    let x = sample(&[3, 4], 1);
    let forward = |v: &[ArrayD<f64>]| v[0].mapv(sigmoid);
    let bad = |v: &[ArrayD<f64>], g: &ArrayD<f64>| vec![g * &v[0].mapv(sigmoid)];
    let report = check_vjp(forward, bad, &[x], Upstream::Random, &Options::default()).unwrap();
    assert_eq!(report.status, Status::Fail);
    assert_eq!(report.pairs[0].worst_elements.len(), 5);
}

#[test]
fn a_sign_error_fails_only_on_its_input() {
    // f = a / b: ∂a = 1/b, ∂b = -a/b²; the bug drops the minus of ∂b.
    let f = |v: &[f64]| v[0] / v[1];
    let bad = |v: &[f64]| vec![1.0 / v[1], v[0] / (v[1] * v[1])];
    let report = check_partials(f, bad, &[1.5, -0.8], &Options::default()).unwrap();
    assert_eq!(report.status, Status::Fail);
    assert_eq!(report.pairs[0].status, Status::Pass, "∂a is right");
    assert_eq!(report.pairs[1].status, Status::Fail, "∂b is wrong");
    // and a sign error in a unary rule: d/dx cos x claimed as sin x
    let r = check_derivative(f64::cos, f64::sin, 0.4, &Options::default());
    assert_eq!(r.status, Status::Fail);
}

#[test]
fn a_factor_of_two_in_powi() {
    for n in [2, 3, -2] {
        let f = move |x: f64| x.powi(n);
        let right = move |x: f64| f64::from(n) * x.powi(n - 1);
        let doubled = move |x: f64| 2.0 * f64::from(n) * x.powi(n - 1);
        for x in [-1.7, 0.3, 2.5] {
            assert!(check_derivative(f, right, x, &Options::default()).passed());
            let r = check_derivative(f, doubled, x, &Options::default());
            assert_eq!(r.status, Status::Fail, "powi({n}) at {x}");
            // CS231n: a factor of 2 is a relative error of 1/3
            assert!((r.pairs[0].max_rel_error - 1.0 / 3.0).abs() < 1e-6);
        }
    }
}

#[test]
fn matmul_backward_without_the_transposes() {
    // Square operands, so the wrong gradients even have the right shapes.
    let inputs = [sample(&[4, 4], 2), sample(&[4, 4], 3)];
    let forward = |v: &[ArrayD<f64>]| dot(&v[0], &v[1]);
    let right = |v: &[ArrayD<f64>], g: &ArrayD<f64>| vec![dot(g, &t(&v[1])), dot(&t(&v[0]), g)];
    let wrong = |v: &[ArrayD<f64>], g: &ArrayD<f64>| vec![dot(g, &v[1]), dot(&v[0], g)];
    for mode in [Mode::Exhaustive, Mode::Fast] {
        let o = Options {
            mode,
            ..Options::default()
        };
        let good = check_vjp(forward, right, &inputs, Upstream::Random, &o).unwrap();
        assert!(good.passed(), "{good}");
        let bad = check_vjp(forward, wrong, &inputs, Upstream::Random, &o).unwrap();
        assert!(bad.structure.shapes_match);
        assert_eq!(bad.pairs[0].status, Status::Fail, "{bad}");
        assert_eq!(bad.pairs[1].status, Status::Fail, "{bad}");
    }
    // Exhaustively, the blamed Jacobian entry is a real one: dC[i,j]/dA[p,q]
    // is B[q,j] when i = p, else 0; the wrong rule claims B[j,q]-ish values.
    let o = Options {
        mode: Mode::Exhaustive,
        ..Options::default()
    };
    let bad = check_vjp(forward, wrong, &inputs, Upstream::Random, &o).unwrap();
    let worst = bad.pairs[0].worst.as_ref().unwrap();
    if let Some(out) = &worst.output_index {
        let (i, j, p, q) = (out[0], out[1], worst.index[0], worst.index[1]);
        let truth = if i == p { inputs[1][[q, j]] } else { 0.0 };
        assert!((worst.numeric - truth).abs() < 1e-8);
    }
}

#[test]
fn broadcast_gradient_not_summed_back_to_the_input_shape() {
    // y = a + b with a: (3, 4), b: (1, 4) broadcast along axis 0.
    let inputs = [sample(&[3, 4], 4), sample(&[1, 4], 5)];
    let forward = |v: &[ArrayD<f64>]| &v[0] + &v[1];
    let summed = |_: &[ArrayD<f64>], g: &ArrayD<f64>| {
        vec![g.clone(), g.sum_axis(Axis(0)).insert_axis(Axis(0))]
    };
    let not_summed = |_: &[ArrayD<f64>], g: &ArrayD<f64>| vec![g.clone(), g.clone()];
    let good = check_vjp(
        forward,
        summed,
        &inputs,
        Upstream::Random,
        &Options::default(),
    )
    .unwrap();
    assert!(good.passed(), "{good}");
    let bad = check_vjp(
        forward,
        not_summed,
        &inputs,
        Upstream::Random,
        &Options::default(),
    )
    .unwrap();
    assert_eq!(bad.status, Status::Fail);
    assert!(!bad.structure.shapes_match);
    assert_eq!(bad.pairs[0].status, Status::Pass);
    assert_eq!(bad.pairs[1].status, Status::Fail);
    let issue = &bad.structure.issues[0];
    assert_eq!(
        issue,
        // The bias is [1, 4]; its gradient was left at the output's [3, 4].
        &StructureIssue::Shape {
            input: 1,
            gradient: vec![3, 4],
            expected: vec![1, 4]
        }
    );
    let text = issue.to_string();
    assert!(
        text.contains("input 1") && text.contains("[3, 4]") && text.contains("[1, 4]"),
        "{text}"
    );
    // Summed over the wrong axis but reshaped to fit: a numeric failure.
    let wrong_axis = |_: &[ArrayD<f64>], g: &ArrayD<f64>| {
        let s = g.sum_axis(Axis(1)); // (3,), the wrong reduction
        vec![
            g.clone(),
            ArrayD::from_shape_fn(vec![1, 4], |i| s[i[1] % 3]),
        ]
    };
    let bad = check_vjp(
        forward,
        wrong_axis,
        &inputs,
        Upstream::Random,
        &Options::default(),
    )
    .unwrap();
    assert!(bad.structure.shapes_match);
    assert_eq!(bad.pairs[1].status, Status::Fail);
}

#[test]
fn a_rule_wrong_only_for_negative_inputs() {
    // softplus' = sigmoid; the bug returns sigmoid(|x|) (right for x > 0).
    let softplus = |x: f64| x.max(0.0) + (-x.abs()).exp().ln_1p();
    let x = sample(&[6, 5], 6);
    let forward = |v: &[ArrayD<f64>]| v[0].mapv(softplus);
    let bad = |v: &[ArrayD<f64>], g: &ArrayD<f64>| vec![g * &v[0].mapv(|x| sigmoid(x.abs()))];
    let o = Options {
        worst_count: 30,
        ..Options::default()
    };
    let report = check_vjp(forward, bad, std::slice::from_ref(&x), Upstream::Random, &o).unwrap();
    assert_eq!(report.status, Status::Fail);
    let pair = &report.pairs[0];
    // Every blamed element (beyond tolerance) is a negative input, and every
    // negative input is blamed (through its VJP element).
    let failing: Vec<_> = pair
        .worst_elements
        .iter()
        .filter(|e| e.abs_error > e.allowed)
        .collect();
    assert!(failing.iter().all(|e| e.input_value.unwrap() < 0.0));
    let negatives = x.iter().filter(|&&v| v < 0.0).count();
    let failing_vjp = failing.iter().filter(|e| e.output_index.is_none()).count();
    assert_eq!(failing_vjp, negatives.min(30));
    // Scalar form, at a negative and a positive point.
    assert_eq!(
        check_derivative(softplus, |x: f64| sigmoid(x.abs()), -1.2, &o).status,
        Status::Fail
    );
    assert_eq!(
        check_derivative(softplus, |x: f64| sigmoid(x.abs()), 1.2, &o).status,
        Status::Pass
    );
}

#[test]
fn a_rule_wrong_in_a_single_element_of_a_64x64_output_is_caught_fast_then_located() {
    let x = sample(&[64, 64], 7);
    let forward = |v: &[ArrayD<f64>]| v[0].mapv(f64::sin);
    let bad = |v: &[ArrayD<f64>], g: &ArrayD<f64>| {
        let mut d = g * &v[0].mapv(f64::cos);
        d[[17, 42]] *= 1.5;
        vec![d]
    };
    let o = Options {
        mode: Mode::Fast,
        ..Options::default()
    };
    let report = check_vjp(forward, bad, &[x], Upstream::Random, &o).unwrap();
    assert_eq!(report.mode, Mode::Fast);
    let pair = &report.pairs[0];
    assert_eq!(pair.status, Status::Fail, "{report}");
    let located = pair
        .located
        .as_ref()
        .expect("a failed fast check is located");
    assert_eq!(located.status, Status::Fail);
    // Bisection traces the one failing block down to that element alone:
    // 12 halvings of 4,096 elements, two projections of 4 forward
    // evaluations each, then the element itself (4, and 4 more at a
    // narrower step since it fails).
    assert_eq!(located.method, LocateMethod::Bisection);
    assert_eq!(located.end, LocateEnd::Complete, "{report}");
    assert_eq!(located.checked, 1, "{report}");
    assert_eq!(located.projections, 2 * 12);
    assert_eq!(located.evaluations.forward, 2 * 12 * 4 + 8);
    assert_eq!(located.worst[0].index, vec![17, 42]);
    assert!(located.worst[0].abs_error > located.worst[0].allowed);
    assert_eq!(report.worst().unwrap().1.index, vec![17, 42]);
}
