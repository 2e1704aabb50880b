//! `cargo xtask bench`: matmul, scalar-graph and training-step benchmarks,
//! side by side with NumPy, and the `backprop` command on a million-term
//! expression (`cli.rs`).
//!
//! Every timing is the best of at least 7 runs after one warm-up run, and
//! matmul and the scalar graph repeat that in rounds (`--rounds`, 3 by
//! default; matmul alternates ours and NumPy's) and keep the best over all
//! of them: on a shared machine a steal of a few milliseconds can spoil
//! every run of one measurement, and not of three (the `backprop`
//! command's timing is the best of 3 runs: see `cli.rs`).
//! Results go to stdout (a table, or one JSON object per line with
//! `--json`); progress goes to stderr. Every JSON row carries the machine's
//! CPU, the instruction set of the matrix kernels, the thread count and the
//! load (`machine.rs`): a new benchmark adds a module with a serialisable
//! row and passes it to [`emit`].

mod alloc;
pub(crate) mod cli;
mod machine;
mod matmul;
mod numpy;
mod scalar;
mod timing;
mod train;

use std::path::PathBuf;

use crate::workspace_root;
use std::process::{Command, ExitCode};

use serde::Serialize;

/// Options of `cargo xtask bench`.
#[derive(clap::Args)]
pub struct Args {
    /// Extra matmul shapes `BxMxKxN` (batch, rows, inner, columns), measured
    /// after the default ones.
    #[arg(value_name = "BxMxKxN", value_parser = matmul::Shape::parse)]
    shapes: Vec<matmul::Shape>,
    /// Print one JSON object per line instead of a table.
    #[arg(long)]
    json: bool,
    /// Skip the default shapes 1x512x512x512, 64x128x128x128 and
    /// 16x256x256x256.
    #[arg(long)]
    no_default_shapes: bool,
    /// Also run NumPy on every matmul shape and element type, right after
    /// ours, with this script (path relative to the workspace root), and
    /// report the ratios.
    #[arg(long, value_name = "SCRIPT", num_args = 0..=1,
          default_missing_value = "xtask/scripts/numpy_matmul.py")]
    numpy: Option<PathBuf>,
    /// Element types of the matmul benchmarks, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [matmul::Dtype::F64, matmul::Dtype::F32])]
    dtype: Vec<matmul::Dtype>,
    /// Timed runs per measurement (after one warm-up); the best counts.
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(7..))]
    runs: u32,
    /// Rounds of every matmul and scalar-graph measurement, each `--runs`
    /// runs long (matmul: ours, then NumPy's, round after round); a figure
    /// is the best over all rounds, so a round the machine disturbed
    /// throughout is outvoted by the others.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    rounds: u32,
    /// Nodes of the scalar-graph DAG.
    #[arg(long, default_value_t = 1_000_000)]
    nodes: usize,
    /// Skip the matmul benchmarks.
    #[arg(long)]
    skip_matmul: bool,
    /// Skip the scalar-graph benchmark.
    #[arg(long)]
    skip_scalar: bool,
    /// Skip the training-step benchmark (`train_spiral`).
    #[arg(long)]
    skip_train: bool,
    /// Skip the `backprop` command on a million-term expression
    /// (`cli_million_terms`: builds the release binary, then runs `grad`
    /// and `explain`).
    #[arg(long)]
    skip_cli: bool,
    /// Terms of the expression the `backprop` command runs on.
    #[arg(long, default_value_t = cli::TERMS)]
    cli_terms: usize,
    /// Steps per timed batch of the training-step benchmark (short batches:
    /// on a busy machine the best of many short batches is the one that
    /// ran undisturbed; `--runs` × 8 batches per round).
    #[arg(long, default_value_t = 20)]
    train_steps: usize,
    /// Time only our training step, not NumPy's
    /// (xtask/scripts/numpy_train_spiral.py).
    #[arg(long)]
    train_without_numpy: bool,
    /// Run with glibc's default malloc settings. By default the benchmark
    /// and NumPy both run with GLIBC_TUNABLES that keep freed memory in the
    /// heap, so that large results do not page-fault fresh memory on every
    /// run.
    #[arg(long)]
    default_malloc: bool,
}

/// glibc tunables for a steady-state heap, set for the benchmark process and
/// for NumPy's alike.
///
/// With glibc's defaults, freeing more than twice the (dynamic) mmap
/// threshold at the top of the heap returns the memory to the OS. A loop
/// that allocates and frees the two 8 MB gradients of a 64x128x128x128
/// backward pass therefore page-faults 16 MB of fresh pages on every
/// iteration — about 2 µs per 4 KiB page on the build VM, as much time as
/// the products themselves — while a forward pass (one 8 MB result) reuses
/// its memory. That measures the allocator's trimming heuristic, not
/// matmul, and a long-running program whose heap has grown does not see it.
/// `--default-malloc` measures without these settings.
const STEADY_HEAP: &str =
    "glibc.malloc.trim_threshold=1073741824:glibc.malloc.mmap_threshold=33554432";

pub fn run(args: &Args) -> ExitCode {
    let heap_ready = args.default_malloc || tunables().contains(STEADY_HEAP);
    if cfg!(debug_assertions) || !cfg!(feature = "faer") || !heap_ready {
        // `cargo xtask` builds the dev profile, and glibc reads its tunables
        // at start-up: run again, in release mode, with the heap settings.
        return rerun(!args.default_malloc);
    }
    let machine = machine::Machine::now();
    eprintln!("bench: {}", machine.describe());
    eprintln!(
        "bench: load average before: {}; heap: {}",
        load_average(),
        if args.default_malloc {
            "glibc defaults"
        } else {
            "steady state"
        }
    );
    let mut shapes = if args.no_default_shapes {
        Vec::new()
    } else {
        matmul::DEFAULT_SHAPES.to_vec()
    };
    shapes.extend(args.shapes.iter().copied());
    let runs = args.runs as usize;
    let rounds = args.rounds as usize;
    let mut table = Table {
        machine: Some(machine),
        load_before: load_average(),
        ..Table::default()
    };

    if !args.skip_matmul {
        for &dtype in &args.dtype {
            for &shape in &shapes {
                let mut ours: Option<matmul::Measurement> = None;
                let mut theirs: Option<numpy::Measurement> = None;
                for round in 1..=rounds {
                    eprintln!(
                        "bench: matmul {shape} ({}), round {round} of {rounds} ...",
                        dtype.name()
                    );
                    let measured = dtype.measure(shape, runs);
                    match &mut ours {
                        Some(best) => best.keep_best(&measured),
                        None => ours = Some(measured),
                    }
                    if let Some(script) = &args.numpy {
                        eprintln!(
                            "bench: numpy {shape} ({}), round {round} of {rounds} ...",
                            dtype.name()
                        );
                        let script = workspace_root().join(script);
                        match numpy::measure(&script, shape, dtype, runs) {
                            Ok(measured) => match &mut theirs {
                                Some(best) => best.keep_best(&measured),
                                None => theirs = Some(measured),
                            },
                            Err(e) => {
                                eprintln!("error: numpy run failed: {e}");
                                return ExitCode::FAILURE;
                            }
                        }
                    }
                }
                let ours = ours.expect("at least one round");
                emit(args.json, &ours);
                if let Some(theirs) = &theirs {
                    emit(args.json, &theirs.raw);
                    emit(args.json, &numpy::Comparison::new(&ours, theirs));
                }
                table.matmul.push((ours, theirs));
            }
        }
    }
    if !args.skip_scalar {
        for dag in scalar::Dag::ALL {
            eprintln!(
                "bench: scalar graph, {} nodes, {} DAG ...",
                args.nodes,
                dag.name()
            );
            let result = scalar::measure(dag, args.nodes, runs, rounds);
            emit(args.json, &result);
            table.scalar.push(result);
        }
    }
    let mut train_row = None;
    if !args.skip_train {
        eprintln!("bench: training step of the spiral network (ours, then NumPy) ...");
        let script = workspace_root().join(train::SCRIPT);
        let script = (!args.train_without_numpy).then_some(script.as_path());
        match train::measure(runs * 8, args.train_steps.max(1), script) {
            Ok(row) => {
                emit(args.json, &row);
                train_row = Some(row);
            }
            Err(e) => {
                eprintln!("error: training-step benchmark failed: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let mut cli_rows = Vec::new();
    if !args.skip_cli {
        match run_cli(args.json, args.cli_terms) {
            Ok(rows) => cli_rows = rows,
            Err(e) => {
                eprintln!("error: backprop command benchmark failed: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    table.load_after = load_average();
    eprintln!("bench: load average after: {}", table.load_after);
    if !args.json {
        table.print(runs, rounds);
        if let Some(row) = &train_row {
            train::print(row);
        }
        cli::print(&cli_rows);
    }
    ExitCode::SUCCESS
}

/// The `backprop` command's rows (`cli.rs`), emitted as they come.
fn run_cli(json: bool, terms: usize) -> Result<Vec<cli::Measurement>, String> {
    eprintln!("bench: building the backprop command (cargo build --release -p backprop-cli) ...");
    let backprop = cli::build_backprop()?;
    let mut rows = Vec::new();
    for command in cli::COMMANDS {
        eprintln!(
            "bench: backprop {command} on {terms} terms ({} runs after an untimed one) ...",
            cli::RUNS
        );
        let args = [command, "-", "x=2", "y=3"];
        let row = cli::measure(
            &backprop,
            &args,
            command,
            terms,
            cli::RUNS,
            &cli::sample_in_fresh_process,
        )?;
        emit(json, &row);
        rows.push(row);
    }
    Ok(rows)
}

/// The current `GLIBC_TUNABLES`, or an empty string.
fn tunables() -> String {
    std::env::var("GLIBC_TUNABLES").unwrap_or_default()
}

/// The 1, 5 and 15 minute load averages: the machine is shared, so every
/// report says how busy it was.
fn load_average() -> String {
    machine::load_average().unwrap_or_else(|| "unknown".to_owned())
}

/// Prints `row` as one JSON line, with the machine's fields as measured
/// now, when `json` is set (tables are printed at the end).
fn emit<T: Serialize>(json: bool, row: &T) {
    if json {
        println!("{}", machine::Machine::now().tag(row));
    }
}

/// Runs this same command again — from a release build if this one is not
/// — with the steady-state heap tunables if `steady_heap`, and passes its
/// status on.
fn rerun(steady_heap: bool) -> ExitCode {
    // The bench measures faer's kernels: xtask builds without them (for
    // `cargo xtask verify`), so the release build turns feature `faer` on.
    let mut command = if cfg!(debug_assertions) || !cfg!(feature = "faer") {
        eprintln!("bench: building xtask in release mode with faer's kernels ...");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut c = Command::new(cargo);
        c.current_dir(workspace_root()).args([
            "run",
            "--release",
            "--quiet",
            "--package",
            "xtask",
            "--features",
            "faer",
            "--",
        ]);
        c
    } else {
        match std::env::current_exe() {
            Ok(exe) => Command::new(exe),
            Err(e) => {
                eprintln!("error: cannot find the running executable: {e}");
                return ExitCode::FAILURE;
            }
        }
    };
    command.args(std::env::args_os().skip(1));
    if steady_heap {
        let existing = tunables();
        let all = if existing.is_empty() {
            STEADY_HEAP.to_owned()
        } else {
            format!("{existing}:{STEADY_HEAP}")
        };
        command.env("GLIBC_TUNABLES", all);
    }
    match command.status() {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(s) => ExitCode::from(s.code().unwrap_or(1).clamp(1, 255) as u8),
        Err(e) => {
            eprintln!("error: could not run the benchmark: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Everything measured, for the human-readable report.
#[derive(Default)]
struct Table {
    machine: Option<machine::Machine>,
    load_before: String,
    load_after: String,
    matmul: Vec<(matmul::Measurement, Option<numpy::Measurement>)>,
    scalar: Vec<scalar::Measurement>,
}

impl Table {
    fn print(&self, runs: usize, rounds: usize) {
        if let Some(machine) = &self.machine {
            println!("{}", machine.describe());
        }
        println!(
            "best of {rounds} rounds of {runs} runs, each after a warm-up; load average {} before, {} after",
            self.load_before, self.load_after
        );
        if !self.matmul.is_empty() {
            if let Some((_, Some(numpy))) = self.matmul.first() {
                println!(
                    "NumPy {}: {} {} kernels",
                    numpy.raw["numpy"].as_str().unwrap_or("?"),
                    numpy.raw["backend"].as_str().unwrap_or("?"),
                    numpy.isa
                );
            }
            println!();
            println!(
                "{:<21} {:>11} {:>8} {:>11} {:>8} {:>11} {:>11} {:>9} {:>9}",
                "matmul",
                "forward",
                "GFLOP/s",
                "backward",
                "bwd/fwd",
                "numpy fwd",
                "numpy bwd",
                "fwd gain",
                "bwd gain"
            );
            for (ours, theirs) in &self.matmul {
                let shape = format!("{} {}x{}x{}x{}", ours.dtype, ours.b, ours.m, ours.k, ours.n);
                let (nf, nb, gf, gb) = match theirs {
                    Some(t) => (
                        ms(t.forward_s),
                        ms(t.backward_s),
                        format!("{:.2}x", t.forward_s / ours.forward_s),
                        format!("{:.2}x", t.backward_s / ours.backward_s),
                    ),
                    None => ("-".into(), "-".into(), "-".into(), "-".into()),
                };
                println!(
                    "{shape:<21} {:>11} {:>8.1} {:>11} {:>8.2} {nf:>11} {nb:>11} {gf:>9} {gb:>9}",
                    ms(ours.forward_s),
                    ours.forward_gflops(),
                    ms(ours.backward_s),
                    ours.backward_s / ours.forward_s,
                );
            }
            println!("(gain = NumPy time / our time: above 1 means we are faster)");
        }
        for s in &self.scalar {
            println!();
            println!(
                "scalar graph, {} nodes, {} DAG ({:.0}% zero gradients): record+forward {}, backward {}, native {}",
                s.nodes,
                s.dag,
                s.zero_gradients * 100.0,
                ms(s.record_forward_s),
                ms(s.backward_s),
                ms(s.native_s)
            );
            println!(
                "  (record+forward + backward) / native = {:.2}x (target <= 2x); {:.1} ns/node; {:.1} bytes/node (target <= 29)",
                (s.record_forward_s + s.backward_s) / s.native_s,
                (s.record_forward_s + s.backward_s) / s.nodes as f64 * 1e9,
                s.bytes_per_node
            );
        }
    }
}

/// Seconds as milliseconds with three decimals.
fn ms(seconds: f64) -> String {
    format!("{:.3} ms", seconds * 1e3)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    /// `cargo xtask bench` as the command line parses it.
    #[derive(Parser)]
    struct Command {
        #[command(flatten)]
        args: super::Args,
    }

    #[test]
    fn numpy_defaults_to_the_script_in_the_repository() {
        let command = Command::parse_from(["bench", "--numpy"]);
        let script = command.args.numpy.expect("--numpy given");
        assert!(
            super::workspace_root().join(&script).is_file(),
            "{} is not in the repository",
            script.display()
        );
        assert_eq!(
            command.args.dtype,
            [super::matmul::Dtype::F64, super::matmul::Dtype::F32]
        );
    }
}
