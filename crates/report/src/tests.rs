//! The four writers on a small synthetic report with one failing check.

use super::*;

fn check(suite: &str, rule: &str, status: Status, e: Option<f64>) -> CheckResult {
    CheckResult {
        suite: suite.into(),
        name: format!("{rule} [f64]"),
        rule: rule.into(),
        dtype: Some("f64".into()),
        status,
        worst_rel_error: e,
        message: format!("{rule}: worst element [3] analytic 1.0 vs numeric 2.0 <&> \"quoted\""),
        details: serde_json::json!({ "rule": rule }),
    }
}

fn sample() -> Report {
    let mut r = Report {
        seed: 7,
        filter: None,
        summary: Summary::default(),
        notebook: vec![CellResult {
            number: 3,
            title: "chain rule".into(),
            status: Status::Pass,
            output: "dfdq = -4\n".into(),
            diff: None,
            diagram_svg: Some(
                "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>".into(),
            ),
        }],
        checks: vec![
            check("gates", "sigmoid", Status::Pass, Some(1e-10)),
            check("gates", "relu", Status::Kink, Some(0.5)),
            check("injected", "deliberate failure", Status::Fail, Some(1.0)),
        ],
    };
    r.summarize(0.25);
    r
}

#[test]
fn summary_counts_statuses_and_worst_error() {
    let r = sample();
    let s = &r.summary;
    assert_eq!(
        (s.total, s.passed, s.failed, s.kinks, s.non_finite),
        (4, 2, 1, 1, 0)
    );
    assert_eq!(s.worst.len(), 1);
    assert_eq!(
        (s.worst[0].check.as_str(), s.worst[0].rel_error),
        ("injected/deliberate failure [f64]", 1.0)
    );
    assert!(!r.all_ok());
}

#[test]
fn json_parses_back_with_every_check() {
    let r = sample();
    let text = serde_json::to_string_pretty(&r).expect("serialises");
    let v: serde_json::Value = serde_json::from_str(&text).expect("parses back");
    assert_eq!(v["seed"], 7);
    assert_eq!(v["summary"]["failed"], 1);
    assert_eq!(v["checks"].as_array().map(Vec::len), Some(3));
    assert_eq!(v["checks"][2]["status"], "fail");
    assert_eq!(v["checks"][1]["status"], "kink");
    assert_eq!(v["notebook"][0]["number"], 3);
}

#[test]
fn junit_is_well_formed_and_counts_match() {
    let r = sample();
    let xml = String::from_utf8(junit::render(&r).expect("renders")).expect("utf-8");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("tests"), Some("4"));
    assert_eq!(root.attribute("failures"), Some("1"));
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 4);
    let failures: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .collect();
    assert_eq!(failures.len(), 1);
    let failed_case = failures[0].parent().expect("inside a testcase");
    assert_eq!(
        failed_case.attribute("name"),
        Some("deliberate failure [f64]")
    );
    // escaped in the attribute, intact once parsed
    assert!(
        failures[0]
            .attribute("message")
            .unwrap_or("")
            .contains("<&> \"quoted\"")
    );
    for suite in doc.descendants().filter(|n| n.has_tag_name("testsuite")) {
        let n = suite
            .children()
            .filter(|c| c.has_tag_name("testcase"))
            .count();
        assert_eq!(suite.attribute("tests"), Some(n.to_string().as_str()));
    }
}

#[test]
fn a_failure_shows_in_markdown_and_html() {
    let r = sample();
    let md = markdown::render(&r);
    assert!(md.contains("❌"));
    assert!(
        md.contains("`injected/deliberate failure [f64]` **fail**"),
        "{md}"
    );
    let html = html::render(&r);
    assert!(html.contains("some checks failed"));
    assert!(html.contains("<td class=\"fail\">fail</td>"));
    assert!(
        html.contains("&lt;&amp;&gt; &quot;quoted&quot;"),
        "messages are escaped"
    );
    assert!(
        !html.contains("<?xml"),
        "inlined SVG drops its XML declaration"
    );
    assert!(html.contains("<svg"), "diagrams and chart are inline");
}

#[test]
fn all_four_files_are_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_all(dir.path(), &sample()).expect("writes");
    for f in ["report.json", "junit.xml", "report.md", "report.html"] {
        let text = std::fs::read_to_string(dir.path().join(f)).expect(f);
        assert!(text.contains("deliberate failure"), "{f} names the failure");
    }
}
