//! `burn-audit`, the binary `cargo xtask audit burn` runs, end to end on a
//! slice of the catalog: its exit status follows the exit rule, it writes
//! the four reports with JUnit testcases named by the burn call, and bad
//! arguments are exit status 2 with clap's error and a pointer to `--help`.
//!
//! The whole audit is not run here: CI runs it once, as `cargo xtask audit
//! burn --test-build` on the binary this test build made.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn audit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_burn-audit"))
        .args(args)
        .output()
        .expect("burn-audit runs")
}

/// A fresh folder under the test build's target directory.
fn scratch(name: &str) -> PathBuf {
    let exe = Path::new(env!("CARGO_BIN_EXE_burn-audit"));
    let dir = exe
        .parent()
        .expect("target/<profile>/")
        .join("tmp-burn-audit")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn a_run_whose_failures_are_known_findings_exits_0_and_writes_the_four_reports() {
    let dir = scratch("gelu");
    let out = audit(&[
        "--filter",
        "activation::gelu",
        "--report-dir",
        dir.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("no new findings"), "{stdout}");
    assert!(
        stdout.contains("BURN-0001"),
        "the known finding is shown, not hidden: {stdout}"
    );
    for file in backprop_report::REPORT_FILES {
        assert!(
            dir.join(file).is_file(),
            "{} was not written",
            dir.join(file).display()
        );
    }
    let junit = std::fs::read_to_string(dir.join("junit.xml")).expect("junit.xml");
    assert!(junit.contains("name=\"activation::gelu [f64]\""), "{junit}");
    assert!(junit.contains("name=\"activation::gelu [f32]\""), "{junit}");
    assert!(
        stderr.contains("activation::gelu"),
        "progress names the function: {stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_arguments_exit_2_with_an_error_pointing_to_help() {
    for args in [
        &["--seed", "minus-one"][..],
        &["--frobnicate"],
        &["--dtype", "f16"],
    ] {
        let out = audit(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("error:"), "{stderr}");
        assert!(stderr.contains("try '--help'"), "{stderr}");
    }
    let help = audit(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("Exit status: 0"));
}
