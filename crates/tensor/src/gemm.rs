//! The batched GEMM kernel behind every matrix product, forward and
//! backward.
//!
//! Each 2-D product runs on [faer](https://docs.rs/faer)'s `matmul`, whose
//! x86-64 kernels (the `private-gemm-x86` crate, assembly generated at build
//! time) are chosen at run time: AVX-512 where the CPU has `avx512f`, AVX2 +
//! FMA otherwise, and the `gemm` crate's portable kernels elsewhere. It is
//! pure Rust to build, needs no system library, and reads any strides, so
//! transposed and broadcast operands are passed as strided views
//! (`faer-ext` converts the ndarray views without copying). One exception:
//! a transposed left operand whose rows are a multiple of 2 KiB is read
//! through a padded copy (`unaliased_copy`). With the `blas` cargo
//! feature, ndarray's `general_mat_mul` calls the BLAS the user links
//! instead; without `faer` (a default feature) and `blas`, it runs
//! ndarray's pure-Rust `matrixmultiply` kernels, slower but quick to build.
//!
//! Parallelism comes from rayon's pool: one task per product when there are
//! enough to go round, the products of one batch item next to each other;
//! products too few to share out whole (a lone product, three items on two
//! threads, a backward pass's two gradients of one matrix) are cut into
//! blocks of rows, one block of each per thread. The measurements behind
//! these choices are in the crate README.

use ndarray::{ArrayD, ArrayView2, ArrayViewD, ArrayViewMut2, Axis, Dimension, Ix2};
use rayon::prelude::*;

use crate::Element;

/// Below this many multiply-adds (in all the products of one call) they run
/// on the calling thread: waking the pool would cost more than it saves.
/// With faer's kernels one thread does a 64³ product in 5.5 µs against
/// 17 µs on two, and 100³ in 20 µs (`cargo xtask bench 1x100x100x100`).
const PARALLEL_MIN_MULS: usize = 1 << 20;

/// A lone product is cut into blocks of rows, one per thread, only when
/// each block gets at least this many rows. Every thread reads the whole
/// right operand, which fewer rows do not repay: 3×2048×2048 ran 1.6–2.8x
/// and 17×1024×1024 1.2–1.3x as long cut as on faer's own threading, and
/// 32×1024×1024 7–14% faster (`cargo xtask bench`, Zen 5, two threads).
const MIN_ROWS_PER_THREAD: usize = 16;

/// The matrix-product kernel this build uses and the instruction set it
/// dispatches to on this CPU, for benchmark reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MatmulKernel {
    /// The library doing the products: `"faer"` (feature `faer`, on by
    /// default), `"blas"` (feature `blas`), or `"matrixmultiply"` (neither:
    /// ndarray's own kernels).
    pub backend: &'static str,
    /// The instruction set its kernels use on this CPU: `"avx512"`,
    /// `"avx2"`, or `"portable"` (no AVX2 + FMA, or not x86-64); `"blas"`
    /// when the linked BLAS chooses for itself.
    pub isa: &'static str,
}

/// The kernel [`matmul`](crate::matmul()) runs on this machine.
///
/// faer picks its x86-64 kernels at run time by the same rule this
/// function applies: `avx512f` gives the AVX-512 kernels, `avx2` with
/// `fma` the AVX2 ones; anything else runs the portable `gemm` crate.
/// matrixmultiply (without `faer`) has no AVX-512 kernels: it reports
/// `"avx2"` on any CPU with AVX2 and FMA.
///
/// ```
/// let kernel = backprop_tensor::matmul_kernel();
/// assert!(["avx512", "avx2", "portable", "blas"].contains(&kernel.isa));
/// ```
pub fn matmul_kernel() -> MatmulKernel {
    if cfg!(feature = "blas") {
        return MatmulKernel {
            backend: "blas",
            isa: "blas",
        };
    }
    MatmulKernel {
        backend: if cfg!(feature = "faer") {
            "faer"
        } else {
            "matrixmultiply"
        },
        isa: detected_isa(),
    }
}

#[cfg(target_arch = "x86_64")]
fn detected_isa() -> &'static str {
    if cfg!(feature = "faer") && std::arch::is_x86_feature_detected!("avx512f") {
        "avx512"
    } else if std::arch::is_x86_feature_detected!("avx2")
        && std::arch::is_x86_feature_detected!("fma")
    {
        "avx2"
    } else {
        "portable"
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn detected_isa() -> &'static str {
    "portable"
}

/// `c = a · b` for one pair of matrices, on `threads` threads (1: the
/// calling thread only). `c` is a fresh array that aliases neither operand.
#[cfg(all(feature = "faer", not(feature = "blas")))]
pub(crate) fn product<A>(
    a: ArrayView2<'_, A>,
    b: ArrayView2<'_, A>,
    c: ArrayViewMut2<'_, A>,
    threads: usize,
) where
    A: Element + faer::traits::ComplexField,
{
    use faer_ext::IntoFaer;
    let rows = a.nrows();
    let copy = unaliased_copy(&a, b.ncols());
    let a = match &copy {
        Some(copy) => copy
            .slice_axis(Axis(1), ndarray::Slice::from(..rows))
            .reversed_axes(),
        None => a,
    };
    let par = if threads > 1 {
        faer::Par::rayon(threads)
    } else {
        faer::Par::Seq
    };
    faer::linalg::matmul::matmul(
        c.into_faer(),
        faer::Accum::Replace,
        a.into_faer(),
        b.into_faer(),
        <A as backprop_gates::Real>::one(),
        par,
    );
}

/// A left operand whose step along the contracted axis is a multiple of
/// this many bytes is read through a copy with a shorter step (see
/// [`unaliased_copy`]): the L1 and L2 caches of current x86-64 cores map
/// addresses 4 KiB apart to the same set, and 2 KiB apart to two. Copying
/// 2 KiB rows too made the backward of f32 512³ 5% and of f64 256³ 4%
/// faster, and changed 16×256³ f64 by 1% (`cargo xtask bench`, builds
/// alternated four times, medians); 1 KiB rows lost (crate README).
#[cfg(all(feature = "faer", not(feature = "blas")))]
const ALIASING_STEP_BYTES: usize = 2048;

/// Below this many columns of the result, or this many contracted terms,
/// a copy of the left operand costs more than the cache misses it avoids.
#[cfg(all(feature = "faer", not(feature = "blas")))]
const ALIASING_MIN_SIZE: usize = 64;

/// A copy of `a` (`m × k`) for a product with `n` columns, when reading `a`
/// in place would thrash the caches; `None` otherwise.
///
/// The kernel reads the left operand of a row-major product in place (it
/// packs only the right one), walking the contracted axis. When `a` is a
/// transposed row-major matrix — `Aᵀ` in a backward pass's `dB = Aᵀ·dC` —
/// that walk steps a whole row of `A` at a time, and a row of 512 `f64`s
/// (4 KiB) puts every element of the walk in the same cache set: the
/// product ran 15–18% slower than the forward layout on 512×512 (Zen 5,
/// one thread); rows of 2 KiB use two sets. The copy is `aᵀ` row by row,
/// each row padded by one cache line, returned as a `k × (m + pad)` array
/// whose first `m` columns, transposed, are `a`.
#[cfg(all(feature = "faer", not(feature = "blas")))]
fn unaliased_copy<A: Element>(a: &ArrayView2<'_, A>, n: usize) -> Option<ndarray::Array2<A>> {
    let step = a.strides()[1].unsigned_abs();
    let (m, k) = a.dim();
    if step <= 1 // contiguous, or one element broadcast along the sum
        || !(step * std::mem::size_of::<A>()).is_multiple_of(ALIASING_STEP_BYTES)
        || n < ALIASING_MIN_SIZE
        || k < ALIASING_MIN_SIZE
    {
        return None;
    }
    // One cache line of padding, or two where one would land the rows on
    // a multiple of 2 KiB again.
    let line = 64 / std::mem::size_of::<A>();
    let pad = if ((m + line) * std::mem::size_of::<A>()).is_multiple_of(ALIASING_STEP_BYTES) {
        2 * line
    } else {
        line
    };
    let mut data = Vec::with_capacity(k * (m + pad));
    for row in a.t().rows() {
        match row.as_slice() {
            Some(slice) => data.extend_from_slice(slice),
            None => data.extend(row.iter().copied()),
        }
        data.extend(std::iter::repeat_n(
            <A as backprop_gates::Real>::zero(),
            pad,
        ));
    }
    Some(ndarray::Array2::from_shape_vec((k, m + pad), data).expect("k rows of m + pad"))
}

/// `c = a · b` through ndarray's `general_mat_mul`, which calls the linked
/// BLAS (feature `blas`; the BLAS does its own threading) or, without
/// `faer`, ndarray's `matrixmultiply` kernels (one thread per product; the
/// batch still runs across rayon's pool).
#[cfg(any(feature = "blas", not(feature = "faer")))]
pub(crate) fn product<A: Element>(
    a: ArrayView2<'_, A>,
    b: ArrayView2<'_, A>,
    mut c: ArrayViewMut2<'_, A>,
    _threads: usize,
) {
    use backprop_gates::Real;
    ndarray::linalg::general_mat_mul(Real::one(), &a, &b, Real::zero(), &mut c);
}

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

    // One task list per product, then interleaved item by item: the
    // products of one batch item run next to each other (a backward pass's
    // dA_i = dC_i·B_iᵀ and dB_i = A_iᵀ·dC_i both read dC_i, which the
    // second finds in cache), and a thread given a run of tasks gets a mix
    // of the products rather than all of one kind.
    let mut lists = Vec::new();
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
        let list: Vec<Task<'_, '_, A>> = ndarray::indices(batch)
            .into_iter()
            .zip(c3.into_outer_iter_mut())
            .map(|(index, c2)| (matrix_at(a, index.slice()), matrix_at(b, index.slice()), c2))
            .collect();
        lists.push(list);
        muls += count * m * k * n;
    }
    let mut tasks = interleave(lists);

    let threads = rayon::current_num_threads();
    // A BLAS threads each product itself: running items side by side on
    // rayon as well would oversubscribe the cores.
    if muls < PARALLEL_MIN_MULS || threads == 1 || cfg!(feature = "blas") {
        for (a2, b2, c2) in tasks {
            A::product(a2, b2, c2, 1);
        }
        return outputs;
    }
    let tall = || {
        tasks
            .iter()
            .all(|(_, _, c)| c.nrows() >= MIN_ROWS_PER_THREAD * threads)
    };
    if (P > 1 && tasks.len() < 4 * threads) || (!one_task_per_item(tasks.len(), threads) && tall())
    {
        // Too few products to share out whole: each is cut into `threads`
        // blocks of rows and the blocks interleaved, so that every thread
        // gets one block of each. For a few products of different kinds
        // (the two gradients of one matrix product), whole products one per
        // thread would leave a thread idle while the slower kind finishes.
        // A lone product cut this way beat faer's own threading of it on
        // every shape measured with enough rows (see MIN_ROWS_PER_THREAD):
        // 512³ by 3–5%, 128³ and 256×256×1024 by 2x, 64×4096×64 by 7x.
        tasks = interleave(
            tasks
                .into_iter()
                .map(|task| split_rows(task, threads))
                .collect(),
        );
    }
    if one_task_per_item(tasks.len(), threads) {
        tasks.into_par_iter().for_each(|(a2, b2, c2)| {
            A::product(a2, b2, c2, 1);
        });
    } else {
        for (a2, b2, c2) in tasks {
            A::product(a2, b2, c2, threads);
        }
    }
    outputs
}

/// One product `c = a · b`: the operands and the output it writes.
type Task<'v, 'c, A> = (ArrayView2<'v, A>, ArrayView2<'v, A>, ArrayViewMut2<'c, A>);

/// The tasks of every list, item by item: the first of each list, then the
/// second of each, and so on (lists may differ in length).
fn interleave<T>(lists: Vec<Vec<T>>) -> Vec<T> {
    let total = lists.iter().map(Vec::len).sum();
    let mut iters: Vec<_> = lists.into_iter().map(Vec::into_iter).collect();
    let mut out = Vec::with_capacity(total);
    while out.len() < total {
        out.extend(iters.iter_mut().filter_map(Iterator::next));
    }
    out
}

/// `c = a · b` as `parts` products of consecutive rows of `a` and `c`
/// (fewer when `c` has fewer rows), whose results are the rows of the
/// whole product.
fn split_rows<'v, 'c, A>(task: Task<'v, 'c, A>, parts: usize) -> Vec<Task<'v, 'c, A>> {
    let (mut a, b, mut c) = task;
    let rows = c.nrows();
    let parts = parts.clamp(1, rows.max(1));
    let mut blocks = Vec::with_capacity(parts);
    for part in (1..parts).rev() {
        let at = rows * part / parts;
        let (a_top, a_rest) = a.split_at(Axis(0), at);
        let (c_top, c_rest) = c.split_at(Axis(0), at);
        blocks.push((a_rest, b, c_rest));
        a = a_top;
        c = c_top;
    }
    blocks.push((a, b, c));
    blocks.reverse();
    blocks
}

/// Whether `items` equal products on `threads` threads run faster one per
/// thread than one after the other, each on every thread: yes when they
/// share out evenly or are many (the last, partial round then costs
/// little), no for fewer items than threads.
fn one_task_per_item(items: usize, threads: usize) -> bool {
    items >= threads && (items.is_multiple_of(threads) || items >= 4 * threads)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_go_one_per_thread_only_when_that_balances() {
        assert!(one_task_per_item(2, 2));
        assert!(one_task_per_item(64, 2));
        assert!(one_task_per_item(9, 2)); // many: the odd one out costs little
        assert!(!one_task_per_item(1, 2));
        assert!(!one_task_per_item(3, 2)); // 2 rounds one per thread vs 1.5 shared
        assert!(!one_task_per_item(5, 4));
    }
}
