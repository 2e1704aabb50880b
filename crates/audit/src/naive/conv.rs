//! Convolutions by their definition: one loop over every product term, with
//! padding (alike or different at the two ends of an axis), stride,
//! dilation and groups, and the transposed convolutions, in PyTorch's
//! layouts (`x` `[N, C, …]`; a convolution's kernel `[O, C/groups, …]`, a
//! transposed one's `[C, O/groups, …]`).
//!
//! A 1-D convolution is the 2-D one on a height of 1 (kernel height 1, no
//! padding along it), so both share one loop.

use ndarray::{ArrayD, Axis, IxDyn};

use crate::Reference;

/// The hyper-parameters of a convolution, the same along every spatial
/// axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConvParams {
    /// Zero padding before the first and after the last position of each
    /// spatial axis; for a transposed convolution, the output positions cut
    /// from the start and the end of each axis.
    pub padding: (usize, usize),
    /// Step between output positions (a transposed convolution: between
    /// the output positions of neighbouring inputs).
    pub stride: usize,
    /// Spacing between kernel taps.
    pub dilation: usize,
    /// Channel groups.
    pub groups: usize,
    /// Transposed convolutions only: extra output length at the end of each
    /// spatial axis.
    pub output_padding: usize,
}

impl ConvParams {
    /// `padding` at both ends of every axis, `stride`, `dilation` and
    /// `groups`, no output padding.
    pub const fn new(padding: usize, stride: usize, dilation: usize, groups: usize) -> ConvParams {
        ConvParams {
            padding: (padding, padding),
            stride,
            dilation,
            groups,
            output_padding: 0,
        }
    }

    /// Output length of a convolution along an axis of `len` with a kernel
    /// of `k` taps: `(L + p₀ + p₁ - d(K - 1) - 1) / s + 1`, floored (the tail
    /// inputs no window reaches are dropped).
    pub fn output_len(&self, len: usize, k: usize) -> usize {
        (len + self.padding.0 + self.padding.1 - self.dilation * (k - 1) - 1) / self.stride + 1
    }

    /// Output length of a transposed convolution along an axis of `len`
    /// with a kernel of `k` taps: `(L - 1)s + d(K - 1) + output_padding + 1
    /// - p₀ - p₁`.
    pub fn transpose_output_len(&self, len: usize, k: usize) -> usize {
        (len - 1) * self.stride + self.dilation * (k - 1) + self.output_padding + 1
            - self.padding.0
            - self.padding.1
    }

    /// The parameters along the height of a lifted 1-D convolution: no
    /// padding, no output padding (the height is 1, the kernel's too).
    fn flat(self) -> ConvParams {
        ConvParams {
            padding: (0, 0),
            output_padding: 0,
            ..self
        }
    }
}

/// `[N, C, L]` as `[N, C, 1, L]` (the kernel `[O, C, K]` likewise).
fn lift(a: &ArrayD<f64>) -> ArrayD<f64> {
    let s = a.shape();
    a.to_shape(IxDyn(&[s[0], s[1], 1, s[2]]))
        .expect("a 3-D array")
        .to_owned()
}

/// `[N, C, 1, L]` as `[N, C, L]`.
fn lower(a: ArrayD<f64>) -> ArrayD<f64> {
    let s = a.shape().to_vec();
    a.into_shape_with_order(IxDyn(&[s[0], s[1], s[3]]))
        .expect("height 1")
}

/// Position `i·s + u·d - p₀` along an axis, or `None` outside `0..len`.
fn at(i: usize, u: usize, p: &ConvParams, len: usize) -> Option<usize> {
    let at = (i * p.stride + u * p.dilation) as isize - p.padding.0 as isize;
    (at >= 0 && at < len as isize).then_some(at as usize)
}

/// A visitor of product terms: `(x index, w index, out index)`.
type Term<'a> = &'a mut dyn FnMut([usize; 4], [usize; 4], [usize; 4]);

/// Every product term `out[o] += x[i]·w[k]` of a convolution of `x`
/// `[N, C, H, W]` with `w` `[O, C/groups, KH, KW]`: `out[n, o, i, j] +=
/// x[n, g·C/groups + c, i·s + u·d - p₀, j·s + v·d - p₀]·w[o, c, u, v]`, `g`
/// the group of `o`; `ph` and `pw` are the parameters along the height and
/// the width. Returns the output's shape.
fn conv_terms(
    x: &[usize],
    w: &[usize],
    ph: &ConvParams,
    pw: &ConvParams,
    term: Term,
) -> Vec<usize> {
    let (n, c, h, wd) = (x[0], x[1], x[2], x[3]);
    let (o, cg, kh, kw) = (w[0], w[1], w[2], w[3]);
    let oh = ph.output_len(h, kh);
    let ow = pw.output_len(wd, kw);
    let og = o / pw.groups;
    assert_eq!(cg * pw.groups, c, "channels per group");
    for b in 0..n {
        for oc in 0..o {
            let group = oc / og;
            for i in 0..oh {
                for j in 0..ow {
                    for ci in 0..cg {
                        for u in 0..kh {
                            for v in 0..kw {
                                let (Some(hh), Some(ww)) = (at(i, u, ph, h), at(j, v, pw, wd))
                                else {
                                    continue;
                                };
                                term([b, group * cg + ci, hh, ww], [oc, ci, u, v], [b, oc, i, j]);
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
/// with `w` `[C, O/groups, KH, KW]`: `out[n, g·O/groups + o, i·s + u·d - p₀,
/// j·s + v·d - p₀] += x[n, c, i, j]·w[c, o, u, v]`, `g` the group of `c`
/// (terms that land outside the output are cut). Returns the output's
/// shape.
fn transpose_terms(
    x: &[usize],
    w: &[usize],
    ph: &ConvParams,
    pw: &ConvParams,
    term: Term,
) -> Vec<usize> {
    let (n, c, h, wd) = (x[0], x[1], x[2], x[3]);
    let (cw, og, kh, kw) = (w[0], w[1], w[2], w[3]);
    assert_eq!(cw, c, "kernel's input channels");
    let oh = ph.transpose_output_len(h, kh);
    let ow = pw.transpose_output_len(wd, kw);
    let cg = c / pw.groups;
    for b in 0..n {
        for ci in 0..c {
            let group = ci / cg;
            for i in 0..h {
                for j in 0..wd {
                    for oc in 0..og {
                        for u in 0..kh {
                            for v in 0..kw {
                                let (Some(hh), Some(ww)) = (at(i, u, ph, oh), at(j, v, pw, ow))
                                else {
                                    continue;
                                };
                                term([b, ci, i, j], [ci, oc, u, v], [b, group * og + oc, hh, ww]);
                            }
                        }
                    }
                }
            }
        }
    }
    vec![n, og * pw.groups, oh, ow]
}

/// One of the two term loops.
type Terms = fn(&[usize], &[usize], &ConvParams, &ConvParams, Term) -> Vec<usize>;

/// `out[o] = Σ x[i]·w[k]` over the terms.
fn forward4(
    terms: Terms,
    x: &ArrayD<f64>,
    w: &ArrayD<f64>,
    ph: &ConvParams,
    pw: &ConvParams,
) -> ArrayD<f64> {
    let shape = terms(x.shape(), w.shape(), ph, pw, &mut |_, _, _| {});
    let mut out = ArrayD::zeros(IxDyn(&shape));
    terms(x.shape(), w.shape(), ph, pw, &mut |xi, wi, oi| {
        out[oi] += x[xi] * w[wi];
    });
    out
}

/// `∂x[i] = Σ g[o]·w[k]`, `∂w[k] = Σ g[o]·x[i]` over the terms.
fn vjp4(
    terms: Terms,
    x: &ArrayD<f64>,
    w: &ArrayD<f64>,
    g: &ArrayD<f64>,
    ph: &ConvParams,
    pw: &ConvParams,
) -> (ArrayD<f64>, ArrayD<f64>) {
    let mut dx = ArrayD::zeros(x.raw_dim());
    let mut dw = ArrayD::zeros(w.raw_dim());
    terms(x.shape(), w.shape(), ph, pw, &mut |xi, wi, oi| {
        dx[xi] += g[oi] * w[wi];
        dw[wi] += g[oi] * x[xi];
    });
    (dx, dw)
}

/// `conv1d`: `x` `[N, C, L]`, `w` `[O, C/groups, K]`; `out[n, o, i] =
/// Σ_{c in o's group, t} x[n, c, i·s + t·d - p₀]·w[o, c', t]`, zero outside
/// `x`.
pub fn conv1d(x: &ArrayD<f64>, w: &ArrayD<f64>, p: &ConvParams) -> ArrayD<f64> {
    Kind::Conv1d.forward(x, w, p)
}

/// The VJP of [`conv1d`]: over every product term `x[i]·w[k]` of `out[o]`,
/// `∂x[i] += g[o]·w[k]` and `∂w[k] += g[o]·x[i]` (inputs no window reaches
/// get zero). Returns `(∂x, ∂w)`.
pub fn conv1d_vjp(
    x: &ArrayD<f64>,
    w: &ArrayD<f64>,
    g: &ArrayD<f64>,
    p: &ConvParams,
) -> (ArrayD<f64>, ArrayD<f64>) {
    Kind::Conv1d.vjp(x, w, g, p)
}

/// `conv2d`: `x` `[N, C, H, W]`, `w` `[O, C/groups, KH, KW]`; `out[n, o, i,
/// j] = Σ_{c in o's group, u, v} x[n, c, i·s + u·d - p₀, j·s + v·d - p₀]·w[o,
/// c', u, v]`, zero outside `x`.
pub fn conv2d(x: &ArrayD<f64>, w: &ArrayD<f64>, p: &ConvParams) -> ArrayD<f64> {
    Kind::Conv2d.forward(x, w, p)
}

/// The VJP of [`conv2d`]: over every product term `x[i]·w[k]` of `out[o]`,
/// `∂x[i] += g[o]·w[k]` and `∂w[k] += g[o]·x[i]`. Returns `(∂x, ∂w)`.
pub fn conv2d_vjp(
    x: &ArrayD<f64>,
    w: &ArrayD<f64>,
    g: &ArrayD<f64>,
    p: &ConvParams,
) -> (ArrayD<f64>, ArrayD<f64>) {
    Kind::Conv2d.vjp(x, w, g, p)
}

/// `conv_transpose1d`: `x` `[N, C, L]`, `w` `[C, O/groups, K]`; every input
/// scatters `out[n, g·O/groups + o, l·s + t·d - p₀] += x[n, c, l]·w[c, o,
/// t]`, `g` the group of `c`, onto an output of
/// [`ConvParams::transpose_output_len`].
pub fn conv_transpose1d(x: &ArrayD<f64>, w: &ArrayD<f64>, p: &ConvParams) -> ArrayD<f64> {
    Kind::ConvTranspose1d.forward(x, w, p)
}

/// The VJP of [`conv_transpose1d`]: over every product term `x[i]·w[k]` that
/// lands in `out[o]`, `∂x[i] += g[o]·w[k]` and `∂w[k] += g[o]·x[i]`.
/// Returns `(∂x, ∂w)`.
pub fn conv_transpose1d_vjp(
    x: &ArrayD<f64>,
    w: &ArrayD<f64>,
    g: &ArrayD<f64>,
    p: &ConvParams,
) -> (ArrayD<f64>, ArrayD<f64>) {
    Kind::ConvTranspose1d.vjp(x, w, g, p)
}

/// `conv_transpose2d`: `x` `[N, C, H, W]`, `w` `[C, O/groups, KH, KW]`;
/// every input scatters `out[n, g·O/groups + o, i·s + u·d - p₀, j·s + v·d -
/// p₀] += x[n, c, i, j]·w[c, o, u, v]`.
pub fn conv_transpose2d(x: &ArrayD<f64>, w: &ArrayD<f64>, p: &ConvParams) -> ArrayD<f64> {
    Kind::ConvTranspose2d.forward(x, w, p)
}

/// The VJP of [`conv_transpose2d`]: over every product term `x[i]·w[k]`
/// that lands in `out[o]`, `∂x[i] += g[o]·w[k]` and `∂w[k] += g[o]·x[i]`.
/// Returns `(∂x, ∂w)`.
pub fn conv_transpose2d_vjp(
    x: &ArrayD<f64>,
    w: &ArrayD<f64>,
    g: &ArrayD<f64>,
    p: &ConvParams,
) -> (ArrayD<f64>, ArrayD<f64>) {
    Kind::ConvTranspose2d.vjp(x, w, g, p)
}

/// Which convolution: the function [`Kind::forward`] and [`Kind::vjp`] run,
/// and what a [`reference()`] is of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// [`conv1d`].
    Conv1d,
    /// [`conv2d`].
    Conv2d,
    /// [`conv_transpose1d`].
    ConvTranspose1d,
    /// [`conv_transpose2d`].
    ConvTranspose2d,
}

impl Kind {
    /// The term loop, and whether the op is 1-D (run as 2-D on a height of
    /// 1).
    fn terms(self) -> (Terms, bool) {
        match self {
            Kind::Conv1d => (conv_terms, true),
            Kind::Conv2d => (conv_terms, false),
            Kind::ConvTranspose1d => (transpose_terms, true),
            Kind::ConvTranspose2d => (transpose_terms, false),
        }
    }

    /// The convolution's forward pass (see each function's formula).
    pub fn forward(self, x: &ArrayD<f64>, w: &ArrayD<f64>, p: &ConvParams) -> ArrayD<f64> {
        match self.terms() {
            (terms, true) => lower(forward4(terms, &lift(x), &lift(w), &p.flat(), p)),
            (terms, false) => forward4(terms, x, w, p, p),
        }
    }

    /// The convolution's VJP, `(∂x, ∂w)`: over every product term
    /// `x[i]·w[k]` of `out[o]`, `∂x[i] += g[o]·w[k]` and `∂w[k] += g[o]·x[i]`.
    pub fn vjp(
        self,
        x: &ArrayD<f64>,
        w: &ArrayD<f64>,
        g: &ArrayD<f64>,
        p: &ConvParams,
    ) -> (ArrayD<f64>, ArrayD<f64>) {
        match self.terms() {
            (terms, true) => {
                let (dx, dw) = vjp4(terms, &lift(x), &lift(w), &lift(g), &p.flat(), p);
                (lower(dx), lower(dw))
            }
            (terms, false) => vjp4(terms, x, w, g, p, p),
        }
    }
}

/// `out + bias` with `bias` `[O]` added at every position of output
/// channel `o` (axis 1).
pub fn add_bias(out: &ArrayD<f64>, bias: &ArrayD<f64>) -> ArrayD<f64> {
    let mut shape = vec![1; out.ndim()];
    shape[1] = bias.len();
    let bias = bias.to_shape(IxDyn(&shape)).expect("a bias of one axis");
    out + &bias
}

/// The VJP of [`add_bias`] with respect to the bias: `∂bias[o] = Σ g[n, o,
/// …]`, the upstream gradient summed over the batch and every spatial axis.
pub fn add_bias_vjp(g: &ArrayD<f64>) -> ArrayD<f64> {
    let mut d = g.clone();
    for axis in (2..g.ndim()).rev() {
        d = d.sum_axis(Axis(axis));
    }
    d.sum_axis(Axis(0))
}

/// The convolution `kind` with `p` as a [`Reference`] of inputs `[x, w]`, or
/// `[x, w, bias]` with [`add_bias`]: gradients `[∂x, ∂w]` or `[∂x, ∂w,
/// ∂bias]`.
pub fn reference(kind: Kind, p: ConvParams) -> Reference {
    Reference::new(
        move |v| {
            let out = kind.forward(&v[0], &v[1], &p);
            match v.get(2) {
                Some(bias) => add_bias(&out, bias),
                None => out,
            }
        },
        move |v, g| {
            let (dx, dw) = kind.vjp(&v[0], &v[1], g, &p);
            let mut grads = vec![dx, dw];
            if v.len() > 2 {
                grads.push(add_bias_vjp(g));
            }
            grads
        },
    )
}
