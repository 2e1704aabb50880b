//! CANDLE-0011: `upsample_nearest1d` / `upsample_nearest2d` (and
//! `interpolate1d` / `interpolate2d`) backward overwrites the gradient its
//! input already received from other uses instead of adding to it.
//!
//! Cargo.toml: `candle-core = "=0.11.1"`. Run: `cargo run`.

use candle_core::{Device, Tensor, Var};

/// candle's gradient of `sum(cat([upsample_nearest1d(x, 4), x]))`.
pub fn reproduce() -> candle_core::Result<Vec<f64>> {
    let dev = Device::Cpu;
    let x = Var::from_tensor(&Tensor::new(&[[[1f64, 2.]]], &dev)?)?;
    let up = x.as_tensor().upsample_nearest1d(4)?; // [[[1, 1, 2, 2]]]
    let y = Tensor::cat(&[&up, x.as_tensor()], 2)?; // [[[1, 1, 2, 2, 1, 2]]]
    let grads = y.sum_all()?.backward()?;
    grads
        .get(x.as_tensor())
        .expect("a gradient for x")
        .flatten_all()?
        .to_vec1()
}

/// The gradient by definition: each element appears twice in the upsampled
/// part and once more by itself, `2 + 1 = 3`.
pub fn expected() -> Vec<f64> {
    vec![3., 3.]
}

pub fn main() -> candle_core::Result<()> {
    let got = reproduce()?;
    println!("candle:   {got:?}");
    println!("expected: {:?}", expected());
    assert_eq!(got, expected(), "the second use's gradient was overwritten");
    Ok(())
}
