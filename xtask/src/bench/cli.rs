//! The `cli_million_terms` rows: the `backprop` command itself on a
//! million-term expression, `x*y + x*y + …` (6 MB on standard input), as
//! issue 10 measures it — `grad` and `explain`, wall time, the child's
//! peak resident set size and the size of what it printed.
//!
//! Each command runs once untimed (its output counted through a pipe), then
//! [`RUNS`] times with its output going to `/dev/null`: the best time
//! counts, and the largest peak RSS. Three runs are enough at these
//! durations (tenths of a second to seconds, against noise of a few
//! percent). Every run is a fresh child of a fresh process (`cargo xtask
//! bench-sample`, see [`sample_in_fresh_process`]), because the kernel only
//! reports the largest peak over all of a process's children
//! (`getrusage(RUSAGE_CHILDREN)`): a fresh parent makes that peak the
//! measured child's own.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::workspace_root;

/// Terms of the expression, as in the issue.
pub const TERMS: usize = 1_000_000;

/// Timed runs per command (after one untimed run).
pub const RUNS: usize = 3;

/// The issue's peak-RSS budgets and the time aimed at, per command.
pub fn targets(command: &str) -> (f64, Option<f64>) {
    match command {
        "grad" => (150.0, None),
        _ => (300.0, Some(3.0)),
    }
}

/// The commands measured, with the values the expression is evaluated at.
pub const COMMANDS: [&str; 2] = ["grad", "explain"];

/// `{"op":"cli_million_terms","command":"explain","terms":1000000,
/// "seconds":..,"peak_rss_mb":..,"output_bytes":..}`.
#[derive(Serialize, Debug, Clone)]
pub struct Measurement {
    op: &'static str,
    /// `grad` or `explain`.
    pub command: &'static str,
    /// Terms of `x*y + x*y + …`.
    pub terms: usize,
    /// Best wall time of the runs, from start to exit, output to
    /// `/dev/null`.
    pub seconds: f64,
    /// Largest peak resident set size of the runs, in MB (2^20 bytes).
    pub peak_rss_mb: f64,
    /// Bytes written to standard output.
    pub output_bytes: u64,
}

/// `x*y + x*y + …` with `terms` terms.
pub fn expression(terms: usize) -> String {
    vec!["x*y"; terms].join(" + ")
}

/// One run of a program: what to run, and where its input comes from.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    /// File read as the program's standard input.
    pub stdin: PathBuf,
    /// Count what the program writes to standard output (through a pipe)
    /// instead of sending it to `/dev/null`.
    pub count_output: bool,
}

/// What one run measured.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Wall time from spawn to exit.
    pub seconds: f64,
    /// The largest peak RSS of this process's children, in KiB.
    pub peak_rss_kib: u64,
    /// Bytes of standard output, when counted.
    pub output_bytes: Option<u64>,
}

/// Runs `command` (its arguments after `args`, standard input the
/// expression) once untimed and [`RUNS`] times timed through `sample`.
///
/// # Errors
///
/// When the expression cannot be written to a temporary file or a run
/// fails.
pub fn measure(
    program: &Path,
    args: &[&str],
    command: &'static str,
    terms: usize,
    runs: usize,
    sample: &dyn Fn(&Invocation) -> Result<Sample, String>,
) -> Result<Measurement, String> {
    let stdin = std::env::temp_dir().join(format!(
        "backprop-bench-{}-{terms}-terms.txt",
        std::process::id()
    ));
    std::fs::write(&stdin, expression(terms))
        .map_err(|e| format!("could not write {}: {e}", stdin.display()))?;
    let mut invocation = Invocation {
        program: program.to_owned(),
        args: args.iter().map(OsString::from).collect(),
        stdin: stdin.clone(),
        count_output: true,
    };
    let result = (|| {
        let output_bytes = sample(&invocation)?
            .output_bytes
            .ok_or("the untimed run did not count the output")?;
        invocation.count_output = false;
        let mut seconds = f64::INFINITY;
        let mut peak_rss_kib = 0;
        for _ in 0..runs {
            let s = sample(&invocation)?;
            seconds = seconds.min(s.seconds);
            peak_rss_kib = peak_rss_kib.max(s.peak_rss_kib);
        }
        Ok(Measurement {
            op: "cli_million_terms",
            command,
            terms,
            seconds,
            peak_rss_mb: peak_rss_kib as f64 / 1024.0,
            output_bytes,
        })
    })();
    let _ = std::fs::remove_file(&stdin);
    result
}

/// Builds the `backprop` binary in release mode (cargo's progress on
/// stderr) and returns its path, as cargo reports it.
///
/// # Errors
///
/// When cargo fails or reports no `backprop` executable.
pub fn build_backprop() -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(workspace_root())
        .args([
            "build",
            "--release",
            "--package",
            "backprop-cli",
            "--bin",
            "backprop",
            "--message-format=json-render-diagnostics",
        ])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo build of backprop-cli: {}", output.status));
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "backprop")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| "cargo reported no backprop executable".to_owned())
}

/// Runs `invocation` as a child of this process and measures it.
///
/// The peak RSS is the largest of all children this process has waited
/// for, so it is the child's own only in a process that has no other
/// children ([`sample_in_fresh_process`]). The benchmark's steady-heap
/// malloc settings are taken out of the child's environment: the command
/// runs as users run it.
///
/// # Errors
///
/// When the program cannot start or exits unsuccessfully.
pub fn sample_here(invocation: &Invocation) -> Result<Sample, String> {
    let stdin = File::open(&invocation.stdin)
        .map_err(|e| format!("could not open {}: {e}", invocation.stdin.display()))?;
    let mut command = Command::new(&invocation.program);
    command
        .args(&invocation.args)
        .stdin(stdin)
        .stdout(if invocation.count_output {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stderr(Stdio::piped());
    match user_tunables() {
        Some(tunables) => command.env("GLIBC_TUNABLES", tunables),
        None => command.env_remove("GLIBC_TUNABLES"),
    };
    let start = Instant::now();
    let mut child = command
        .spawn()
        .map_err(|e| format!("could not run {}: {e}", invocation.program.display()))?;
    let mut stderr = child.stderr.take().expect("piped");
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let output_bytes = match child.stdout.take() {
        Some(mut stdout) => Some(
            io::copy(&mut stdout, &mut io::sink())
                .map_err(|e| format!("could not read the output: {e}"))?,
        ),
        None => None,
    };
    let status = child
        .wait()
        .map_err(|e| format!("could not wait for the child: {e}"))?;
    let seconds = start.elapsed().as_secs_f64();
    let errors = errors.join().unwrap_or_default();
    if !status.success() {
        return Err(format!(
            "{} {:?} exited with {status}: {}",
            invocation.program.display(),
            invocation.args,
            errors.trim()
        ));
    }
    Ok(Sample {
        seconds,
        peak_rss_kib: children_peak_rss_kib()?,
        output_bytes,
    })
}

/// `GLIBC_TUNABLES` without the benchmark's own steady-heap settings, or
/// `None` if nothing else is set.
fn user_tunables() -> Option<String> {
    without_steady_heap(&std::env::var("GLIBC_TUNABLES").ok()?)
}

/// `tunables` without the [`STEADY_HEAP`](super::STEADY_HEAP) settings the
/// benchmark appended, or `None` if nothing is left.
fn without_steady_heap(tunables: &str) -> Option<String> {
    let rest = tunables
        .strip_suffix(super::STEADY_HEAP)
        .map_or(tunables, |s| s.trim_end_matches(':'));
    (!rest.is_empty()).then(|| rest.to_owned())
}

#[cfg(target_os = "linux")]
fn children_peak_rss_kib() -> Result<u64, String> {
    use nix::sys::resource::{UsageWho, getrusage};
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).map_err(|e| format!("getrusage: {e}"))?;
    Ok(u64::try_from(usage.max_rss()).unwrap_or(0)) // KiB on Linux
}

#[cfg(not(target_os = "linux"))]
fn children_peak_rss_kib() -> Result<u64, String> {
    Err("peak RSS is measured on Linux only".to_owned())
}

/// Runs `invocation` under a fresh `cargo xtask bench-sample` process (this
/// executable), so that the peak RSS it reports is the child's own.
///
/// # Errors
///
/// When the helper cannot run, or reports a failure.
pub fn sample_in_fresh_process(invocation: &Invocation) -> Result<Sample, String> {
    let exe =
        std::env::current_exe().map_err(|e| format!("cannot find the running executable: {e}"))?;
    let mut command = Command::new(exe);
    command
        .arg("bench-sample")
        .arg("--stdin")
        .arg(&invocation.stdin);
    if invocation.count_output {
        command.arg("--count-output");
    }
    let output = command
        .arg("--")
        .arg(&invocation.program)
        .args(&invocation.args)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("could not run the sampling helper: {e}"))?;
    if !output.status.success() {
        return Err(format!("the sampling helper exited with {}", output.status));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(text.trim())
        .map_err(|e| format!("unexpected line from the sampling helper {text:?}: {e}"))
}

/// Options of the hidden `cargo xtask bench-sample`: run one program once
/// and print its [`Sample`] as JSON.
#[derive(clap::Args)]
pub struct SampleArgs {
    /// File given to the program as standard input.
    #[arg(long)]
    stdin: PathBuf,
    /// Count the bytes the program writes to standard output instead of
    /// sending them to /dev/null.
    #[arg(long)]
    count_output: bool,
    /// The program and its arguments.
    #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
    command: Vec<OsString>,
}

/// `cargo xtask bench-sample`.
pub fn sample_command(args: &SampleArgs) -> ExitCode {
    let invocation = Invocation {
        program: PathBuf::from(&args.command[0]),
        args: args.command[1..].to_vec(),
        stdin: args.stdin.clone(),
        count_output: args.count_output,
    };
    match sample_here(&invocation) {
        Ok(sample) => {
            println!(
                "{}",
                serde_json::to_string(&sample).expect("numbers serialise")
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The human-readable lines of the rows, with the issue's targets.
pub fn print(rows: &[Measurement]) {
    let Some(first) = rows.first() else { return };
    println!();
    println!(
        "backprop on a {}-term expression (x*y + x*y + ..., {:.1} MB on standard input); \
         best time of {RUNS} runs after an untimed one, output to /dev/null; peak RSS the largest of the runs:",
        first.terms,
        expression(first.terms).len() as f64 / 1e6
    );
    for row in rows {
        let (rss_budget, aim) = targets(row.command);
        let aim = aim.map_or(String::new(), |s| format!(" (aim <= {s:.0} s)"));
        println!(
            "  {:<8} {:>7.2} s{aim:<16} peak RSS {:>6.1} MB (target <= {rss_budget:.0} MB)  output {}",
            row.command,
            row.seconds,
            row.peak_rss_mb,
            size(row.output_bytes)
        );
    }
}

/// Bytes, or MB (10^6 bytes) from 10 kB on.
fn size(bytes: u64) -> String {
    if bytes < 10_000 {
        format!("{bytes} bytes")
    } else {
        format!("{:.1} MB", bytes as f64 / 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_expression_has_the_terms_asked_for() {
        assert_eq!(expression(3), "x*y + x*y + x*y");
        assert_eq!(expression(TERMS).len(), 6 * TERMS - 3);
    }

    /// The row format, measured on a stand-in that copies its input to its
    /// output (`cat`): the output is then exactly the expression.
    #[cfg(target_os = "linux")]
    #[test]
    fn rows_have_the_issues_fields() {
        let row = measure(Path::new("cat"), &[], "explain", 10, 1, &sample_here).unwrap();
        let text = serde_json::to_string(&row).unwrap();
        let prefix = r#"{"op":"cli_million_terms","command":"explain","terms":10,"seconds":"#;
        assert!(text.starts_with(prefix), "{text}");
        let bytes = expression(10).len();
        assert!(
            text.ends_with(&format!(r#","output_bytes":{bytes}}}"#)),
            "{text}"
        );
        assert!(text.contains(r#","peak_rss_mb":"#), "{text}");
        assert!(row.seconds > 0.0 && row.seconds.is_finite());
        assert!(row.peak_rss_mb > 0.0);
    }

    #[test]
    fn children_run_without_the_benchmarks_heap_settings() {
        let steady = super::super::STEADY_HEAP;
        assert_eq!(without_steady_heap(steady), None);
        assert_eq!(
            without_steady_heap(&format!("glibc.malloc.arena_max=2:{steady}")).as_deref(),
            Some("glibc.malloc.arena_max=2")
        );
        assert_eq!(
            without_steady_heap("glibc.malloc.arena_max=2").as_deref(),
            Some("glibc.malloc.arena_max=2")
        );
    }

    #[test]
    fn a_failing_run_is_an_error_with_its_message() {
        let err = measure(
            Path::new("sh"),
            &["-c", "echo broken >&2; exit 3"],
            "grad",
            2,
            1,
            &sample_here,
        )
        .unwrap_err();
        assert!(err.contains("broken"), "{err}");
    }
}
