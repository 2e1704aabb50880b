//! The batched GEMM kernel behind every matrix product, forward and
//! backward.
//!
//! Each 2-D product runs on ndarray's [`general_mat_mul`] (the
//! `matrixmultiply` crate: packed, cache-blocked, SIMD micro-kernels chosen
//! at run time, pure Rust, nothing for users to install). It accepts any
//! strides, so transposed and broadcast operands are passed as strided views
//! and never copied here. Parallelism comes from splitting the work into
//! independent products — one per batch item, and for few large matrices
//! also blocks of the output — run on rayon's pool. On the
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

/// Output blocks are never smaller than this many rows or columns: each
/// block re-packs its share of both operands, and thinner blocks measured
/// slower (512³ on 2 cores: 2-4 blocks ≈ 85 GFLOP/s, 8 ≈ 80, 16 ≈ 41).
const MIN_BLOCK: usize = 128;

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

    // Two tasks per thread balance the load on a shared machine; large
    // products that are too few for that are split into output blocks.
    let blocks_wanted = (threads * 2).div_ceil(count);
    let mut tasks = Vec::new();
    for ((a2, b2), c2) in operands.into_iter().zip(outputs) {
        split_into_blocks(a2, b2, c2, blocks_wanted, &mut tasks);
    }
    tasks.into_par_iter().for_each(|(a2, b2, mut c2)| {
        general_mat_mul(Real::one(), &a2, &b2, Real::zero(), &mut c2);
    });
    c
}

/// One independent product: `c = a · b`.
type Task<'a, 'c, A> = (ArrayView2<'a, A>, ArrayView2<'a, A>, ArrayViewMut2<'c, A>);

/// Splits one product `c = a · b` into about `wanted` products over a grid
/// of output blocks (row panels first, then columns), no block thinner
/// than [`MIN_BLOCK`].
fn split_into_blocks<'a, 'c, A: Element>(
    a: ArrayView2<'a, A>,
    b: ArrayView2<'a, A>,
    c: ArrayViewMut2<'c, A>,
    wanted: usize,
    tasks: &mut Vec<Task<'a, 'c, A>>,
) {
    let (m, n) = c.dim();
    let row_parts = wanted.min(m / MIN_BLOCK).max(1);
    let col_parts = wanted.div_ceil(row_parts).min(n / MIN_BLOCK).max(1);
    for (a_rows, c_rows) in
        split(a, Axis(0), row_parts)
            .into_iter()
            .zip(split_mut(c, Axis(0), row_parts))
    {
        for (b_cols, c_block) in
            split(b, Axis(1), col_parts)
                .into_iter()
                .zip(split_mut(c_rows, Axis(1), col_parts))
        {
            tasks.push((a_rows, b_cols, c_block));
        }
    }
}

/// `v` cut into `parts` nearly equal pieces along `axis`.
fn split<A>(v: ArrayView2<'_, A>, axis: Axis, parts: usize) -> Vec<ArrayView2<'_, A>> {
    let mut pieces = Vec::with_capacity(parts);
    let mut rest = v;
    for left in (1..=parts).rev() {
        let size = rest.len_of(axis).div_ceil(left);
        let (head, tail) = rest.split_at(axis, size);
        pieces.push(head);
        rest = tail;
    }
    pieces
}

/// [`split`] for a mutable view.
fn split_mut<A>(v: ArrayViewMut2<'_, A>, axis: Axis, parts: usize) -> Vec<ArrayViewMut2<'_, A>> {
    let mut pieces = Vec::with_capacity(parts);
    let mut rest = v;
    for left in (1..=parts).rev() {
        let size = rest.len_of(axis).div_ceil(left);
        let (head, tail) = rest.split_at(axis, size);
        pieces.push(head);
        rest = tail;
    }
    pieces
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
