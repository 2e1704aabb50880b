//! Time the whole gradient-check catalog: every gate and every tensor op,
//! in f64 and f32. Run with `cargo bench -p backprop-selfcheck --bench
//! catalog`; prints one JSON line per run, then the best of them.

use std::time::Instant;

use backprop_selfcheck::{CatalogOptions, check_catalog};

fn main() {
    let options = CatalogOptions::default();
    // Warm-up (page faults, lazy statics), then the timed runs.
    let report = check_catalog(&options, |_, _, _| {});
    assert!(report.passed(), "{report}");
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let started = Instant::now();
        let report = check_catalog(&options, |_, _, _| {});
        let seconds = started.elapsed().as_secs_f64();
        best = best.min(seconds);
        println!(
            "{{\"op\":\"gradcheck_catalog\",\"entries\":{},\"forward_evaluations\":{},\"backward_evaluations\":{},\"seconds\":{seconds:.4}}}",
            report.counts.total, report.evaluations.forward, report.evaluations.backward
        );
    }
    println!("{{\"op\":\"gradcheck_catalog\",\"best_seconds\":{best:.4}}}");
}
