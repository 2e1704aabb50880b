//! `cargo xtask verify` end to end: the real binary, a real (filtered)
//! catalog run, and an injected failing check.

use std::process::Command;

fn verify(dir: &std::path::Path, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args([
            "verify",
            "--filter",
            "sigmoid",
            "--seed",
            "3",
            "--report-dir",
        ])
        .arg(dir)
        .args(extra)
        .output()
        .expect("xtask runs")
}

#[test]
fn a_clean_filtered_run_passes_and_writes_four_reports() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = verify(dir.path(), &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("verify: ok,"), "{stdout}");
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("report.json")).expect("json"),
    )
    .expect("parses");
    assert_eq!(json["seed"], 3);
    assert_eq!(json["filter"], "sigmoid");
    let names: Vec<&str> = json["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert!(
        names.contains(&"sigmoid [f64]") && names.contains(&"sigmoid [f32]"),
        "{names:?}"
    );
    assert!(
        names.iter().all(|n| n.contains("sigmoid")),
        "the filter narrows: {names:?}"
    );
}

#[test]
fn an_injected_failure_fails_the_command_and_every_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = verify(dir.path(), &["--inject-failure"]);
    assert!(!out.status.success(), "must exit non-zero");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("FAILED"), "{stdout}");
    let read = |f: &str| std::fs::read_to_string(dir.path().join(f)).expect(f);

    let json: serde_json::Value = serde_json::from_str(&read("report.json")).expect("parses");
    let failed: Vec<&serde_json::Value> = json["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["status"] == "fail")
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["name"], "deliberate failure");

    let xml = read("junit.xml");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed");
    assert_eq!(doc.root_element().attribute("failures"), Some("1"));
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .expect("a <failure>");
    assert_eq!(
        failure.parent().and_then(|c| c.attribute("name")),
        Some("deliberate failure")
    );

    assert!(read("report.md").contains("`injected/deliberate failure` **fail**"));
    assert!(read("report.html").contains("<td class=\"fail\">fail</td>"));
}

#[test]
fn seeds_reproduce_a_run() {
    let (a, b) = (
        tempfile::tempdir().expect("dir"),
        tempfile::tempdir().expect("dir"),
    );
    assert!(verify(a.path(), &[]).status.success());
    assert!(verify(b.path(), &[]).status.success());
    let checks = |d: &std::path::Path| {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(d.join("report.json")).expect("json"))
                .expect("parses");
        v["checks"].clone()
    };
    assert_eq!(checks(a.path()), checks(b.path()));
}

#[test]
fn report_html_links_a_step_by_step_page_for_each_gradient_cell() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["verify", "--filter", "In [", "--report-dir"])
        .arg(dir.path())
        .output()
        .expect("xtask runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(dir.path().join("report.html")).expect("report.html");
    for cell in [3, 4, 12] {
        let file = format!("steps-in-{cell}.html");
        let page = std::fs::read_to_string(dir.path().join(&file)).expect(&file);
        assert!(page.starts_with("<!DOCTYPE html>"), "{file}");
        assert!(
            page.contains("id=\"bp-data\"") && page.contains(&format!("In [{cell}]")),
            "{file} is the cell's stepper"
        );
        assert!(
            html.contains(&format!("<a href=\"{file}\">")),
            "report.html links {file}"
        );
    }
    for cell in [8, 16] {
        assert!(
            !dir.path().join(format!("steps-in-{cell}.html")).exists(),
            "In [{cell}] has no gradient circuit"
        );
    }
}
