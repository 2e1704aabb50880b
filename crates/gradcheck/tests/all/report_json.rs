//! Reports serialize to JSON with the documented fields, and failure
//! messages show the worst few elements, never a whole matrix.

use crate::common;

use backprop_gates::{Gate, Unary};
use backprop_gradcheck::{Mode, Options, Sampling, Upstream, check_rule, check_vjp};
use common::sample;
use ndarray::ArrayD;
use serde_json::Value;

fn bad_sin_64x64() -> backprop_gradcheck::Report {
    let forward = |v: &[ArrayD<f64>]| v[0].mapv(f64::sin);
    let bad = |v: &[ArrayD<f64>], g: &ArrayD<f64>| {
        let mut d = g * &v[0].mapv(f64::cos);
        d[[3, 60]] = -d[[3, 60]];
        vec![d]
    };
    let o = Options {
        mode: Mode::Fast,
        seed: 77,
        ..Options::default()
    };
    check_vjp(forward, bad, &[sample(&[64, 64], 3)], Upstream::Random, &o).unwrap()
}

#[test]
fn a_report_serializes_every_documented_field() {
    let report = bad_sin_64x64();
    let json: Value = serde_json::from_str(&serde_json::to_string(&report).unwrap()).unwrap();
    assert_eq!(json["status"], "fail");
    assert_eq!(json["mode"], "fast");
    assert_eq!(json["dtype"], "f64");
    assert_eq!(json["seed"], 77);
    assert_eq!(json["evaluations"]["backward"], 3);
    let pair = &json["pairs"][0];
    for field in [
        "mode",
        "step",
        "evaluations",
        "max_abs_error",
        "max_rel_error",
        "error_estimate",
        "worst",
        "status",
        "seed",
    ] {
        assert!(!pair[field].is_null(), "pair field {field} missing: {pair}");
    }
    assert_eq!(pair["status"], "fail");
    assert_eq!(pair["located"]["method"], "bisection");
    assert_eq!(pair["located"]["end"], "complete");
    assert_eq!(pair["located"]["budget"], 2000);
    assert!(pair["located"]["suspect"].is_null());
    let located = &pair["located"]["worst"][0];
    assert_eq!(located["index"], serde_json::json!([3, 60]));
    for field in [
        "analytic",
        "numeric",
        "abs_error",
        "rel_error",
        "error_estimate",
        "allowed",
        "step",
        "input_value",
    ] {
        assert!(located[field].is_number(), "{field}: {located}");
    }
    assert_eq!(json["structure"]["status"], "pass");
}

#[test]
fn failure_messages_show_the_worst_few_elements_never_the_matrix() {
    let text = bad_sin_64x64().to_string();
    assert!(text.contains("[3, 60]"), "{text}");
    assert!(text.lines().count() < 20, "{text}");
    assert!(text.len() < 3000);
}

#[test]
fn statuses_serialize_as_their_names() {
    let s = Sampling {
        include_kinks: true,
        ..Sampling::default()
    };
    let r = check_rule::<f32, _>(&Gate::Unary(Unary::Relu), &s, &Options::default());
    let json: Value = serde_json::to_value(&r).unwrap();
    assert_eq!(json["status"], "kink");
    assert_eq!(json["dtype"], "f32");
    assert!(json["dual"]["pairs"][0]["max_ulps"].is_number());
    let x = [ArrayD::from_elem(vec![2], -1.0)];
    let r = check_vjp(
        |v: &[ArrayD<f64>]| v[0].mapv(f64::ln),
        |v: &[ArrayD<f64>], g: &ArrayD<f64>| vec![g / &v[0]],
        &x,
        Upstream::Random,
        &Options::default(),
    )
    .unwrap();
    assert_eq!(serde_json::to_value(&r).unwrap()["status"], "non-finite");
}

#[test]
fn an_f32_check_prints_its_inputs_and_analytic_values_as_f32() {
    // d/dx x² = 2x, planted as 3x, computed in f32 at x = 1.9 (an f32
    // whose f64 value is 1.899999976158142...).
    let x = [ArrayD::from_shape_vec(vec![2], vec![1.9f32, -0.5]).unwrap()];
    let ones = ArrayD::from_elem(vec![2], 1.0f32);
    let o = Options {
        mode: Mode::Exhaustive,
        ..Options::default()
    };
    let r = check_vjp(
        |v: &[ArrayD<f64>]| v[0].mapv(|x| x * x),
        |v: &[ArrayD<f32>], g: &ArrayD<f32>| vec![g * &v[0].mapv(|x| 3.0 * x)],
        &x,
        Upstream::Given(&ones),
        &o,
    )
    .unwrap();
    let text = r.to_string();
    // 3·1.9 in f32 is the f32 nearest 5.7, -1.5 is exact. Each element
    // line names the input (unnamed here: `input 0`) and its kind: a
    // Jacobian entry, or an entry of the upstream-weighted gradient uᵀJ.
    assert!(
        text.contains(
            "      d out[0] / d input 0 [0] at input 0 [0] = 1.9e0: analytic 5.7e0, numeric "
        ),
        "{text}"
    );
    assert!(
        text.contains("      uᵀJ at input 0 [1] = -5e-1: analytic -1.5e0, numeric "),
        "{text}"
    );
    assert!(!text.contains("1.899999976158142"), "{text}");
}
