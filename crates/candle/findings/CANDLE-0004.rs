//! CANDLE-0004: `conv1d` computes the wrong result for a non-contiguous
//! kernel, so its backward pass returns a wrong kernel gradient whenever
//! the batch has more than one sample.
//!
//! Cargo.toml: `candle-core = "=0.11.1"`. Run: `cargo run`.

use candle_core::{Device, Tensor, Var};

/// candle's kernel gradient of `sum(conv1d(x, w) ⊙ c)` for a batch of two.
pub fn reproduce() -> candle_core::Result<Vec<f64>> {
    let dev = Device::Cpu;
    let x = Tensor::new(&[[[1f64, 2., 3.]], [[4., 5., 6.]]], &dev)?; // (2, 1, 3)
    let w = Var::from_tensor(&Tensor::new(&[[[1f64, 0.]], [[0., 1.]]], &dev)?)?; // (2, 1, 2)
    let y = x.conv1d(w.as_tensor(), 0, 1, 1, 1)?; // (2, 2, 2)
    let c = Tensor::new(&[[[1f64, 2.], [3., 4.]], [[5., 6.], [7., 8.]]], &dev)?;
    let grads = (y * c)?.sum_all()?.backward()?;
    grads
        .get(w.as_tensor())
        .expect("a gradient for w")
        .flatten_all()?
        .to_vec1()
}

/// The gradient by definition, `dw[o, 0, k] = Σ_b Σ_l c[b, o, l]·x[b, 0, l + k]`:
/// `dw[0,0,0] = 1·1 + 2·2 + 5·4 + 6·5 = 55`, `dw[0,0,1] = 1·2 + 2·3 + 5·5 + 6·6 = 69`,
/// `dw[1,0,0] = 3·1 + 4·2 + 7·4 + 8·5 = 79`, `dw[1,0,1] = 3·2 + 4·3 + 7·5 + 8·6 = 101`.
pub fn expected() -> Vec<f64> {
    vec![55., 69., 79., 101.]
}

/// The root cause, in the forward pass: the same convolution with a
/// transposed (non-contiguous) kernel and with a contiguous copy of it.
pub fn forward_with_strided_kernel() -> candle_core::Result<(Vec<f64>, Vec<f64>)> {
    let dev = Device::Cpu;
    let x = Tensor::new(&[[[1f64, 2., 3.], [4., 5., 6.]]], &dev)?; // (1, 2, 3)
    let w = Tensor::new(&[[[1f64, 2.], [3., 4.]], [[5., 6.], [7., 8.]]], &dev)?.transpose(0, 1)?;
    let strided = x.conv1d(&w, 0, 1, 1, 1)?.flatten_all()?.to_vec1()?;
    let copied = x
        .conv1d(&w.contiguous()?, 0, 1, 1, 1)?
        .flatten_all()?
        .to_vec1()?;
    Ok((strided, copied))
}

pub fn main() -> candle_core::Result<()> {
    let (strided, copied) = forward_with_strided_kernel()?;
    println!("conv1d, transposed kernel:      {strided:?}");
    println!("conv1d, contiguous copy of it:  {copied:?}");
    let got = reproduce()?;
    println!("kernel gradient, candle:   {got:?}");
    println!("kernel gradient, expected: {:?}", expected());
    assert_eq!(got, expected(), "wrong kernel gradient");
    Ok(())
}
