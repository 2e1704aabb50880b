//! Matrix products: `matmul` plain, batched and on transposed or strided
//! operands, and `broadcast_matmul` over broadcast batch axes.

use ndarray::{ArrayD, Dimension, IxDyn};

use super::binary::sum_to;
use crate::InputLayout;
use crate::audit::case::{Case, Package, Values};
use backprop_audit::Reference;

/// `C[..., i, j] = Σ_k A[..., i, k]·B[..., k, j]` over broadcast batch axes,
/// by the definition.
fn product(a: &ArrayD<f64>, b: &ArrayD<f64>) -> ArrayD<f64> {
    let (ra, rb) = (a.ndim(), b.ndim());
    let (m, k, n) = (a.shape()[ra - 2], a.shape()[ra - 1], b.shape()[rb - 1]);
    let batch: Vec<usize> = {
        let (ba, bb) = (&a.shape()[..ra - 2], &b.shape()[..rb - 2]);
        let r = ba.len().max(bb.len());
        (0..r)
            .map(|i| {
                let x = if i + ba.len() >= r {
                    ba[i + ba.len() - r]
                } else {
                    1
                };
                let y = if i + bb.len() >= r {
                    bb[i + bb.len() - r]
                } else {
                    1
                };
                x.max(y)
            })
            .collect()
    };
    let mut full_a = batch.clone();
    full_a.extend([m, k]);
    let mut full_b = batch.clone();
    full_b.extend([k, n]);
    let a = a.broadcast(IxDyn(&full_a)).expect("batch axes broadcast");
    let b = b.broadcast(IxDyn(&full_b)).expect("batch axes broadcast");
    let mut shape = batch.clone();
    shape.extend([m, n]);
    ArrayD::from_shape_fn(IxDyn(&shape), |idx| {
        let idx = idx.slice();
        let r = idx.len();
        (0..k)
            .map(|p| {
                let mut ia = idx[..r - 2].to_vec();
                ia.extend([idx[r - 2], p]);
                let mut ib = idx[..r - 2].to_vec();
                ib.extend([p, idx[r - 1]]);
                a[IxDyn(&ia)] * b[IxDyn(&ib)]
            })
            .sum()
    })
}

/// The last two axes swapped.
fn swap_last(x: &ArrayD<f64>) -> ArrayD<f64> {
    let mut v = x.view();
    let r = v.ndim();
    v.swap_axes(r - 2, r - 1);
    v.to_owned()
}

/// `dA = dC·Bᵀ`, `dB = Aᵀ·dC`, each summed back over broadcast batch axes.
fn matmul_reference() -> Reference {
    Reference::new(
        |x| product(&x[0], &x[1]),
        |x, g| {
            let da = product(g, &swap_last(&x[1]));
            let db = product(&swap_last(&x[0]), g);
            vec![sum_to(&da, x[0].shape()), sum_to(&db, x[1].shape())]
        },
    )
}

/// Shapes of `matmul` (equal batch axes) and `broadcast_matmul`.
pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let mm = Case::new(Package::Core, "matmul", "matmul()", |t| t[0].matmul(&t[1]))
        .reference(matmul_reference());
    for (sa, sb) in [
        (&[2, 3][..], &[3, 4][..]),
        (&[1, 5][..], &[5, 1][..]),
        (&[2, 2, 3][..], &[2, 3, 4][..]),
        (&[1, 3, 2, 3][..], &[1, 3, 3, 2][..]),
    ] {
        for layout in InputLayout::ALL {
            cases.push(
                mm.clone()
                    .input("a", sa, Values::Normal)
                    .input("b", sb, Values::Normal)
                    .layout(layout),
            );
        }
    }
    // A right operand broadcast over the batch without a copy
    // (`broadcast_as`: batch stride 0), against every left layout.
    let shared = Case::new(
        Package::Core,
        "matmul",
        "matmul(b.broadcast_as((2, 3, 4)))",
        |t| t[0].matmul(&t[1].broadcast_as((2, 3, 4))?),
    )
    .reference(matmul_reference());
    for layout in InputLayout::ALL {
        cases.push(
            shared
                .clone()
                .input("a", &[2, 2, 3], Values::Normal)
                .input("b", &[3, 4], Values::Normal)
                .layout(layout),
        );
    }
    let bmm = Case::new(
        Package::Core,
        "broadcast_matmul",
        "broadcast_matmul()",
        |t| t[0].broadcast_matmul(&t[1]),
    )
    .reference(matmul_reference());
    for (sa, sb) in [
        (&[2, 2, 3][..], &[3, 4][..]),
        (&[2, 3][..], &[3, 3, 2][..]),
        (&[2, 1, 2, 3][..], &[3, 3, 2][..]),
    ] {
        for layout in [InputLayout::Contiguous, InputLayout::Transposed] {
            cases.push(
                bmm.clone()
                    .input("a", sa, Values::Normal)
                    .input("b", sb, Values::Normal)
                    .layout(layout),
            );
        }
    }
    cases
}
