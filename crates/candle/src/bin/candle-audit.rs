//! `candle-audit`: check every differentiable op of candle-core and
//! candle-nn against finite differences and write the report folder.
//! `cargo xtask audit candle` runs it.

use std::process::ExitCode;

use backprop_audit::{AuditArgs, EXIT_USAGE, finish};
use backprop_candle::audit::{audit_report, run_audit};
use clap::Parser;

/// Check candle's gradients: every differentiable public op of candle-core
/// and candle-nn, at several configurations, in f64 and f32, against finite
/// differences of candle's own forward pass.
///
/// Exit status: 0 when the failures are exactly the known findings and each
/// still reproduces; 1 on a new failure or a known finding that no longer
/// reproduces; 2 for bad arguments or an invalid finding file; 3 when the
/// report cannot be written.
#[derive(Parser, Debug)]
#[command(name = "candle-audit", version)]
struct Cli {
    #[command(flatten)]
    audit: AuditArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let options = cli.audit.options();
    let report_dir = cli.audit.report_dir("target/audit/candle");
    // candle panics are caught and reported as checks; keep the default
    // hook from printing each one in the middle of the progress.
    std::panic::set_hook(Box::new(|_| {}));
    eprintln!(
        "candle gradient audit: candle {} (CPU), {}",
        backprop_candle::CANDLE_VERSION,
        options.banner()
    );
    let audit = match run_audit(&options, &mut |p| {
        eprintln!("{}", p.line());
        for line in p.new_failures() {
            eprintln!("    {line}");
        }
    }) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("candle-audit: a known-finding file is invalid: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    finish(&audit, &audit_report(&audit), &report_dir)
}
