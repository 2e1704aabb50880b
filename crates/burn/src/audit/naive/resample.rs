//! Bilinear resizing by its definition (PyTorch's `interpolate(mode =
//! "bilinear")`): each output pixel is the bilinear blend of the four
//! input pixels around its source position.

use ndarray::{ArrayD, IxDyn};

/// The source coordinate of output index `i` along an axis of `len_in`
/// resized to `len_out`: `i·(in - 1)/(out - 1)` with aligned corners,
/// else `(i + ½)·in/out - ½` clamped to `[0, in - 1]`.
pub fn source(i: usize, len_in: usize, len_out: usize, align_corners: bool) -> f64 {
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

/// Every term `out[b, c, i, j] += weight · x[b, c, y, x]`.
fn terms(
    x: &[usize],
    size: [usize; 2],
    align_corners: bool,
    mut term: impl FnMut([usize; 4], [usize; 4], f64),
) {
    let (n, c, h, w) = (x[0], x[1], x[2], x[3]);
    for b in 0..n {
        for ch in 0..c {
            for i in 0..size[0] {
                let ys = around(source(i, h, size[0], align_corners), h);
                for j in 0..size[1] {
                    let xs = around(source(j, w, size[1], align_corners), w);
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

/// `x` `[N, C, H, W]` resized to `size` bilinearly.
pub fn bilinear(x: &ArrayD<f64>, size: [usize; 2], align_corners: bool) -> ArrayD<f64> {
    let s = x.shape();
    let mut out = ArrayD::zeros(IxDyn(&[s[0], s[1], size[0], size[1]]));
    terms(s, size, align_corners, |o, i, wt| {
        out[IxDyn(&o)] += wt * x[IxDyn(&i)]
    });
    out
}

/// The VJP of [`bilinear`]: each input pixel receives the upstream
/// gradient of every output that blends it, times its weight there.
pub fn bilinear_vjp(
    x: &ArrayD<f64>,
    g: &ArrayD<f64>,
    size: [usize; 2],
    align_corners: bool,
) -> ArrayD<f64> {
    let mut dx = ArrayD::zeros(x.raw_dim());
    terms(x.shape(), size, align_corners, |o, i, wt| {
        dx[IxDyn(&i)] += wt * g[IxDyn(&o)]
    });
    dx
}
