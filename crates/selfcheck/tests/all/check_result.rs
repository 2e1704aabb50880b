//! Catalog entries become checks named as `cargo xtask verify` lists them
//! (moved from `backprop-report`'s `tests/gradcheck.rs` with the
//! conversion), and a failing entry is located where its own reports blame.

use backprop_gates::{DerivativeFrom, Real, UnaryRule};
use backprop_gradcheck::{
    AsUnary, Dtype, Evaluations, Mode, Options, Report, RuleReport, Sampling, Status as GradStatus,
    Upstream, check_rule, check_vjp,
};
use backprop_report::{CheckResult, Status, ToCheckResult};
use backprop_selfcheck::{CatalogOptions, EntryKind, EntryReport, check_catalog};
use ndarray::{ArrayD, IxDyn};

#[test]
fn catalog_entries_are_named_as_verify_lists_them() {
    let catalog = check_catalog(
        &CatalogOptions {
            filter: Some("gate/sigmoid".into()),
            ..CatalogOptions::default()
        },
        |_, _, _| {},
    );
    let checks: Vec<CheckResult> = catalog.entries.iter().map(CheckResult::from).collect();
    let names: Vec<(&str, &str, &str)> = checks
        .iter()
        .map(|c| (c.suite.as_str(), c.name.as_str(), c.rule.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("gates", "sigmoid [f64]", "sigmoid"),
            ("gates", "sigmoid [f32]", "sigmoid")
        ]
    );
    assert!(checks.iter().all(|c| c.status == Status::Pass));
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

/// An entry as `check_catalog` builds it, around reports of planted bugs.
fn entry(
    name: &str,
    kind: EntryKind,
    rule: Option<RuleReport>,
    checks: Vec<Report>,
) -> EntryReport {
    let status = rule
        .iter()
        .map(|r| r.status)
        .chain(checks.iter().map(|c| c.status))
        .max()
        .unwrap_or(GradStatus::Pass);
    EntryReport {
        name: name.into(),
        kind,
        dtype: Dtype::F64,
        seed: 0,
        status,
        evaluations: Evaluations::default(),
        max_rel_error: 0.5,
        issues: Vec::new(),
        rule,
        checks,
    }
}

#[test]
fn a_failing_gate_entry_is_located_where_its_rule_check_blames() {
    let rule = check_rule::<f64, _>(
        &AsUnary(WrongSoftsign),
        &Sampling::default(),
        &Options::default(),
    );
    let expected = rule.to_check_result("gates", "softsign").location;
    let e = entry("gate/softsign", EntryKind::Gate, Some(rule), Vec::new());
    let check = CheckResult::from(&e);
    assert_eq!(
        (
            check.suite.as_str(),
            check.name.as_str(),
            check.rule.as_str()
        ),
        ("gates", "softsign [f64]", "softsign")
    );
    assert_eq!(check.status, Status::Fail);
    let at = check.location.clone().expect("a location");
    assert_eq!(Some(at.clone()), expected);
    let x = at.input_value.expect("the point");
    assert_eq!(
        (at.input.as_str(), at.analytic),
        ("x", Some(1.0 / (1.0 + x.abs())))
    );
    assert!(!check.message.contains('\n'), "{}", check.message);
    assert!(
        check
            .message
            .starts_with("gate/softsign [f64, seed 0]: fail")
            && check.message.contains(" | "),
        "{}",
        check.message
    );
    assert_eq!(check.details["kind"], "gate");
}

#[test]
fn a_failing_tensor_entry_is_located_at_its_first_failing_check() {
    let x = ArrayD::from_shape_vec(IxDyn(&[2, 3]), vec![0.7, -1.3, 0.4, -0.6, 1.9, -2.2])
        .expect("shape");
    // ELU with α = 0.5; the planted bug takes the negative side's
    // derivative as eˣ, so only negative inputs get a wrong gradient.
    let elu = |v: &[ArrayD<f64>]| v[0].mapv(|v| if v > 0.0 { v } else { 0.5 * v.exp_m1() });
    let right = |v: &[ArrayD<f64>], g: &ArrayD<f64>| {
        vec![g * &v[0].mapv(|v| if v > 0.0 { 1.0 } else { 0.5 * v.exp() })]
    };
    let wrong = |v: &[ArrayD<f64>], g: &ArrayD<f64>| {
        vec![g * &v[0].mapv(|v| if v > 0.0 { 1.0 } else { v.exp() })]
    };
    let inputs = std::slice::from_ref(&x);
    let fast = Options {
        mode: Mode::Fast,
        ..Options::default()
    };
    let exhaustive = Options {
        mode: Mode::Exhaustive,
        ..Options::default()
    };
    let passing = check_vjp(elu, right, inputs, Upstream::Random, &fast).expect("runs");
    let failing = check_vjp(elu, wrong, inputs, Upstream::Random, &exhaustive).expect("runs");
    assert!(passing.passed() && !failing.passed());
    let expected = failing.to_check_result("tensor", "elu").location;
    let e = entry(
        "tensor/elu [2, 3]",
        EntryKind::TensorOp,
        None,
        vec![passing, failing],
    );
    let c = CheckResult::from(&e);
    assert_eq!(
        (c.suite.as_str(), c.name.as_str(), c.rule.as_str(), c.status),
        ("tensor", "elu [2, 3] [f64]", "elu [2, 3]", Status::Fail)
    );
    let at = c.location.clone().expect("a location");
    assert_eq!(Some(at.clone()), expected);
    let [i, j] = at.index[..] else {
        panic!("a 2-D index, got {:?}", at.index)
    };
    assert!(x[[i, j]] < 0.0, "blamed element {:?}", at.index);
    assert!(!c.message.contains('\n'), "{}", c.message);
    assert_eq!(c.details["kind"], "tensor_op");
}
