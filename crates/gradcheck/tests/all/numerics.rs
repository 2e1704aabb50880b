//! The finite-difference rules themselves: the step, dividing by the step
//! actually represented, f32 rules against the f64 oracle.

use backprop_gradcheck::{Dtype, Options, Status, check_derivative};

#[test]
fn the_step_is_cbrt_eps_times_max_abs_x_and_one() {
    let h = f64::EPSILON.cbrt();
    for (x, step) in [(0.25, h), (-0.9, h), (3.0, 3.0 * h), (-1000.0, 1000.0 * h)] {
        let r = check_derivative(|x: f64| x * x, |x: f64| 2.0 * x, x, &Options::default());
        assert_eq!(r.pairs[0].step, step, "at {x}");
        assert!(r.passed());
    }
    // with an f32 oracle the step is sized for f32
    let o = Options {
        oracle: Dtype::F32,
        ..Options::default()
    };
    let r = check_derivative(|x: f64| x * x, |x: f64| 2.0 * x, 0.5, &o);
    assert_eq!(r.pairs[0].step, f64::from(f32::EPSILON).cbrt());
}

#[test]
fn differences_are_divided_by_the_step_actually_represented() {
    // A step far below the spacing of floats near 1 is mostly rounded
    // away: dividing by the nominal 2h would give a slope of the identity
    // far from 1; dividing by (x+h) - (x-h) gives exactly 1.
    let o = Options {
        step_scale: 1e-9,
        ..Options::default()
    };
    let r = check_derivative(|x: f64| x, |_: f64| 1.0, 1.0, &o);
    let worst = r.pairs[0].worst.as_ref().unwrap();
    assert_eq!(worst.numeric, 1.0, "{r}");
    let h = r.pairs[0].step;
    let naive = ((1.0 + h) - (1.0 - h)) / (2.0 * h);
    assert!(
        (naive - 1.0).abs() > 1e-4,
        "the nominal step really is misrepresented: {naive}"
    );
}

#[test]
fn f32_rules_are_judged_against_the_f64_oracle() {
    let sigmoid = |x: f64| 1.0 / (1.0 + (-x).exp());
    let rule32 = |x: f32| {
        let s = 1.0 / (1.0 + (-x).exp());
        (1.0 - s) * s
    };
    for x in [-6.0_f32, -1.5, 0.0, 0.3, 2.0, 9.0] {
        let r = check_derivative(sigmoid, rule32, x, &Options::default());
        assert!(r.passed(), "{r}");
        assert_eq!(r.dtype, Dtype::F32);
        // the oracle's numeric value is f64-accurate, far better than f32
        let w = r.pairs[0].worst.as_ref().unwrap();
        let exact = sigmoid(f64::from(x)) * (1.0 - sigmoid(f64::from(x)));
        assert!((w.numeric - exact).abs() < 1e-9, "{} vs {exact}", w.numeric);
    }
    // A wrong f32 rule still fails.
    let wrong = |x: f32| 1.0 / (1.0 + (-x).exp());
    assert_eq!(
        check_derivative(sigmoid, wrong, 0.3_f32, &Options::default()).status,
        Status::Fail
    );
}

#[test]
fn an_f32_forward_needs_an_f32_step() {
    // PyTorch #5351 / JAX #5405: an oracle that really computes in f32,
    // differenced with a step sized for f64, drowns in rounding noise. The
    // error estimate's floor reflects the oracle's precision, so declaring
    // the oracle as f32 makes the same check pass.
    let f32_forward = |x: f64| ((x as f32).sin() * 1000.0_f32) as f64;
    let rule = |x: f32| x.cos() * 1000.0;
    let o = Options {
        oracle: Dtype::F32,
        ..Options::default()
    };
    for x in [0.1_f32, 0.7, 1.3, 2.9] {
        let r = check_derivative(f32_forward, rule, x, &o);
        assert!(r.passed(), "{r}");
    }
}
