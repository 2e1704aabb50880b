//! CANDLE-0008: `conv_transpose1d` panics ("attempt to subtract with
//! overflow") in debug builds when `2·padding > (l_in − 1)·stride`, although
//! the output length is positive.
//!
//! Cargo.toml: `candle-core = "=0.11.1"`. Run: `cargo run` (a debug build:
//! overflow checks on).

use candle_core::{Device, Tensor};

/// candle's `conv_transpose1d(x, w, padding 1)` for a length-2 `x` and a
/// length-3 kernel: output length `(2 − 1)·1 − 2·1 + 1·(3 − 1) + 1 = 2`.
pub fn reproduce() -> candle_core::Result<Vec<f64>> {
    let dev = Device::Cpu;
    let x = Tensor::new(&[[[1f64, 2.]]], &dev)?;
    let w = Tensor::new(&[[[1f64, 2., 3.]]], &dev)?;
    x.conv_transpose1d(&w, 1, 0, 1, 1, 1)?
        .flatten_all()?
        .to_vec1()
}

/// The output by definition: the full transposed convolution
/// `[1, 2 + 2, 3 + 4, 6]` without its first and last element.
pub fn expected() -> Vec<f64> {
    vec![4., 7.]
}

pub fn main() -> candle_core::Result<()> {
    let got = reproduce()?; // panics in a debug build
    println!("candle: {got:?}, expected: {:?}", expected());
    Ok(())
}
