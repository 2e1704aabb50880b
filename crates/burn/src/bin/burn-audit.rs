//! `burn-audit`: check the differentiable ops of burn-tensor (and the
//! losses and norms of burn-nn) against finite differences and write the
//! report folder. `cargo xtask audit burn` runs it.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::Instant;

use backprop_audit::{
    AuditArgs, AuditOptions, EXIT_REPORT, EXIT_USAGE, Finding, Progress, claim, finish,
};
use backprop_burn::audit::{
    audit_report, catalog, collect_audit, function_of, known_findings, run_dtype,
};
use backprop_burn::{BURN_VERSION, configure_device};
use backprop_gradcheck::Dtype;
use backprop_report::CheckResult;
use clap::Parser;

/// Check burn's gradients: every differentiable public op of burn-tensor
/// (and the losses and norms of burn-nn), at several configurations, in f64
/// and f32, against finite differences of burn's own forward pass. By
/// default each float type runs in its own process, on a device whose
/// default float type is that type, as burn users computing in it have;
/// `--dtype` runs one type in this process.
///
/// Exit status: 0 when the failures are exactly the known findings and each
/// still reproduces; 1 on a new failure or a known finding that no longer
/// reproduces; 2 for bad arguments or an invalid finding file; 3 when the
/// report cannot be written or a process fails.
#[derive(Parser, Debug)]
#[command(name = "burn-audit", version)]
struct Cli {
    #[command(flatten)]
    audit: AuditArgs,
    /// With --dtype: print each check as one JSON line instead of writing
    /// a report (how the per-type processes talk)
    #[arg(long, hide = true, requires = "dtype")]
    jsonl: bool,
}

/// Run one type in this process, sending each check as it is ready.
fn run_here(
    options: &AuditOptions,
    dtype: Dtype,
    send: &mut dyn FnMut(CheckResult),
) -> Result<(), String> {
    configure_device(dtype).map_err(|e| e.to_string())?;
    run_dtype(options, dtype, &mut |r| {
        for c in r.to_check_results() {
            send(c);
        }
    });
    Ok(())
}

/// Run each type in its own process (this program with `--dtype T
/// --jsonl`), sending each check as it arrives.
fn run_processes(
    options: &AuditOptions,
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
                &options.seed.to_string(),
            ]);
            if let Some(f) = &options.filter {
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

/// Progress: one line per function ([`Progress::line`]) once all its
/// checks are in from every process, checks claimed by the known findings.
struct Tracker {
    /// The gradient checks expected per function, by name (a case's
    /// `qualified_name`): a function is done when all of them are in. Other
    /// checks of the function (a forward-precision check) are not waited
    /// for.
    expected: BTreeMap<String, BTreeSet<String>>,
    done: BTreeMap<String, Vec<CheckResult>>,
    finished: usize,
    findings: Vec<Finding>,
    start: Instant,
}

impl Tracker {
    fn new(options: &AuditOptions, dtypes: &[Dtype], findings: Vec<Finding>) -> Tracker {
        let mut expected = BTreeMap::new();
        for case in catalog(options.seed) {
            for &d in dtypes {
                let name = case.qualified_name(d);
                if options.selects(&name, d) {
                    expected
                        .entry(function_of(&case.name).to_string())
                        .or_insert_with(BTreeSet::new)
                        .insert(name);
                }
            }
        }
        Tracker {
            expected,
            done: BTreeMap::new(),
            finished: 0,
            findings,
            start: Instant::now(),
        }
    }

    fn record(&mut self, check: &CheckResult) {
        let function = check.rule.clone();
        let mut claimed = check.clone();
        claimed.known =
            claim(&self.findings, &claimed.name, claimed.status).map(|f| f.advisory.id.clone());
        let checks = self.done.entry(function.clone()).or_default();
        checks.push(claimed);
        let Some(expected) = self.expected.get(&function) else {
            return;
        };
        let arrived = checks.iter().filter(|c| expected.contains(&c.name)).count();
        if !expected.contains(&check.name) || arrived != expected.len() {
            return;
        }
        self.finished += 1;
        let progress = Progress {
            function: &function,
            index: self.finished,
            functions: self.expected.len(),
            checks,
            elapsed: self.start.elapsed().as_secs_f64(),
        };
        eprintln!("{}", progress.line());
        for line in progress.new_failures() {
            eprintln!("    {line}");
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let options = cli.audit.options();
    let report_dir = cli.audit.report_dir("target/audit/burn");
    // burn's panics are caught and reported as checks; keep the default
    // hook from printing each one in the middle of the progress.
    std::panic::set_hook(Box::new(|_| {}));

    if cli.jsonl {
        let dtype = options.dtype.expect("clap requires --dtype with --jsonl");
        let stdout = std::io::stdout();
        let result = run_here(&options, dtype, &mut |c| {
            let mut out = stdout.lock();
            let line = serde_json::to_string(&c).expect("a check serialises");
            let _ = writeln!(out, "{line}");
            let _ = out.flush();
        });
        return match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("burn-audit: {e}");
                ExitCode::from(EXIT_REPORT)
            }
        };
    }

    let findings = match known_findings() {
        Ok(f) => f,
        Err(e) => {
            eprintln!("burn-audit: a known-finding file is invalid: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let start = Instant::now();
    eprintln!(
        "burn gradient audit: burn {BURN_VERSION} (ndarray backend, CPU), {}",
        options.banner()
    );
    let dtypes: Vec<Dtype> = options
        .dtype
        .map_or_else(|| Dtype::ALL.to_vec(), |d| vec![d]);
    let mut tracker = Tracker::new(&options, &dtypes, findings.clone());
    let mut checks = Vec::new();
    let mut failure = None;
    match options.dtype {
        Some(dtype) => {
            if let Err(e) = run_here(&options, dtype, &mut |c| {
                tracker.record(&c);
                checks.push(c);
            }) {
                failure = Some(e);
            }
        }
        None => {
            let (tx, rx) = mpsc::channel();
            let workers = run_processes(&options, &tx);
            drop(tx);
            for message in rx {
                match message {
                    Ok(c) => {
                        tracker.record(&c);
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
        return ExitCode::from(EXIT_REPORT);
    }
    let audit = collect_audit(&options, checks, findings, start.elapsed().as_secs_f64());
    finish(&audit, &audit_report(&audit), &report_dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    // AuditArgs' flags are tested in backprop-audit; here, this binary's
    // own: `--jsonl`, which needs `--dtype`.
    #[test]
    fn jsonl_is_for_one_dtype() {
        let worker = Cli::try_parse_from(["burn-audit", "--dtype", "f64", "--jsonl"]).unwrap();
        assert!(worker.jsonl);
        assert_eq!(worker.audit.options().dtype, Some(Dtype::F64));
        assert!(!Cli::try_parse_from(["burn-audit"]).unwrap().jsonl);
        let err = Cli::try_parse_from(["burn-audit", "--jsonl"]).unwrap_err();
        assert_eq!(err.exit_code(), i32::from(EXIT_USAGE));
    }
}
