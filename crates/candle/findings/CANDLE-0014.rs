//! CANDLE-0014: `gelu` and `gelu_erf` backward use constants rounded to six
//! digits, so their f64 gradients are off by up to about 2e-7 (a relative
//! error around 1e-6, far above f64 rounding).
//!
//! Cargo.toml: `candle-core = "=0.11.1"`. Run: `cargo run`.

use candle_core::{Device, Tensor, Var};

/// candle's gradient of `gelu(x)` at `x = 1` in f64.
pub fn reproduce() -> candle_core::Result<Vec<f64>> {
    let x = Var::from_tensor(&Tensor::new(&[1f64], &Device::Cpu)?)?;
    let grads = x.as_tensor().gelu()?.sum_all()?.backward()?;
    grads
        .get(x.as_tensor())
        .expect("a gradient for x")
        .to_vec1()
}

/// The derivative of candle's own forward `0.5·x·(1 + tanh(√(2/π)·(x +
/// 0.044715·x³)))`, with exact constants:
/// `0.5·(1 + t) + 0.5·x·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²)`.
pub fn expected() -> Vec<f64> {
    let x = 1f64;
    let c = (2.0 / std::f64::consts::PI).sqrt();
    let t = (c * (x + 0.044715 * x * x * x)).tanh();
    vec![0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * c * (1.0 + 3.0 * 0.044715 * x * x)]
}

pub fn main() -> candle_core::Result<()> {
    let got = reproduce()?;
    println!("candle:   {:.17}", got[0]);
    println!("expected: {:.17}", expected()[0]);
    println!("difference: {:e}", got[0] - expected()[0]);
    Ok(())
}
