//! BURN-0005: `activation::sigmoid` and `activation::hard_sigmoid` compute
//! in f32 whatever the tensor's float type, so an f64 model gets f32
//! sigmoids (and so do `silu`, `hard_swish`, `glu` and everything built on
//! them).
//!
//! Cargo.toml: `burn-tensor = { version = "=0.22.1", features = ["ndarray", "autodiff"] }`.
//! Run: `cargo run`.

use burn_tensor::activation::{sigmoid, silu};
use burn_tensor::{DType, Device, FloatDType, Tensor};

/// The points.
pub const X: [f64; 3] = [0.1, 1.0, -2.5];

/// burn's `sigmoid(x)` and `silu(x)` of f64 tensors, and the float type of
/// the result.
pub fn reproduce() -> (Vec<f64>, Vec<f64>, DType) {
    #[allow(deprecated)] // burn 0.22 deprecates the ndarray backend, not its ops
    let mut device = Device::ndarray();
    let _ = device.configure(FloatDType::F64); // Err if already configured
    let x = Tensor::<1>::from_floats(X, &device);
    let s = sigmoid(x.clone());
    let dtype = s.dtype();
    let values = |t: Tensor<1>| t.into_data().try_to_vec::<f64>().expect("f64");
    (values(s), values(silu(x)), dtype)
}

/// The values by definition, `σ(x) = 1/(1 + e^(-x))` and `silu(x) = x·σ(x)`,
/// in f64.
pub fn expected() -> (Vec<f64>, Vec<f64>) {
    (
        vec![0.52497918747894, 0.7310585786300049, 0.07585818002124355],
        vec![0.052497918747894, 0.7310585786300049, -0.18964545005310887],
    )
}

fn main() {
    let (s, silu, dtype) = reproduce();
    let (es, esilu) = expected();
    println!("burn sigmoid: {s:?} ({dtype:?})");
    println!("expected:     {es:?}");
    println!("burn silu:    {silu:?}");
    println!("expected:     {esilu:?}");
    for (g, e) in s.iter().chain(&silu).zip(es.iter().chain(&esilu)) {
        assert!(
            (g - e).abs() <= 1e-15 * e.abs(),
            "burn {g}, f64 gives {e}: off by {:.1e}",
            (g - e).abs() / e.abs()
        );
    }
}
