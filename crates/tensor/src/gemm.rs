//! The batched GEMM kernel behind every matrix product, forward and
//! backward.
//!
//! Each 2-D product runs on ndarray's [`general_mat_mul`] (the
//! `matrixmultiply` crate: packed, cache-blocked, SIMD micro-kernels chosen
//! at run time, pure Rust, nothing for users to install). It accepts any
//! strides, so transposed and broadcast operands are passed as strided views
//! and never copied here. Parallelism comes from splitting the work into
//! independent products — one per batch item, and for few large matrices
//! also row (or column) panels of the output — run on rayon's pool. On the
//! 2-core build machine this measured faster than the `gemm` crate
//! (parallel or not) and than one multi-threaded product per batch item (the
//! numbers are in the crate README).

use backprop_gates::Real;
use ndarray::linalg::general_mat_mul;
use ndarray::{ArrayD, ArrayView2, ArrayViewD, ArrayViewMut2, Axis, Dimension, Ix2};
use rayon::prelude::*;

use crate::Element;

/// Below this many multiply-adds a product runs on the calling thread: waking
/// the pool would cost more than it saves.
const PARALLEL_MIN_MULS: usize = 1 << 18;

/// Output panels are never thinner than this many rows (or columns), so that
/// re-packing the shared operand per panel stays a small fraction of the
/// work.
const MIN_PANEL: usize = 64;

/// `C[i] = A[i] · B[i]` for every batch index `i`.
///
/// `a` has shape `batch + [m, k]` and `b` has `batch + [k, n]` with the same
/// batch axes (broadcast views with zero strides are fine); the result is a
/// fresh standard-layout array of shape `batch + [m, n]`.
pub(crate) fn batched_matmul<A: Element>(
    a: &ArrayViewD<'_, A>,
    b: &ArrayViewD<'_, A>,
) -> ArrayD<A> {
    let nd = a.ndim();
    assert!(
        nd >= 2 && b.ndim() == nd,
        "batched_matmul needs equal ranks >= 2"
    );
    let batch = &a.shape()[..nd - 2];
    assert_eq!(batch, &b.shape()[..nd - 2], "batch axes must agree");
    let (m, k, n) = (a.shape()[nd - 2], a.shape()[nd - 1], b.shape()[nd - 1]);
    assert_eq!(b.shape()[nd - 2], k, "inner dimensions must agree");

    let count: usize = batch.iter().product();
    let mut out_shape = batch.to_vec();
    out_shape.extend([m, n]);
    let mut c = ArrayD::<A>::zeros(out_shape);
    if count == 0 || m == 0 || n == 0 || k == 0 {
        return c;
    }

    let operands: Vec<(ArrayView2<'_, A>, ArrayView2<'_, A>)> = ndarray::indices(batch)
        .into_iter()
        .map(|index| (matrix_at(a, index.slice()), matrix_at(b, index.slice())))
        .collect();
    let mut c3 = c
        .view_mut()
        .into_shape_with_order((count, m, n))
        .expect("a fresh array is contiguous");
    let outputs = c3.outer_iter_mut();

    let muls = count * m * k * n;
    let threads = rayon::current_num_threads();
    if muls < PARALLEL_MIN_MULS || threads == 1 {
        for ((a2, b2), mut c2) in operands.into_iter().zip(outputs) {
            general_mat_mul(Real::one(), &a2, &b2, Real::zero(), &mut c2);
        }
        return c;
    }

    // Enough tasks for every thread to stay busy on a shared machine, but
    // panels no thinner than MIN_PANEL.
    let panels_wanted = (threads * 4).div_ceil(count);
    let mut tasks = Vec::new();
    for ((a2, b2), c2) in operands.into_iter().zip(outputs) {
        split_into_panels(a2, b2, c2, panels_wanted, &mut tasks);
    }
    tasks.into_par_iter().for_each(|(a2, b2, mut c2)| {
        general_mat_mul(Real::one(), &a2, &b2, Real::zero(), &mut c2);
    });
    c
}

/// One independent product: `c = a · b`.
type Task<'a, 'c, A> = (ArrayView2<'a, A>, ArrayView2<'a, A>, ArrayViewMut2<'c, A>);

/// Splits one product into up to `panels` products over row panels of `c`
/// (or column panels when `c` is wider than tall).
fn split_into_panels<'a, 'c, A: Element>(
    a: ArrayView2<'a, A>,
    b: ArrayView2<'a, A>,
    c: ArrayViewMut2<'c, A>,
    panels: usize,
    tasks: &mut Vec<Task<'a, 'c, A>>,
) {
    let (m, n) = c.dim();
    let along_rows = m >= n;
    let length = if along_rows { m } else { n };
    let panel = length.div_ceil(panels.max(1)).max(MIN_PANEL);
    let (mut a, mut b, mut c) = (a, b, c);
    let mut left = length;
    while left > panel {
        if along_rows {
            let (a_head, a_tail) = a.split_at(Axis(0), panel);
            let (c_head, c_tail) = c.split_at(Axis(0), panel);
            tasks.push((a_head, b, c_head));
            (a, c) = (a_tail, c_tail);
        } else {
            let (b_head, b_tail) = b.split_at(Axis(1), panel);
            let (c_head, c_tail) = c.split_at(Axis(1), panel);
            tasks.push((a, b_head, c_head));
            (b, c) = (b_tail, c_tail);
        }
        left -= panel;
    }
    tasks.push((a, b, c));
}

/// The matrix at batch index `index` of a `batch + [rows, cols]` view.
fn matrix_at<'a, A>(t: &ArrayViewD<'a, A>, index: &[usize]) -> ArrayView2<'a, A> {
    let mut v = t.clone();
    for &i in index {
        v.index_axis_inplace(Axis(0), i);
    }
    v.into_dimensionality::<Ix2>()
        .expect("two axes remain after indexing the batch axes")
}
