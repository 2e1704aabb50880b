//! The four renderings on small synthetic reports: one failing check, known
//! findings, every failure kind, no notebook.

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
        location: None,
        worst_elements: Vec::new(),
        known: None,
        source: None,
        details: serde_json::json!({ "rule": rule }),
    }
}

fn sample() -> Report {
    Report {
        title: "backprop verify".into(),
        seed: Some(7),
        filter: None,
        properties: Vec::new(),
        seconds: Some(0.25),
        notebook: Some(vec![CellResult {
            number: 3,
            title: "chain rule".into(),
            status: Status::Pass,
            output: "dfdq = -4\n".into(),
            diff: None,
            diagram_svg: Some(
                "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>".into(),
            ),
            stepper_html: Some("<!DOCTYPE html><title>In [3] step by step</title>".into()),
        }]),
        known_findings: Vec::new(),
        checks: vec![
            check("gates", "sigmoid", Status::Pass, Some(1e-10)),
            check("gates", "relu", Status::Kink, Some(0.5)),
            check("injected", "deliberate failure", Status::Fail, Some(1.0)),
        ],
    }
}

/// An audit: no notebook, one known finding that reproduces, one new
/// zero gradient, one check that passes, one skipped.
fn audit() -> Report {
    let mut r = Report::new("candle audit")
        .with_seed(0)
        .with_property("candle-core", "0.9.1")
        .with_known_findings(vec![
            KnownFinding::new("CANDLE-0001", "conv_transpose1d: wrong gradient")
                .with_reference("findings/CANDLE-0001.md"),
        ]);
    r.push(
        CheckResult::new(
            "candle",
            "conv_transpose1d(padding=0, stride=2, dilation=2, groups=1) [f64]",
            Status::Fail,
            "worst element analytic 3.0 vs numeric 2.5",
        )
        .with_location(Location::new("kernel", vec![0, 1, 2]).with_values(3.0, 2.5))
        .with_rel_error(0.09)
        .known_as("CANDLE-0001"),
    );
    r.push(
        CheckResult::new(
            "candle",
            "erf [f32]",
            Status::SilentZero,
            "gradient is exactly zero",
        )
        .with_source(Source {
            file: "crates/candle/tests/ops.rs".into(),
            line: 12,
        }),
    );
    r.push(CheckResult::new("candle", "exp [f64]", Status::Pass, "ok").with_rel_error(1e-12));
    r.push(CheckResult::new(
        "candle",
        "layer_norm [f64]",
        Status::Skipped,
        "f64 not supported by candle",
    ));
    r
}

fn junit(r: &Report) -> String {
    r.to_junit()
}

fn testcase<'a>(doc: &'a roxmltree::Document<'_>, name: &str) -> roxmltree::Node<'a, 'a> {
    doc.descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some(name))
        .unwrap_or_else(|| panic!("no testcase {name}"))
}

fn child<'a>(node: roxmltree::Node<'a, 'a>, tag: &str) -> Option<roxmltree::Node<'a, 'a>> {
    node.children().find(|n| n.has_tag_name(tag))
}

#[test]
fn summary_counts_statuses_and_worst_error() {
    let r = sample();
    let s = r.summary();
    assert_eq!(
        (s.total, s.passed, s.failed, s.kinks, s.non_finite),
        (4, 2, 1, 1, 0)
    );
    assert_eq!(s.worst.len(), 1);
    assert_eq!(
        (s.worst[0].check.as_str(), s.worst[0].rel_error),
        ("injected/deliberate failure [f64]", 1.0)
    );
    assert!(!r.passed());
    assert_eq!(s.verdict(), "some checks failed");
}

#[test]
fn json_parses_back_with_every_check() {
    let r = sample();
    let v: serde_json::Value = serde_json::from_str(&r.to_json()).expect("parses back");
    assert_eq!(v["title"], "backprop verify");
    assert_eq!(v["seed"], 7);
    assert_eq!(v["summary"]["failed"], 1);
    assert_eq!(v["summary"]["seconds"], 0.25);
    assert_eq!(v["checks"].as_array().map(Vec::len), Some(3));
    assert_eq!(v["checks"][2]["status"], "fail");
    assert_eq!(v["checks"][1]["status"], "kink");
    assert_eq!(v["notebook"][0]["number"], 3);
    assert!(
        v["checks"][0].get("known").is_none() && v.get("known_findings").is_none(),
        "absent extras are left out: {v}"
    );
}

#[test]
fn json_round_trips_except_the_diagrams() {
    for r in [sample(), audit()] {
        let back = Report::from_json(&r.to_json()).expect("reads back");
        let mut expected = r.clone();
        if let Some(cells) = &mut expected.notebook {
            for c in cells {
                c.diagram_svg = None;
                c.stepper_html = None;
            }
        }
        assert_eq!(back, expected);
    }
}

#[test]
fn json_written_before_titles_and_known_findings_still_reads() {
    // The shape `cargo xtask verify` wrote before reports were a library.
    let old = r#"{"seed":0,"filter":null,"summary":{"total":1,"passed":1,"failed":0,"kinks":0,
        "non_finite":0,"worst":[],"seconds":0.4},"notebook":[],
        "checks":[{"suite":"gates","name":"exp [f64]","rule":"exp","dtype":"f64","status":"pass",
        "worst_rel_error":1e-12,"message":"ok","details":null}]}"#;
    let r = Report::from_json(old).expect("reads");
    assert_eq!(r.title, "gradient checks");
    assert_eq!(r.seconds, Some(0.4));
    assert_eq!(r.checks[0].status, Status::Pass);
    assert!(r.checks[0].worst_elements.is_empty());
    assert!(r.passed());
}

#[test]
fn junit_is_well_formed_and_counts_match() {
    let r = sample();
    let xml = junit(&r);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("name"), Some("backprop verify"));
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
    let md = r.to_markdown();
    assert!(md.starts_with("## backprop verify: ❌ some checks failed"));
    assert!(
        md.contains("`injected/deliberate failure [f64]` **fail**"),
        "{md}"
    );
    assert!(md.contains("| notebook | 1 | 1 | 0 | 0 | - |"), "{md}");
    let html = r.to_html();
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
    assert!(html.contains("<h2>Notebook</h2>"));
}

#[test]
fn all_four_files_are_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    sample().write_all(dir.path()).expect("writes");
    for f in REPORT_FILES {
        let text = std::fs::read_to_string(dir.path().join(f)).expect(f);
        assert!(text.contains("deliberate failure"), "{f} names the failure");
    }
    let page = std::fs::read_to_string(dir.path().join("steps-in-3.html")).expect("the page");
    assert_eq!(page, "<!DOCTYPE html><title>In [3] step by step</title>");
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(
        html.contains("<a href=\"steps-in-3.html\">"),
        "report.html links the page"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("lists")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(left.len(), 5, "no temporary files are left: {left:?}");
}

#[test]
fn without_a_notebook_no_rendering_has_a_notebook_section() {
    let r = audit();
    let v: serde_json::Value = serde_json::from_str(&r.to_json()).expect("json");
    assert!(v.get("notebook").is_none(), "{v}");
    assert!(!r.to_markdown().contains("| notebook |"));
    assert!(!r.to_html().contains("<h2>Notebook</h2>"));
    let xml = junit(&r);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed");
    assert!(
        doc.descendants()
            .all(|n| n.attribute("classname") != Some("notebook"))
    );
}

#[test]
fn the_title_names_every_rendering() {
    let r = audit();
    assert!(r.to_markdown().starts_with("## candle audit: "));
    assert!(r.to_html().contains("<title>candle audit</title>"));
    assert!(r.to_html().contains("<h1>candle audit: "));
    let xml = junit(&r);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed");
    assert_eq!(doc.root_element().attribute("name"), Some("candle audit"));
}

#[test]
fn junit_testcase_names_are_free_text() {
    let names = [
        "conv1d(padding=1, stride=1, dilation=1, groups=1) [f64]",
        "where_cond(a < b && c > \"d\") [f32]",
        "σ(x)·(1 − σ(x)) ['tick'] [f64]",
    ];
    let mut r = Report::new("free text");
    for n in names {
        r.push(CheckResult::new("candle", n, Status::Fail, "wrong"));
    }
    let xml = junit(&r);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed");
    let parsed: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .filter_map(|n| n.attribute("name"))
        .collect();
    assert_eq!(parsed, names);
}

#[test]
fn every_failure_kind_is_a_junit_failure_typed_by_its_status() {
    let kinds = [
        Status::Fail,
        Status::NonFinite,
        Status::MissingGradient,
        Status::SilentZero,
        Status::WrongShape,
        Status::BackwardError,
        Status::Panic,
    ];
    let mut r = Report::new("kinds");
    for k in kinds {
        r.push(CheckResult::new("ops", k.label(), k, format!("{k} found")));
    }
    let s = r.summary();
    assert_eq!((s.failed, s.non_finite), (kinds.len(), 1));
    for k in kinds {
        assert_eq!(s.by_status[k.label()], 1, "{k}");
    }
    let xml = junit(&r);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed");
    assert_eq!(
        doc.root_element().attribute("failures"),
        Some(kinds.len().to_string().as_str())
    );
    for k in kinds {
        let failure = child(testcase(&doc, k.label()), "failure").expect("a failure");
        assert_eq!(failure.attribute("type"), Some(k.label()));
    }
    let md = r.to_markdown();
    let html = r.to_html();
    for k in kinds {
        assert!(md.contains(&format!("`ops/{k}` **{k}**")), "{md}");
        assert!(html.contains(&format!("<td class=\"{k}\">{k}</td>")), "{k}");
    }
}

#[test]
fn a_known_finding_that_reproduces_is_shown_as_known_and_counted_apart() {
    let mut r = audit();
    r.checks.retain(|c| c.status != Status::SilentZero);
    let s = r.summary();
    assert_eq!(
        (s.total, s.passed, s.failed, s.known, s.skipped),
        (3, 1, 0, 1, 1)
    );
    assert!(r.passed(), "{}", s.verdict());
    assert_eq!(
        s.verdict(),
        "no new findings; every known finding still reproduces"
    );
    let states = r.finding_states();
    assert_eq!(states.len(), 1);
    assert_eq!(states[0].reproduction(), Reproduction::Reproduced);

    let xml = junit(&r);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed");
    assert_eq!(doc.root_element().attribute("failures"), Some("0"));
    assert_eq!(doc.root_element().attribute("skipped"), Some("2"));
    let case = testcase(
        &doc,
        "conv_transpose1d(padding=0, stride=2, dilation=2, groups=1) [f64]",
    );
    let skipped = child(case, "skipped").expect("known findings are skipped, not hidden");
    assert_eq!(skipped.attribute("type"), Some("known-finding"));
    assert!(
        skipped
            .attribute("message")
            .unwrap_or("")
            .starts_with("fail (known CANDLE-0001): "),
        "{skipped:?}"
    );
    assert!(
        skipped
            .text()
            .unwrap_or("")
            .starts_with("at kernel[0, 1, 2]: analytic 3.0, numeric 2.5")
    );

    let md = r.to_markdown();
    assert!(
        md.starts_with("## candle audit: ✅ no new findings"),
        "{md}"
    );
    assert!(md.contains("| known | not reproduced |"), "{md}");
    assert!(
        md.contains("| [CANDLE-0001](findings/CANDLE-0001.md) | conv_transpose1d: wrong gradient | reproduced |"),
        "{md}"
    );
    assert!(md.contains("candle-core: 0.9.1"), "{md}");
    let html = r.to_html();
    assert!(html.contains("<td class=\"known\">fail (known CANDLE-0001)</td>"));
    assert!(html.contains("<h2>Known findings</h2>"));
    assert!(html.contains("<a href=\"findings/CANDLE-0001.md\">CANDLE-0001</a>"));

    let v: serde_json::Value = serde_json::from_str(&r.to_json()).expect("json");
    assert_eq!(v["summary"]["known"], 1);
    assert_eq!(v["known_findings"][0]["id"], "CANDLE-0001");
    assert_eq!(v["known_findings"][0]["reproduction"], "reproduced");
    assert_eq!(v["checks"][0]["known"], "CANDLE-0001");
    assert_eq!(
        v["checks"][0]["location"]["index"],
        serde_json::json!([0, 1, 2])
    );
}

#[test]
fn a_known_finding_that_stopped_reproducing_fails_the_run() {
    let mut r = audit();
    r.checks.retain(|c| c.status != Status::SilentZero);
    r.checks[0].status = Status::Pass;
    let s = r.summary();
    assert_eq!((s.failed, s.not_reproduced, s.known), (0, 1, 0));
    assert!(!r.passed());
    assert_eq!(s.verdict(), "1 known finding check(s) no longer reproduce");
    assert_eq!(
        r.finding_states()[0].reproduction(),
        Reproduction::NotReproduced
    );
    let xml = junit(&r);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed");
    assert_eq!(doc.root_element().attribute("failures"), Some("1"));
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .expect("a failure");
    assert_eq!(failure.attribute("type"), Some("not-reproduced"));
    let md = r.to_markdown();
    assert!(
        md.contains("**pass (known CANDLE-0001 no longer reproduces)**"),
        "{md}"
    );
    assert!(md.contains("❌ no longer reproduces"), "{md}");
}

#[test]
fn a_listed_known_finding_no_check_refers_to_fails_the_run() {
    let mut r = audit();
    r.checks.retain(|c| c.known.is_none() && c.status.is_ok());
    let s = r.summary();
    assert_eq!((s.failed, s.findings_not_checked), (0, 1));
    assert!(!r.passed());
    let xml = junit(&r);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed");
    let case = testcase(&doc, "CANDLE-0001: conv_transpose1d: wrong gradient");
    assert_eq!(case.attribute("classname"), Some("known-findings"));
    assert_eq!(
        child(case, "failure").and_then(|f| f.attribute("type")),
        Some("not-checked")
    );
    assert!(r.to_markdown().contains("❌ not checked"));
}

#[test]
fn a_new_failure_with_a_source_line_and_a_skipped_check_render() {
    let r = audit();
    assert!(!r.passed());
    let xml = junit(&r);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed");
    let case = testcase(&doc, "erf [f32]");
    assert_eq!(case.attribute("file"), Some("crates/candle/tests/ops.rs"));
    assert_eq!(case.attribute("line"), Some("12"));
    let skipped = child(testcase(&doc, "layer_norm [f64]"), "skipped").expect("skipped");
    assert_eq!(
        skipped.attribute("message"),
        Some("f64 not supported by candle")
    );
    let props: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("property"))
        .map(|p| (p.attribute("name"), p.attribute("value")))
        .collect();
    assert!(props.contains(&(Some("candle-core"), Some("0.9.1"))));
    let md = r.to_markdown();
    assert!(
        md.contains(
            "- `candle/erf [f32]` **silent-zero**: gradient is exactly zero (crates/candle/tests/ops.rs:12)"
        ),
        "{md}"
    );
    assert!(md.contains("| skipped |"), "{md}");
}

#[test]
fn a_check_naming_an_unlisted_finding_is_still_known() {
    let mut r = Report::new("audit");
    r.push(CheckResult::new("ops", "a", Status::Fail, "wrong").known_as("X-1"));
    assert!(r.passed());
    let states = r.finding_states();
    assert_eq!(states[0].finding.id, "X-1");
    let back = Report::from_json(&r.to_json()).expect("reads");
    assert!(
        back.known_findings.is_empty(),
        "an unlisted id is not listed after a round trip"
    );
}

#[test]
fn the_error_chart_is_well_formed_svg_whatever_the_rule_names() {
    let mut r = Report::new("chart");
    for (rule, status) in [
        ("where_cond(a < b && c > \"d\")", Status::Fail),
        ("σ(x)·(1 − σ(x))", Status::Pass),
    ] {
        r.push(
            CheckResult::new("ops", format!("{rule} [f64]"), status, "…")
                .with_rule(rule)
                .with_dtype("f64")
                .with_rel_error(0.3),
        );
    }
    let svg = chart::render(&r.checks).expect("a chart");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let labels: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(str::trim)
        .collect();
    assert!(
        labels.contains(&"ops/where_cond(a < b && c > \"d\")"),
        "{labels:?}"
    );
}

#[test]
fn a_failure_without_an_error_figure_is_in_the_chart() {
    // A missing gradient and a panic have no relative error; a pass
    // without one has nothing to draw.
    let checks = vec![
        check("ops", "dropout", Status::MissingGradient, None),
        check("ops", "conv1d", Status::Panic, None),
        check("ops", "exp", Status::Pass, None),
    ];
    let svg = chart::render(&checks).expect("failures are charted");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let labels: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(str::trim)
        .collect();
    assert!(labels.contains(&"ops/dropout"), "{labels:?}");
    assert!(labels.contains(&"ops/conv1d"), "{labels:?}");
    assert!(!labels.contains(&"ops/exp"), "{labels:?}");
    assert!(chart::render(&checks[2..]).is_none());
}

/// An `f32` layer norm failing in three inputs: a wrong element of `x`
/// whose values are an `f32` 1.9 (analytic, widened to `f64`) against an
/// `f64` 0.95 with rounding noise, a Jacobian entry of `gamma`, and a
/// projection of `beta`; the checker's text on three lines.
fn failing_f32_check() -> CheckResult {
    let text = "layer_norm [f32, Exhaustive, seed 0]: fail\n  x -> output: fail\n    [1, 2] at x = 7.5e-1: analytic 1.9e0, numeric 9.500000000000001e-1\n";
    CheckResult::new(
        "my-ops",
        "layer_norm [f32]",
        Status::Fail,
        format_message(Status::Fail, text),
    )
    .with_rule("layer_norm")
    .with_dtype("f32")
    .with_rel_error(0.99999)
    .with_location(
        Location::new("x", vec![1, 2])
            .with_input_value(f64::from(0.75f32))
            .with_values(f64::from(1.9f32), 0.950_000_000_000_000_1),
    )
    .with_worst_elements(vec![
        WorstElement::new("x", vec![1, 2], f64::from(1.9f32), 0.950_000_000_000_000_1)
            .with_input_value(f64::from(0.75f32)),
        WorstElement {
            output_index: Some(vec![0, 3]),
            rel_error: 0.99999,
            ..WorstElement::new("gamma", vec![3], 2.0 / 3.0, 123_456.0)
                .with_input_value(-1.234_567_8)
        },
        WorstElement::new("beta", vec![], 1e-7, 2e-7),
    ])
    .with_source(Source {
        file: "tests/layer_norm.rs".into(),
        line: 12,
    })
}

#[test]
fn a_failure_in_markdown_is_a_sentence_a_table_of_the_worst_elements_and_folded_text() {
    let mut r = Report::new("my-ops gradient checks");
    r.push(failing_f32_check());
    let md = r.to_markdown();
    // Written out by hand from the inputs above: 4 significant digits,
    // trailing zeros dropped; |1.9 - 0.95| / (1.9 + 0.95) = 1/3.
    let expected = "
- `my-ops/layer_norm [f32]` **fail**: analytic and numerical derivatives disagree; worst at `x[1, 2]` (input 0.75): analytic 1.9, numeric 0.95, relative error 0.3333 (tests/layer_norm.rs:12)

  | input | index | input value | analytic | numeric | relative error |
  |---|---|---:|---:|---:|---:|
  | x | [1, 2] | 0.75 | 1.9 | 0.95 | 0.3333 |
  | gamma | [3] (out[0, 3]) | -1.235 | 0.6667 | 1.235e5 | 1 |
  | beta | projection | - | 1e-7 | 2e-7 | 0.3333 |

  <details><summary>full text</summary>

  ```text
  layer_norm [f32, Exhaustive, seed 0]: fail
    x -> output: fail
      [1, 2] at x = 7.5e-1: analytic 1.9e0, numeric 9.500000000000001e-1
  ```

  </details>
";
    assert!(md.contains(expected), "{md}");
    for noise in [
        "1.9000000000000001",
        "1.899999976158142",
        "0.9500000000000001",
    ] {
        assert!(
            !md.replace("9.500000000000001e-1", "").contains(noise),
            "{noise} outside the checker's own text: {md}"
        );
    }
}

#[test]
fn a_failure_in_html_is_a_sentence_a_table_of_the_worst_elements_and_folded_text() {
    let mut r = Report::new("my-ops gradient checks");
    r.push(failing_f32_check());
    let html = r.to_html();
    let expected = concat!(
        "<td>analytic and numerical derivatives disagree; worst at <code>x[1, 2]</code> ",
        "(input 0.75): analytic 1.9, numeric 0.95, relative error 0.3333 ",
        "<small>(tests/layer_norm.rs:12)</small>",
        "<table class=\"worst\"><tr><th>input</th><th>index</th><th>input value</th>",
        "<th>analytic</th><th>numeric</th><th>relative error</th></tr>",
        "<tr><td>x</td><td>[1, 2]</td><td>0.75</td><td>1.9</td><td>0.95</td><td>0.3333</td></tr>",
        "<tr><td>gamma</td><td>[3] (out[0, 3])</td><td>-1.235</td><td>0.6667</td><td>1.235e5</td><td>1</td></tr>",
        "<tr><td>beta</td><td>projection</td><td>-</td><td>1e-7</td><td>2e-7</td><td>0.3333</td></tr></table>",
        "<details><summary>full text</summary><pre>layer_norm [f32, Exhaustive, seed 0]: fail\n",
        "  x -&gt; output: fail\n",
        "    [1, 2] at x = 7.5e-1: analytic 1.9e0, numeric 9.500000000000001e-1</pre></details></td>",
    );
    assert!(html.contains(expected), "{html}");
    // The f32 value widened to f64 is shown as the f32 it is in the JUnit
    // body too; the numerical side is the f64 oracle's.
    let xml = junit(&r);
    assert!(
        xml.contains("at x[1, 2] (input 0.75): analytic 1.9, numeric 0.9500000000000001"),
        "{xml}"
    );
}

#[test]
fn numbers_print_at_4_significant_digits_never_as_binary_noise() {
    let cases = [
        (1.9000000000000001, "1.9"),
        (f64::from(1.9f32), "1.9"),
        (0.1 + 0.2, "0.3"),
        (-2.5e-11, "-2.5e-11"),
        (0.000_123_45, "0.0001234"),
        (0.000_012_345_6, "1.235e-5"),
        (9999.4, "9999"),
        (9999.6, "1e4"),
        (1.0, "1"),
        (f64::NAN, "NaN"),
    ];
    for (v, text) in cases {
        assert_eq!(format_significant(v), text, "{v:?}");
    }
    assert_eq!(format_shortest(f64::from(1.9f32), Some("f32")), "1.9");
    assert_eq!(
        format_shortest(1.9000000000000001, Some("f64")),
        "1.9000000000000001"
    );
}

#[test]
fn a_passing_check_and_a_failure_without_values_keep_their_one_line() {
    let mut r = Report::new("ops");
    r.push(CheckResult::new(
        "ops",
        "exp [f64]",
        Status::Pass,
        "exp [f64]: pass",
    ));
    r.push(CheckResult::new(
        "ops",
        "erf [f64]",
        Status::BackwardError,
        "backward not supported for erf",
    ));
    let md = r.to_markdown();
    assert!(
        md.contains("- `ops/erf [f64]` **backward-error**: backward not supported for erf\n"),
        "{md}"
    );
    assert!(!md.contains("<details>"), "nothing to fold: {md}");
    let html = r.to_html();
    assert!(
        html.contains("<td>backward not supported for erf</td>"),
        "{html}"
    );
    assert!(html.contains("<td>exp [f64]: pass</td>"), "{html}");
    assert!(!html.contains("<details>"), "{html}");
}

/// A known finding reproduced by four checks of two sizes and two types,
/// with the command that reproduces it.
fn pooling_finding() -> Report {
    let mut r = Report::new("candle audit").with_known_findings(vec![
        KnownFinding::new("CANDLE-0002", "pooling: gradient on the wrong elements")
            .with_reference("findings/CANDLE-0002.md")
            .with_reproducer(
                "cargo xtask audit candle --filter 'avg_pool2d((2, 2)) x[1, 1, 5, 5] [f64]'",
            ),
    ]);
    for name in [
        "avg_pool2d((2, 2)) x[2, 2, 4, 5] [f64]",
        "avg_pool2d((2, 2)) x[2, 2, 4, 5] [f32]",
        "avg_pool2d((2, 2)) x[1, 1, 5, 5] [f32]",
        "avg_pool2d((2, 2)) x[1, 1, 5, 5] [f64]",
    ] {
        r.push(
            CheckResult::new("candle-core", name, Status::Fail, "wrong").known_as("CANDLE-0002"),
        );
    }
    r
}

#[test]
fn a_known_finding_shows_its_count_smallest_configuration_and_reproducer_and_folds_its_checks() {
    let r = pooling_finding();
    let md = r.to_markdown();
    let expected = concat!(
        "| [CANDLE-0002](findings/CANDLE-0002.md) | pooling: gradient on the wrong elements | reproduced | ",
        "4 checks fail as described; smallest: `candle-core/avg_pool2d((2, 2)) x[1, 1, 5, 5] [f64]`; ",
        "reproduce: `cargo xtask audit candle --filter 'avg_pool2d((2, 2)) x[1, 1, 5, 5] [f64]'` ",
        "<details><summary>all 4 checks</summary>",
        "`candle-core/avg_pool2d((2, 2)) x[2, 2, 4, 5] [f64]`<br>",
        "`candle-core/avg_pool2d((2, 2)) x[2, 2, 4, 5] [f32]`<br>",
        "`candle-core/avg_pool2d((2, 2)) x[1, 1, 5, 5] [f32]`<br>",
        "`candle-core/avg_pool2d((2, 2)) x[1, 1, 5, 5] [f64]`</details> |\n",
    );
    assert!(md.contains(expected), "{md}");
    let html = r.to_html();
    let expected = concat!(
        "<td>4 checks fail as described; smallest: <code>candle-core/avg_pool2d((2, 2)) x[1, 1, 5, 5] [f64]</code>; ",
        "reproduce: <code>cargo xtask audit candle --filter &#39;avg_pool2d((2, 2)) x[1, 1, 5, 5] [f64]&#39;</code>",
        "<details><summary>all 4 checks</summary>",
        "candle-core/avg_pool2d((2, 2)) x[2, 2, 4, 5] [f64]<br>",
        "candle-core/avg_pool2d((2, 2)) x[2, 2, 4, 5] [f32]<br>",
        "candle-core/avg_pool2d((2, 2)) x[1, 1, 5, 5] [f32]<br>",
        "candle-core/avg_pool2d((2, 2)) x[1, 1, 5, 5] [f64]</details></td></tr>",
    );
    assert!(html.contains(expected), "{html}");

    // One check passing: the count says so and the passing check leads the
    // folded list.
    let mut changed = pooling_finding();
    changed.checks[0].status = Status::Pass;
    let md = changed.to_markdown();
    assert!(
        md.contains("| ❌ no longer reproduces | 1 of 4 checks passed; smallest: `candle-core/avg_pool2d((2, 2)) x[1, 1, 5, 5] [f64]`;"),
        "{md}"
    );
    assert!(
        md.contains("<summary>all 4 checks</summary>`candle-core/avg_pool2d((2, 2)) x[2, 2, 4, 5] [f64]` (passed)<br>"),
        "{md}"
    );
}

#[test]
fn worst_elements_and_reproducers_round_trip_through_json() {
    let mut r = pooling_finding();
    r.push(failing_f32_check());
    let back = Report::from_json(&r.to_json()).expect("reads");
    assert_eq!(back.checks, r.checks);
    assert_eq!(back.known_findings, r.known_findings);
    let v: serde_json::Value = serde_json::from_str(&r.to_json()).expect("json");
    assert_eq!(
        v["known_findings"][0]["reproducer"],
        "cargo xtask audit candle --filter 'avg_pool2d((2, 2)) x[1, 1, 5, 5] [f64]'"
    );
    assert_eq!(
        v["checks"][4]["worst_elements"][1],
        serde_json::json!({
            "input": "gamma", "index": [3], "output_index": [0, 3], "input_value": -1.2345678,
            "analytic": 2.0 / 3.0, "numeric": 123456.0, "rel_error": 0.99999
        })
    );
    assert!(
        v["checks"][0].get("worst_elements").is_none(),
        "absent when empty"
    );
}
