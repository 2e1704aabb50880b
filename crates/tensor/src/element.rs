//! The element types a tensor can hold: `f32` and `f64`.

use std::fmt::{Debug, Display};

use backprop_gates::Real;
use ndarray::LinalgScalar;

mod sealed {
    use ndarray::{ArrayView2, ArrayViewMut2};

    /// Closes [`Element`](super::Element) to `f32` and `f64`, and gives
    /// each its GEMM kernel without naming the backend's traits in the
    /// public bounds.
    pub trait Sealed: Sized {
        /// `c = a · b` on `threads` threads (see `gemm::product`).
        fn product(
            a: ArrayView2<'_, Self>,
            b: ArrayView2<'_, Self>,
            c: ArrayViewMut2<'_, Self>,
            threads: usize,
        );
    }

    macro_rules! sealed {
        ($($t:ty),*) => {$(
            impl Sealed for $t {
                fn product(
                    a: ArrayView2<'_, $t>,
                    b: ArrayView2<'_, $t>,
                    c: ArrayViewMut2<'_, $t>,
                    threads: usize,
                ) {
                    crate::gemm::product(a, b, c, threads);
                }
            }
        )*};
    }
    sealed!(f32, f64);
}

/// A floating-point element type of a tensor: [`f32`] or [`f64`].
///
/// It is bounded by [`Real`], so every gate rule of `backprop-gates` applies
/// to it elementwise, and by ndarray's [`LinalgScalar`], so matrix products
/// run on optimised GEMM kernels (which have dedicated `f32` and `f64`
/// paths). The trait is sealed: those kernels exist only for these two
/// types.
pub trait Element:
    Real + LinalgScalar + Send + Sync + Debug + Display + Default + sealed::Sealed
{
    /// The type's name, `"f32"` or `"f64"`.
    const NAME: &'static str;
    /// Machine epsilon of the type (the gap between `1` and the next
    /// representable number), as an `f64`: gradient checkers size their
    /// finite-difference steps from it.
    const EPSILON: f64;
}

impl Element for f32 {
    const NAME: &'static str = "f32";
    const EPSILON: f64 = f32::EPSILON as f64;
}

impl Element for f64 {
    const NAME: &'static str = "f64";
    const EPSILON: f64 = f64::EPSILON;
}
