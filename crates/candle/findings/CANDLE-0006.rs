//! CANDLE-0006: `conv2d` backward fails with a shape mismatch when the
//! height and the width need different output paddings (stride ≥ 2 and
//! sizes whose remainders differ).
//!
//! Cargo.toml: `candle-core = "=0.11.1"`. Run: `cargo run`.

use candle_core::{Device, Tensor, Var};

/// candle's gradient of `sum(conv2d(x, w, stride 2))` for a 3×4 `x` and a
/// 1×1 kernel of weight 1.
pub fn reproduce() -> candle_core::Result<Vec<f64>> {
    let dev = Device::Cpu;
    let x = Var::from_tensor(&Tensor::arange(0f64, 12., &dev)?.reshape((1, 1, 3, 4))?)?;
    let w = Tensor::new(&[[[[1f64]]]], &dev)?;
    let y = x.as_tensor().conv2d(&w, 0, 2, 1, 1)?; // (1, 1, 2, 2): rows 0, 2; columns 0, 2
    let grads = y.sum_all()?.backward()?; // error: shape mismatch in add
    grads
        .get(x.as_tensor())
        .expect("a gradient for x")
        .flatten_all()?
        .to_vec1()
}

/// The gradient by definition: 1 on the four elements the strided 1×1
/// kernel reads, 0 elsewhere.
pub fn expected() -> Vec<f64> {
    vec![1., 0., 1., 0., 0., 0., 0., 0., 1., 0., 1., 0.]
}

pub fn main() {
    match reproduce() {
        Ok(got) => println!("candle: {got:?}, expected: {:?}", expected()),
        Err(e) => println!("candle's backward fails: {e}\nexpected: {:?}", expected()),
    }
}
