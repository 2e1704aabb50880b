//! The GEMM kernel behind `matmul` against a naive triple loop, in `f32`
//! and `f64`, over odd sizes (small ones, ones that cross the kernels'
//! block sizes, ones large enough to run in parallel) and every memory
//! layout an operand can arrive in: standard, transposed, a sub-block of a
//! larger array, every other row or column, reversed rows or columns
//! (negative strides), a broadcast row (zero stride), and zero-size axes.
//!
//! Each element is held to the classic error bound of a dot product of
//! length `k` in precision `eps`: `|c - c_exact| <= 2·k·eps·(|A|·|B|)`,
//! computed from the same inputs in `f64` by the loop below.

use backprop_gates::Real;
use backprop_tensor::{Element, matmul, matmul_vjp};
use ndarray::{Array2, Array3, ArrayD, ArrayView2, Axis, IxDyn, Slice};

/// `(A·B, |A|·|B|)` in `f64`, by the definition.
fn naive(a: ArrayView2<'_, f64>, b: ArrayView2<'_, f64>) -> (Array2<f64>, Array2<f64>) {
    let (m, k) = a.dim();
    let n = b.ncols();
    let mut c = Array2::zeros((m, n));
    let mut bound = Array2::zeros((m, n));
    for i in 0..m {
        for j in 0..n {
            for p in 0..k {
                c[[i, j]] += a[[i, p]] * b[[p, j]];
                bound[[i, j]] += (a[[i, p]] * b[[p, j]]).abs();
            }
        }
    }
    (c, bound)
}

/// Deterministic values in [-1, 1) with few repeats.
fn values<A: Element>(rows: usize, cols: usize, seed: usize) -> Array2<A> {
    Array2::from_shape_fn((rows, cols), |(i, j)| {
        let x = ((i * 131 + j * 71 + seed * 977) % 1009) as f64;
        A::from_f64(x / 504.5 - 1.0)
    })
}

/// Checks `got` (from the kernel, in `A`) against the naive product of the
/// same operands.
fn check<A: Element>(
    what: &str,
    got: ArrayView2<'_, A>,
    a: ArrayView2<'_, A>,
    b: ArrayView2<'_, A>,
) {
    let (a64, b64) = (a.mapv(Real::to_f64), b.mapv(Real::to_f64));
    let (want, bound) = naive(a64.view(), b64.view());
    let k = a.ncols() as f64;
    assert_eq!(got.dim(), want.dim(), "{what}: shape");
    for ((index, g), (&w, &size)) in got.indexed_iter().zip(want.iter().zip(&bound)) {
        let tol = 2.0 * k * A::EPSILON * size + f64::MIN_POSITIVE;
        assert!(
            (g.to_f64() - w).abs() <= tol,
            "{what}: element {index:?} is {g}, expected {w} (bound {tol:e})"
        );
    }
}

/// Calls `f` with every layout we test of the `(rows, cols)` matrix
/// `values(rows, cols, seed)`, and the layout's name.
fn with_views<A: Element>(
    rows: usize,
    cols: usize,
    seed: usize,
    mut f: impl FnMut(&str, ArrayView2<'_, A>),
) {
    let plain = values::<A>(rows, cols, seed);
    f("standard", plain.view());
    // Column-major storage of the same matrix.
    let col_major = plain.t().as_standard_layout().into_owned();
    f("transposed storage", col_major.t());
    // A block of a larger array: row stride > cols.
    let mut big = Array2::<A>::zeros((rows + 3, cols + 5));
    let block = [Slice::from(2..2 + rows), Slice::from(1..1 + cols)];
    big.slice_axis_mut(Axis(0), Slice::from(2..2 + rows))
        .slice_axis_mut(Axis(1), Slice::from(1..1 + cols))
        .assign(&plain);
    f("sub-block", sliced(big.view(), block));
    // Every other row and every other column.
    let mut spread = Array2::<A>::zeros((2 * rows, 2 * cols));
    let every_other = [Slice::from(..).step_by(2), Slice::from(..).step_by(2)];
    spread
        .slice_axis_mut(Axis(0), Slice::from(..).step_by(2))
        .slice_axis_mut(Axis(1), Slice::from(..).step_by(2))
        .assign(&plain);
    f(
        "every other row and column",
        sliced(spread.view(), every_other),
    );
    // Reversed rows, reversed columns, both (negative strides): stored
    // reversed, viewed through an inverted axis.
    let reversed = |axes: &[usize]| {
        let mut stored = plain.clone();
        for &axis in axes {
            stored.invert_axis(Axis(axis));
        }
        stored.as_standard_layout().into_owned()
    };
    let rows_reversed = reversed(&[0]);
    f("reversed rows", inverted(rows_reversed.view(), &[0]));
    let cols_reversed = reversed(&[1]);
    f("reversed columns", inverted(cols_reversed.view(), &[1]));
    // Both reversed, in column-major storage.
    let both_reversed = reversed(&[0, 1]).t().as_standard_layout().into_owned();
    f(
        "reversed rows and columns, column-major",
        inverted(both_reversed.t(), &[0, 1]),
    );
    // A broadcast row: every row the same, zero row stride.
    if rows > 0 {
        let row = plain.row(0).to_owned();
        f(
            "broadcast row",
            row.broadcast((rows, cols)).expect("row broadcasts"),
        );
    }
}

/// `v` sliced along both axes.
fn sliced<A>(mut v: ArrayView2<'_, A>, slices: [Slice; 2]) -> ArrayView2<'_, A> {
    v.slice_axis_inplace(Axis(0), slices[0]);
    v.slice_axis_inplace(Axis(1), slices[1]);
    v
}

/// `v` with `axes` reversed (negative strides, no copy).
fn inverted<'a, A>(mut v: ArrayView2<'a, A>, axes: &[usize]) -> ArrayView2<'a, A> {
    for &axis in axes {
        v.invert_axis(Axis(axis));
    }
    v
}

/// Sizes that are odd, cross the kernels' register and cache blocks, and
/// (the last ones) are large enough for the parallel paths: cut into
/// blocks of rows, or (too few rows) on faer's own threading.
const SIZES: [(usize, usize, usize); 13] = [
    (1, 1, 1),
    (1, 7, 1),
    (3, 1, 5),
    (2, 3, 4),
    (7, 5, 3),
    (17, 9, 15),
    (16, 16, 16),
    (33, 31, 65),
    (65, 129, 17),
    (5, 300, 7),
    (129, 67, 131),
    (257, 130, 67),
    (7, 400, 500), // parallel, but too few rows to cut into blocks
];

fn every_layout_and_size<A: Element>() {
    for (m, k, n) in SIZES {
        with_views::<A>(m, k, 1, |la, a| {
            with_views::<A>(k, n, 2, |lb, b| {
                let c = matmul(&a.into_dyn(), &b.into_dyn()).unwrap();
                let c = c.into_dimensionality().unwrap();
                let what = format!("{} {m}x{k}x{n}, A {la}, B {lb}", A::NAME);
                check(&what, c.view(), a, b);
            });
        });
    }
}

#[test]
fn f64_products_match_the_naive_loop_in_every_layout() {
    every_layout_and_size::<f64>();
}

#[test]
fn f32_products_match_the_naive_loop_in_every_layout() {
    every_layout_and_size::<f32>();
}

/// `dA = dC·Bᵀ` and `dB = Aᵀ·dC` from `matmul_vjp`, each checked against
/// the naive product of the same operands.
fn check_gradients<A: Element>(
    what: &str,
    a: ArrayView2<'_, A>,
    b: ArrayView2<'_, A>,
    dc: ArrayView2<'_, A>,
) {
    let (da, db) = matmul_vjp(&a.into_dyn(), &b.into_dyn(), &dc.into_dyn()).unwrap();
    let da = da.into_dimensionality().unwrap();
    let db = db.into_dimensionality().unwrap();
    check(&format!("dA of {what}"), da.view(), dc, b.t());
    check(&format!("dB of {what}"), db.view(), a.t(), dc);
}

/// Backward runs the kernel on transposed views of the operands and of
/// `dC`: `dA = dC·Bᵀ`, `dB = Aᵀ·dC`, checked against the naive loop in both
/// precisions with strided and reversed operands.
fn gradients_in_every_layout<A: Element>() {
    for (m, k, n) in [(3, 5, 2), (33, 17, 65), (129, 67, 131)] {
        let dc = values::<A>(m, n, 3);
        with_views::<A>(m, k, 1, |la, a| {
            with_views::<A>(k, n, 2, |lb, b| {
                let what = format!("{} {m}x{k}x{n}, A {la}, B {lb}", A::NAME);
                check_gradients(&what, a, b, dc.view());
            });
        });
    }
}

#[test]
fn f64_gradients_match_the_naive_loop_in_every_layout() {
    gradients_in_every_layout::<f64>();
}

#[test]
fn f32_gradients_match_the_naive_loop_in_every_layout() {
    gradients_in_every_layout::<f32>();
}

/// Rows of exactly 2 KiB and 4 KiB (256 and 512 `f64`s, 512 and 1024
/// `f32`s): `dB = Aᵀ·dC` then reads `Aᵀ` through a padded copy (the kernel
/// would otherwise walk one or two cache sets), in every layout of `A`,
/// some of them not copied.
fn gradients_with_rows_of_2_and_4_kib<A: Element>() {
    for bytes in [2048, 4096] {
        let (m, k, n) = (70, bytes / std::mem::size_of::<A>(), 66);
        let dc = values::<A>(m, n, 3);
        let b = values::<A>(k, n, 2);
        with_views::<A>(m, k, 1, |la, a| {
            let what = format!("{} {m}x{k}x{n}, A {la}", A::NAME);
            check_gradients(&what, a, b.view(), dc.view());
        });
    }
}

#[test]
fn f64_gradients_with_rows_of_2_and_4_kib_match_the_naive_loop() {
    gradients_with_rows_of_2_and_4_kib::<f64>();
}

#[test]
fn f32_gradients_with_rows_of_2_and_4_kib_match_the_naive_loop() {
    gradients_with_rows_of_2_and_4_kib::<f32>();
}

/// Batched gradients: the products of every item interleaved (dA_i next to
/// dB_i), and for one item each product cut into blocks of rows; 8 items
/// share out one per thread, 3 items give 6 products cut into blocks.
fn batched_gradients<A: Element>() {
    for (items, m, k, n) in [(8, 65, 40, 63), (3, 90, 65, 66), (1, 200, 90, 80)] {
        let a3 = Array3::from_shape_fn((items, m, k), |(b, i, p)| {
            A::from_f64((((b * 7 + i * 3 + p * 5) % 23) as f64) / 11.5 - 1.0)
        });
        let b3 = Array3::from_shape_fn((items, k, n), |(b, p, j)| {
            A::from_f64((((b * 11 + p * 13 + j * 2) % 29) as f64) / 14.5 - 1.0)
        });
        let dc3 = Array3::from_shape_fn((items, m, n), |(b, i, j)| {
            A::from_f64((((b * 5 + i * 17 + j * 3) % 31) as f64) / 15.5 - 1.0)
        });
        let (da, db) = matmul_vjp(
            &a3.view().into_dyn(),
            &b3.view().into_dyn(),
            &dc3.view().into_dyn(),
        )
        .unwrap();
        for i in 0..items {
            let what = format!("{} batch of {items}, item {i}", A::NAME);
            let (a, b, dc) = (
                a3.index_axis(Axis(0), i),
                b3.index_axis(Axis(0), i),
                dc3.index_axis(Axis(0), i),
            );
            let da_i = da.index_axis(Axis(0), i).into_dimensionality().unwrap();
            let db_i = db.index_axis(Axis(0), i).into_dimensionality().unwrap();
            check(&format!("dA of {what}"), da_i, dc, b.t());
            check(&format!("dB of {what}"), db_i, a.t(), dc);
        }
    }
}

#[test]
fn f64_batched_gradients_match_the_naive_loop() {
    batched_gradients::<f64>();
}

#[test]
fn f32_batched_gradients_match_the_naive_loop() {
    batched_gradients::<f32>();
}

/// The same products and gradients on pools of 3 and 5 threads (this
/// machine's 2 are not every machine's): blocks of rows then come in threes
/// and fives, items share out unevenly, and a product of 40 rows has too
/// few for either count (16 a thread) and stays on faer's own threading.
#[test]
fn products_and_gradients_match_the_naive_loop_on_other_thread_counts() {
    for threads in [3, 5] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            assert_eq!(rayon::current_num_threads(), threads);
            for (m, k, n) in [(257, 130, 67), (40, 200, 300), (129, 67, 131)] {
                let a = values::<f64>(m, k, 1);
                let b = values::<f64>(k, n, 2);
                let c = matmul(&a.view().into_dyn(), &b.view().into_dyn()).unwrap();
                let c = c.into_dimensionality().unwrap();
                check(
                    &format!("{threads} threads, {m}x{k}x{n}"),
                    c.view(),
                    a.view(),
                    b.view(),
                );
            }
            batched_gradients::<f64>();
            batches::<f32>();
        });
    }
}

/// Batches: enough items to run one per thread, a count that does not share
/// out evenly (each product is then cut into blocks of rows, one per
/// thread), a reversed batch axis, and a broadcast (zero-stride) batch axis.
fn batches<A: Element>() {
    // 8 items: one per thread; 3 items, and 1: each product cut into a
    // block of rows per thread (all three above the parallel threshold of
    // 2^20 multiply-adds).
    for (items, m, k, n) in [(8, 65, 40, 63), (3, 90, 65, 66), (1, 200, 90, 80)] {
        let a3 = Array3::from_shape_fn((items, m, k), |(b, i, p)| {
            A::from_f64((((b * 7 + i * 3 + p * 5) % 23) as f64) / 11.5 - 1.0)
        });
        let b3 = Array3::from_shape_fn((items, k, n), |(b, p, j)| {
            A::from_f64((((b * 11 + p * 13 + j * 2) % 29) as f64) / 14.5 - 1.0)
        });
        let mut stored_reversed = a3.clone();
        stored_reversed.invert_axis(Axis(0));
        let stored_reversed = stored_reversed.as_standard_layout().into_owned();
        let mut reversed = stored_reversed.view();
        reversed.invert_axis(Axis(0)); // the values of a3, negative batch stride
        let shared = b3.index_axis(Axis(0), 0);
        let shared = shared.broadcast((items, k, n)).unwrap();
        for (name, a, b) in [
            ("plain", a3.view(), b3.view()),
            ("reversed batch axis", reversed, b3.view()),
            ("broadcast batch axis", a3.view(), shared),
        ] {
            let c = matmul(&a.into_dyn(), &b.into_dyn()).unwrap();
            for i in 0..items {
                let ci = c.index_axis(Axis(0), i);
                let ci = ci.into_dimensionality().unwrap();
                let what = format!("{} batch {name}, item {i} of {items}", A::NAME);
                check(
                    &what,
                    ci,
                    a.index_axis(Axis(0), i),
                    b.index_axis(Axis(0), i),
                );
            }
        }
    }
}

#[test]
fn f64_batches_match_the_naive_loop() {
    batches::<f64>();
}

#[test]
fn f32_batches_match_the_naive_loop() {
    batches::<f32>();
}

/// Zero-size axes give zero-size results, or zeros when the contracted
/// axis is empty (an empty sum), and gradients of the operands' shapes.
#[test]
fn zero_size_axes_give_empty_products_and_zero_sums() {
    for (sa, sb, sc) in [
        (vec![0, 3], vec![3, 4], vec![0, 4]),
        (vec![2, 0], vec![0, 4], vec![2, 4]),
        (vec![2, 3], vec![3, 0], vec![2, 0]),
        (vec![0, 2, 3], vec![0, 3, 4], vec![0, 2, 4]),
        (vec![5, 2, 0], vec![5, 0, 4], vec![5, 2, 4]),
    ] {
        let a = ArrayD::<f32>::ones(IxDyn(&sa));
        let b = ArrayD::<f32>::ones(IxDyn(&sb));
        let c = matmul(&a.view(), &b.view()).unwrap();
        assert_eq!(c, ArrayD::zeros(IxDyn(&sc)), "{sa:?} @ {sb:?}");
        let dc = ArrayD::<f32>::ones(IxDyn(&sc));
        let (da, db) = matmul_vjp(&a.view(), &b.view(), &dc.view()).unwrap();
        assert_eq!(da, ArrayD::zeros(IxDyn(&sa)), "dA of {sa:?} @ {sb:?}");
        assert_eq!(db, ArrayD::zeros(IxDyn(&sb)), "dB of {sa:?} @ {sb:?}");
    }
}

#[test]
fn the_kernel_reports_an_instruction_set_this_cpu_has() {
    let kernel = backprop_tensor::matmul_kernel();
    assert!(["faer", "blas", "matrixmultiply"].contains(&kernel.backend));
    assert_eq!(
        kernel.backend == "faer",
        cfg!(feature = "faer") && !cfg!(feature = "blas")
    );
    #[cfg(target_arch = "x86_64")]
    match kernel.isa {
        "avx512" => assert!(std::arch::is_x86_feature_detected!("avx512f")),
        "avx2" => assert!(
            std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("fma")
                // faer takes AVX-512 where there is one; matrixmultiply
                // has no AVX-512 kernels.
                && (kernel.backend == "matrixmultiply"
                    || !std::arch::is_x86_feature_detected!("avx512f"))
        ),
        "portable" => assert!(!std::arch::is_x86_feature_detected!("avx2")),
        "blas" => assert_eq!(kernel.backend, "blas"),
        other => panic!("unexpected ISA {other:?}"),
    }
    #[cfg(not(target_arch = "x86_64"))]
    assert!(["portable", "blas"].contains(&kernel.isa));
}
