//! Indexing ops by their definition, element by element (the names and
//! argument meanings of PyTorch's and candle's `index_select`, `gather`,
//! `scatter`, `scatter_add` and `index_add`). All are linear in their
//! float inputs; each VJP sends an output's upstream gradient back to the
//! element it came from.

use ndarray::{ArrayD, Axis, Dimension, IxDyn};

/// `index`, with its entry on axis `dim` replaced by `at`.
fn moved(index: &[usize], dim: usize, at: usize) -> Vec<usize> {
    let mut i = index.to_vec();
    i[dim] = at;
    i
}

/// `index_select(x, ids, dim)`: slice `ids[k]` of `x` along `dim` becomes
/// slice `k` of the output.
pub fn index_select(x: &ArrayD<f64>, ids: &[usize], dim: usize) -> ArrayD<f64> {
    x.select(Axis(dim), ids)
}

/// The VJP of [`index_select`]: `∂x` is zero but for slice `k` of `g` added
/// to slice `ids[k]` along `dim`, for every `k` (repeated ids add up).
pub fn index_select_vjp(
    x: &ArrayD<f64>,
    g: &ArrayD<f64>,
    ids: &[usize],
    dim: usize,
) -> ArrayD<f64> {
    let mut dx = ArrayD::zeros(x.raw_dim());
    for (k, &id) in ids.iter().enumerate() {
        let mut to = dx.index_axis_mut(Axis(dim), id);
        to += &g.index_axis(Axis(dim), k);
    }
    dx
}

/// `gather(x, idx, dim)`: `out[i] = x[i with i[dim] = idx[i]]`, the output
/// of `idx`'s shape.
pub fn gather(x: &ArrayD<f64>, idx: &ArrayD<usize>, dim: usize) -> ArrayD<f64> {
    ArrayD::from_shape_fn(idx.raw_dim(), |i| x[IxDyn(&moved(i.slice(), dim, idx[&i]))])
}

/// The VJP of [`gather`]: `g[i]` added to `∂x[i with i[dim] = idx[i]]` for
/// every index `i` of `idx`, zero elsewhere.
pub fn gather_vjp(
    x: &ArrayD<f64>,
    g: &ArrayD<f64>,
    idx: &ArrayD<usize>,
    dim: usize,
) -> ArrayD<f64> {
    let mut dx = ArrayD::zeros(x.raw_dim());
    for (i, &to) in idx.indexed_iter() {
        dx[IxDyn(&moved(i.slice(), dim, to))] += g[&i];
    }
    dx
}

/// `out` with `put(&mut out[i with i[dim] = idx[i]], src[i])` for every
/// index `i` of `idx`, in order.
fn scatter_into(
    mut out: ArrayD<f64>,
    idx: &ArrayD<usize>,
    src: &ArrayD<f64>,
    dim: usize,
    put: fn(&mut f64, f64),
) -> ArrayD<f64> {
    for (i, &to) in idx.indexed_iter() {
        put(&mut out[IxDyn(&moved(i.slice(), dim, to))], src[&i]);
    }
    out
}

/// `scatter_add(init, idx, src, dim)`: `init` with `src[i]` added to
/// `init[i with i[dim] = idx[i]]` for every index `i` of `idx`.
pub fn scatter_add(
    init: &ArrayD<f64>,
    idx: &ArrayD<usize>,
    src: &ArrayD<f64>,
    dim: usize,
) -> ArrayD<f64> {
    scatter_into(init.clone(), idx, src, dim, |to, v| *to += v)
}

/// The VJP of [`scatter_add`]: `∂init = g` (every element of `init` reaches
/// the output with weight one), `∂src[i] = g[i with i[dim] = idx[i]]`.
/// Returns `(∂init, ∂src)`.
pub fn scatter_add_vjp(
    g: &ArrayD<f64>,
    idx: &ArrayD<usize>,
    dim: usize,
) -> (ArrayD<f64>, ArrayD<f64>) {
    (g.clone(), gather(g, idx, dim))
}

/// `scatter(init, idx, src, dim)`: `init` with `init[i with i[dim] = idx[i]]`
/// overwritten by `src[i]` (for indices that never collide, so the order
/// of writes does not matter).
pub fn scatter(
    init: &ArrayD<f64>,
    idx: &ArrayD<usize>,
    src: &ArrayD<f64>,
    dim: usize,
) -> ArrayD<f64> {
    scatter_into(init.clone(), idx, src, dim, |to, v| *to = v)
}

/// The VJP of [`scatter`]: `∂init` is `g` except where `src` overwrote
/// `init` (zero there), `∂src[i] = g[i with i[dim] = idx[i]]`. Returns
/// `(∂init, ∂src)`.
pub fn scatter_vjp(g: &ArrayD<f64>, idx: &ArrayD<usize>, dim: usize) -> (ArrayD<f64>, ArrayD<f64>) {
    let zeros = ArrayD::zeros(idx.raw_dim());
    let dinit = scatter_into(g.clone(), idx, &zeros, dim, |to, v| *to = v);
    (dinit, gather(g, idx, dim))
}

/// `index_add(init, ids, src, dim)`: `init` with slice `k` of `src` added
/// to slice `ids[k]` along `dim`, for every `k`.
pub fn index_add(init: &ArrayD<f64>, ids: &[usize], src: &ArrayD<f64>, dim: usize) -> ArrayD<f64> {
    let mut out = init.clone();
    for (k, &id) in ids.iter().enumerate() {
        let mut to = out.index_axis_mut(Axis(dim), id);
        to += &src.index_axis(Axis(dim), k);
    }
    out
}

/// The VJP of [`index_add`]: `∂init = g`, `∂src = index_select(g, ids,
/// dim)`. Returns `(∂init, ∂src)`.
pub fn index_add_vjp(g: &ArrayD<f64>, ids: &[usize], dim: usize) -> (ArrayD<f64>, ArrayD<f64>) {
    (g.clone(), index_select(g, ids, dim))
}
