//! Seeded inputs for the audit's cases: every value a case is checked at
//! comes from the run's seed and the case's name.

use ndarray::{ArrayD, IxDyn};
use ndarray_rand::rand_distr::StandardNormal;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Random inputs for one case: ChaCha8 seeded from the run's seed and the
/// case's name, so `--seed N` reproduces every value on every platform.
pub struct Sampler {
    rng: ChaCha8Rng,
}

impl Sampler {
    /// The sampler of case `name` in a run seeded with `seed`.
    pub fn new(seed: u64, name: &str) -> Sampler {
        Sampler {
            rng: ChaCha8Rng::seed_from_u64(backprop_gradcheck::entry_seed(seed, name)),
        }
    }

    /// Uniform in `[lo, hi)`.
    pub fn uniform(&mut self, shape: &[usize], lo: f64, hi: f64) -> ArrayD<f64> {
        ArrayD::from_shape_simple_fn(IxDyn(shape), || self.rng.random_range(lo..hi))
    }

    /// Standard normal.
    pub fn normal(&mut self, shape: &[usize]) -> ArrayD<f64> {
        ArrayD::from_shape_simple_fn(IxDyn(shape), || self.rng.sample::<f64, _>(StandardNormal))
    }

    /// Uniform in `[lo, hi)`, but at least `gap` away from each of `kinks`
    /// (where the function has no derivative: relu at 0, clamp at its
    /// bounds), so the finite differences never straddle one.
    pub fn away(
        &mut self,
        shape: &[usize],
        lo: f64,
        hi: f64,
        kinks: &[f64],
        gap: f64,
    ) -> ArrayD<f64> {
        ArrayD::from_shape_simple_fn(IxDyn(shape), || {
            loop {
                let v = self.rng.random_range(lo..hi);
                if kinks.iter().all(|k| (v - k).abs() >= gap) {
                    return v;
                }
            }
        })
    }

    /// Values in `[lo, hi)` in random order, any two at least
    /// `(hi - lo) / (2·n)` apart: no ties for max, min, sort or pooling to
    /// break, and none within a finite-difference step of each other.
    pub fn distinct(&mut self, shape: &[usize], lo: f64, hi: f64) -> ArrayD<f64> {
        let n: usize = shape.iter().product();
        let width = (hi - lo) / n as f64;
        let mut values: Vec<f64> = (0..n)
            .map(|i| lo + width * (i as f64 + 0.25 + 0.5 * self.rng.random::<f64>()))
            .collect();
        values.shuffle(&mut self.rng);
        ArrayD::from_shape_vec(IxDyn(shape), values).expect("n values for the shape")
    }

    /// Integers uniform in `[0, upper)`.
    pub fn indices(&mut self, shape: &[usize], upper: usize) -> ArrayD<i64> {
        ArrayD::from_shape_simple_fn(IxDyn(shape), || self.rng.random_range(0..upper as i64))
    }

    /// A random permutation of `0..n`, its first `k` entries (distinct
    /// indices).
    pub fn distinct_indices(&mut self, n: usize, k: usize) -> Vec<i64> {
        let mut all: Vec<i64> = (0..n as i64).collect();
        all.shuffle(&mut self.rng);
        all.truncate(k);
        all
    }

    /// A boolean mask, each entry true with probability one half.
    pub fn mask(&mut self, shape: &[usize]) -> ArrayD<bool> {
        ArrayD::from_shape_simple_fn(IxDyn(shape), || self.rng.random::<bool>())
    }
}
