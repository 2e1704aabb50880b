//! BURN-0006: `nn::RmsNorm` computes the root mean square in f32 whatever
//! the input's float type, so an f64 model's RMS norm is only f32-precise.
//!
//! Cargo.toml: `burn-tensor = { version = "=0.22.1", features = ["ndarray"] }`,
//! `burn-nn = { version = "=0.22.1" }`. Run: `cargo run`.

use burn_nn::RmsNormConfig;
use burn_tensor::{Device, FloatDType, Tensor};

/// burn's `RmsNorm` (`d_model = 3`, `ε = 1e-5`, `γ = 1`) of `x = [1, 2, 3]`
/// in f64.
pub fn reproduce() -> Vec<f64> {
    #[allow(deprecated)] // burn 0.22 deprecates the ndarray backend, not its ops
    let mut device = Device::ndarray();
    let _ = device.configure(FloatDType::F64); // Err if already configured
    let norm = RmsNormConfig::new(3).init(&device);
    let x = Tensor::<2>::from_floats([[1.0, 2.0, 3.0]], &device);
    norm.forward(x)
        .into_data()
        .try_to_vec::<f64>()
        .expect("f64")
}

/// The value by definition, `x / √(mean(x²) + ε)` with
/// `mean(x²) = 14/3`, in f64.
pub fn expected() -> Vec<f64> {
    vec![0.4629095539120194, 0.9258191078240388, 1.3887286617360581]
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
