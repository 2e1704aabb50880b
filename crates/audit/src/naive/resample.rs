//! Resizing by its definition: nearest-neighbour (each output position
//! reads one input position) and bilinear (each output pixel blends the
//! four input pixels around its source position). Both are linear in `x`,
//! so each VJP sends every output's upstream gradient back to the inputs
//! it read, with the weight it read them with.

use ndarray::{ArrayD, IxDyn};

/// The input position nearest-neighbour output position `i` reads:
/// `floor(i · in / out)`, by exact integer arithmetic.
fn nearest_source(i: usize, len_in: usize, len_out: usize) -> usize {
    (i * len_in / len_out).min(len_in - 1)
}

/// Every output position of resizing the trailing axes of `x` to
/// `targets` by nearest neighbour and the input position it reads.
fn nearest_pairs(
    x: &[usize],
    targets: &[usize],
    mut each: impl FnMut(&[usize], &[usize]),
) -> Vec<usize> {
    let lead = x.len() - targets.len();
    let mut out_shape = x[..lead].to_vec();
    out_shape.extend_from_slice(targets);
    let total: usize = out_shape.iter().product();
    let mut out_index = vec![0; out_shape.len()];
    let mut in_index = vec![0; x.len()];
    for flat in 0..total {
        let mut rest = flat;
        for (slot, &dim) in out_index.iter_mut().zip(&out_shape).rev() {
            *slot = rest % dim;
            rest /= dim;
        }
        for a in 0..x.len() {
            in_index[a] = if a < lead {
                out_index[a]
            } else {
                nearest_source(out_index[a], x[a], out_shape[a])
            };
        }
        each(&out_index, &in_index);
    }
    out_shape
}

/// Nearest-neighbour resizing of the trailing axes of `x` to `targets`
/// (candle's `upsample_nearest1d`/`2d` and `interpolate1d`/`2d`): output
/// position `i` of an axis resized from `in` to `out` takes input position
/// `floor(i · in / out)`.
pub fn nearest(x: &ArrayD<f64>, targets: &[usize]) -> ArrayD<f64> {
    let shape = nearest_pairs(x.shape(), targets, |_, _| {});
    let mut out = ArrayD::zeros(IxDyn(&shape));
    nearest_pairs(x.shape(), targets, |o, i| out[o] = x[i]);
    out
}

/// The VJP of [`nearest`]: `∂x[i] = Σ g[o]` over the output positions `o`
/// that read input position `i`.
pub fn nearest_vjp(x: &ArrayD<f64>, g: &ArrayD<f64>, targets: &[usize]) -> ArrayD<f64> {
    let mut dx = ArrayD::zeros(x.raw_dim());
    nearest_pairs(x.shape(), targets, |o, i| dx[i] += g[o]);
    dx
}

/// The source coordinate of bilinear output index `i` along an axis of
/// `len_in` resized to `len_out`: `i·(in - 1)/(out - 1)` with aligned
/// corners, else `(i + ½)·in/out - ½` clamped to `[0, in - 1]`.
fn bilinear_source(i: usize, len_in: usize, len_out: usize, align_corners: bool) -> f64 {
    if align_corners {
        i as f64 * (len_in - 1) as f64 / (len_out.max(2) - 1) as f64
    } else {
        ((i as f64 + 0.5) * len_in as f64 / len_out as f64 - 0.5).clamp(0.0, (len_in - 1) as f64)
    }
}

/// The two input indices around coordinate `t` and their weights.
fn around(t: f64, len: usize) -> [(usize, f64); 2] {
    let lo = (t.floor() as usize).min(len - 1);
    let hi = (lo + 1).min(len - 1);
    let f = t - lo as f64;
    [(lo, 1.0 - f), (hi, f)]
}

/// Every term `out[b, c, i, j] += weight · x[b, c, y, x]` of bilinear
/// resizing.
fn bilinear_terms(
    x: &[usize],
    size: [usize; 2],
    align_corners: bool,
    mut term: impl FnMut([usize; 4], [usize; 4], f64),
) {
    let (n, c, h, w) = (x[0], x[1], x[2], x[3]);
    for b in 0..n {
        for ch in 0..c {
            for i in 0..size[0] {
                let ys = around(bilinear_source(i, h, size[0], align_corners), h);
                for j in 0..size[1] {
                    let xs = around(bilinear_source(j, w, size[1], align_corners), w);
                    for (y, wy) in ys {
                        for (xx, wx) in xs {
                            term([b, ch, i, j], [b, ch, y, xx], wy * wx);
                        }
                    }
                }
            }
        }
    }
}

/// `x` `[N, C, H, W]` resized to `size` bilinearly (PyTorch's
/// `interpolate(mode = "bilinear")`, burn's `InterpolateMode::Bilinear`):
/// `out[b, c, i, j] = Σ wy·wx·x[b, c, y, x]` over the two rows `y` around
/// row `i`'s source coordinate and the two columns `x` around column `j`'s,
/// each weighted by its nearness (`1 - |t - y|`).
pub fn bilinear(x: &ArrayD<f64>, size: [usize; 2], align_corners: bool) -> ArrayD<f64> {
    let s = x.shape();
    let mut out = ArrayD::zeros(IxDyn(&[s[0], s[1], size[0], size[1]]));
    bilinear_terms(s, size, align_corners, |o, i, wt| {
        out[IxDyn(&o)] += wt * x[IxDyn(&i)]
    });
    out
}

/// The VJP of [`bilinear`]: `∂x[i] = Σ weight·g[o]` over every output `o`
/// that blends input pixel `i`, with the weight it blends it with.
pub fn bilinear_vjp(
    x: &ArrayD<f64>,
    g: &ArrayD<f64>,
    size: [usize; 2],
    align_corners: bool,
) -> ArrayD<f64> {
    let mut dx = ArrayD::zeros(x.raw_dim());
    bilinear_terms(x.shape(), size, align_corners, |o, i, wt| {
        dx[IxDyn(&i)] += wt * g[IxDyn(&o)]
    });
    dx
}
