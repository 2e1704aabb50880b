//! CANDLE-0007: `conv_transpose1d` has no backward pass.
//!
//! Cargo.toml: `candle-core = "=0.11.1"`. Run: `cargo run`.

use candle_core::{Device, Tensor, Var};

/// candle's gradient of `sum(conv_transpose1d(x, w))` with respect to `x`.
pub fn reproduce() -> candle_core::Result<Vec<f64>> {
    let dev = Device::Cpu;
    let x = Var::from_tensor(&Tensor::new(&[[[1f64, 2.]]], &dev)?)?;
    let w = Tensor::new(&[[[1f64, 2.]]], &dev)?;
    let y = x.as_tensor().conv_transpose1d(&w, 0, 0, 1, 1, 1)?; // [1, 4, 4]
    let grads = y.sum_all()?.backward()?; // error: backward not supported
    grads
        .get(x.as_tensor())
        .expect("a gradient for x")
        .flatten_all()?
        .to_vec1()
}

/// The gradient by definition: every input element reaches the output
/// through both kernel taps, `1 + 2 = 3`.
pub fn expected() -> Vec<f64> {
    vec![3., 3.]
}

pub fn main() {
    match reproduce() {
        Ok(got) => println!("candle: {got:?}, expected: {:?}", expected()),
        Err(e) => println!("candle's backward fails: {e}\nexpected: {:?}", expected()),
    }
}
