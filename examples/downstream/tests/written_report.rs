//! Checks the report folder that `cargo test` wrote through
//! `BACKPROP_REPORT_DIR` (run by `.ci/run` and CI after that `cargo test`,
//! with `--ignored`): the planted ELU bug is there as a failure with its
//! location and source line, softplus as a pass.

use backprop_report::{REPORT_FILES, Recorder, Report, Status};

#[test]
#[ignore = "reads the folder a previous `cargo test` wrote; run with BACKPROP_REPORT_DIR set and --ignored"]
fn the_folder_cargo_test_wrote_shows_the_planted_bug() {
    let recorder =
        Recorder::from_env().expect("BACKPROP_REPORT_DIR names the folder `cargo test` wrote");
    let dir = recorder.dir();
    for f in REPORT_FILES {
        assert!(dir.join(f).is_file(), "{} has no {f}", dir.display());
    }
    let json = std::fs::read_to_string(dir.join("report.json")).expect("report.json");
    let report = Report::from_json(&json).expect("parses");
    let find = |name: &str| {
        report
            .checks
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("{name} was recorded"))
    };
    assert_eq!(find("softplus [f64]").status, Status::Pass);
    let elu = find("elu (planted bug) [f64]");
    assert_eq!(elu.status, Status::Fail);
    assert_eq!(elu.suite, "backprop-downstream-example");
    let at = elu.location.as_ref().expect("a location");
    assert!(
        at.input == "x" && at.input_value.is_some_and(|x| x < 0.0),
        "{at}"
    );
    let source = elu.source.as_ref().expect("the recording line");
    assert!(source.file.ends_with("tests/gradients.rs"), "{source}");
    assert_eq!(report.summary().failed, 1, "only the planted bug fails");

    let xml = std::fs::read_to_string(dir.join("junit.xml")).expect("junit.xml");
    assert!(xml.contains("name=\"elu (planted bug) [f64]\""), "{xml}");
    let md = std::fs::read_to_string(dir.join("report.md")).expect("report.md");
    assert!(md.contains("❌ some checks failed"), "{md}");
}
