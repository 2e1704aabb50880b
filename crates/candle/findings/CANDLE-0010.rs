//! CANDLE-0010: `scatter_add` backward zeroes the destination's gradient
//! where the source is added (a wrong, silent zero), and fails outright
//! when the source is smaller than the destination.
//!
//! Cargo.toml: `candle-core = "=0.11.1"`. Run: `cargo run`.

use candle_core::{Device, Tensor, Var};

/// candle's gradient of `sum(init.scatter_add(idx, src, 1))` with respect
/// to `init`, `src` the same shape as `init`, both added to `init[0, 0]`.
pub fn reproduce() -> candle_core::Result<Vec<f64>> {
    let dev = Device::Cpu;
    let init = Var::from_tensor(&Tensor::new(&[[1f64, 2.]], &dev)?)?;
    let src = Tensor::new(&[[10f64, 20.]], &dev)?;
    let idx = Tensor::new(&[[0u32, 0]], &dev)?;
    let y = init.as_tensor().scatter_add(&idx, &src, 1)?; // [[31, 2]]
    let grads = y.sum_all()?.backward()?;
    grads
        .get(init.as_tensor())
        .expect("a gradient for init")
        .flatten_all()?
        .to_vec1()
}

/// The gradient by definition: every element of `init` reaches the output
/// with weight one.
pub fn expected() -> Vec<f64> {
    vec![1., 1.]
}

/// The backward pass with a source smaller than the destination: an error.
pub fn smaller_source() -> candle_core::Result<()> {
    let dev = Device::Cpu;
    let init = Var::from_tensor(&Tensor::new(&[[1f64, 2., 3.]], &dev)?)?;
    let src = Tensor::new(&[[10f64]], &dev)?;
    let idx = Tensor::new(&[[2u32]], &dev)?;
    let y = init.as_tensor().scatter_add(&idx, &src, 1)?;
    y.sum_all()?.backward().map(|_| ())
}

pub fn main() -> candle_core::Result<()> {
    if let Err(e) = smaller_source() {
        println!("smaller source: candle's backward fails: {e}");
    }
    let got = reproduce()?;
    println!("candle:   {got:?}");
    println!("expected: {:?}", expected());
    assert_eq!(got, expected(), "zeroed gradient");
    Ok(())
}
