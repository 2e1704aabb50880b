//! Deformable 2-D convolution by its definition (torchvision's
//! `deform_conv2d`, burn's `module::deform_conv2d`, one weight group):
//! every output sums, over input channels and kernel taps, weight × mask ×
//! the input bilinearly sampled at the tap's position moved by its offset.
//! With zero offsets and no mask it is [`conv2d`](super::conv::conv2d).

use ndarray::{ArrayD, IxDyn};

use crate::Reference;

/// The hyper-parameters of a deformable convolution (one weight group).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeformParams {
    /// Step between output positions.
    pub stride: usize,
    /// Zero padding on every side.
    pub padding: usize,
    /// Spacing between kernel taps.
    pub dilation: usize,
    /// Groups of input channels that share offsets (and masks).
    pub offset_groups: usize,
}

/// The input plane `img` (`h × w`, row-major) sampled at `(y, x)`: zero
/// outside `(-1, h) × (-1, w)`, bilinear between the four neighbours
/// inside (neighbours outside the plane count as zero). Returns the value,
/// its derivatives along `y` and `x`, and each neighbour's index and weight.
fn sample(img: &[f64], h: usize, w: usize, y: f64, x: f64) -> (f64, f64, f64, Vec<(usize, f64)>) {
    if !(y > -1.0 && y < h as f64 && x > -1.0 && x < w as f64) {
        return (0.0, 0.0, 0.0, Vec::new());
    }
    let (y0, x0) = (y.floor(), x.floor());
    let (ly, lx) = (y - y0, x - x0);
    let at = |yy: f64, xx: f64| -> Option<usize> {
        (yy >= 0.0 && xx >= 0.0 && (yy as usize) < h && (xx as usize) < w)
            .then(|| yy as usize * w + xx as usize)
    };
    let corners = [
        (
            at(y0, x0),
            (1.0 - ly) * (1.0 - lx),
            -(1.0 - lx),
            -(1.0 - ly),
        ),
        (at(y0, x0 + 1.0), (1.0 - ly) * lx, -lx, 1.0 - ly),
        (at(y0 + 1.0, x0), ly * (1.0 - lx), 1.0 - lx, -ly),
        (at(y0 + 1.0, x0 + 1.0), ly * lx, lx, ly),
    ];
    let (mut v, mut dy, mut dx) = (0.0, 0.0, 0.0);
    let mut weights = Vec::with_capacity(4);
    for (i, wt, wy, wx) in corners {
        if let Some(i) = i {
            v += wt * img[i];
            dy += wy * img[i];
            dx += wx * img[i];
            weights.push((i, wt));
        }
    }
    (v, dy, dx, weights)
}

impl DeformParams {
    /// Output side: `(L + 2p - d(K - 1) - 1) / s + 1`.
    fn out_len(&self, len: usize, k: usize) -> usize {
        (len + 2 * self.padding - self.dilation * (k - 1) - 1) / self.stride + 1
    }

    /// Every term of the sum, with what its VJP needs: visits
    /// `(b, o, oy, ox)`, `(c, ky, kx)`, the mask and offset channels, the
    /// sample and its derivatives and neighbour weights.
    #[allow(clippy::type_complexity)]
    fn terms(
        &self,
        x: &ArrayD<f64>,
        offset: &ArrayD<f64>,
        w: &[usize],
        mask: Option<&ArrayD<f64>>,
        mut term: impl FnMut(
            [usize; 4],
            [usize; 3],
            usize,
            usize,
            f64,
            (f64, f64, f64, Vec<(usize, f64)>),
        ),
    ) -> [usize; 4] {
        let (n, c, h, wd) = (x.shape()[0], x.shape()[1], x.shape()[2], x.shape()[3]);
        let (o, kh, kw) = (w[0], w[2], w[3]);
        let (oh, ow) = (self.out_len(h, kh), self.out_len(wd, kw));
        let per_group = c / self.offset_groups;
        let x = x.as_standard_layout();
        let planes = x.as_slice().expect("standard layout");
        for b in 0..n {
            for oc in 0..o {
                for oy in 0..oh {
                    for ox in 0..ow {
                        for ci in 0..c {
                            let g = ci / per_group;
                            let plane = &planes[(b * c + ci) * h * wd..(b * c + ci + 1) * h * wd];
                            for ky in 0..kh {
                                for kx in 0..kw {
                                    let k = (g * kh + ky) * kw + kx;
                                    let dy = offset[[b, 2 * k, oy, ox]];
                                    let dx = offset[[b, 2 * k + 1, oy, ox]];
                                    let y = (oy * self.stride + ky * self.dilation) as f64
                                        - self.padding as f64
                                        + dy;
                                    let xx = (ox * self.stride + kx * self.dilation) as f64
                                        - self.padding as f64
                                        + dx;
                                    let m = mask.map_or(1.0, |m| m[[b, k, oy, ox]]);
                                    term(
                                        [b, oc, oy, ox],
                                        [ci, ky, kx],
                                        k,
                                        b * c + ci,
                                        m,
                                        sample(plane, h, wd, y, xx),
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
        [n, o, oh, ow]
    }
}

/// `deform_conv2d(x, offset, w, mask)`: `x` `[N, C, H, W]`, `offset` `[N,
/// 2·offset_groups·KH·KW, OH, OW]` (`Δy`, `Δx` per tap), `w` `[O, C, KH,
/// KW]`, `mask` `[N, offset_groups·KH·KW, OH, OW]` or none (all ones):
/// `out[b, o, oy, ox] = Σ_{c, ky, kx} w[o, c, ky, kx] · m · S(x[b, c], y, x)`
/// with `y = oy·s + ky·d - p + Δy`, `x = ox·s + kx·d - p + Δx`, the offsets
/// `Δ` and mask `m` of the tap in `c`'s offset group, and `S` the bilinear
/// sample (zero outside `(-1, H) × (-1, W)`, the neighbours outside the
/// plane counting as zero).
pub fn deform_conv2d(
    x: &ArrayD<f64>,
    offset: &ArrayD<f64>,
    w: &ArrayD<f64>,
    mask: Option<&ArrayD<f64>>,
    p: &DeformParams,
) -> ArrayD<f64> {
    let mut terms = Vec::new();
    let shape = p.terms(x, offset, w.shape(), mask, |out, wi, _, _, m, (s, ..)| {
        terms.push((out, w[[out[1], wi[0], wi[1], wi[2]]] * m * s));
    });
    let mut out = ArrayD::zeros(IxDyn(&shape));
    for (at, v) in terms {
        out[IxDyn(&at)] += v;
    }
    out
}

/// The VJP of [`deform_conv2d`] for upstream `g`, by the product rule on
/// each term `w · m · S(x, y, x)` of `out[o]`: `∂w += g[o]·m·S`, `∂m +=
/// g[o]·w·S`, `∂Δy += g[o]·w·m·∂S/∂y`, `∂Δx += g[o]·w·m·∂S/∂x`, and each of
/// the (up to) four neighbours `x[j]` that `S` blends with weight `β_j` gets
/// `∂x[j] += g[o]·w·m·β_j`. Returns `[∂x, ∂offset, ∂w]`, and `∂mask` after
/// them when a mask is given.
pub fn deform_conv2d_vjp(
    x: &ArrayD<f64>,
    offset: &ArrayD<f64>,
    w: &ArrayD<f64>,
    mask: Option<&ArrayD<f64>>,
    g: &ArrayD<f64>,
    p: &DeformParams,
) -> Vec<ArrayD<f64>> {
    let mut dx = vec![0.0; x.len()];
    let mut doff = ArrayD::zeros(offset.raw_dim());
    let mut dw = ArrayD::zeros(w.raw_dim());
    let mut dmask = mask.map(|m| ArrayD::zeros(m.raw_dim()));
    let hw = x.shape()[2] * x.shape()[3];
    p.terms(
        x,
        offset,
        w.shape(),
        mask,
        |out, wi, k, plane, m, (s, sy, sx, corners)| {
            let (b, oc, oy, ox) = (out[0], out[1], out[2], out[3]);
            let gv = g[IxDyn(&out)];
            let wv = w[[oc, wi[0], wi[1], wi[2]]];
            dw[[oc, wi[0], wi[1], wi[2]]] += gv * m * s;
            if let Some(dm) = dmask.as_mut() {
                dm[[b, k, oy, ox]] += gv * wv * s;
            }
            let ds = gv * wv * m;
            doff[[b, 2 * k, oy, ox]] += ds * sy;
            doff[[b, 2 * k + 1, oy, ox]] += ds * sx;
            for (i, wt) in corners {
                dx[plane * hw + i] += ds * wt;
            }
        },
    );
    let dx = ArrayD::from_shape_vec(x.raw_dim(), dx).expect("x's shape");
    let mut grads = vec![dx, doff, dw];
    grads.extend(dmask);
    grads
}

/// [`deform_conv2d`] with `p` as a [`Reference`] of inputs `[x, offset, w]`
/// or `[x, offset, w, mask]`: gradients by [`deform_conv2d_vjp`].
pub fn reference(p: DeformParams) -> Reference {
    Reference::new(
        move |v| deform_conv2d(&v[0], &v[1], &v[2], v.get(3), &p),
        move |v, g| deform_conv2d_vjp(&v[0], &v[1], &v[2], v.get(3), g, &p),
    )
}
