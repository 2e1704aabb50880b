//! Indexing ops by their definition, element by element.

use ndarray::{ArrayD, Axis, Dimension, IxDyn};

/// `index`, with its entry on axis `dim` replaced by `at`.
fn moved(index: &[usize], dim: usize, at: usize) -> Vec<usize> {
    let mut i = index.to_vec();
    i[dim] = at;
    i
}

/// `x.index_select(ids, dim)`: slice `ids[k]` of `x` along `dim` becomes
/// slice `k`.
pub fn index_select(x: &ArrayD<f64>, ids: &[usize], dim: usize) -> ArrayD<f64> {
    x.select(Axis(dim), ids)
}

/// The VJP of [`index_select`]: slice `k` of `g` is added to slice
/// `ids[k]`.
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

/// `x.gather(idx, dim)`: `out[i] = x[i with i[dim] = idx[i]]`.
pub fn gather(x: &ArrayD<f64>, idx: &ArrayD<usize>, dim: usize) -> ArrayD<f64> {
    ArrayD::from_shape_fn(idx.raw_dim(), |i| x[IxDyn(&moved(i.slice(), dim, idx[&i]))])
}

/// The VJP of [`gather`]: `g[i]` is added to `x[i with i[dim] = idx[i]]`.
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

/// `init.scatter_add(idx, src, dim)`: `src[i]` is added to
/// `init[i with i[dim] = idx[i]]`.
pub fn scatter_add(
    init: &ArrayD<f64>,
    idx: &ArrayD<usize>,
    src: &ArrayD<f64>,
    dim: usize,
) -> ArrayD<f64> {
    let mut out = init.clone();
    for (i, &to) in idx.indexed_iter() {
        out[IxDyn(&moved(i.slice(), dim, to))] += src[&i];
    }
    out
}

/// The VJP of [`scatter_add`]: `∂init = g` (every element of `init` reaches
/// the output with weight one), `∂src[i] = g[i with i[dim] = idx[i]]`.
pub fn scatter_add_vjp(
    g: &ArrayD<f64>,
    idx: &ArrayD<usize>,
    dim: usize,
) -> (ArrayD<f64>, ArrayD<f64>) {
    (g.clone(), gather(g, idx, dim))
}

/// `init.scatter(idx, src, dim)`: `init[i with i[dim] = idx[i]] = src[i]`
/// (indices that never collide, so the order of writes does not matter).
pub fn scatter(
    init: &ArrayD<f64>,
    idx: &ArrayD<usize>,
    src: &ArrayD<f64>,
    dim: usize,
) -> ArrayD<f64> {
    let mut out = init.clone();
    for (i, &to) in idx.indexed_iter() {
        out[IxDyn(&moved(i.slice(), dim, to))] = src[&i];
    }
    out
}

/// The VJP of [`scatter`]: `∂init` is `g` except where `src` overwrote
/// `init` (zero there), `∂src[i] = g[i with i[dim] = idx[i]]`.
pub fn scatter_vjp(g: &ArrayD<f64>, idx: &ArrayD<usize>, dim: usize) -> (ArrayD<f64>, ArrayD<f64>) {
    let mut dinit = g.clone();
    for (i, &to) in idx.indexed_iter() {
        dinit[IxDyn(&moved(i.slice(), dim, to))] = 0.0;
    }
    (dinit, gather(g, idx, dim))
}

/// `init.index_add(ids, src, dim)`: slice `k` of `src` is added to slice
/// `ids[k]` of `init`.
pub fn index_add(init: &ArrayD<f64>, ids: &[usize], src: &ArrayD<f64>, dim: usize) -> ArrayD<f64> {
    let mut out = init.clone();
    for (k, &id) in ids.iter().enumerate() {
        let mut to = out.index_axis_mut(Axis(dim), id);
        to += &src.index_axis(Axis(dim), k);
    }
    out
}

/// The VJP of [`index_add`]: `∂init = g`, `∂src = g.index_select(ids, dim)`.
pub fn index_add_vjp(g: &ArrayD<f64>, ids: &[usize], dim: usize) -> (ArrayD<f64>, ArrayD<f64>) {
    (g.clone(), index_select(g, ids, dim))
}
