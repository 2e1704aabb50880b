//! Prints one replayed notebook cell on its own, framed as `cargo xtask
//! notebook` frames it.
//!
//! ```text
//! cargo run -p backprop-notebook --example cell -- 12
//! ```

use std::process::ExitCode;

fn main() -> ExitCode {
    let numbers: Vec<u32> = backprop_notebook::cells()
        .iter()
        .map(|c| c.number)
        .collect();
    let arg = std::env::args().nth(1);
    let Some(cell) = arg
        .as_deref()
        .and_then(|a| a.parse().ok())
        .and_then(backprop_notebook::cell)
    else {
        eprintln!("usage: cell NUMBER   (one of {numbers:?})");
        return ExitCode::from(2);
    };
    print!("In [{}]:\n{}", cell.number, (cell.replay)());
    ExitCode::SUCCESS
}
