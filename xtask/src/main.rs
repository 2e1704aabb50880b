//! Project tooling as plain Rust: `cargo xtask <command>`.
//!
//! - `notebook`: print every replayed notebook cell (or one, `--cell N`).
//! - `verify`: the main job; notebook snapshots, cross-checks and the
//!   gradcheck catalog, written to a report folder; exits non-zero on any
//!   failure.
//! - `bench`: matmul and scalar-graph benchmarks (`--json` for one JSON
//!   object per line, `--numpy` to run NumPy side by side).

mod bench;
mod notebook;
mod verify;

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
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Notebook(args) => notebook::run(&args),
        Command::Verify(args) => verify::run(&args),
        Command::Bench(args) => bench::run(&args),
    }
}
