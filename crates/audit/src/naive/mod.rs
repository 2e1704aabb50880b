//! The second route: ops written out by their definition as naive loops
//! over `f64` arrays, forward and vector-Jacobian product, framework-free.
//!
//! A naive reference is mathematics and belongs to no framework: the
//! candle and the burn audits confirm their findings against the same
//! functions here. A finding is only a finding when the framework's
//! forward agrees with the naive forward (so the oracle is right and the
//! problem is in backward), the naive VJP agrees with finite differences
//! of the naive forward (so the naive code is right), and the framework's
//! gradient disagrees with the naive VJP (or there is none). A precision
//! finding is the framework's `f64` forward against the naive `f64`
//! forward.
//!
//! One module per family, each function plain (`fn(inputs…, g, params…)`:
//! the inputs, then the upstream gradient `g` where there is one, then the
//! op's parameters); [`Reference`](crate::Reference) wraps a forward and
//! its VJP for the confirmation. Every VJP is tested against central
//! finite differences of its own forward (`tests/verdict/naive.rs`).
//!
//! ```
//! use backprop_audit::naive::norm;
//! use ndarray::{ArrayD, IxDyn};
//!
//! let x = ArrayD::from_shape_vec(IxDyn(&[1, 2]), vec![0.0, 0.0]).unwrap();
//! let y = norm::softmax(&x, 1);
//! assert_eq!(y.iter().copied().collect::<Vec<_>>(), [0.5, 0.5]);
//! ```

pub mod conv;
pub mod deform;
pub mod elementwise;
pub mod index;
pub mod norm;
pub mod pool;
pub mod resample;
