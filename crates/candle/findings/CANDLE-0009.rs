//! CANDLE-0009: `scatter` backward passes the upstream gradient to the
//! elements of the destination that the source overwrote.
//!
//! Cargo.toml: `candle-core = "=0.11.1"`. Run: `cargo run`.

use candle_core::{Device, Tensor, Var};

/// candle's gradient of `sum(init.scatter(idx, src, 1))` with respect to
/// `init`, where `src` overwrites `init[0, 1]`.
pub fn reproduce() -> candle_core::Result<Vec<f64>> {
    let dev = Device::Cpu;
    let init = Var::from_tensor(&Tensor::new(&[[1f64, 2., 3.]], &dev)?)?;
    let src = Tensor::new(&[[5f64]], &dev)?;
    let idx = Tensor::new(&[[1u32]], &dev)?;
    let y = init.as_tensor().scatter(&idx, &src, 1)?; // [[1, 5, 3]]
    let grads = y.sum_all()?.backward()?;
    grads
        .get(init.as_tensor())
        .expect("a gradient for init")
        .flatten_all()?
        .to_vec1()
}

/// The gradient by definition: `init[0, 1]` no longer reaches the output.
pub fn expected() -> Vec<f64> {
    vec![1., 0., 1.]
}

pub fn main() -> candle_core::Result<()> {
    let got = reproduce()?;
    println!("candle:   {got:?}");
    println!("expected: {:?}", expected());
    assert_eq!(got, expected(), "gradient for an overwritten element");
    Ok(())
}
