//! BURN-0002: `module::conv1d` with `groups > 1` panics in backward when
//! the forward pass drops the last inputs (the stride does not reach
//! them): the weight gradient comes out one tap too long.
//!
//! Cargo.toml: `burn-tensor = { version = "=0.22.1", features = ["ndarray", "autodiff"] }`.
//! Run: `cargo run`.

use burn_tensor::module::conv1d;
use burn_tensor::ops::ConvOptions;
use burn_tensor::{Device, FloatDType, Tensor};

/// burn's gradients `(dx, dw)` of `sum(conv1d(x, w, groups = 2, stride = 2))`
/// for `x = [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]` (two channels, length 5)
/// and `w = [[[1, 2]], [[3, 4]]]` (one kernel of length 2 per group); or
/// burn's panic message.
pub fn reproduce() -> Result<(Vec<f64>, Vec<f64>), String> {
    #[allow(deprecated)] // burn 0.22 deprecates the ndarray backend, not its ops
    let mut device = Device::ndarray();
    let _ = device.configure(FloatDType::F64); // Err if already configured
    let device = device.autodiff();
    let x = Tensor::<3>::from_floats(
        [[[0.0, 1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0, 9.0]]],
        &device,
    )
    .require_grad();
    let w = Tensor::<3>::from_floats([[[1.0, 2.0]], [[3.0, 4.0]]], &device).require_grad();
    // Output length (5 - 2) / 2 + 1 = 2: windows at 0..2 and 2..4, so
    // x[.., 4] is read by no window.
    let y = conv1d(
        x.clone(),
        w.clone(),
        None,
        ConvOptions::new([2], [0], [1], 2),
    );
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let grads = y.sum().backward();
        let dx = x.grad(&grads).expect("a gradient for x");
        let dw = w.grad(&grads).expect("a gradient for w");
        (
            dx.into_data().try_to_vec::<f64>().expect("f64"),
            dw.into_data().try_to_vec::<f64>().expect("f64"),
        )
    }))
    .map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    })
}

/// The gradients by definition: each input element read by a window gets
/// its channel's kernel tap (`x[.., 4]` none); each tap gets the sum of the
/// inputs it multiplies (`w[0] = [0 + 2, 1 + 3]`, `w[1] = [5 + 7, 6 + 8]`).
pub fn expected() -> (Vec<f64>, Vec<f64>) {
    (
        vec![1.0, 2.0, 1.0, 2.0, 0.0, 3.0, 4.0, 3.0, 4.0, 0.0],
        vec![2.0, 4.0, 12.0, 14.0],
    )
}

fn main() {
    std::panic::set_hook(Box::new(|_| {})); // burn's panic is the result
    let got = reproduce();
    println!("burn:     {got:?}");
    println!("expected: {:?}", expected());
    drop(std::panic::take_hook()); // the default hook again, for the verdict
    assert_eq!(got, Ok(expected()), "conv1d's backward with groups = 2");
}
