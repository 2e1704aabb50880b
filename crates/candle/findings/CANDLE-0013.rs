//! CANDLE-0013: the fused `candle_nn::ops::softmax_last_dim`, `rms_norm`
//! and `layer_norm`, and the `RmsNorm` and `LayerNorm` modules that call
//! them on contiguous inputs, record no backward op: no gradient reaches
//! their inputs or weights.
//!
//! Cargo.toml: `candle-core = "=0.11.1"`, `candle-nn = "=0.11.1"`. Run:
//! `cargo run`.

use candle_core::{Device, Tensor, Var};

/// candle's gradient of `sum(softmax_last_dim(x) ⊙ [1, 0])` at `x = [0, 0]`.
pub fn reproduce() -> candle_core::Result<Vec<f64>> {
    let dev = Device::Cpu;
    let x = Var::from_tensor(&Tensor::new(&[[0f64, 0.]], &dev)?)?;
    let y = candle_nn::ops::softmax_last_dim(x.as_tensor())?; // [[0.5, 0.5]]
    let c = Tensor::new(&[[1f64, 0.]], &dev)?;
    let grads = (y * c)?.sum_all()?.backward()?;
    let g = grads
        .get(x.as_tensor())
        .ok_or_else(|| candle_core::Error::Msg("candle returned no gradient for x".into()))?;
    g.flatten_all()?.to_vec1()
}

/// The gradient by definition: `∂y₀/∂x = y₀·(e₀ − y) = [0.25, −0.25]`.
pub fn expected() -> Vec<f64> {
    vec![0.25, -0.25]
}

pub fn main() {
    match reproduce() {
        Ok(got) => println!("candle: {got:?}, expected: {:?}", expected()),
        Err(e) => println!("{e}\nexpected: {:?}", expected()),
    }
}
