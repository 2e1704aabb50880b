//! Convolutions by their definition: one loop over every product term.
//!
//! A 1-D convolution is the 2-D one on a height of 1 (kernel height 1, no
//! padding along it), so both share one loop.

use ndarray::{ArrayD, IxDyn};

/// The hyper-parameters of a convolution, as candle takes them (one value
/// for both spatial axes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConvParams {
    /// Zero padding on both sides of each spatial axis.
    pub padding: usize,
    /// Step between output positions.
    pub stride: usize,
    /// Spacing between kernel taps.
    pub dilation: usize,
    /// Channel groups.
    pub groups: usize,
    /// Transposed convolutions only: extra output length at the end.
    pub output_padding: usize,
}

/// `[N, C, L]` as `[N, C, 1, L]` (the kernel `[O, C, K]` likewise).
fn lift(a: &ArrayD<f64>) -> ArrayD<f64> {
    let s = a.shape();
    a.to_shape(IxDyn(&[s[0], s[1], 1, s[2]]))
        .expect("contiguous")
        .to_owned()
}

/// `[N, C, 1, L]` as `[N, C, L]`.
fn lower(a: ArrayD<f64>) -> ArrayD<f64> {
    let s = a.shape().to_vec();
    a.into_shape_with_order(IxDyn(&[s[0], s[1], s[3]]))
        .expect("height 1")
}

/// Output length of a convolution along one axis (`padding` on both sides).
fn conv_len(len: usize, k: usize, padding: usize, p: &ConvParams) -> usize {
    (len + 2 * padding - p.dilation * (k - 1) - 1) / p.stride + 1
}

/// Output length of a transposed convolution along one axis.
fn transpose_len(len: usize, k: usize, padding: usize, p: &ConvParams) -> usize {
    (len - 1) * p.stride + p.dilation * (k - 1) + p.output_padding + 1 - 2 * padding
}

/// Every product term `out[o] += x[i]·w[k]` of a convolution of `x`
/// `[N, C, H, W]` with `w` `[O, C/groups, KH, KW]`; `pad_h` is the padding
/// along the height (0 for a lifted 1-D convolution).
fn conv_terms(
    x: &[usize],
    w: &[usize],
    pad_h: usize,
    p: &ConvParams,
    term: &mut dyn FnMut([usize; 4], [usize; 4], [usize; 4]),
) -> Vec<usize> {
    let (n, c, h, wd) = (x[0], x[1], x[2], x[3]);
    let (o, cg, kh, kw) = (w[0], w[1], w[2], w[3]);
    let oh = conv_len(h, kh, pad_h, p);
    let ow = conv_len(wd, kw, p.padding, p);
    let og = o / p.groups;
    assert_eq!(cg * p.groups, c, "channels per group");
    for b in 0..n {
        for oc in 0..o {
            let group = oc / og;
            for i in 0..oh {
                for j in 0..ow {
                    for ci in 0..cg {
                        for u in 0..kh {
                            for v in 0..kw {
                                let hh = (i * p.stride + u * p.dilation) as isize - pad_h as isize;
                                let ww =
                                    (j * p.stride + v * p.dilation) as isize - p.padding as isize;
                                if hh < 0 || ww < 0 || hh >= h as isize || ww >= wd as isize {
                                    continue;
                                }
                                term(
                                    [b, group * cg + ci, hh as usize, ww as usize],
                                    [oc, ci, u, v],
                                    [b, oc, i, j],
                                );
                            }
                        }
                    }
                }
            }
        }
    }
    vec![n, o, oh, ow]
}

/// Every product term of a transposed convolution of `x` `[N, C, H, W]`
/// with `w` `[C, O/groups, KH, KW]`: `out[n, g·O/groups + o, h·s + u·d - p,
/// w·s + v·d - p] += x[n, c, h, w]·w[c, o, u, v]`, `g` the group of `c`.
fn transpose_terms(
    x: &[usize],
    w: &[usize],
    pad_h: usize,
    p: &ConvParams,
    term: &mut dyn FnMut([usize; 4], [usize; 4], [usize; 4]),
) -> Vec<usize> {
    let (n, c, h, wd) = (x[0], x[1], x[2], x[3]);
    let (cw, og, kh, kw) = (w[0], w[1], w[2], w[3]);
    assert_eq!(cw, c, "kernel's input channels");
    let lifted = pad_h == 0 && h == 1 && kh == 1;
    let oh = if lifted {
        1
    } else {
        transpose_len(h, kh, pad_h, p)
    };
    let ow = transpose_len(wd, kw, p.padding, p);
    let cg = c / p.groups;
    for b in 0..n {
        for ci in 0..c {
            let group = ci / cg;
            for i in 0..h {
                for j in 0..wd {
                    for oc in 0..og {
                        for u in 0..kh {
                            for v in 0..kw {
                                let hh = if lifted {
                                    0
                                } else {
                                    (i * p.stride + u * p.dilation) as isize - pad_h as isize
                                };
                                let ww =
                                    (j * p.stride + v * p.dilation) as isize - p.padding as isize;
                                if hh < 0 || ww < 0 || hh >= oh as isize || ww >= ow as isize {
                                    continue;
                                }
                                term(
                                    [b, ci, i, j],
                                    [ci, oc, u, v],
                                    [b, group * og + oc, hh as usize, ww as usize],
                                );
                            }
                        }
                    }
                }
            }
        }
    }
    vec![n, og * p.groups, oh, ow]
}

/// One of the two term loops.
type Terms = fn(
    &[usize],
    &[usize],
    usize,
    &ConvParams,
    &mut dyn FnMut([usize; 4], [usize; 4], [usize; 4]),
) -> Vec<usize>;

fn forward4(
    terms: Terms,
    x: &ArrayD<f64>,
    w: &ArrayD<f64>,
    pad_h: usize,
    p: &ConvParams,
) -> ArrayD<f64> {
    let shape = terms(x.shape(), w.shape(), pad_h, p, &mut |_, _, _| {});
    let mut out = ArrayD::zeros(IxDyn(&shape));
    terms(x.shape(), w.shape(), pad_h, p, &mut |xi, wi, oi| {
        out[oi] += x[xi] * w[wi];
    });
    out
}

fn vjp4(
    terms: Terms,
    x: &ArrayD<f64>,
    w: &ArrayD<f64>,
    g: &ArrayD<f64>,
    pad_h: usize,
    p: &ConvParams,
) -> (ArrayD<f64>, ArrayD<f64>) {
    let mut dx = ArrayD::zeros(x.raw_dim());
    let mut dw = ArrayD::zeros(w.raw_dim());
    terms(x.shape(), w.shape(), pad_h, p, &mut |xi, wi, oi| {
        dx[xi] += g[oi] * w[wi];
        dw[wi] += g[oi] * x[xi];
    });
    (dx, dw)
}

/// `conv2d`: `x` `[N, C, H, W]`, `w` `[O, C/groups, KH, KW]`.
pub fn conv2d(x: &ArrayD<f64>, w: &ArrayD<f64>, p: &ConvParams) -> ArrayD<f64> {
    forward4(conv_terms, x, w, p.padding, p)
}

/// The VJP of [`conv2d`]: `(∂x, ∂w)` for upstream `g`.
pub fn conv2d_vjp(
    x: &ArrayD<f64>,
    w: &ArrayD<f64>,
    g: &ArrayD<f64>,
    p: &ConvParams,
) -> (ArrayD<f64>, ArrayD<f64>) {
    vjp4(conv_terms, x, w, g, p.padding, p)
}

/// `conv1d`: `x` `[N, C, L]`, `w` `[O, C/groups, K]`.
pub fn conv1d(x: &ArrayD<f64>, w: &ArrayD<f64>, p: &ConvParams) -> ArrayD<f64> {
    lower(forward4(conv_terms, &lift(x), &lift(w), 0, p))
}

/// The VJP of [`conv1d`].
pub fn conv1d_vjp(
    x: &ArrayD<f64>,
    w: &ArrayD<f64>,
    g: &ArrayD<f64>,
    p: &ConvParams,
) -> (ArrayD<f64>, ArrayD<f64>) {
    let (dx, dw) = vjp4(conv_terms, &lift(x), &lift(w), &lift(g), 0, p);
    (lower(dx), lower(dw))
}

/// `conv_transpose2d`: `x` `[N, C, H, W]`, `w` `[C, O/groups, KH, KW]`.
pub fn conv_transpose2d(x: &ArrayD<f64>, w: &ArrayD<f64>, p: &ConvParams) -> ArrayD<f64> {
    forward4(transpose_terms, x, w, p.padding, p)
}

/// The VJP of [`conv_transpose2d`].
pub fn conv_transpose2d_vjp(
    x: &ArrayD<f64>,
    w: &ArrayD<f64>,
    g: &ArrayD<f64>,
    p: &ConvParams,
) -> (ArrayD<f64>, ArrayD<f64>) {
    vjp4(transpose_terms, x, w, g, p.padding, p)
}

/// `conv_transpose1d`: `x` `[N, C, L]`, `w` `[C, O/groups, K]`.
pub fn conv_transpose1d(x: &ArrayD<f64>, w: &ArrayD<f64>, p: &ConvParams) -> ArrayD<f64> {
    lower(forward4(transpose_terms, &lift(x), &lift(w), 0, p))
}

/// The VJP of [`conv_transpose1d`].
pub fn conv_transpose1d_vjp(
    x: &ArrayD<f64>,
    w: &ArrayD<f64>,
    g: &ArrayD<f64>,
    p: &ConvParams,
) -> (ArrayD<f64>, ArrayD<f64>) {
    let (dx, dw) = vjp4(transpose_terms, &lift(x), &lift(w), &lift(g), 0, p);
    (lower(dx), lower(dw))
}
