//! The audit itself: its naive loops are right (by finite differences,
//! without candle), a filtered run passes with its known findings, and the
//! verdict fails on a new failure and on a known finding that stopped
//! reproducing.

use backprop_candle::audit::{
    AuditOptions, Finding, FindingError, Outcome, audit_report, catalog, claim, known_findings,
    run_audit,
};
use backprop_gradcheck::{Dtype, Options, Upstream, check_vjp};
use backprop_report::Status as ReportStatus;

#[test]
fn every_naive_reference_agrees_with_finite_differences_of_itself() {
    let mut checked = 0;
    for case in catalog() {
        let Some(reference) = &case.reference else {
            continue;
        };
        let values = case.values(3);
        let report = check_vjp(
            &*reference.forward,
            &*reference.vjp,
            &values,
            Upstream::Random,
            &Options {
                seed: 11,
                ..Options::default()
            },
        )
        .unwrap_or_else(|e| panic!("{}: {e}", case.base_name()));
        assert!(acceptable(report.status), "{}: {report}", case.base_name());
        checked += 1;
    }
    assert!(checked > 400, "{checked} references checked");
}

/// A kink (e.g. relu's reference at a point within a step of 0) is no
/// failure of the reference; anything else must pass.
fn acceptable(status: backprop_gradcheck::Status) -> bool {
    matches!(
        status,
        backprop_gradcheck::Status::Pass | backprop_gradcheck::Status::Kink
    )
}

#[test]
fn a_filtered_audit_passes_with_its_known_finding_and_lists_only_it() {
    let filter = "max_pool2d((2, 2)) x[1, 1, 4, 4] [";
    let options = AuditOptions {
        filter: Some(filter.into()),
        ..AuditOptions::default()
    };
    let mut seen = Vec::new();
    let audit = run_audit(&options, &mut |p| {
        seen.push((p.function.to_string(), p.checks.len()))
    })
    .unwrap();
    assert_eq!(
        seen,
        vec![("max_pool2d".to_string(), 2)],
        "progress once per function"
    );
    assert_eq!(audit.checks.len(), 2);
    for c in &audit.checks {
        assert_eq!(c.status, ReportStatus::Fail, "{}", c.name);
        assert_eq!(c.known.as_deref(), Some("CANDLE-0001"));
        assert_eq!(c.suite, "candle-core");
        assert_eq!(c.rule, "max_pool2d");
    }
    // The naive loop confirms each failure.
    let case = catalog()
        .into_iter()
        .find(|c| c.name(Dtype::F64).starts_with(filter))
        .unwrap();
    for dtype in Dtype::ALL {
        let r = case.run(dtype, 0);
        assert!(r.failed(), "{}", r.name);
        let c = r
            .confirmation
            .as_ref()
            .expect("a failure is confirmed by the naive loop");
        assert!(c.confirmed && c.forward_agrees, "{}", c.summary);
        assert_eq!(r.to_check_result().name, r.name);
    }
    let ids: Vec<&str> = audit
        .findings
        .iter()
        .map(|f| f.advisory.id.as_str())
        .collect();
    assert_eq!(ids, ["CANDLE-0001"]);
    assert!(audit.passed());
    let report = audit_report(&audit);
    assert_eq!(report.summary().known, 2);
    assert!(report.to_markdown().contains("CANDLE-0001"));
    assert!(
        report
            .to_junit()
            .contains("name=\"max_pool2d((2, 2)) x[1, 1, 4, 4] [f64]\"")
    );
}

#[test]
fn junit_testcases_are_named_by_the_call_its_configuration_and_dtype() {
    let options = AuditOptions {
        filter: Some("conv1d(padding=1, stride=1, dilation=1, groups=1) x[1, 2, 7]".into()),
        dtype: Some(Dtype::F32),
        ..AuditOptions::default()
    };
    let audit = run_audit(&options, &mut |_| {}).unwrap();
    assert!(!audit.checks.is_empty());
    let junit = audit_report(&audit).to_junit();
    for c in &audit.checks {
        assert!(
            c.name
                .starts_with("conv1d(padding=1, stride=1, dilation=1, groups=1) x[1, 2, 7]")
                && c.name.ends_with(" [f32]"),
            "{}",
            c.name
        );
        assert!(
            junit.contains(&format!("name=\"{}\"", c.name)),
            "{}",
            c.name
        );
    }
}

#[test]
fn a_new_failure_or_a_finding_that_no_longer_reproduces_fails_the_run() {
    // The same failing checks without their known finding: new failures.
    let options = AuditOptions {
        filter: Some("scatter(idx=[1, 3, 0, 2, 3, 1], 1)".into()),
        ..AuditOptions::default()
    };
    let mut audit = run_audit(&options, &mut |_| {}).unwrap();
    assert!(audit.passed());
    assert!(audit.checks.iter().all(|c| !c.status.is_ok()));
    for c in &mut audit.checks {
        c.known = None;
    }
    audit.findings.clear();
    assert!(!audit.passed(), "an unlisted failure fails the run");

    // A passing check claimed by a finding: the finding stopped reproducing.
    let options = AuditOptions {
        filter: Some("exp() x[3, 4] [f64]".into()),
        ..AuditOptions::default()
    };
    let mut audit = run_audit(&options, &mut |_| {}).unwrap();
    assert!(audit.passed());
    assert_eq!(audit.checks[0].status, ReportStatus::Pass);
    audit.checks[0].known = Some("CANDLE-0001".into());
    audit.findings = known_findings().unwrap().into_iter().take(1).collect();
    assert!(!audit.passed(), "a known finding that passes fails the run");
}

#[test]
fn ops_candle_lacks_in_f64_are_skipped_in_f64_and_checked_in_f32() {
    let options = AuditOptions {
        filter: Some("candle_nn::ops::rms_norm(eps=1e-5) x[3, 4]".into()),
        ..AuditOptions::default()
    };
    let audit = run_audit(&options, &mut |_| {}).unwrap();
    assert_eq!(audit.checks.len(), 2);
    assert_eq!(audit.checks[0].status, ReportStatus::Skipped);
    assert!(audit.checks[0].message.contains("no f64 version"));
    assert_eq!(
        audit.checks[0].known, None,
        "a skipped check reproduces nothing"
    );
    let case = catalog()
        .into_iter()
        .find(|c| {
            c.name(Dtype::F32)
                .contains("candle_nn::ops::rms_norm(eps=1e-5) x[3, 4]")
        })
        .unwrap();
    match case.run(Dtype::F32, 0).outcome {
        Outcome::Checked { report } => {
            assert_eq!(report.oracle, Dtype::F32);
            assert!(report.notes.iter().any(|n| n.contains("f32")));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_most_specific_pattern_claims_a_check() {
    let findings = known_findings().unwrap();
    let panicking = "conv_transpose1d(padding=2, output_padding=0, stride=1, dilation=1, groups=1) x[2, 2, 4] kernel[2, 2, 3] [f64]";
    assert_eq!(
        claim(&findings, panicking, ReportStatus::Panic)
            .unwrap()
            .advisory
            .id,
        "CANDLE-0008"
    );
    // Where the overflow does not panic (a release build), the same check
    // fails with conv_transpose1d's missing backward pass: CANDLE-0007's.
    assert_eq!(
        claim(&findings, panicking, ReportStatus::BackwardError)
            .unwrap()
            .advisory
            .id,
        "CANDLE-0007"
    );
    let unsupported = "conv_transpose1d(padding=1, output_padding=0, stride=1, dilation=1, groups=1) x[2, 2, 4] kernel[2, 2, 3] [f64]";
    assert_eq!(
        claim(&findings, unsupported, ReportStatus::BackwardError)
            .unwrap()
            .advisory
            .id,
        "CANDLE-0007"
    );
    assert!(claim(&findings, "exp() x[3, 4] [f64]", ReportStatus::Fail).is_none());
}

#[test]
fn malformed_finding_files_are_errors() {
    let good = include_str!("../findings/CANDLE-0009.md");
    assert!(Finding::parse("CANDLE-0009.md", good).is_ok());
    assert!(matches!(
        Finding::parse("CANDLE-0009.md", "# no front matter\n"),
        Err(FindingError::NoFrontMatter { .. })
    ));
    assert!(matches!(
        Finding::parse("CANDLE-0099.md", good),
        Err(FindingError::Name { .. })
    ));
    let retitled = good.replacen("\n# scatter backward", "\n# another title", 1);
    assert!(matches!(
        Finding::parse("CANDLE-0009.md", &retitled),
        Err(FindingError::Title { .. })
    ));
    let restated = good.replacen("status = \"wrong-value\"", "status = \"bad\"", 1);
    assert!(matches!(
        Finding::parse("CANDLE-0009.md", &restated),
        Err(FindingError::Toml { message, .. }) if message.contains("unknown variant `bad`")
    ));
    let unknown_key = good.replacen("[affected]", "[affected]\nextra = 1", 1);
    let err = Finding::parse("CANDLE-0009.md", &unknown_key).unwrap_err();
    assert!(matches!(err, FindingError::Toml { .. }), "{err}");
}
