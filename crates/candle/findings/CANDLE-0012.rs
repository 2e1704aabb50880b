//! CANDLE-0012: `upsample_nearest1d` / `upsample_nearest2d` (and their
//! `interpolate` aliases) have no backward pass for non-integer or (2-D)
//! unequal scale factors.
//!
//! Cargo.toml: `candle-core = "=0.11.1"`. Run: `cargo run`.

use candle_core::{Device, Tensor, Var};

/// candle's gradient of `sum(upsample_nearest1d(x, 3))` for a length-2 `x`.
pub fn reproduce() -> candle_core::Result<Vec<f64>> {
    let dev = Device::Cpu;
    let x = Var::from_tensor(&Tensor::new(&[[[1f64, 2.]]], &dev)?)?;
    let y = x.as_tensor().upsample_nearest1d(3)?; // [[[1, 1, 2]]]
    let grads = y.sum_all()?.backward()?; // error: not supported
    grads
        .get(x.as_tensor())
        .expect("a gradient for x")
        .flatten_all()?
        .to_vec1()
}

/// The gradient by definition: output positions 0 and 1 read `x[0]`,
/// position 2 reads `x[1]`.
pub fn expected() -> Vec<f64> {
    vec![2., 1.]
}

pub fn main() {
    match reproduce() {
        Ok(got) => println!("candle: {got:?}, expected: {:?}", expected()),
        Err(e) => println!("candle's backward fails: {e}\nexpected: {:?}", expected()),
    }
}
