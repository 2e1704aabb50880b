//! BURN-0004: `module::deform_conv2d` with `offset_groups > 1` computes
//! the gradients of the offsets (and of the mask) of every group after the
//! first with the first group's channels.
//!
//! Cargo.toml: `burn-tensor = { version = "=0.22.1", features = ["ndarray", "autodiff"] }`.
//! Run: `cargo run`.

use burn_tensor::module::deform_conv2d;
use burn_tensor::ops::DeformConvOptions;
use burn_tensor::{Device, FloatDType, Tensor};

/// burn's gradient of `sum(deform_conv2d(x, offset, w))` with respect to
/// `offset`, for two channels in two offset groups, a 1×1 kernel
/// `w = [1, 3]`, `x = [[1, 2, 4]]` and `[[10, 30, 20]]` (one row of three),
/// every offset `0.25`. Flattened: group 0 `Δy` (3 positions), group 0
/// `Δx`, group 1 `Δy`, group 1 `Δx`.
pub fn reproduce() -> Vec<f64> {
    #[allow(deprecated)] // burn 0.22 deprecates the ndarray backend, not its ops
    let mut device = Device::ndarray();
    let _ = device.configure(FloatDType::F64); // Err if already configured
    let device = device.autodiff();
    let x = Tensor::<4>::from_floats([[[[1.0, 2.0, 4.0]], [[10.0, 30.0, 20.0]]]], &device);
    let w = Tensor::<4>::from_floats([[[[1.0]], [[3.0]]]], &device);
    let offset = Tensor::<4>::full([1, 4, 1, 3], 0.25, &device).require_grad();
    let options = DeformConvOptions::new([1, 1], [0, 0], [1, 1], 1, 2);
    let y = deform_conv2d(x, offset.clone(), w, None, None, options);
    let grads = y.sum().backward();
    offset
        .grad(&grads)
        .expect("a gradient for offset")
        .into_data()
        .try_to_vec::<f64>()
        .expect("f64")
}

/// The gradient by definition. Output `j` samples channel `c` at
/// `(0.25, j + 0.25)`: row 1 is outside the image (zero), so the sample is
/// `S = 0.75·(0.75·x[j] + 0.25·x[j+1])` (`x[3] = 0`), with
/// `∂S/∂Δx = 0.75·(x[j+1] - x[j])` and `∂S/∂Δy = -(0.75·x[j] + 0.25·x[j+1])`,
/// each times the channel's weight (1, then 3).
pub fn expected() -> Vec<f64> {
    vec![
        -1.25, -2.5, -3.0, // group 0 Δy: -(0.75·[1, 2, 4] + 0.25·[2, 4, 0])
        0.75, 1.5, -3.0, //   group 0 Δx: 0.75·([2, 4, 0] - [1, 2, 4])
        -45.0, -82.5, -45.0, // group 1 Δy: -3·(0.75·[10, 30, 20] + 0.25·[30, 20, 0])
        45.0, -22.5, -45.0, //  group 1 Δx: 3·0.75·([30, 20, 0] - [10, 30, 20])
    ]
}

fn main() {
    let got = reproduce();
    println!("burn:     {got:?}");
    println!("expected: {:?}", expected());
    for (i, (g, e)) in got.iter().zip(expected()).enumerate() {
        assert!(
            (g - e).abs() <= 1e-5 * e.abs().max(1.0),
            "offset gradient {i}: burn {g}, expected {e}"
        );
    }
}
