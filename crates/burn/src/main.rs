//! `backprop-burn`: the audit of burn's gradients (run by `cargo xtask
//! audit burn`).

use std::process::ExitCode;
use std::time::Instant;

use backprop_burn::audit::catalog;
use backprop_burn::{CheckOptions, Status};
use backprop_gradcheck::{Dtype, entry_seed};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let filter = args.iter().position(|a| a == "--filter").and_then(|i| args.get(i + 1)).cloned();
    let seed: u64 = args
        .iter()
        .position(|a| a == "--seed")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    std::panic::set_hook(Box::new(|_| {}));
    let start = Instant::now();
    let cases = catalog(seed);
    let mut bad = 0;
    let mut n = 0;
    for case in &cases {
        if let Some(f) = &filter
            && !case.name.contains(f.as_str())
        {
            continue;
        }
        for dtype in [Dtype::F64, Dtype::F32] {
            let mut options = CheckOptions::default();
            options.gradcheck.seed = entry_seed(seed, &case.name);
            let t = Instant::now();
            n += 1;
            match case.check(dtype, &options) {
                Ok(r) if r.status == Status::Pass && r.notes.is_empty() => {
                    if args.iter().any(|a| a == "-v") {
                        println!("pass {:.3}s {}", t.elapsed().as_secs_f64(), case.qualified_name(dtype));
                    }
                }
                Ok(r) => {
                    if !r.status.is_ok() {
                        bad += 1;
                    }
                    println!("{} {:.3}s {r}", r.status, t.elapsed().as_secs_f64());
                }
                Err(e) => {
                    bad += 1;
                    println!("ERROR {}: {e}", case.qualified_name(dtype));
                }
            }
        }
    }
    println!("{n} checks, {bad} not ok, {:.1}s", start.elapsed().as_secs_f64());
    if bad == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
