//! `cargo xtask notebook`: every replayed cell in notebook order.

use std::process::ExitCode;

/// Options of `cargo xtask notebook`.
#[derive(clap::Args)]
pub struct Args {
    /// Print only the cell with this number (as in `In [8]:`).
    #[arg(long, value_name = "N")]
    cell: Option<u32>,
}

pub fn run(args: &Args) -> ExitCode {
    match args.cell {
        None => {
            print!("{}", backprop_notebook::render_all());
            ExitCode::SUCCESS
        }
        Some(n) => match backprop_notebook::cell(n) {
            Some(cell) => {
                print!("In [{}]:\n{}\n", cell.number, (cell.replay)());
                ExitCode::SUCCESS
            }
            None => {
                let known: Vec<String> = backprop_notebook::cells()
                    .iter()
                    .map(|c| c.number.to_string())
                    .collect();
                eprintln!(
                    "error: no replayed cell In [{n}]; replayed cells: {}",
                    known.join(", ")
                );
                ExitCode::from(2)
            }
        },
    }
}
