//! `burn-audit`: check the differentiable ops of burn-tensor (and the
//! losses and norms of burn-nn) against finite differences and write the
//! report folder. `cargo xtask audit burn` runs it.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::Instant;

use backprop_burn::audit::{Audit, AuditOptions, catalog, function_of, known_findings, run_dtype};
use backprop_burn::{BURN_VERSION, configure_device};
use backprop_gradcheck::Dtype;
use backprop_report::CheckResult;

const USAGE: &str = "\
Check burn's gradients: every differentiable public op of burn-tensor (and
the losses and norms of burn-nn), at several configurations, in f64 and f32,
against finite differences of burn's own forward pass.

Usage: burn-audit [--report-dir DIR] [--filter NAME] [--seed N] [--dtype f64|f32]

Options:
  --report-dir DIR  where to write report.json, junit.xml, report.md and
                    report.html [default: target/audit/burn]
  --filter NAME     only checks whose name contains NAME (case-insensitive)
  --seed N          seed of the random inputs and upstream gradients [default: 0]
  --dtype T         only the checks in f64 or f32, in this process (by
                    default each type runs in its own process, on a device
                    whose default float type is that type, as burn users
                    computing in it have)
  --jsonl           with --dtype: print each check as one JSON line instead
                    of writing a report (how the processes talk)
  -h, --help        print this help

Exit status: 0 when the failures are exactly the known findings and each
still reproduces; 1 on a new failure or a known finding that no longer
reproduces; 2 for bad arguments or an invalid finding file; 3 when the
report cannot be written or a process fails.";

#[derive(Debug)]
struct Args {
    report_dir: PathBuf,
    options: AuditOptions,
    dtype: Option<Dtype>,
    jsonl: bool,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        report_dir: PathBuf::from("target/audit/burn"),
        options: AuditOptions::default(),
        dtype: None,
        jsonl: false,
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
            "--dtype" => {
                parsed.dtype = Some(match value("--dtype")?.as_str() {
                    "f64" => Dtype::F64,
                    "f32" => Dtype::F32,
                    other => return Err(format!("--dtype takes f64 or f32, not {other:?}")),
                });
            }
            "--jsonl" => parsed.jsonl = true,
            other => return Err(format!("unexpected argument {other:?}")),
        }
    }
    if parsed.jsonl && parsed.dtype.is_none() {
        return Err("--jsonl needs --dtype".into());
    }
    Ok(Some(parsed))
}

/// Run one type in this process, sending each check as it is ready.
fn run_here(args: &Args, dtype: Dtype, send: &mut dyn FnMut(CheckResult)) -> Result<(), String> {
    configure_device(dtype).map_err(|e| e.to_string())?;
    run_dtype(&args.options, dtype, &mut |r| {
        for c in r.to_check_results() {
            send(c);
        }
    });
    Ok(())
}

/// Run each type in its own process (this program with `--dtype T
/// --jsonl`), sending each check as it arrives.
fn run_processes(
    args: &Args,
    tx: &mpsc::Sender<Result<CheckResult, String>>,
) -> Vec<std::thread::JoinHandle<()>> {
    let exe = std::env::current_exe().expect("the path of this program");
    Dtype::ALL
        .iter()
        .map(|&dtype| {
            let tx = tx.clone();
            let mut command = Command::new(&exe);
            command.args([
                "--dtype",
                dtype.name(),
                "--jsonl",
                "--seed",
                &args.options.seed.to_string(),
            ]);
            if let Some(f) = &args.options.filter {
                command.args(["--filter", f]);
            }
            std::thread::spawn(move || {
                let child = command
                    .stdout(Stdio::piped())
                    .stderr(Stdio::inherit())
                    .spawn();
                let mut child = match child {
                    Ok(c) => c,
                    Err(e) => {
                        let _ = tx.send(Err(format!("cannot start the {dtype} process: {e}")));
                        return;
                    }
                };
                let stdout = child.stdout.take().expect("piped");
                for line in BufReader::new(stdout).lines() {
                    let parsed = line.map_err(|e| e.to_string()).and_then(|l| {
                        serde_json::from_str::<CheckResult>(&l).map_err(|e| e.to_string())
                    });
                    if tx
                        .send(parsed.map_err(|e| format!("the {dtype} process: {e}")))
                        .is_err()
                    {
                        return;
                    }
                }
                match child.wait() {
                    Ok(s) if s.success() => {}
                    Ok(s) => {
                        let _ = tx.send(Err(format!("the {dtype} process failed ({s})")));
                    }
                    Err(e) => {
                        let _ = tx.send(Err(format!("the {dtype} process: {e}")));
                    }
                }
            })
        })
        .collect()
}

/// Progress: one line per function once all its checks are in.
struct Progress {
    expected: BTreeMap<String, usize>,
    done: BTreeMap<String, Vec<CheckResult>>,
    finished: usize,
    start: Instant,
}

impl Progress {
    fn new(options: &AuditOptions, dtypes: &[Dtype]) -> Progress {
        let mut expected = BTreeMap::new();
        for case in catalog(options.seed) {
            for &d in dtypes {
                if options.selects(&case.qualified_name(d)) {
                    *expected
                        .entry(function_of(&case.name).to_string())
                        .or_insert(0) += 1;
                }
            }
        }
        Progress {
            expected,
            done: BTreeMap::new(),
            finished: 0,
            start: Instant::now(),
        }
    }

    fn record(&mut self, check: &CheckResult) {
        let function = check.rule.clone();
        let checks = self.done.entry(function.clone()).or_default();
        checks.push(check.clone());
        let gradient_checks = checks
            .iter()
            .filter(|c| !c.name.ends_with("forward precision"))
            .count();
        if check.name.ends_with("forward precision")
            || Some(&gradient_checks) != self.expected.get(&function)
        {
            return;
        }
        self.finished += 1;
        let failed: Vec<&CheckResult> = checks.iter().filter(|c| !c.status.is_ok()).collect();
        let mut line = format!(
            "[{:>2}/{}] {:<34} {:>3} checks",
            self.finished,
            self.expected.len(),
            function,
            checks.len()
        );
        if !failed.is_empty() {
            line.push_str(&format!(", {} failing", failed.len()));
        }
        line.push_str(&format!("  ({:.1} s)", self.start.elapsed().as_secs_f64()));
        eprintln!("{line}");
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
            eprintln!("burn-audit: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    // burn's panics are caught and reported as checks; keep the default
    // hook from printing each one in the middle of the progress.
    std::panic::set_hook(Box::new(|_| {}));

    if args.jsonl {
        let dtype = args.dtype.expect("checked by parse");
        let stdout = std::io::stdout();
        let result = run_here(&args, dtype, &mut |c| {
            let mut out = stdout.lock();
            let line = serde_json::to_string(&c).expect("a check serialises");
            let _ = writeln!(out, "{line}");
            let _ = out.flush();
        });
        return match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("burn-audit: {e}");
                ExitCode::from(3)
            }
        };
    }

    let findings = match known_findings() {
        Ok(f) => f,
        Err(e) => {
            eprintln!("burn-audit: a known-finding file is invalid: {e}");
            return ExitCode::from(2);
        }
    };
    let start = Instant::now();
    eprintln!(
        "burn gradient audit: burn {BURN_VERSION} (ndarray backend, CPU), seed {}{}",
        args.options.seed,
        args.options
            .filter
            .as_deref()
            .map(|f| format!(", filter {f:?}"))
            .unwrap_or_default()
    );
    let dtypes: Vec<Dtype> = args.dtype.map_or_else(|| Dtype::ALL.to_vec(), |d| vec![d]);
    let mut progress = Progress::new(&args.options, &dtypes);
    let mut checks = Vec::new();
    let mut failure = None;
    match args.dtype {
        Some(dtype) => {
            if let Err(e) = run_here(&args, dtype, &mut |c| {
                progress.record(&c);
                checks.push(c);
            }) {
                failure = Some(e);
            }
        }
        None => {
            let (tx, rx) = mpsc::channel();
            let workers = run_processes(&args, &tx);
            drop(tx);
            for message in rx {
                match message {
                    Ok(c) => {
                        progress.record(&c);
                        checks.push(c);
                    }
                    Err(e) => failure = Some(e),
                }
            }
            for w in workers {
                let _ = w.join();
            }
        }
    }
    if let Some(e) = failure {
        eprintln!("burn-audit: {e}");
        return ExitCode::from(3);
    }
    let audit = Audit::new(
        &args.options,
        checks,
        findings,
        start.elapsed().as_secs_f64(),
    );
    let report = audit.to_report();
    if let Err(e) = report.write_all(&args.report_dir) {
        eprintln!(
            "burn-audit: cannot write the report to {}: {e}",
            args.report_dir.display()
        );
        return ExitCode::from(3);
    }
    let summary = report.summary();
    println!("{}", summary.verdict());
    for c in report.checks.iter().filter(|c| !c.outcome().is_ok()) {
        println!(
            "  {}: {} — {}",
            c.outcome(),
            c.name,
            c.message.chars().take(240).collect::<String>()
        );
    }
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
        let a = args(&[
            "--seed",
            "7",
            "--filter=conv1d",
            "--report-dir",
            "out",
            "--dtype",
            "f32",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(a.options.seed, 7);
        assert_eq!(a.options.filter.as_deref(), Some("conv1d"));
        assert_eq!(a.report_dir, PathBuf::from("out"));
        assert_eq!(a.dtype, Some(Dtype::F32));
        let d = args(&[]).unwrap().unwrap();
        assert_eq!(d.report_dir, PathBuf::from("target/audit/burn"));
        assert_eq!(d.dtype, None);
        assert!(args(&["--help"]).unwrap().is_none());
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(args(&["--seed", "x"]).unwrap_err().contains("--seed"));
        assert!(args(&["--seed"]).unwrap_err().contains("needs a value"));
        assert!(
            args(&["--dtype", "f16"])
                .unwrap_err()
                .contains("f64 or f32")
        );
        assert!(args(&["--jsonl"]).unwrap_err().contains("--dtype"));
        assert!(args(&["--frobnicate"]).unwrap_err().contains("unexpected"));
    }
}
