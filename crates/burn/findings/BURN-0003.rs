//! BURN-0003: `module::interpolate` with `InterpolateMode::Bilinear` or
//! `Bicubic` has no backward pass on the ndarray backend: the forward
//! pass runs, and backward panics.
//!
//! Cargo.toml: `burn-tensor = { version = "=0.22.1", features = ["ndarray", "autodiff"] }`.
//! Run: `cargo run`.

use burn_tensor::module::interpolate;
use burn_tensor::ops::{InterpolateMode, InterpolateOptions};
use burn_tensor::{Device, FloatDType, Tensor};

/// burn's gradient of `sum(interpolate(x, [3, 3], Bilinear, align_corners))`
/// for a 2×2 `x`; or burn's panic message.
pub fn reproduce(mode: InterpolateMode) -> Result<Vec<f64>, String> {
    #[allow(deprecated)] // burn 0.22 deprecates the ndarray backend, not its ops
    let mut device = Device::ndarray();
    let _ = device.configure(FloatDType::F64); // Err if already configured
    let device = device.autodiff();
    let x = Tensor::<4>::from_floats([[[[1.0, 2.0], [3.0, 4.0]]]], &device).require_grad();
    let options = InterpolateOptions::new(mode)
        .with_align_corners(true)
        .with_output_size([3, 3]);
    let y = interpolate(x.clone(), options); // runs: [[1, 1.5, 2], [2, 2.5, 3], [3, 3.5, 4]]
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let grads = y.sum().backward();
        x.grad(&grads)
            .expect("a gradient for x")
            .into_data()
            .try_to_vec::<f64>()
            .expect("f64")
    }))
    .map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    })
}

/// The bilinear gradient by definition: with aligned corners the 3 output
/// positions of each axis sit at 0, ½ and 1 of the input, so each input
/// pixel weighs `1 + ½ = 3/2` along each axis: `9/4` in all.
pub fn expected() -> Vec<f64> {
    vec![2.25, 2.25, 2.25, 2.25]
}

fn main() {
    std::panic::set_hook(Box::new(|_| {})); // burn's panic is the result
    let got = reproduce(InterpolateMode::Bilinear);
    println!("burn:     {got:?}");
    println!("expected: {:?}", expected());
    println!("bicubic:  {:?}", reproduce(InterpolateMode::Bicubic));
    drop(std::panic::take_hook()); // the default hook again, for the verdict
    assert_eq!(got, Ok(expected()), "bilinear interpolation's backward");
}
