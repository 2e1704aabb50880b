//! BURN-0007: `module::deform_conv2d` on the ndarray backend computes the
//! sampling positions and bilinear weights in f32 whatever the tensors'
//! float type, so an f64 deformable convolution is only f32-precise (in
//! forward and backward alike).
//!
//! Cargo.toml: `burn-tensor = { version = "=0.22.1", features = ["ndarray"] }`.
//! Run: `cargo run`.

use burn_tensor::module::deform_conv2d;
use burn_tensor::ops::DeformConvOptions;
use burn_tensor::{Device, FloatDType, Tensor};

/// burn's `deform_conv2d` in f64 of one channel `x = [[1, 2]]` with a 1×1
/// kernel of weight 1, sampled 0.1 to the right of each pixel (`Δx = 0.1`,
/// `Δy = 0`).
pub fn reproduce() -> Vec<f64> {
    #[allow(deprecated)] // burn 0.22 deprecates the ndarray backend, not its ops
    let mut device = Device::ndarray();
    let _ = device.configure(FloatDType::F64); // Err if already configured
    let x = Tensor::<4>::from_floats([[[[1.0, 2.0]]]], &device);
    let w = Tensor::<4>::from_floats([[[[1.0]]]], &device);
    let offset = Tensor::<4>::from_floats([[[[0.0, 0.0]], [[0.1, 0.1]]]], &device);
    let options = DeformConvOptions::new([1, 1], [0, 0], [1, 1], 1, 1);
    deform_conv2d(x, offset, w, None, None, options)
        .into_data()
        .try_to_vec::<f64>()
        .expect("f64")
}

/// The value by definition, in f64: at `x = 0.1` the bilinear sample is
/// `0.9·1 + 0.1·2 = 1.1`; at `x = 1.1` it is `0.9·2 + 0.1·0 = 1.8` (the
/// right neighbour is outside the image).
pub fn expected() -> Vec<f64> {
    vec![0.9 * 1.0 + 0.1 * 2.0, 0.9 * 2.0]
}

fn main() {
    let got = reproduce();
    println!("burn:     {got:?}");
    println!("expected: {:?}", expected());
    for (g, e) in got.iter().zip(expected()) {
        assert!(
            (g - e).abs() <= 1e-15 * e.abs(),
            "burn {g}, f64 gives {e}: off by {:.1e}",
            (g - e).abs() / e.abs()
        );
    }
}
