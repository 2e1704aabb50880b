//! Peak memory of `backprop grad` and `backprop explain` on a
//! million-term expression, `x*y + x*y + …`: at most 150 MB and 300 MB.
//!
//! Measured, not timed: the peak resident set size of the child process,
//! as the kernel reports it to its parent (`getrusage(RUSAGE_CHILDREN)`).
//! This file holds one test so that its process has no other children.

#![cfg(target_os = "linux")]

use std::io::Write;
use std::process::{Command, Stdio};

use nix::sys::resource::{UsageWho, getrusage};

const TERMS: usize = 1_000_000;

/// Runs `backprop ARGS` with `stdin`, its output discarded; asserts it
/// succeeded.
fn run(args: &[&str], stdin: &[u8]) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_backprop"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(stdin)
        .expect("write stdin");
    let out = child.wait_with_output().expect("the binary finishes");
    assert!(
        out.status.success(),
        "backprop {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The largest peak RSS of any child waited for so far, in MB.
fn children_peak_mb() -> f64 {
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).expect("getrusage works on Linux");
    usage.max_rss() as f64 / 1024.0 // kilobytes on Linux
}

#[test]
fn a_million_terms_fit_in_the_memory_budgets() {
    let expr = vec!["x*y"; TERMS].join(" + ");
    run(&["grad", "-", "x=2", "y=3"], expr.as_bytes());
    let grad = children_peak_mb();
    assert!(grad <= 150.0, "grad peaked at {grad:.0} MB (budget 150 MB)");
    run(&["explain", "-", "x=2", "y=3"], expr.as_bytes());
    // The peak over both children: explain's, unless grad's was larger.
    let explain = children_peak_mb();
    assert!(
        explain <= 300.0,
        "explain peaked at {explain:.0} MB (budget 300 MB)"
    );
    eprintln!("peak RSS on {TERMS} terms: grad {grad:.0} MB, explain {explain:.0} MB");
}
