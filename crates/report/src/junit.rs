//! `junit.xml`: one `testcase` per notebook cell and per check, in the
//! JUnit XML dialect CI test viewers accept. Written with `quick-xml`, which
//! escapes every attribute and text node.

use std::io;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use super::{Report, Status};

/// One `<testcase>` before rendering.
struct Case {
    classname: String,
    name: String,
    status: Status,
    message: String,
    body: String,
}

fn cases(r: &Report) -> Vec<Case> {
    let cells = r.notebook.iter().map(|c| Case {
        classname: "notebook".into(),
        name: format!("In [{}]", c.number),
        status: c.status,
        message: "replay differs from the committed snapshot".into(),
        body: c.diff.clone().unwrap_or_default(),
    });
    let checks = r.checks.iter().map(|c| Case {
        classname: c.suite.clone(),
        name: c.name.clone(),
        status: c.status,
        message: c.message.clone(),
        body: serde_json::to_string_pretty(&c.details).unwrap_or_default(),
    });
    cells.chain(checks).collect()
}

fn write(w: &mut Writer<Vec<u8>>, event: Event<'_>) -> io::Result<()> {
    w.write_event(event).map_err(io::Error::other)
}

pub fn render(r: &Report) -> io::Result<Vec<u8>> {
    let cases = cases(r);
    let failures = cases
        .iter()
        .filter(|c| !c.status.is_ok())
        .count()
        .to_string();
    let tests = cases.len().to_string();
    let time = format!("{:.3}", r.summary.seconds);

    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    write(
        &mut w,
        Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)),
    )?;
    let root = BytesStart::new("testsuites").with_attributes([
        ("name", "backprop verify"),
        ("tests", tests.as_str()),
        ("failures", failures.as_str()),
        ("errors", "0"),
        ("time", time.as_str()),
    ]);
    write(&mut w, Event::Start(root))?;

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
        let failed = members
            .iter()
            .filter(|c| !c.status.is_ok())
            .count()
            .to_string();
        let skipped = "0";
        let start = BytesStart::new("testsuite").with_attributes([
            ("name", suite),
            ("tests", n.as_str()),
            ("failures", failed.as_str()),
            ("errors", "0"),
            ("skipped", skipped),
        ]);
        write(&mut w, Event::Start(start))?;
        for c in members {
            let case = BytesStart::new("testcase").with_attributes([
                ("classname", c.classname.as_str()),
                ("name", c.name.as_str()),
                ("time", "0"),
            ]);
            write(&mut w, Event::Start(case))?;
            match c.status {
                Status::Pass => {}
                Status::Kink => {
                    // A kink is reported, not failed: say so in the output.
                    write(&mut w, Event::Start(BytesStart::new("system-out")))?;
                    write(
                        &mut w,
                        Event::Text(BytesText::new(&format!("kink: {}", c.message))),
                    )?;
                    write(&mut w, Event::End(BytesEnd::new("system-out")))?;
                }
                Status::Fail | Status::NonFinite => {
                    let failure = BytesStart::new("failure").with_attributes([
                        ("message", c.message.as_str()),
                        ("type", c.status.label()),
                    ]);
                    write(&mut w, Event::Start(failure))?;
                    write(&mut w, Event::Text(BytesText::new(&c.body)))?;
                    write(&mut w, Event::End(BytesEnd::new("failure")))?;
                }
            }
            write(&mut w, Event::End(BytesEnd::new("testcase")))?;
        }
        write(&mut w, Event::End(BytesEnd::new("testsuite")))?;
    }
    write(&mut w, Event::End(BytesEnd::new("testsuites")))?;
    let mut bytes = w.into_inner();
    bytes.push(b'\n');
    Ok(bytes)
}
