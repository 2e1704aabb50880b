//! CANDLE-0002: `avg_pool2d` (and `max_pool2d`) backward spreads the
//! gradient over the wrong elements when the kernel does not divide the
//! input, i.e. when the forward pass drops the last rows or columns.
//!
//! Cargo.toml: `candle-core = "=0.11.1"`. Run: `cargo run`.

use candle_core::{Device, Tensor, Var};

/// candle's gradient of `sum(avg_pool2d(x, 2))` for a 3×3 `x`.
pub fn reproduce() -> candle_core::Result<Vec<f64>> {
    let x = Tensor::arange(0f64, 9., &Device::Cpu)?.reshape((1, 1, 3, 3))?;
    let x = Var::from_tensor(&x)?;
    // One 2×2 window at the top left; row 2 and column 2 are dropped.
    let y = x.as_tensor().avg_pool2d(2)?; // [[[[2.]]]]
    let grads = y.sum_all()?.backward()?;
    grads
        .get(x.as_tensor())
        .expect("a gradient for x")
        .flatten_all()?
        .to_vec1()
}

/// The gradient by definition: 1/4 on the four elements of the window, 0 on
/// the dropped row and column.
pub fn expected() -> Vec<f64> {
    vec![0.25, 0.25, 0., 0.25, 0.25, 0., 0., 0., 0.]
}

pub fn main() -> candle_core::Result<()> {
    let got = reproduce()?;
    println!("candle:   {got:?}");
    println!("expected: {:?}", expected());
    assert_eq!(
        got,
        expected(),
        "gradient on elements the forward pass never read"
    );
    Ok(())
}
