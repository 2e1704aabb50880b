//! Every status `classify` can reach, from gradcheck reports of small
//! closures: a correct VJP, one off by a factor, one of zeros, one of the
//! wrong shape, one with a NaN, one at a kink. Expected statuses and
//! numbers come from the definitions (`d/dx x² = 2x`, the documented
//! tolerances), not from the code under test.

use backprop_audit::{GradientReport, Observed, Phase, Status, classify_input};
use backprop_gradcheck::{Dtype, Mode, Options, Report, Upstream, check_vjp};
use ndarray::{ArrayD, IxDyn, arr1};

use crate::points::{a, g, x};

/// `f(x) = x²` elementwise.
fn square(x: &[ArrayD<f64>]) -> ArrayD<f64> {
    x[0].mapv(|v| v * v)
}

/// Gradcheck of `f(x) = x²` against the VJP `gx = vjp(x, g)` in f64, with
/// the upstream gradient `g()`.
fn check_square(vjp: impl Fn(&ArrayD<f64>, &ArrayD<f64>) -> ArrayD<f64>) -> Report {
    let upstream = g();
    check_vjp(
        square,
        |x: &[ArrayD<f64>], g: &ArrayD<f64>| vec![vjp(&x[0], g)],
        &[x()],
        Upstream::Given(&upstream),
        &Options::default(),
    )
    .unwrap()
}

fn report(inputs: usize) -> GradientReport {
    let names: Vec<String> = ["x", "y"][..inputs].iter().map(|s| s.to_string()).collect();
    let shapes = vec![vec![3]; inputs];
    GradientReport::new("toy", "square", Dtype::F64, 0, &names, &shapes)
}

/// Classify one input `x` whose framework gradient is `observed`.
fn classify(observed: Observed, checked: Report) -> GradientReport {
    let mut r = report(1);
    r.classify(&[observed], checked);
    r
}

fn correct(x: &ArrayD<f64>, g: &ArrayD<f64>) -> ArrayD<f64> {
    2.0 * x * g
}

/// How a message names element `e` of the input `x`: a Jacobian entry as
/// `∂out[..]/∂x[..]`, an entry of the upstream-weighted gradient as
/// `uᵀJ at x[..]`.
fn place_of_x(e: &backprop_gradcheck::Element) -> String {
    match &e.output_index {
        Some(out) => format!("∂out{out:?}/∂x{:?}", e.index),
        None => format!("uᵀJ at x{:?}", e.index),
    }
}

#[test]
fn a_correct_gradient_passes() {
    let checked = check_square(correct);
    assert!(checked.passed());
    let r = classify(Observed::Gradient(correct(&x(), &g())), checked.clone());
    assert_eq!(r.status, Status::Pass);
    assert_eq!(r.message, "pass");
    assert_eq!(r.inputs[0].status, Status::Pass);
    assert_eq!(r.inputs[0].message, "");
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    assert!(r.passed());
    assert_eq!(r.mode, Some(Mode::Exhaustive));
    // The numerical report is kept, its inputs named as the report's.
    assert_eq!(r.gradcheck, Some(checked.with_input_names(&["x"])));
    assert_eq!(r.worst_location(), None, "a pass blames nothing");
    // Display: one line for the check, one per input, no gradcheck detail.
    assert_eq!(
        r.to_string(),
        "square [f64, oracle f64, exhaustive, seed 0]: pass\n  x [3]: pass\n"
    );
}

#[test]
fn a_gradient_off_by_a_factor_is_a_wrong_value_with_the_worst_element() {
    let checked = check_square(|x, g| 3.0 * x * g);
    let r = classify(Observed::Gradient(3.0 * &x() * &g()), checked.clone());
    assert_eq!(r.status, Status::WrongValue);
    assert!(!r.passed());
    // The message names the blamed element with both values: there the
    // rule gives 3·x·g and the finite differences 2·x·g (g = 1 for a
    // Jacobian entry, its one-hot upstream).
    let e = checked.pair(0).unwrap().blamed().unwrap().clone();
    let xi = x()[IxDyn(&e.index)];
    let gi = match &e.output_index {
        Some(_) => 1.0,
        None => g()[IxDyn(&e.index)],
    };
    assert!((e.analytic - 3.0 * xi * gi).abs() < 1e-12, "{e:?}");
    assert!((e.numeric - 2.0 * xi * gi).abs() < 1e-6, "{e:?}");
    let place = place_of_x(&e);
    let expected = format!(
        "wrong gradient: at {place} toy gives {:e}, finite differences give {:e} (|a-n| {:.2e}, allowed {:.2e}, relative error {:.2e})",
        e.analytic,
        e.numeric,
        e.abs_error,
        e.allowed,
        // The element's own figure, |a-n| / (|a| + |n|), not the pair's
        // maximum.
        (e.analytic - e.numeric).abs() / (e.analytic.abs() + e.numeric.abs())
    );
    assert_eq!(r.inputs[0].message, expected);
    assert_eq!(r.message, format!("x: {expected}"));
    // Display: the check, the input with its message, then the gradcheck
    // report's detail.
    let shown = r.to_string();
    let head = format!(
        "square [f64, oracle f64, exhaustive, seed 0]: wrong-value\n  x [3]: wrong-value — {expected}\n"
    );
    assert!(shown.starts_with(&head), "{shown}");
    assert_eq!(
        &shown[head.len()..],
        checked.with_input_names(&["x"]).to_string()
    );
    // The report puts the blame on that element.
    let at = r.worst_location().unwrap();
    assert_eq!(
        (at.input.as_str(), at.index.clone()),
        ("x", e.index.clone())
    );
}

#[test]
fn an_exactly_zero_gradient_is_a_silent_zero() {
    let zeros = |x: &ArrayD<f64>, _: &ArrayD<f64>| ArrayD::zeros(x.raw_dim());
    let checked = check_square(zeros);
    let r = classify(
        Observed::Gradient(ArrayD::zeros(IxDyn(&[3]))),
        checked.clone(),
    );
    assert_eq!(r.status, Status::SilentZero);
    let e = checked.pair(0).unwrap().blamed().unwrap();
    assert_eq!(e.analytic, 0.0);
    let place = place_of_x(e);
    assert_eq!(
        r.inputs[0].message,
        format!(
            "toy's gradient is exactly zero, but the output depends on this input: finite differences give {:e} at {place} where toy has 0",
            e.numeric
        )
    );
    // Negative zeros are zeros too.
    let r = classify(
        Observed::Gradient(a(&[-0.0, 0.0, -0.0])),
        check_square(zeros),
    );
    assert_eq!(r.status, Status::SilentZero);
}

#[test]
fn a_nearly_zero_or_partly_zero_gradient_is_a_wrong_value_not_a_silent_zero() {
    // The smallest positive normal f64 is not zero.
    let tiny = |x: &ArrayD<f64>, _: &ArrayD<f64>| x.mapv(|_| f64::MIN_POSITIVE);
    let r = classify(
        Observed::Gradient(a(&[f64::MIN_POSITIVE; 3])),
        check_square(tiny),
    );
    assert_eq!(r.status, Status::WrongValue);
    // One element right (zero where 2·x·g is not), the others zero: still
    // not exactly zero everywhere.
    let partly = |x: &ArrayD<f64>, g: &ArrayD<f64>| {
        let mut v = ArrayD::zeros(x.raw_dim());
        v[[0]] = 2.0 * x[[0]] * g[[0]];
        v
    };
    let mut observed = ArrayD::zeros(IxDyn(&[3]));
    observed[[0]] = 2.0 * x()[[0]] * g()[[0]];
    let r = classify(Observed::Gradient(observed), check_square(partly));
    assert_eq!(r.status, Status::WrongValue);
    assert!(
        r.message.starts_with("x: wrong gradient: at "),
        "{}",
        r.message
    );
}

#[test]
fn a_missing_gradient_where_the_output_depends_on_the_input_is_missing_gradient() {
    // The adapter checks a missing gradient as zeros.
    let checked = check_square(|x, _| ArrayD::zeros(x.raw_dim()));
    let r = classify(Observed::Missing, checked.clone());
    assert_eq!(r.status, Status::MissingGradient);
    let e = checked.pair(0).unwrap().blamed().unwrap();
    let place = place_of_x(e);
    assert_eq!(
        r.inputs[0].message,
        format!(
            "toy returns no gradient, but the output depends on this input: finite differences give {:e} at {place} where toy has 0",
            e.numeric
        )
    );
    assert!(r.notes.is_empty());
    // Fewer observations than inputs: the rest are missing.
    let mut short = report(1);
    short.classify(&[], checked);
    assert_eq!(short.status, Status::MissingGradient);
}

#[test]
fn a_missing_gradient_whose_true_gradient_is_zero_passes_with_a_note() {
    // f(x, y) = x²: y does not matter.
    let upstream = g();
    let checked = check_vjp(
        square,
        |x: &[ArrayD<f64>], g: &ArrayD<f64>| vec![correct(&x[0], g), ArrayD::zeros(x[1].raw_dim())],
        &[x(), a(&[3.0, 4.0, 5.0])],
        Upstream::Given(&upstream),
        &Options::default(),
    )
    .unwrap();
    let mut r = report(2);
    r.classify(
        &[Observed::Gradient(correct(&x(), &g())), Observed::Missing],
        checked,
    );
    assert_eq!(r.status, Status::Pass);
    assert_eq!(r.inputs[1].status, Status::Pass);
    assert_eq!(r.inputs[1].message, "");
    assert_eq!(
        r.notes,
        ["y: toy gives no gradient here; its true gradient is zero"]
    );
}

/// `f(x) = |x|` at `x = [0, 1]` (a kink at 0), with the rule `sign(x)·g`.
fn check_abs() -> Report {
    check_vjp(
        |x: &[ArrayD<f64>]| x[0].mapv(f64::abs),
        |x: &[ArrayD<f64>], g: &ArrayD<f64>| {
            vec![x[0].mapv(|v| if v > 0.0 { 1.0 } else { 0.0 }) * g]
        },
        &[a(&[0.0, 1.0])],
        Upstream::Random,
        &Options::default(),
    )
    .unwrap()
}

#[test]
fn a_point_on_a_kink_is_a_kink_and_not_a_failure() {
    let checked = check_abs();
    assert_eq!(
        checked.pair(0).unwrap().status,
        backprop_gradcheck::Status::Kink
    );
    let r = classify(Observed::Gradient(a(&[0.0, 1.0])), checked.clone());
    assert_eq!(r.status, Status::Kink);
    assert!(r.passed(), "a kink is no failure");
    assert_eq!(
        r.inputs[0].message,
        "kink at [0]: no derivative to compare there"
    );
    assert_eq!(r.message, "x: kink at [0]: no derivative to compare there");
    // No gradient at a kink: nothing to hold against the framework.
    let r = classify(Observed::Missing, checked);
    assert_eq!(r.status, Status::Pass);
    assert_eq!(
        r.notes,
        ["x: toy gives no gradient here; its true gradient is zero"]
    );
}

#[test]
fn a_nan_in_the_gradient_is_non_finite() {
    let nan_at_1 = |x: &ArrayD<f64>, g: &ArrayD<f64>| {
        let mut v = correct(x, g);
        v[[1]] = f64::NAN;
        v
    };
    let checked = check_square(nan_at_1);
    let r = classify(Observed::Gradient(nan_at_1(&x(), &g())), checked);
    assert_eq!(r.status, Status::NonFinite);
    assert!(!r.passed());
    assert_eq!(
        r.inputs[0].message,
        "non-finite value nan on the analytic side at [1]"
    );
}

#[test]
fn a_gradient_the_adapter_knows_is_wrong_keeps_its_status_whatever_the_comparison() {
    let wrong = Observed::Wrong {
        status: Status::WrongShape,
        message: "gradient has shape [2], the input [3]".into(),
    };
    // The comparison passes (it ran on a reshaped copy, say): the shape
    // still fails.
    let r = classify(wrong.clone(), check_square(correct));
    assert_eq!(r.status, Status::WrongShape);
    assert_eq!(r.message, "x: gradient has shape [2], the input [3]");
    assert_eq!(
        classify_input("toy", &wrong, None),
        (
            Status::WrongShape,
            "gradient has shape [2], the input [3]".to_string(),
            None
        )
    );
    // Without a comparison, anything else passes.
    assert_eq!(
        classify_input("toy", &Observed::Gradient(a(&[1.0])), None),
        (Status::Pass, String::new(), None)
    );
}

#[test]
fn a_rule_of_the_wrong_shape_is_caught_by_the_comparison() {
    let checked = check_square(|_, _| a(&[1.0, 2.0]));
    assert!(!checked.structure.shapes_match);
    assert!(
        checked.structure.issues.iter().any(|s| s.is_shape()),
        "{:?}",
        checked.structure.issues
    );
    let wrong = Observed::Wrong {
        status: Status::WrongShape,
        message: "shape [2]".into(),
    };
    let r = classify(wrong, checked.clone());
    assert_eq!(r.status, Status::WrongShape);
    // A shape issue is the adapter's to report: it is not repeated as a
    // structural note.
    let shape_notes: Vec<&String> = r.notes.iter().filter(|n| n.contains("shape")).collect();
    assert!(shape_notes.is_empty(), "{:?}", r.notes);
}

#[test]
fn a_structural_failure_the_pairs_do_not_show_is_a_wrong_value() {
    // Right for the check's upstream, but not zero for a zero upstream.
    let leaky = |x: &ArrayD<f64>, g: &ArrayD<f64>| {
        if g.iter().all(|&v| v == 0.0) {
            x.mapv(|_| 1.0)
        } else {
            correct(x, g)
        }
    };
    let checked = check_square(leaky);
    assert!(checked.pair(0).unwrap().status.is_pass());
    assert!(!checked.structure.zero_upstream_gives_zero);
    let issue = checked.structure.issues[0].clone();
    let r = classify(Observed::Gradient(correct(&x(), &g())), checked);
    assert_eq!(r.inputs[0].status, Status::Pass);
    assert_eq!(r.status, Status::WrongValue);
    assert_eq!(r.message, format!("structure: {issue}"));
    assert_eq!(r.notes, [format!("structure: {issue}")]);

    // A worse status already fails the check: it keeps its own message,
    // and the structural issue is a note.
    let upstream = g();
    let zeros_and_leak = check_vjp(
        square,
        |x: &[ArrayD<f64>], g: &ArrayD<f64>| {
            vec![if g.iter().all(|&v| v == 0.0) {
                x[0].mapv(|_| 1.0)
            } else {
                ArrayD::zeros(x[0].raw_dim())
            }]
        },
        &[x()],
        Upstream::Given(&upstream),
        &Options::default(),
    )
    .unwrap();
    let r = classify(
        Observed::Gradient(ArrayD::zeros(IxDyn(&[3]))),
        zeros_and_leak,
    );
    assert_eq!(r.status, Status::SilentZero);
    assert!(r.message.starts_with("x: toy's gradient is exactly zero"));
    assert_eq!(r.notes.len(), 1);
    assert!(
        r.notes[0].starts_with("structure: a zero upstream"),
        "{:?}",
        r.notes
    );
}

#[test]
fn the_most_severe_input_speaks_for_the_check_and_the_first_on_a_tie() {
    // f(x, y) = x² + y², both gradients 3·v·g.
    let upstream = g();
    let forward = |v: &[ArrayD<f64>]| v[0].mapv(|t| t * t) + v[1].mapv(|t| t * t);
    let y = a(&[2.0, -1.0, 0.25]);
    let checked = check_vjp(
        forward,
        |v: &[ArrayD<f64>], g: &ArrayD<f64>| vec![3.0 * &v[0] * g, 3.0 * &v[1] * g],
        &[x(), y.clone()],
        Upstream::Given(&upstream),
        &Options::default(),
    )
    .unwrap();
    let mut r = report(2);
    r.classify(
        &[
            Observed::Gradient(3.0 * &x() * &g()),
            Observed::Gradient(3.0 * &y * &g()),
        ],
        checked.clone(),
    );
    assert_eq!(r.status, Status::WrongValue);
    assert!(r.message.starts_with("x: "), "{}", r.message);
    // y missing is more severe than x's wrong value.
    let mut r = report(2);
    r.classify(
        &[Observed::Gradient(3.0 * &x() * &g()), Observed::Missing],
        checked,
    );
    assert_eq!(r.inputs[0].status, Status::WrongValue);
    assert_eq!(r.inputs[1].status, Status::MissingGradient);
    assert_eq!(r.input(1), Some(&r.inputs[1]));
    assert_eq!(r.input(2), None);
    assert_eq!(r.input_names(), ["x", "y"]);
    assert_eq!(r.status, Status::MissingGradient);
    assert!(
        r.message.starts_with("y: toy returns no gradient"),
        "{}",
        r.message
    );
}

#[test]
fn a_located_fast_check_blames_an_element_of_the_backward_run() {
    let upstream = g();
    let options = Options {
        mode: Mode::Fast,
        ..Options::default()
    };
    let checked = check_vjp(
        square,
        |x: &[ArrayD<f64>], g: &ArrayD<f64>| vec![3.0 * &x[0] * g],
        &[x()],
        Upstream::Given(&upstream),
        &options,
    )
    .unwrap();
    let e = checked.pair(0).unwrap().blamed().unwrap().clone();
    assert_eq!(e.output_index, None, "an element of the backward run");
    // 3·x·g against 2·x·g there.
    let (xi, gi) = (x()[IxDyn(&e.index)], g()[IxDyn(&e.index)]);
    assert!((e.analytic - 3.0 * xi * gi).abs() < 1e-12, "{e:?}");
    let r = classify(Observed::Gradient(3.0 * &x() * &g()), checked);
    assert_eq!(r.status, Status::WrongValue);
    assert!(
        r.inputs[0].message.starts_with(&format!(
            "wrong gradient: at uᵀJ at x{:?} toy gives {:e}, ",
            e.index, e.analytic
        )),
        "{}",
        r.inputs[0].message
    );
}

#[test]
fn a_fast_check_without_location_blames_the_projection() {
    let upstream = g();
    let options = Options {
        mode: Mode::Fast,
        locate_limit: 0,
        ..Options::default()
    };
    let checked = check_vjp(
        square,
        |x: &[ArrayD<f64>], g: &ArrayD<f64>| vec![3.0 * &x[0] * g],
        &[x()],
        Upstream::Given(&upstream),
        &options,
    )
    .unwrap();
    let r = classify(Observed::Gradient(3.0 * &x() * &g()), checked);
    assert_eq!(r.status, Status::WrongValue);
    assert_eq!(r.mode, Some(Mode::Fast));
    assert!(
        r.inputs[0]
            .message
            .starts_with("wrong gradient: at a projection onto a random direction toy gives "),
        "{}",
        r.inputs[0].message
    );
    let zeros = check_vjp(
        square,
        |x: &[ArrayD<f64>], _: &ArrayD<f64>| vec![ArrayD::zeros(x[0].raw_dim())],
        &[x()],
        Upstream::Given(&upstream),
        &options,
    )
    .unwrap();
    let r = classify(Observed::Missing, zeros);
    assert_eq!(r.status, Status::MissingGradient);
    assert!(
        r.inputs[0]
            .message
            .ends_with(" at a projection onto a random direction where toy has 0"),
        "{}",
        r.inputs[0].message
    );
}

/// The f32 tolerance is `atol + rtol·max(|a|, |n|)` (+ the error estimate,
/// negligible against an f64 oracle) with `atol = 1e-5`, `rtol = 1e-4`.
/// At `x = 1`, `g = 1` the true gradient of `x²` is 2, so the allowed gap
/// is about `1e-5 + 2e-4 = 2.1e-4`: a relative error of `0.9e-4` (gap
/// `1.8e-4`) passes, one of `1.1e-4` (gap `2.2e-4`) fails.
#[test]
fn an_f32_gradient_against_the_f64_oracle_at_the_edge_of_its_tolerance() {
    let run = |delta: f32| {
        let upstream = arr1(&[1.0_f32]).into_dyn();
        let checked = check_vjp(
            square,
            move |x: &[ArrayD<f32>], g: &ArrayD<f32>| {
                vec![x[0].mapv(|v| 2.0 * v * (1.0 + delta)) * g]
            },
            &[arr1(&[1.0_f32]).into_dyn()],
            Upstream::Given(&upstream),
            &Options::default(),
        )
        .unwrap();
        let mut r = GradientReport::new("toy", "square", Dtype::F32, 0, &["x".into()], &[vec![1]]);
        let grad = a(&[f64::from(2.0 * (1.0 + delta))]);
        r.classify(&[Observed::Gradient(grad)], checked);
        r.status
    };
    assert_eq!(run(0.0), Status::Pass);
    assert_eq!(run(0.9e-4), Status::Pass);
    assert_eq!(run(-0.9e-4), Status::Pass);
    assert_eq!(run(1.1e-4), Status::WrongValue);
    assert_eq!(run(-1.1e-4), Status::WrongValue);
}

#[test]
fn a_backward_error_or_a_panic_stops_the_check_for_every_input() {
    let r = report(2).stopped(Status::BackwardError, "toy: backward not supported for abs");
    assert_eq!(r.status, Status::BackwardError);
    assert!(!r.passed());
    for input in &r.inputs {
        assert_eq!(input.status, Status::BackwardError);
        assert_eq!(input.message, "toy: backward not supported for abs");
        assert_eq!(input.gradient_shape, None);
    }
    let r = report(2).panicked(Phase::Forward, "index out of bounds");
    assert_eq!(r.status, Status::Panic);
    assert_eq!(r.message, "toy panicked in forward: index out of bounds");
    assert_eq!(r.inputs[1].status, Status::Panic);
    assert_eq!(r.mode, None, "no comparison ran");
}
