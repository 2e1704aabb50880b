//! Running the `backprop` binary.

#![allow(dead_code)] // each test file uses its own part

pub mod chromium;
pub mod page;

use std::io::Write;
use std::process::{Command, Stdio};

/// What one run printed and its exit status.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub status: i32,
}

/// Runs `backprop` with `args` (and `stdin`, if given).
pub fn backprop_with_stdin(args: &[&str], stdin: Option<&str>) -> Run {
    backprop_bytes_stdin(args, stdin.unwrap_or("").as_bytes())
}

/// Runs `backprop` with `args` and raw bytes on standard input.
pub fn backprop_bytes_stdin(args: &[&str], stdin: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_backprop"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    {
        let mut pipe = child.stdin.take().expect("piped");
        pipe.write_all(stdin).expect("write stdin");
    }
    let out = child.wait_with_output().expect("the binary finishes");
    Run {
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
        status: out.status.code().expect("exited, not killed"),
    }
}

/// Runs `backprop` with `args`.
pub fn backprop(args: &[&str]) -> Run {
    backprop_with_stdin(args, None)
}

/// `grad --json`: the value and the gradients in the order printed.
pub fn grad_json(args: &[&str]) -> (serde_json::Value, Vec<(String, serde_json::Value)>) {
    let mut all = vec!["grad", "--json"];
    all.extend_from_slice(args);
    let run = backprop(&all);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 1, "one line: {}", run.stdout);
    let object: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    let keys = object.as_object().expect("an object").len();
    assert_eq!(keys, 2, "exactly value and grad: {}", run.stdout);
    // serde_json's map sorts keys; read the order from the text itself.
    let grad = object["grad"].as_object().expect("grad is an object");
    let mut ordered: Vec<(String, serde_json::Value)> =
        grad.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    ordered.sort_by_key(|(k, _)| {
        run.stdout
            .find(&format!("\"{k}\":"))
            .expect("key in the text")
    });
    (object["value"].clone(), ordered)
}
