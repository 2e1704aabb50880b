//! `junit.xml`: one `testcase` per notebook cell and per check, in the
//! JUnit XML dialect CI test viewers accept. Written with `quick-xml`,
//! which escapes every attribute and text node.
//!
//! A new failure of any kind is a `<failure>` whose `type` is the status
//! (`fail`, `silent-zero`, `panic`, ...). A known finding that still
//! reproduces is a `<skipped type="known-finding">` (as pytest writes an
//! expected failure): visible, counted apart, not failing the build. A
//! known finding that no longer reproduces is a failure, and so is a listed
//! known finding no check referred to (a test case of its own).

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use crate::format::status_text;
use crate::{Outcome, Property, Report, Reproduction};

/// How a test case ended, in JUnit's terms.
enum Verdict {
    Passed,
    /// Passed, with a note in `<system-out>` (kinks).
    Noted(String),
    Skipped {
        kind: Option<&'static str>,
        message: String,
    },
    Failed {
        kind: String,
        message: String,
    },
}

/// One `<testcase>` before rendering.
struct Case {
    classname: String,
    name: String,
    verdict: Verdict,
    body: String,
    source: Option<(String, String)>,
}

impl Case {
    fn failed(&self) -> bool {
        matches!(self.verdict, Verdict::Failed { .. })
    }
    fn skipped(&self) -> bool {
        matches!(self.verdict, Verdict::Skipped { .. })
    }
}

/// The suite of test cases for known findings no check referred to.
const FINDINGS_SUITE: &str = "known-findings";

fn cases(r: &Report) -> Vec<Case> {
    let cells = r.cells().iter().map(|c| Case {
        classname: "notebook".into(),
        name: format!("In [{}]", c.number),
        verdict: if c.status.is_ok() {
            Verdict::Passed
        } else {
            Verdict::Failed {
                kind: c.status.label().into(),
                message: "replay differs from the committed snapshot".into(),
            }
        },
        body: c.diff.clone().unwrap_or_default(),
        source: None,
    });
    let checks = r.checks.iter().map(|c| {
        let verdict = match c.outcome() {
            Outcome::Passed => Verdict::Passed,
            // A kink is reported, not failed: say so in the output.
            Outcome::Kink => Verdict::Noted(format!("kink: {}", c.message)),
            Outcome::Skipped => Verdict::Skipped {
                kind: None,
                message: c.message.clone(),
            },
            Outcome::Known => Verdict::Skipped {
                kind: Some("known-finding"),
                message: format!("{}: {}", status_text(c), c.message),
            },
            Outcome::NotReproduced => Verdict::Failed {
                kind: "not-reproduced".into(),
                message: format!("{}: {}", status_text(c), c.message),
            },
            Outcome::Failed => Verdict::Failed {
                kind: c.status.label().into(),
                message: c.message.clone(),
            },
        };
        // The body (where, and every figure) only where a reader needs it.
        let mut lines = Vec::new();
        if matches!(
            verdict,
            Verdict::Failed { .. } | Verdict::Skipped { kind: Some(_), .. }
        ) {
            if let Some(at) = &c.location {
                lines.push(format!("at {}", at.describe(c.dtype.as_deref())));
            }
            if !c.details.is_null() {
                lines.push(serde_json::to_string_pretty(&c.details).unwrap_or_default());
            }
        }
        let body = lines.join("\n");
        Case {
            classname: c.suite.clone(),
            name: c.name.clone(),
            verdict,
            body,
            source: c
                .source
                .as_ref()
                .map(|s| (s.file.clone(), s.line.to_string())),
        }
    });
    let unchecked = r
        .finding_states()
        .into_iter()
        .filter(|f| f.reproduction() == Reproduction::NotChecked)
        .map(|f| Case {
            classname: FINDINGS_SUITE.into(),
            name: format!("{}: {}", f.finding.id, f.finding.title),
            verdict: Verdict::Failed {
                kind: "not-checked".into(),
                message: format!(
                    "known finding {} is listed but no check referred to it",
                    f.finding.id
                ),
            },
            body: f.finding.reference.unwrap_or_default(),
            source: None,
        });
    cells.chain(checks).chain(unchecked).collect()
}

/// Writing to memory cannot fail; quick-xml's error type still says it
/// might.
fn write(w: &mut Writer<Vec<u8>>, event: Event<'_>) {
    w.write_event(event).expect("writing XML to memory");
}

fn text_element(w: &mut Writer<Vec<u8>>, start: BytesStart<'_>, text: &str) {
    let end = BytesEnd::new(String::from_utf8_lossy(start.name().as_ref()).into_owned());
    write(w, Event::Start(start));
    write(w, Event::Text(BytesText::new(text)));
    write(w, Event::End(end));
}

fn properties(w: &mut Writer<Vec<u8>>, properties: &[Property]) {
    if properties.is_empty() {
        return;
    }
    write(w, Event::Start(BytesStart::new("properties")));
    for p in properties {
        let property = BytesStart::new("property")
            .with_attributes([("name", p.name.as_str()), ("value", p.value.as_str())]);
        write(w, Event::Empty(property));
    }
    write(w, Event::End(BytesEnd::new("properties")));
}

fn testcase(w: &mut Writer<Vec<u8>>, c: &Case) {
    let mut case = BytesStart::new("testcase").with_attributes([
        ("classname", c.classname.as_str()),
        ("name", c.name.as_str()),
        ("time", "0"),
    ]);
    if let Some((file, line)) = &c.source {
        case.extend_attributes([("file", file.as_str()), ("line", line.as_str())]);
    }
    write(w, Event::Start(case));
    match &c.verdict {
        Verdict::Passed => {}
        Verdict::Noted(note) => text_element(w, BytesStart::new("system-out"), note),
        Verdict::Skipped { kind, message } => {
            let mut skipped =
                BytesStart::new("skipped").with_attributes([("message", message.as_str())]);
            if let Some(kind) = kind {
                skipped.push_attribute(("type", *kind));
                text_element(w, skipped, &c.body);
            } else {
                write(w, Event::Empty(skipped));
            }
        }
        Verdict::Failed { kind, message } => {
            let failure = BytesStart::new("failure")
                .with_attributes([("message", message.as_str()), ("type", kind.as_str())]);
            text_element(w, failure, &c.body);
        }
    }
    write(w, Event::End(BytesEnd::new("testcase")));
}

/// Renders `junit.xml`.
pub(crate) fn render(r: &Report) -> String {
    let cases = cases(r);
    let count = |f: fn(&Case) -> bool| cases.iter().filter(|c| f(c)).count().to_string();
    let tests = cases.len().to_string();
    let failures = count(Case::failed);
    let skipped = count(Case::skipped);
    let time = r.seconds.map(|s| format!("{s:.3}"));

    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    write(
        &mut w,
        Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)),
    );
    let mut root = BytesStart::new("testsuites").with_attributes([
        ("name", r.title.as_str()),
        ("tests", tests.as_str()),
        ("failures", failures.as_str()),
        ("errors", "0"),
    ]);
    if skipped != "0" {
        root.push_attribute(("skipped", skipped.as_str()));
    }
    if let Some(time) = &time {
        root.push_attribute(("time", time.as_str()));
    }
    write(&mut w, Event::Start(root));

    // One <testsuite> per classname, in order of first appearance.
    let mut suites: Vec<&str> = Vec::new();
    for c in &cases {
        if !suites.contains(&c.classname.as_str()) {
            suites.push(&c.classname);
        }
    }
    for suite in suites {
        let members: Vec<&Case> = cases.iter().filter(|c| c.classname == suite).collect();
        let n = members.len().to_string();
        let failed = members.iter().filter(|c| c.failed()).count().to_string();
        let skipped = members.iter().filter(|c| c.skipped()).count().to_string();
        let start = BytesStart::new("testsuite").with_attributes([
            ("name", suite),
            ("tests", n.as_str()),
            ("failures", failed.as_str()),
            ("errors", "0"),
            ("skipped", skipped.as_str()),
        ]);
        write(&mut w, Event::Start(start));
        properties(&mut w, &r.properties);
        for c in members {
            testcase(&mut w, c);
        }
        write(&mut w, Event::End(BytesEnd::new("testsuite")));
    }
    write(&mut w, Event::End(BytesEnd::new("testsuites")));
    let mut xml = String::from_utf8(w.into_inner()).expect("quick-xml writes UTF-8");
    xml.push('\n');
    xml
}

impl Report {
    /// `junit.xml`: one `<testsuite>` per suite (the notebook first), one
    /// `<testcase>` per cell and check, named by the check's free-text name
    /// and classed by its suite.
    ///
    /// ```
    /// use backprop_report::{CheckResult, Report, Status};
    ///
    /// let mut report = Report::new("candle audit");
    /// report.push(CheckResult::new(
    ///     "candle",
    ///     "conv1d(padding=1, stride=1, dilation=1, groups=1) [f64]",
    ///     Status::SilentZero,
    ///     "gradient of the kernel is all zero",
    /// ));
    /// let xml = report.to_junit();
    /// assert!(xml.contains(r#"name="conv1d(padding=1, stride=1, dilation=1, groups=1) [f64]""#));
    /// assert!(xml.contains(r#"type="silent-zero""#));
    /// ```
    pub fn to_junit(&self) -> String {
        render(self)
    }
}
