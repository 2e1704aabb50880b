//! `backprop-gradcheck` results become checks with the right status, name
//! and location: planted bugs are found where they were planted.

use backprop_gates::{DerivativeFrom, Real, UnaryRule};
use backprop_gradcheck::{
    AsUnary, Mode, Options, Sampling, Upstream, check_derivative, check_rule, check_vjp,
};
use backprop_report::{Report, Status, ToCheckResult};
use ndarray::{ArrayD, IxDyn};

/// Inputs of both signs, away from 0 (ELU's kink).
fn input() -> ArrayD<f64> {
    ArrayD::from_shape_fn(IxDyn(&[2, 3]), |i| {
        [[0.7, -1.3, 0.4], [-0.6, 1.9, -2.2]][i[0]][i[1]]
    })
}

/// ELU with α = 0.5: `x` for `x > 0`, `0.5·(eˣ - 1)` otherwise.
fn elu(x: &[ArrayD<f64>]) -> ArrayD<f64> {
    x[0].mapv(|v| if v > 0.0 { v } else { 0.5 * v.exp_m1() })
}

#[test]
fn a_wrong_vjp_fails_at_an_element_where_it_is_wrong() {
    // Planted bug: the negative side's derivative written as eˣ, not 0.5·eˣ,
    // so only negative inputs get a wrong gradient.
    let wrong = |x: &[ArrayD<f64>], g: &ArrayD<f64>| {
        vec![g * &x[0].mapv(|v| if v > 0.0 { 1.0 } else { v.exp() })]
    };
    let report = check_vjp(
        elu,
        wrong,
        &[input()],
        Upstream::Random,
        &Options::default(),
    )
    .expect("runs")
    .with_input_names(&["x"]);
    let check = report.to_check_result("my-ops", "elu");
    assert_eq!(check.status, Status::Fail);
    assert_eq!(
        (
            check.name.as_str(),
            check.rule.as_str(),
            check.dtype.as_deref()
        ),
        ("elu [f64]", "elu", Some("f64"))
    );
    let at = check.location.clone().expect("a location");
    assert_eq!(at.input, "x");
    let [i, j] = at.index[..] else {
        panic!("a 2-D index, got {:?}", at.index)
    };
    let x = input()[[i, j]];
    assert!(x < 0.0, "blamed element {:?} has input {x}", at.index);
    assert_eq!(at.input_value, Some(x));
    let (a, n) = (at.analytic.expect("analytic"), at.numeric.expect("numeric"));
    assert!((a - n).abs() > 1e-3, "analytic {a} vs numeric {n}");
    assert!(check.message.contains("fail"), "{}", check.message);
    assert!(
        check.worst_rel_error.is_some_and(|e| e > 1e-2),
        "{:?}",
        check.worst_rel_error
    );
}

#[test]
fn the_right_vjp_passes_without_a_location() {
    let right = |x: &[ArrayD<f64>], g: &ArrayD<f64>| {
        vec![g * &x[0].mapv(|v| if v > 0.0 { 1.0 } else { 0.5 * v.exp() })]
    };
    let report = check_vjp(
        elu,
        right,
        &[input()],
        Upstream::Random,
        &Options::default(),
    )
    .expect("runs");
    let check = report.to_check_result("my-ops", "elu");
    assert_eq!(check.status, Status::Pass, "{}", check.message);
    assert!(check.location.is_none());
    assert!(!check.message.contains('\n'));
    assert_eq!(check.details["status"], "pass");
}

#[test]
fn a_gradient_of_the_wrong_shape_is_wrong_shape() {
    let transposed = |x: &[ArrayD<f64>], g: &ArrayD<f64>| {
        vec![
            (g * &x[0].mapv(|v| if v > 0.0 { 1.0 } else { 0.5 * v.exp() }))
                .reversed_axes()
                .to_owned(),
        ]
    };
    let report = check_vjp(
        elu,
        transposed,
        &[input()],
        Upstream::Random,
        &Options::default(),
    )
    .expect("runs");
    let check = report.to_check_result("my-ops", "elu");
    assert_eq!(check.status, Status::WrongShape, "{}", check.message);
    assert!(check.message.contains("shape"), "{}", check.message);
}

#[test]
fn a_nan_derivative_is_non_finite_and_a_kink_is_a_kink() {
    let nan = check_derivative(f64::sin, |_x: f64| f64::NAN, 0.5, &Options::default())
        .to_check_result("ops", "sin");
    assert_eq!(nan.status, Status::NonFinite);
    assert_eq!(nan.location.map(|l| l.input), Some("x".to_owned()));

    let kink = check_derivative(f64::abs, f64::signum, 0.0, &Options::default())
        .to_check_result("ops", "abs");
    assert_eq!(kink.status, Status::Kink, "{}", kink.message);
    assert_eq!(kink.location.map(|l| l.input_value), Some(Some(0.0)));
}

/// `softsign(x) = x / (1 + |x|)`; the right derivative is `1 / (1 + |x|)²`,
/// this one forgets the square.
struct WrongSoftsign;

impl UnaryRule for WrongSoftsign {
    const NAME: &'static str = "softsign";
    const DERIVATIVE_FROM: DerivativeFrom = DerivativeFrom::Input;
    fn f<F: Real>(&self, x: F) -> F {
        x / (F::one() + x.abs())
    }
    fn df<F: Real>(&self, x: F, _y: F) -> F {
        F::one() / (F::one() + x.abs())
    }
    fn kinks(&self) -> &'static [f64] {
        &[0.0]
    }
}

#[test]
fn a_wrong_scalar_rule_fails_with_the_point_it_failed_at() {
    let report = check_rule::<f64, _>(
        &AsUnary(WrongSoftsign),
        &Sampling::default(),
        &Options::default(),
    );
    let check = report.to_check_result("my-ops", "softsign");
    assert_eq!(check.status, Status::Fail);
    let at = check.location.expect("a location");
    assert_eq!(at.input, "x");
    let x = at.input_value.expect("the point");
    let right = 1.0 / (1.0 + x.abs()).powi(2);
    let wrong = 1.0 / (1.0 + x.abs());
    assert_eq!(at.analytic, Some(wrong));
    assert!(
        (at.numeric.expect("numeric") - right).abs() <= 1e-6 * right.abs().max(1.0),
        "{at}"
    );
}

#[test]
fn an_f32_failure_lists_its_worst_elements_and_reads_at_4_significant_digits() {
    // d/dx x² = 2x, planted as 2x + 1, computed in f32 at x = 1.9 (whose
    // f64 value is 1.899999976158142...) and x = -0.5, with upstream 1.
    let x = [ArrayD::from_shape_vec(IxDyn(&[2]), vec![1.9f32, -0.5]).expect("2 values")];
    let ones = ArrayD::from_elem(IxDyn(&[2]), 1.0f32);
    let options = Options {
        mode: Mode::Fast,
        ..Options::default()
    };
    let report = check_vjp(
        |v: &[ArrayD<f64>]| v[0].mapv(|x| x * x),
        |v: &[ArrayD<f32>], g: &ArrayD<f32>| vec![g * &v[0].mapv(|x| 2.0 * x + 1.0)],
        &x,
        Upstream::Given(&ones),
        &options,
    )
    .expect("runs")
    .with_input_names(&["x"]);
    let check = report.to_check_result("my-ops", "square");
    assert_eq!(check.status, Status::Fail);
    // Both elements are off by 1: relative to the tolerance, most where
    // the values are smallest. The fast check's elements, located one at a
    // time, with the input's values as f32.
    let rows: Vec<(Vec<usize>, Option<f32>)> = check
        .worst_elements
        .iter()
        .map(|e| (e.index.clone(), e.input_value.map(|v| v as f32)))
        .collect();
    assert_eq!(rows, [(vec![1], Some(-0.5)), (vec![0], Some(1.9))]);
    assert!(
        check
            .worst_elements
            .iter()
            .all(|e| e.input == "x" && e.output_index.is_none())
    );

    let mut r = Report::new("my-ops gradient checks");
    r.push(check);
    let md = r.to_markdown();
    // By hand: at -0.5, analytic 2·(-0.5) + 1 = 0 against numeric -1,
    // relative error 1/1; at 1.9, 4.8 against 3.8, 1/8.6 = 0.1163.
    assert!(
        md.contains(concat!(
            "\n  | x | [1] | -0.5 | 0 | -1 | 1 |",
            "\n  | x | [0] | 1.9 | 4.8 | 3.8 | 0.1163 |\n"
        )),
        "{md}"
    );
    assert!(
        md.contains("**fail**: analytic and numerical derivatives disagree; worst at `x[1]` (input -0.5): analytic 0, numeric -1, relative error 1"),
        "{md}"
    );
    // Nowhere for people, folded text included, does the f32 1.9 read as
    // its f64 widening (report.json and JUnit's copy of it keep the exact
    // f64 values).
    for text in [md.as_str(), &r.to_html()] {
        assert!(!text.contains("1.899999976158142"), "{text}");
        assert!(text.contains("<details>"), "{text}");
    }
}
