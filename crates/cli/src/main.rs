//! `backprop`: the value and gradients of any expression, its backward
//! pass explained stage by stage as in the lecture notebook, circuit
//! diagrams (Graphviz DOT and SVG), and a finite-difference check.
//!
//! ```text
//! $ backprop grad '(x + y) * z' x=-2 y=5 z=-4
//! f = -12.0
//! df/dx = -4.0
//! df/dy = -4.0
//! df/dz = 3.0
//! ```
//!
//! See `backprop --help` and the crate's README. Expressions are parsed and
//! evaluated by `backprop-expr`, backpropagated by `backprop-graph` and
//! checked by `backprop-gradcheck`.

mod args;
mod check;
mod explain;
mod grad;
mod input;
mod output;
mod report;
mod stepper;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};
use output::Output;
use report::Failure;

/// Runs a command; `stdout` is for commands that stream their output as
/// they go (`explain`), the others return theirs in [`Output::stdout`].
fn run(cli: Cli, stdout: &mut dyn Write) -> Result<Output, Failure> {
    match cli.command {
        Command::Grad { input, json } => grad::run(&input, json),
        Command::Explain {
            input,
            dot,
            svg,
            html,
        } => stepper::explain(
            &input,
            dot.as_deref(),
            svg.as_deref(),
            html.as_deref(),
            stdout,
        ),
        Command::Check { input, rtol, atol } => check::run(&input, rtol, atol),
    }
}

/// Writes `text`; a closed pipe (`backprop explain ... | head`) is not an
/// error worth reporting.
fn emit(mut sink: impl Write, text: &str) -> io::Result<()> {
    match sink.write_all(text.as_bytes()).and_then(|()| sink.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

fn main() -> ExitCode {
    // clap prints usage errors itself and exits with status 2.
    let cli = Cli::parse();
    let mut stdout = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let result = run(cli, &mut stdout);
    drop(stdout); // flushed by explain; nothing else was written to it
    match result {
        Ok(output) => {
            let mut stderr = String::new();
            for d in &output.stderr {
                stderr.push_str(&d.to_string());
            }
            let written = emit(io::stdout().lock(), &output.stdout)
                .and_then(|()| emit(io::stderr().lock(), &stderr));
            match written {
                Ok(()) => ExitCode::from(output.status),
                Err(_) => ExitCode::from(3),
            }
        }
        Err(failure) => {
            let _ = emit(io::stderr().lock(), &failure.message());
            failure.exit_code()
        }
    }
}
