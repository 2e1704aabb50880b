//! Cell `In [16]`: the backward pass of a matrix product `D = W·X`.
//!
//! The notebook draws `W` (4×2) and `X` (2×3) from a standard normal,
//! computes `D = W·X`, takes an upstream gradient `dD` uniform on `[0, 1)`,
//! and backpropagates: `dW = dD·Xᵀ`, `dX = Wᵀ·dD`, each product by
//! `backprop-tensor`'s `matmul` (NumPy's semantics). NumPy's global random
//! state was unseeded there, so the replay draws from a seeded ChaCha8
//! generator instead ([`SEED`]) and prints its own values exactly as NumPy
//! would print them ([`array_str`](crate::array_str)).

use std::fmt::Write;

use backprop_tensor::matmul;
use ndarray::{Array2, ArrayView2, Ix2};
use ndarray_rand::RandomExt;
use ndarray_rand::rand::SeedableRng;
use ndarray_rand::rand_distr::{StandardNormal, StandardUniform};
use rand_chacha::ChaCha8Rng;

use crate::array_str;

/// The seed of the replay's ChaCha8 generator (the cell's number).
pub const SEED: u64 = 16;

/// Why the cell's products cannot be formed: the operands' shapes do not
/// chain as `D = W·X` (`W`: m×k, `X`: k×n, `dD`: m×n).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShapeError {
    /// `W`'s columns differ from `X`'s rows.
    #[error("cannot multiply W {w:?} by X {x:?}: W has {} columns but X has {} rows", w[1], x[0])]
    Product {
        /// `W`'s shape.
        w: [usize; 2],
        /// `X`'s shape.
        x: [usize; 2],
    },
    /// `dD` is not shaped like `D = W·X`.
    #[error("dD has shape {dd:?} but D = W·X has shape {d:?}")]
    Upstream {
        /// `dD`'s shape.
        dd: [usize; 2],
        /// `D`'s shape.
        d: [usize; 2],
    },
}

/// Every array the cell prints.
#[derive(Debug, Clone, PartialEq)]
pub struct MatmulCell {
    /// The left factor, m×k.
    pub w: Array2<f64>,
    /// The right factor, k×n.
    pub x: Array2<f64>,
    /// The product `D = W·X`, m×n.
    pub d: Array2<f64>,
    /// The upstream gradient `dL/dD`, m×n.
    pub dd: Array2<f64>,
    /// `dL/dW = dD·Xᵀ`, m×k.
    pub dw: Array2<f64>,
    /// `dL/dX = Wᵀ·dD`, k×n.
    pub dx: Array2<f64>,
}

/// `a·b` by `backprop-tensor`'s `matmul`, for operands whose shapes have
/// already been checked to chain.
fn product(a: ArrayView2<'_, f64>, b: ArrayView2<'_, f64>) -> Array2<f64> {
    matmul(&a.into_dyn(), &b.into_dyn())
        .expect("shapes checked by the caller: (m,k)·(k,n)")
        .into_dimensionality::<Ix2>()
        .expect("a product of two matrices is a matrix")
}

fn shape(a: &ArrayView2<'_, f64>) -> [usize; 2] {
    let (r, c) = a.dim();
    [r, c]
}

impl MatmulCell {
    /// The cell's forward and backward pass from given `W`, `X` and
    /// upstream gradient `dD`: `D = W·X`, `dW = dD·Xᵀ`, `dX = Wᵀ·dD`.
    ///
    /// # Errors
    ///
    /// [`ShapeError`] when `W`'s columns differ from `X`'s rows, or `dD`
    /// is not shaped like `D`.
    pub fn from_inputs(
        w: ArrayView2<'_, f64>,
        x: ArrayView2<'_, f64>,
        dd: ArrayView2<'_, f64>,
    ) -> Result<Self, ShapeError> {
        let (ws, xs, dds) = (shape(&w), shape(&x), shape(&dd));
        if ws[1] != xs[0] {
            return Err(ShapeError::Product { w: ws, x: xs });
        }
        let ds = [ws[0], xs[1]];
        if dds != ds {
            return Err(ShapeError::Upstream { dd: dds, d: ds });
        }
        // the notebook's three products, each with numpy.matmul semantics
        let d = product(w, x);
        let dw = product(dd, x.t()); // dD·Xᵀ: (m,n)·(n,k)
        let dx = product(w.t(), dd); // Wᵀ·dD: (k,m)·(m,n)
        Ok(MatmulCell {
            w: w.to_owned(),
            x: x.to_owned(),
            d,
            dd: dd.to_owned(),
            dw,
            dx,
        })
    }

    /// The replay's values: `W` (4×2) and `X` (2×3) standard normal, then
    /// `dD` (4×3) uniform on `[0, 1)`, drawn in that order from one ChaCha8
    /// generator seeded with [`SEED`], as the notebook draws them from
    /// NumPy's global generator.
    pub fn seeded() -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(SEED);
        let w = Array2::<f64>::random_using(Ix2(4, 2), StandardNormal, &mut rng);
        let x = Array2::<f64>::random_using(Ix2(2, 3), StandardNormal, &mut rng);
        let dd = Array2::<f64>::random_using(Ix2(4, 3), StandardUniform, &mut rng);
        Self::from_inputs(w.view(), x.view(), dd.view())
            .expect("the replay's shapes chain: (4,2)·(2,3), dD (4,3)")
    }

    /// The six arrays in the order the cell prints them, with the labels
    /// it prints: `W`, `X`, `D`, `dLdD`, `dLdW`, `dLdX`.
    pub fn named(&self) -> [(&'static str, &Array2<f64>); 6] {
        [
            ("W", &self.w),
            ("X", &self.x),
            ("D", &self.d),
            ("dLdD", &self.dd),
            ("dLdW", &self.dw),
            ("dLdX", &self.dx),
        ]
    }

    /// The cell's six printed lines, `W: ...` through `dLdX: ...`, each
    /// array as NumPy's `str()` (`print(f"W: {W}")`).
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (label, a) in self.named() {
            let _ = writeln!(out, "{label}: {}", array_str(a));
        }
        out
    }
}

/// The cell `In [16]` printed output, for the seeded replay values.
pub fn replay() -> String {
    MatmulCell::seeded().render()
}
