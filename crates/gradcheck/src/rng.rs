//! Reproducible random numbers: ChaCha8 seeded from a `u64`, so a seed in a
//! report reproduces the same check on every platform.

use ndarray::ArrayD;
use ndarray_rand::rand_distr::StandardNormal;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The generator behind every random choice of the checker.
pub(crate) type CheckRng = ChaCha8Rng;

/// A generator for `seed`.
pub(crate) fn rng(seed: u64) -> CheckRng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// An array of independent standard normal numbers.
pub(crate) fn normal_array(rng: &mut CheckRng, shape: &[usize]) -> ArrayD<f64> {
    ArrayD::from_shape_simple_fn(shape, || rng.sample::<f64, _>(StandardNormal))
}

/// A stable 64-bit hash of a name (FNV-1a), to derive per-entry seeds that
/// do not depend on the order of entries or on the standard library's
/// hasher.
pub(crate) fn name_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The seed of catalog entry `name` in a run seeded with `seed`.
pub fn entry_seed(seed: u64, name: &str) -> u64 {
    seed ^ name_hash(name)
}
