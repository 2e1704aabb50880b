//! CANDLE-0003: `avg_pool2d_with_stride` and `max_pool2d_with_stride` have
//! no backward pass when the stride differs from the kernel size.
//!
//! Cargo.toml: `candle-core = "=0.11.1"`. Run: `cargo run`.

use candle_core::{Device, Tensor, Var};

/// candle's gradient of `sum(avg_pool2d_with_stride(x, 2, 1))` for a 3×3
/// `x` (four overlapping windows).
pub fn reproduce() -> candle_core::Result<Vec<f64>> {
    let x = Tensor::arange(0f64, 9., &Device::Cpu)?.reshape((1, 1, 3, 3))?;
    let x = Var::from_tensor(&x)?;
    let y = x.as_tensor().avg_pool2d_with_stride(2, 1)?; // forward works: 2×2
    let grads = y.sum_all()?.backward()?; // error: backward not supported
    grads
        .get(x.as_tensor())
        .expect("a gradient for x")
        .flatten_all()?
        .to_vec1()
}

/// The gradient by definition: each element gets 1/4 from every window that
/// covers it (corners 1, edges 2, the centre 4 windows).
pub fn expected() -> Vec<f64> {
    vec![0.25, 0.5, 0.25, 0.5, 1.0, 0.5, 0.25, 0.5, 0.25]
}

pub fn main() {
    match reproduce() {
        Ok(got) => println!("candle: {got:?}, expected: {:?}", expected()),
        Err(e) => println!("candle's backward fails: {e}\nexpected: {:?}", expected()),
    }
}
