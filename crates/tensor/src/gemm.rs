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
/// block re-packs the operand it shares with the others, and thinner blocks
/// measured slower (512³ on 2 cores: 2-4 blocks ≈ 85 GFLOP/s, 8 ≈ 80,
/// 16 ≈ 41).
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
    let [c] = batched_matmuls([(a, b)]);
    c
}

/// Several [`batched_matmul`]s at once, sharing one parallel loop (the two
/// gradients of a backward pass run side by side, not one after the other).
pub(crate) fn batched_matmuls<A: Element, const P: usize>(
    products: [(&ArrayViewD<'_, A>, &ArrayViewD<'_, A>); P],
) -> [ArrayD<A>; P] {
    let mut outputs = products.map(|(a, b)| {
        let nd = a.ndim();
        assert!(
            nd >= 2 && b.ndim() == nd,
            "batched_matmul needs equal ranks >= 2"
        );
        assert_eq!(
            a.shape()[..nd - 2],
            b.shape()[..nd - 2],
            "batch axes must agree"
        );
        assert_eq!(
            a.shape()[nd - 1],
            b.shape()[nd - 2],
            "inner dimensions must agree"
        );
        let mut shape = a.shape()[..nd - 1].to_vec();
        shape.push(b.shape()[nd - 1]);
        ArrayD::<A>::zeros(shape)
    });

    let mut tasks = Vec::new();
    let mut items = 0;
    let mut muls = 0;
    for ((a, b), c) in products.iter().zip(outputs.iter_mut()) {
        let nd = a.ndim();
        let batch = &a.shape()[..nd - 2];
        let (m, k, n) = (a.shape()[nd - 2], a.shape()[nd - 1], b.shape()[nd - 1]);
        let count: usize = batch.iter().product();
        if count == 0 || m == 0 || n == 0 || k == 0 {
            continue; // an empty sum: the zeros are the product
        }
        let c3 = c
            .view_mut()
            .into_shape_with_order((count, m, n))
            .expect("a fresh array is contiguous");
        for (index, c2) in ndarray::indices(batch)
            .into_iter()
            .zip(c3.into_outer_iter_mut())
        {
            tasks.push((matrix_at(a, index.slice()), matrix_at(b, index.slice()), c2));
        }
        items += count;
        muls += count * m * k * n;
    }

    let threads = rayon::current_num_threads();
    if muls < PARALLEL_MIN_MULS || threads == 1 {
        for (a2, b2, mut c2) in tasks {
            general_mat_mul(Real::one(), &a2, &b2, Real::zero(), &mut c2);
        }
        return outputs;
    }
    // One task per batch item when there are enough items to go round;
    // otherwise each product is split into output blocks, one per thread:
    // every block re-packs the whole shared operand, and on a 512³ product
    // 4 blocks spent 17% of the time packing, 2 blocks measured faster.
    let blocks_wanted = threads.div_ceil(items);
    let mut blocks = Vec::with_capacity(tasks.len() * blocks_wanted);
    for (a2, b2, c2) in tasks {
        split_into_blocks(a2, b2, c2, blocks_wanted, &mut blocks);
    }
    blocks.into_par_iter().for_each(|(a2, b2, mut c2)| {
        general_mat_mul(Real::one(), &a2, &b2, Real::zero(), &mut c2);
    });
    outputs
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
