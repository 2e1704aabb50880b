//! The whole catalog: every gate and every tensor op passes in f64 and f32
//! over many seeds (moved from `backprop-gradcheck`'s
//! `tests/no_false_failures.rs`); at kinks it reports kinks and no failures
//! (from `tests/kinks_and_non_finite.rs`); its report serializes with
//! counts and the worst entry (from `tests/report_json.rs`).

use backprop_gates::Gate;
use backprop_gradcheck::Dtype;
use backprop_selfcheck::{CatalogOptions, check_catalog};
use serde_json::Value;

#[test]
fn the_whole_catalog_passes_over_several_seeds() {
    for seed in [0, 1, 2, 0xdead_beef] {
        let o = CatalogOptions {
            seed,
            ..CatalogOptions::default()
        };
        let report = check_catalog(&o, |_, _, _| {});
        assert!(report.passed(), "{report}");
        assert_eq!(report.counts.pass, report.counts.total);
        // both types, every gate, and tensor ops of every kind
        let names: Vec<&str> = report.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(report.counts.total, names.len());
        assert!(report.entries.iter().any(|e| e.dtype == Dtype::F32));
        for g in Gate::catalog() {
            assert!(names.contains(&format!("gate/{g}").as_str()));
        }
        for op in [
            "matmul",
            "sum",
            "mean",
            "transpose",
            "reshape",
            "sigmoid",
            "max",
        ] {
            assert!(
                names.iter().any(|n| n.starts_with(&format!("tensor/{op}"))),
                "{op}"
            );
        }
    }
}

#[test]
fn tensor_ops_pass_over_many_seeds() {
    for seed in 3..15 {
        let o = CatalogOptions {
            seed,
            filter: Some("tensor/".into()),
            ..CatalogOptions::default()
        };
        let report = check_catalog(&o, |_, _, _| {});
        assert!(report.passed(), "{report}");
    }
}

#[test]
fn the_catalog_at_kinks_reports_kinks_and_no_failures() {
    let o = CatalogOptions {
        include_kinks: true,
        filter: Some("gate/".into()),
        ..CatalogOptions::default()
    };
    let report = check_catalog(&o, |_, _, _| {});
    assert_eq!(report.counts.fail, 0, "{report}");
    assert_eq!(
        report.counts.kink,
        2 * 5,
        "relu, leaky_relu, abs, max, min in f64 and f32: {report}"
    );
}

#[test]
fn the_catalog_report_serializes_with_counts_and_the_worst_entry() {
    let o = CatalogOptions {
        filter: Some("matmul".into()),
        ..CatalogOptions::default()
    };
    let mut calls = 0;
    let report = check_catalog(&o, |done, total, name| {
        calls += 1;
        assert_eq!(done, calls);
        assert!(done <= total && name.contains("matmul"));
    });
    assert_eq!(calls, report.counts.total);
    let json: Value = serde_json::to_value(&report).unwrap();
    assert_eq!(json["status"], "pass");
    assert_eq!(json["counts"]["total"], report.entries.len());
    assert_eq!(json["counts"]["pass"], report.entries.len());
    assert!(json["worst_rel_error"]["rel_error"].is_number());
    let entry = &json["entries"][0];
    assert_eq!(entry["kind"], "tensor_op");
    assert_eq!(entry["checks"][0]["mode"], "exhaustive");
    assert_eq!(entry["checks"][1]["mode"], "fast");
    let summary = report.to_string();
    assert!(
        summary.contains("entries") && summary.contains("0 fail"),
        "{summary}"
    );
}
