//! CANDLE-0001: `max_pool2d` backward divides each window's gradient by
//! the window size (kh·kw) instead of passing it to the maximum.
//!
//! Cargo.toml: `candle-core = "=0.11.1"`. Run: `cargo run`.

use candle_core::{Device, Tensor, Var};

/// candle's gradient of `sum(max_pool2d(x, 2))` for `x = [[1, 2], [3, 4]]`.
pub fn reproduce() -> candle_core::Result<Vec<f64>> {
    let x = Var::from_tensor(&Tensor::new(&[[[[1f64, 2.], [3., 4.]]]], &Device::Cpu)?)?;
    let y = x.as_tensor().max_pool2d(2)?; // [[[[4.]]]]
    let grads = y.sum_all()?.backward()?;
    grads
        .get(x.as_tensor())
        .expect("a gradient for x")
        .flatten_all()?
        .to_vec1()
}

/// The gradient by definition: the one window's maximum, 4, gets the
/// upstream gradient 1; the other elements get 0.
pub fn expected() -> Vec<f64> {
    vec![0., 0., 0., 1.]
}

pub fn main() -> candle_core::Result<()> {
    let got = reproduce()?;
    println!("candle:   {got:?}");
    println!("expected: {:?}", expected());
    assert_eq!(
        got,
        expected(),
        "max_pool2d's gradient is off by the window size"
    );
    Ok(())
}
