//! The command line every audit binary shares: `--report-dir`, `--filter`,
//! `--seed`, `--dtype`, and the end of a run (report folder, verdict, exit
//! status).

use std::path::Path;
#[cfg(feature = "cli")]
use std::path::PathBuf;
use std::process::ExitCode;

#[cfg(feature = "cli")]
use backprop_gradcheck::Dtype;

use crate::Audit;
#[cfg(feature = "cli")]
use crate::AuditOptions;

/// The options of an audit binary, to `#[command(flatten)]` into the
/// adapter's own `clap::Parser` (feature `cli`).
///
/// ```
/// use backprop_audit::AuditArgs;
/// use backprop_gradcheck::Dtype;
/// use clap::Parser;
///
/// #[derive(Parser)]
/// struct Cli {
///     #[command(flatten)]
///     audit: AuditArgs,
/// }
///
/// let cli = Cli::try_parse_from(["audit", "--seed", "7", "--filter=conv1d", "--dtype", "f32"])?;
/// let options = cli.audit.options();
/// assert_eq!((options.seed, options.dtype), (7, Some(Dtype::F32)));
/// assert_eq!(cli.audit.report_dir("target/audit/candle"), std::path::Path::new("target/audit/candle"));
/// assert!(Cli::try_parse_from(["audit", "--seed", "x"]).is_err());
/// # Ok::<(), clap::Error>(())
/// ```
#[cfg(feature = "cli")]
#[derive(clap::Args, Clone, Debug, Default, PartialEq)]
pub struct AuditArgs {
    /// Where to write report.json, junit.xml, report.md and report.html
    /// [default: target/audit/FRAMEWORK]
    #[arg(long, value_name = "DIR")]
    pub report_dir: Option<PathBuf>,
    /// Only checks whose name contains NAME (case-insensitive), e.g.
    /// `conv1d`, `max_pool2d`, `[f32]`
    #[arg(long, value_name = "NAME")]
    pub filter: Option<String>,
    /// Seed of the random inputs and upstream gradients
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed: u64,
    /// Only the checks in this dtype
    #[arg(long, value_name = "f64|f32", value_parser = parse_dtype)]
    pub dtype: Option<Dtype>,
}

/// `f64` or `f32`.
#[cfg(feature = "cli")]
fn parse_dtype(text: &str) -> Result<Dtype, String> {
    Dtype::ALL
        .into_iter()
        .find(|d| d.name() == text)
        .ok_or_else(|| format!("f64 or f32, not {text:?}"))
}

#[cfg(feature = "cli")]
impl AuditArgs {
    /// The audit options these arguments select.
    pub fn options(&self) -> AuditOptions {
        AuditOptions {
            seed: self.seed,
            filter: self.filter.clone(),
            dtype: self.dtype,
        }
    }

    /// The report folder: `--report-dir`, else `default`.
    pub fn report_dir(&self, default: &str) -> PathBuf {
        self.report_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from(default))
    }
}

/// The exit status when the failures are exactly the known findings.
pub const EXIT_PASSED: u8 = 0;
/// The exit status on a new failure or a known finding that no longer
/// reproduces.
pub const EXIT_CHANGED: u8 = 1;
/// The exit status for bad arguments or an invalid finding file (clap
/// uses it for usage errors too).
pub const EXIT_USAGE: u8 = 2;
/// The exit status when the report cannot be written.
pub const EXIT_REPORT: u8 = 3;

/// The end of an audit binary's run: write `report` into `dir`, print the
/// verdict, each failing check no finding claims, each known finding's
/// state, where the report is and how long the run took on which CPU, and
/// return the exit status
/// ([`EXIT_PASSED`], [`EXIT_CHANGED`] or [`EXIT_REPORT`]).
pub fn finish(audit: &Audit, report: &backprop_report::Report, dir: &Path) -> ExitCode {
    if let Err(e) = report.write_all(dir) {
        eprintln!("cannot write the report to {}: {e}", dir.display());
        return ExitCode::from(EXIT_REPORT);
    }
    println!("{}", report.summary().verdict());
    for c in report
        .checks
        .iter()
        .filter(|c| !c.status.is_ok() && c.known.is_none())
    {
        let message: String = c.message.chars().take(240).collect();
        println!("  new {}: {} — {message}", c.status, c.qualified_name());
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
        "report: {} ({:.1} s on {})",
        dir.display(),
        audit.seconds,
        crate::cpu_model()
    );
    if report.passed() {
        ExitCode::from(EXIT_PASSED)
    } else {
        ExitCode::from(EXIT_CHANGED)
    }
}
