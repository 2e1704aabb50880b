//! Best-of-N timing.

use std::hint::black_box;
use std::time::Instant;

/// The shortest of `runs` timed calls of `f`, after one untimed warm-up
/// call, in seconds. A call's result is dropped after its clock stops, so
/// freeing it is not timed.
pub fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> f64 {
    drop(black_box(f()));
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            let result = black_box(f());
            let elapsed = start.elapsed().as_secs_f64();
            drop(result);
            elapsed
        })
        .fold(f64::INFINITY, f64::min)
}
