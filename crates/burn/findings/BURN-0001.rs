//! BURN-0001: the gradient of `activation::gelu` is the derivative of the
//! tanh approximation of GELU, not of the exact (erf) GELU the forward
//! pass computes.
//!
//! Cargo.toml: `burn-tensor = { version = "=0.22.1", features = ["ndarray", "autodiff"] }`.
//! Run: `cargo run`.

use burn_tensor::{Device, FloatDType, Tensor, activation::gelu};

/// The points the gradient is taken at.
pub const X: [f64; 5] = [-2.0, -1.0, 0.5, 1.0, 3.0];

/// burn's gradient of `sum(gelu(x))`, in f64 on the ndarray backend.
pub fn reproduce() -> Vec<f64> {
    #[allow(deprecated)] // burn 0.22 deprecates the ndarray backend, not its ops
    let mut device = Device::ndarray();
    let _ = device.configure(FloatDType::F64); // Err if already configured
    let device = device.autodiff();
    let x = Tensor::<1>::from_floats(X, &device).require_grad();
    let grads = gelu(x.clone()).sum().backward();
    x.grad(&grads)
        .expect("a gradient for x")
        .into_data()
        .try_to_vec::<f64>()
        .expect("f64")
}

/// The gradient by definition: `gelu(x) = x·Φ(x)`, so
/// `gelu'(x) = Φ(x) + x·φ(x)` with `Φ(x) = (1 + erf(x/√2))/2` and
/// `φ(x) = e^(-x²/2)/√(2π)`.
pub fn expected() -> Vec<f64> {
    vec![
        -0.08523180107819692, // Φ(-2) - 2φ(-2) = 0.02275013194817921 - 0.10798193302637613
        -0.08331547058768629, // Φ(-1) - φ(-1)  = 0.15865525393145707 - 0.24197072451914337
        0.8674951246561629,   // Φ(½) + ½φ(½)   = 0.6914624612740131 + 0.17603266338214976
        1.0833154705876864,   // Φ(1) + φ(1)    = 0.8413447460685429 + 0.24197072451914337
        1.011945647204184,    // Φ(3) + 3φ(3)   = 0.9986501019683699 + 0.013295545235814023
    ]
}

fn main() {
    let got = reproduce();
    println!("x:        {X:?}");
    println!("burn:     {got:?}");
    println!("expected: {:?}", expected());
    for ((g, e), x) in got.iter().zip(expected()).zip(X) {
        assert!(
            (g - e).abs() <= 1e-12 * e.abs().max(1.0),
            "gelu'({x}): burn {g}, expected {e}"
        );
    }
}
