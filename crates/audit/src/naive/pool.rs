//! 2-D pooling by its definition: windows of `kernel` every `stride` over
//! `x` `[N, C, H, W]`, no padding; windows that would run past the end are
//! dropped (output `(H - kh)/sh + 1` by `(W - kw)/sw + 1`).

use ndarray::{ArrayD, IxDyn};

/// Kernel and stride, `(height, width)` each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolParams {
    /// Window size.
    pub kernel: (usize, usize),
    /// Step between windows.
    pub stride: (usize, usize),
}

/// Every window of `x` `[N, C, H, W]`: the output index and the input
/// indices it covers.
fn windows(
    x: &[usize],
    p: &PoolParams,
    mut each: impl FnMut([usize; 4], &[[usize; 4]]),
) -> Vec<usize> {
    let (n, c, h, w) = (x[0], x[1], x[2], x[3]);
    let oh = (h - p.kernel.0) / p.stride.0 + 1;
    let ow = (w - p.kernel.1) / p.stride.1 + 1;
    let mut cover = Vec::with_capacity(p.kernel.0 * p.kernel.1);
    for b in 0..n {
        for ch in 0..c {
            for i in 0..oh {
                for j in 0..ow {
                    cover.clear();
                    for u in 0..p.kernel.0 {
                        for v in 0..p.kernel.1 {
                            cover.push([b, ch, i * p.stride.0 + u, j * p.stride.1 + v]);
                        }
                    }
                    each([b, ch, i, j], &cover);
                }
            }
        }
    }
    vec![n, c, oh, ow]
}

/// Average pooling: `out[o] = Σ x[i] / (kh·kw)` over the window `o`
/// covers.
pub fn avg_pool2d(x: &ArrayD<f64>, p: &PoolParams) -> ArrayD<f64> {
    let shape = windows(x.shape(), p, |_, _| {});
    let mut out = ArrayD::zeros(IxDyn(&shape));
    windows(x.shape(), p, |o, cover| {
        out[o] = cover.iter().map(|&i| x[i]).sum::<f64>() / cover.len() as f64;
    });
    out
}

/// The VJP of [`avg_pool2d`]: `∂x[i] = Σ g[o] / (kh·kw)` over the windows
/// `o` that cover `i` (each window passes its share to each element).
pub fn avg_pool2d_vjp(x: &ArrayD<f64>, g: &ArrayD<f64>, p: &PoolParams) -> ArrayD<f64> {
    let mut dx = ArrayD::zeros(x.raw_dim());
    windows(x.shape(), p, |o, cover| {
        for &i in cover {
            dx[i] += g[o] / cover.len() as f64;
        }
    });
    dx
}

/// The first largest element of a window.
fn argmax(x: &ArrayD<f64>, cover: &[[usize; 4]]) -> [usize; 4] {
    let mut best = cover[0];
    for &i in &cover[1..] {
        if x[i] > x[best] {
            best = i;
        }
    }
    best
}

/// Max pooling: `out[o] = max x[i]` over the window `o` covers.
pub fn max_pool2d(x: &ArrayD<f64>, p: &PoolParams) -> ArrayD<f64> {
    let shape = windows(x.shape(), p, |_, _| {});
    let mut out = ArrayD::zeros(IxDyn(&shape));
    windows(x.shape(), p, |o, cover| out[o] = x[argmax(x, cover)]);
    out
}

/// The VJP of [`max_pool2d`]: `∂x[i] = Σ g[o]` over the windows `o` whose
/// largest element `i` is (the first largest on a tie; inputs without ties,
/// where max pooling is differentiable, have one).
pub fn max_pool2d_vjp(x: &ArrayD<f64>, g: &ArrayD<f64>, p: &PoolParams) -> ArrayD<f64> {
    let mut dx = ArrayD::zeros(x.raw_dim());
    windows(x.shape(), p, |o, cover| dx[argmax(x, cover)] += g[o]);
    dx
}
