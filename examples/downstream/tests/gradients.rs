//! The crate's gradient checks, each recorded for the CI report.
//!
//! `backprop_report::record` does nothing unless `BACKPROP_REPORT_DIR` is
//! set; with it set, every check of every test thread and test binary ends
//! up in that folder's four reports. Record before asserting, so a failing
//! check is in the report too.

use backprop_downstream_example::{elu, elu_backward, softplus, softplus_backward};
use backprop_gradcheck::{Options, Report, Status, Upstream, check_vjp};
use backprop_report::{Recorder, ToCheckResult};
use ndarray::{ArrayD, IxDyn};

/// A 3×4 input of both signs, away from ELU's kink at 0.
fn input() -> ArrayD<f64> {
    ArrayD::from_shape_fn(IxDyn(&[3, 4]), |i| {
        let v = 0.45 * (i[0] * 4 + i[1]) as f64 - 2.6;
        if v.abs() < 0.1 { v + 0.2 } else { v }
    })
}

fn check_softplus() -> Report {
    check_vjp(
        |x: &[ArrayD<f64>]| softplus(&x[0]),
        |x: &[ArrayD<f64>], g: &ArrayD<f64>| vec![softplus_backward(&x[0], g)],
        &[input()],
        Upstream::Random,
        &Options::default(),
    )
    .expect("one input, shapes agree")
    .with_input_names(&["x"])
}

fn check_elu() -> Report {
    check_vjp(
        |x: &[ArrayD<f64>]| elu(&x[0]),
        |x: &[ArrayD<f64>], g: &ArrayD<f64>| vec![elu_backward(&x[0], g)],
        &[input()],
        Upstream::Random,
        &Options::default(),
    )
    .expect("one input, shapes agree")
    .with_input_names(&["x"])
}

#[test]
fn softplus_backward_matches_finite_differences() {
    let report = check_softplus();
    backprop_report::record("softplus", &report);
    assert!(report.passed(), "{report}");
}

#[test]
fn the_planted_elu_bug_is_caught_at_a_negative_input() {
    let report = check_elu();
    backprop_report::record("elu (planted bug)", &report);
    // The rule is wrong on purpose: this test passes because the checker
    // says so, and where.
    assert_eq!(report.status, Status::Fail, "{report}");
    let (_, worst) = report.worst().expect("a worst element");
    let x = worst.input_value.expect("the input there");
    assert!(x < 0.0, "blamed x = {x}: the bug is on the negative side");
    // There the rule returns g·eˣ where g·α·eˣ is right: twice too large.
    assert!(
        (worst.analytic - 2.0 * worst.numeric).abs() <= 1e-6 * worst.analytic.abs(),
        "{report}"
    );
}

#[test]
fn the_written_report_shows_the_wrong_rule_failing_where_and_the_right_one_passing() {
    // A folder of this test's own, so it does not depend on the other tests
    // having run (they record into BACKPROP_REPORT_DIR, if set).
    let dir = tempfile::tempdir().expect("temp dir");
    let recorder = Recorder::new(dir.path()).with_title("my-ops gradient checks");
    let suite = "backprop-downstream-example";
    recorder
        .record(check_softplus().to_check_result(suite, "softplus"))
        .expect("records");
    recorder
        .record(check_elu().to_check_result(suite, "elu (planted bug)"))
        .expect("records");

    let json = std::fs::read_to_string(dir.path().join("report.json")).expect("report.json");
    let report = backprop_report::Report::from_json(&json).expect("parses");
    assert!(!report.passed());
    let by_name = |n: &str| {
        report
            .checks
            .iter()
            .find(|c| c.name == n)
            .unwrap_or_else(|| panic!("{n} is in the report"))
    };
    assert_eq!(
        by_name("softplus [f64]").status,
        backprop_report::Status::Pass
    );
    let elu = by_name("elu (planted bug) [f64]");
    assert_eq!(elu.status, backprop_report::Status::Fail);
    let at = elu.location.as_ref().expect("the report says where");
    assert_eq!(at.input, "x");
    let [i, j] = at.index[..] else {
        panic!("a 2-D element, got {:?}", at.index)
    };
    assert!(input()[[i, j]] < 0.0, "{at}");

    let xml = std::fs::read_to_string(dir.path().join("junit.xml")).expect("junit.xml");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed");
    assert_eq!(doc.root_element().attribute("failures"), Some("1"));
    let failed = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .and_then(|f| f.parent())
        .and_then(|c| c.attribute("name"));
    assert_eq!(failed, Some("elu (planted bug) [f64]"));
    let md = std::fs::read_to_string(dir.path().join("report.md")).expect("report.md");
    // Exhaustive mode blames one Jacobian entry: d out[..] / d x[i, j],
    // named in the failure's sentence and first in its table.
    let line = md
        .lines()
        .find(|l| l.starts_with(&format!("- `{suite}/elu (planted bug) [f64]` **fail**: ")))
        .unwrap_or_else(|| panic!("the failure is listed: {md}"));
    assert!(
        line.contains(&format!(" / d x[{i}, {j}]` (input -")),
        "{line}"
    );
    assert!(
        md.contains(&format!("\n  | x | [{i}, {j}] (out[")),
        "the worst elements' table: {md}"
    );
}
