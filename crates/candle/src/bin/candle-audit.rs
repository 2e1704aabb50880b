//! `candle-audit`: check every differentiable op of candle-core and
//! candle-nn against finite differences and write the report folder.
//! `cargo xtask audit candle` runs it.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use backprop_candle::audit::{AuditOptions, Outcome, Progress, run_audit};

const USAGE: &str = "\
Check candle's gradients: every differentiable public op of candle-core and
candle-nn, at several configurations, in f64 and f32, against finite
differences of candle's own forward pass.

Usage: candle-audit [--report-dir DIR] [--filter NAME] [--seed N]

Options:
  --report-dir DIR  where to write report.json, junit.xml, report.md and
                    report.html [default: target/audit/candle]
  --filter NAME     only checks whose name contains NAME (case-insensitive)
  --seed N          seed of the random inputs and upstream gradients [default: 0]
  -h, --help        print this help

Exit status: 0 when the failures are exactly the known findings and each
still reproduces; 1 on a new failure or a known finding that no longer
reproduces; 2 for bad arguments; 3 when the report cannot be written.";

#[derive(Debug)]
struct Args {
    report_dir: PathBuf,
    options: AuditOptions,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        report_dir: PathBuf::from("target/audit/candle"),
        options: AuditOptions::default(),
    };
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--report-dir" => parsed.report_dir = PathBuf::from(value("--report-dir")?),
            "--filter" => parsed.options.filter = Some(value("--filter")?),
            "--seed" => {
                let v = value("--seed")?;
                parsed.options.seed = v
                    .parse()
                    .map_err(|_| format!("--seed takes a non-negative integer, not {v:?}"))?;
            }
            other => return Err(format!("unexpected argument {other:?}")),
        }
    }
    Ok(Some(parsed))
}

fn print_progress(p: &Progress<'_>, start: Instant) {
    let failed = p.results.iter().filter(|r| r.failed()).count();
    let known = p
        .results
        .iter()
        .filter(|r| r.failed() && r.known.is_some())
        .count();
    let skipped = p
        .results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Skipped { .. }))
        .count();
    let mut line = format!(
        "[{:>2}/{}] {:<38} {:>3} checks",
        p.index,
        p.functions,
        p.function,
        p.results.len()
    );
    if failed > known {
        line.push_str(&format!(", {} NEW FAILURE(S)", failed - known));
    }
    if known > 0 {
        line.push_str(&format!(", {known} known"));
    }
    if skipped > 0 {
        line.push_str(&format!(", {skipped} skipped"));
    }
    line.push_str(&format!("  ({:.1} s)", start.elapsed().as_secs_f64()));
    eprintln!("{line}");
    for r in p.results.iter().filter(|r| r.failed() && r.known.is_none()) {
        let message = match &r.outcome {
            Outcome::Checked { report } => report.message.clone(),
            Outcome::Skipped { reason } | Outcome::NotRun { reason } => reason.clone(),
        };
        eprintln!("    new: {} — {message}", r.name);
    }
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("candle-audit: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    // candle panics are caught and reported as checks; keep the default
    // hook from printing each one in the middle of the progress.
    std::panic::set_hook(Box::new(|_| {}));
    let start = Instant::now();
    eprintln!(
        "candle gradient audit: candle {} (CPU), seed {}{}",
        backprop_candle::CANDLE_VERSION,
        args.options.seed,
        args.options
            .filter
            .as_deref()
            .map(|f| format!(", filter {f:?}"))
            .unwrap_or_default()
    );
    let audit = match run_audit(&args.options, &mut |p| print_progress(p, start)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("candle-audit: a known-finding file is invalid: {e}");
            return ExitCode::from(2);
        }
    };
    let report = audit.to_report();
    if let Err(e) = report.write_all(&args.report_dir) {
        eprintln!(
            "candle-audit: cannot write the report to {}: {e}",
            args.report_dir.display()
        );
        return ExitCode::from(3);
    }
    let summary = report.summary();
    println!("{}", summary.verdict());
    for state in report.finding_states() {
        println!(
            "  {} {}: {}",
            state.finding.id,
            state.reproduction().label(),
            state.finding.title
        );
    }
    println!(
        "report: {} ({:.1} s)",
        args.report_dir.display(),
        audit.seconds
    );
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Option<Args>, String> {
        parse(list.iter().map(|s| s.to_string()))
    }

    #[test]
    fn flags_parse_with_and_without_equals() {
        let a = args(&["--seed", "7", "--filter=conv1d", "--report-dir", "out"])
            .unwrap()
            .unwrap();
        assert_eq!(a.options.seed, 7);
        assert_eq!(a.options.filter.as_deref(), Some("conv1d"));
        assert_eq!(a.report_dir, PathBuf::from("out"));
        let d = args(&[]).unwrap().unwrap();
        assert_eq!(d.report_dir, PathBuf::from("target/audit/candle"));
        assert!(args(&["--help"]).unwrap().is_none());
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(args(&["--seed", "x"]).unwrap_err().contains("--seed"));
        assert!(args(&["--seed"]).unwrap_err().contains("needs a value"));
        assert!(args(&["--frobnicate"]).unwrap_err().contains("unexpected"));
    }
}
