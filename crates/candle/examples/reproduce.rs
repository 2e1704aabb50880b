//! Run the reproducers of the known candle findings.
//!
//! ```text
//! cargo run -p backprop-candle --example reproduce                # every finding
//! cargo run -p backprop-candle --example reproduce -- CANDLE-0003 # one
//! ```
//!
//! Each `findings/CANDLE-NNNN.rs` is a standalone program (paste it into a
//! new crate with `candle-core = "=0.11.1"` and `cargo run` it); this
//! example compiles all of them into one binary, so the crate links candle
//! once for its reproducers instead of once per finding. Each prints
//! candle's result next to what the definition gives (some stop at
//! candle's error or an assertion); `tests/findings.rs` is what judges
//! that each still reproduces. Exit status: 0, or 2 for an unknown id.

use std::panic::catch_unwind;
use std::process::{ExitCode, Termination};

#[path = "../findings/CANDLE-0001.rs"]
mod candle_0001;
#[path = "../findings/CANDLE-0002.rs"]
mod candle_0002;
#[path = "../findings/CANDLE-0003.rs"]
mod candle_0003;
#[path = "../findings/CANDLE-0004.rs"]
mod candle_0004;
#[path = "../findings/CANDLE-0005.rs"]
mod candle_0005;
#[path = "../findings/CANDLE-0006.rs"]
mod candle_0006;
#[path = "../findings/CANDLE-0007.rs"]
mod candle_0007;
#[path = "../findings/CANDLE-0008.rs"]
mod candle_0008;
#[path = "../findings/CANDLE-0009.rs"]
mod candle_0009;
#[path = "../findings/CANDLE-0010.rs"]
mod candle_0010;
#[path = "../findings/CANDLE-0011.rs"]
mod candle_0011;
#[path = "../findings/CANDLE-0012.rs"]
mod candle_0012;
#[path = "../findings/CANDLE-0013.rs"]
mod candle_0013;
#[path = "../findings/CANDLE-0014.rs"]
mod candle_0014;

/// A finding's id and its reproducer's `main`, its result as an exit code.
type Reproducer = (&'static str, fn() -> ExitCode);

/// Every reproducer, in id order. Some `main`s return `()`, some a
/// `Result`; `Termination::report` makes them alike.
#[allow(clippy::unit_arg)]
const REPRODUCERS: &[Reproducer] = &[
    ("CANDLE-0001", || candle_0001::main().report()),
    ("CANDLE-0002", || candle_0002::main().report()),
    ("CANDLE-0003", || candle_0003::main().report()),
    ("CANDLE-0004", || candle_0004::main().report()),
    ("CANDLE-0005", || candle_0005::main().report()),
    ("CANDLE-0006", || candle_0006::main().report()),
    ("CANDLE-0007", || candle_0007::main().report()),
    ("CANDLE-0008", || candle_0008::main().report()),
    ("CANDLE-0009", || candle_0009::main().report()),
    ("CANDLE-0010", || candle_0010::main().report()),
    ("CANDLE-0011", || candle_0011::main().report()),
    ("CANDLE-0012", || candle_0012::main().report()),
    ("CANDLE-0013", || candle_0013::main().report()),
    ("CANDLE-0014", || candle_0014::main().report()),
];

fn main() -> ExitCode {
    let wanted: Vec<String> = std::env::args().skip(1).collect();
    if let Some(unknown) = wanted
        .iter()
        .find(|w| !REPRODUCERS.iter().any(|(id, _)| id.eq_ignore_ascii_case(w)))
    {
        let ids: Vec<&str> = REPRODUCERS.iter().map(|(id, _)| *id).collect();
        eprintln!(
            "reproduce: no finding {unknown:?}; the findings are {}",
            ids.join(", ")
        );
        return ExitCode::from(2);
    }
    for &(id, run) in REPRODUCERS {
        if !wanted.is_empty() && !wanted.iter().any(|w| id.eq_ignore_ascii_case(w)) {
            continue;
        }
        println!("== {id}");
        // A reproducer that asserts the definition's value panics while
        // candle is wrong; the next one still runs.
        match catch_unwind(run) {
            Ok(code) if code == ExitCode::SUCCESS => {}
            Ok(_) => println!("({id}'s program exits with an error: see above)"),
            Err(_) => println!("({id}'s program panics: see above)"),
        }
    }
    ExitCode::SUCCESS
}
