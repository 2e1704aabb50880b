//! The second route: each op a finding is about, written out by its
//! definition as a naive loop over `f64` arrays, forward and
//! vector-Jacobian product.
//!
//! A finding is only a finding when burn's forward agrees with the naive
//! forward (so the oracle is right and the problem is in backward), the
//! naive VJP agrees with finite differences of the naive forward (so the
//! naive code is right), and burn's gradient disagrees with the naive VJP
//! (or burn gives none). A precision finding is burn's `f64` forward
//! against the naive `f64` forward. None of this code calls burn.

pub mod conv;
pub mod deform;
pub mod elementwise;
pub mod norm;
pub mod resample;

use std::sync::Arc;

use ndarray::ArrayD;

/// A forward function of several `f64` arrays.
pub type Forward = Arc<dyn Fn(&[ArrayD<f64>]) -> ArrayD<f64> + Send + Sync>;
/// A VJP: inputs and upstream gradient to one gradient per input.
pub type Vjp = Arc<dyn Fn(&[ArrayD<f64>], &ArrayD<f64>) -> Vec<ArrayD<f64>> + Send + Sync>;

/// An op's naive forward and VJP.
#[derive(Clone)]
pub struct Reference {
    /// The forward pass.
    pub forward: Forward,
    /// The vector-Jacobian product.
    pub vjp: Vjp,
}

impl std::fmt::Debug for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Reference")
    }
}

impl Reference {
    /// A reference from its two functions.
    pub fn new(
        forward: impl Fn(&[ArrayD<f64>]) -> ArrayD<f64> + Send + Sync + 'static,
        vjp: impl Fn(&[ArrayD<f64>], &ArrayD<f64>) -> Vec<ArrayD<f64>> + Send + Sync + 'static,
    ) -> Reference {
        Reference {
            forward: Arc::new(forward),
            vjp: Arc::new(vjp),
        }
    }

    /// An elementwise function of one input: `f` and its derivative `df`.
    pub fn unary(
        f: impl Fn(f64) -> f64 + Send + Sync + 'static,
        df: impl Fn(f64) -> f64 + Send + Sync + 'static,
    ) -> Reference {
        Reference::new(
            move |x| x[0].mapv(&f),
            move |x, g| vec![g * &x[0].mapv(&df)],
        )
    }
}
