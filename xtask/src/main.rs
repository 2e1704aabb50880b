//! Project tooling as plain Rust: `cargo xtask <command>`.
//!
//! - `notebook`: print every replayed notebook cell (or one, `--cell N`).
//! - `verify`: the main job; notebook snapshots, cross-checks and the
//!   gradcheck catalog, written to a report folder; exits non-zero on any
//!   failure.
//! - `bench`: matmul, scalar-graph, training-step and `backprop` command
//!   benchmarks (`--json` for one JSON object per line, `--numpy` to run
//!   NumPy side by side).
//! - `audit candle`: check candle's gradients (runs `crates/candle`'s
//!   `candle-audit` through cargo; xtask itself never depends on candle).
//! - `audit burn`: check burn's gradients (runs `crates/burn`'s
//!   `burn-audit` through cargo; xtask itself never depends on burn).
//! - `test candle|burn`: the adapter's own tests (each adapter is a
//!   workspace of its own, outside the README's `cargo test --workspace`).

mod audit;
mod bench;
mod notebook;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// backprop project tasks.
#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the replayed notebook cells exactly as the notebook printed them.
    Notebook(notebook::Args),
    /// Prove every derivative: notebook snapshots, cross-checks, the gradcheck
    /// catalog; writes report.json, junit.xml, report.md and report.html.
    Verify(verify::Args),
    /// Benchmark matmul (forward and backward) and the scalar graph.
    Bench(bench::Args),
    /// Audit another framework's gradients against finite differences and
    /// write the same four reports (`cargo xtask audit candle|burn`).
    Audit(audit::Args),
    /// Run a framework adapter's own tests (`cargo xtask test candle|burn
    /// [CARGO TEST ARGS]`): each adapter is a workspace of its own, so
    /// `cargo test --workspace` does not build candle or burn.
    Test(audit::TestArgs),
    /// Run one program once and print its wall time, peak RSS and output
    /// size as JSON (used by `bench`: a fresh parent per measured child).
    #[command(hide = true)]
    BenchSample(bench::cli::SampleArgs),
}

/// The workspace root (xtask lives in it).
pub(crate) fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace root")
        .to_path_buf()
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Notebook(args) => notebook::run(&args),
        Command::Verify(args) => verify::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Audit(args) => audit::run(&args),
        Command::Test(args) => audit::run_tests(&args),
        Command::BenchSample(args) => bench::cli::sample_command(&args),
    }
}
