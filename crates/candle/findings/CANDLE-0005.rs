//! CANDLE-0005: the CPU `matmul` multiplies wrongly when the right operand
//! is shared across the batch (batch stride 0, e.g. from `broadcast_as`)
//! and the left operand is not row-major (e.g. transposed). Through
//! `conv_transpose1d` this makes `conv1d`'s input gradient wrong for
//! batches of two or more.
//!
//! Cargo.toml: `candle-core = "=0.11.1"`. Run: `cargo run`.

use candle_core::{Device, Tensor};

/// candle's `a.matmul(b)` for a batch of two transposed 2×2 matrices `a`
/// and one 2×1 matrix `b` broadcast over the batch.
pub fn reproduce() -> candle_core::Result<Vec<f64>> {
    let dev = Device::Cpu;
    let stored = Tensor::new(&[[[1f64, 3.], [2., 4.]], [[5., 7.], [6., 8.]]], &dev)?;
    let a = stored.transpose(1, 2)?; // [[[1, 2], [3, 4]], [[5, 6], [7, 8]]], column-major
    let b = Tensor::new(&[[1f64], [10.]], &dev)?.broadcast_as((2, 2, 1))?;
    a.matmul(&b)?.flatten_all()?.to_vec1()
}

/// The product by definition: `[1 + 20, 3 + 40, 5 + 60, 7 + 80]`.
pub fn expected() -> Vec<f64> {
    vec![21., 43., 65., 87.]
}

/// The same product after `a.contiguous()`: right.
pub fn with_contiguous_lhs() -> candle_core::Result<Vec<f64>> {
    let dev = Device::Cpu;
    let stored = Tensor::new(&[[[1f64, 3.], [2., 4.]], [[5., 7.], [6., 8.]]], &dev)?;
    let a = stored.transpose(1, 2)?.contiguous()?;
    let b = Tensor::new(&[[1f64], [10.]], &dev)?.broadcast_as((2, 2, 1))?;
    a.matmul(&b)?.flatten_all()?.to_vec1()
}

pub fn main() -> candle_core::Result<()> {
    let got = reproduce()?;
    println!("candle:                {got:?}");
    println!("after a.contiguous():  {:?}", with_contiguous_lhs()?);
    println!("expected:              {:?}", expected());
    assert_eq!(got, expected(), "wrong product");
    Ok(())
}
