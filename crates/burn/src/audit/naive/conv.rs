//! 1-D convolution by its definition: one loop over every product term,
//! with padding, stride, dilation and groups (PyTorch's layout: `x`
//! `[N, C, L]`, `w` `[O, C/groups, K]`).

use ndarray::{ArrayD, IxDyn};

/// The hyper-parameters of a 1-D convolution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conv1d {
    /// Zero padding at the start and the end.
    pub padding: (usize, usize),
    /// Step between output positions.
    pub stride: usize,
    /// Spacing between kernel taps.
    pub dilation: usize,
    /// Channel groups.
    pub groups: usize,
}

impl Conv1d {
    /// Output length: `(L + p₀ + p₁ - d(K - 1) - 1) / s + 1` (floor: the
    /// tail inputs no window reaches are dropped).
    pub fn output_len(&self, len: usize, k: usize) -> usize {
        (len + self.padding.0 + self.padding.1 - self.dilation * (k - 1) - 1) / self.stride + 1
    }

    /// Every product term `out[b, o, i] += x[b, c, l] · w[o, c', k]` as
    /// `(out index, x index, w index)`.
    fn terms(
        &self,
        x: &[usize],
        w: &[usize],
        mut term: impl FnMut([usize; 3], [usize; 3], [usize; 3]),
    ) {
        let (n, c, l) = (x[0], x[1], x[2]);
        let (o, cg, k) = (w[0], w[1], w[2]);
        assert_eq!(cg * self.groups, c, "channels per group");
        let og = o / self.groups;
        let len = self.output_len(l, k);
        for b in 0..n {
            for oc in 0..o {
                let group = oc / og;
                for i in 0..len {
                    for ci in 0..cg {
                        for t in 0..k {
                            let at = (i * self.stride + t * self.dilation) as isize
                                - self.padding.0 as isize;
                            if at < 0 || at >= l as isize {
                                continue;
                            }
                            term([b, oc, i], [b, group * cg + ci, at as usize], [oc, ci, t]);
                        }
                    }
                }
            }
        }
    }

    /// `out[b, o, i] = Σ_{c in o's group, t} x[b, c, i·s + t·d - p₀] · w[o, c', t]`.
    pub fn forward(&self, x: &ArrayD<f64>, w: &ArrayD<f64>) -> ArrayD<f64> {
        let (xs, ws) = (x.shape(), w.shape());
        let mut out = ArrayD::zeros(IxDyn(&[xs[0], ws[0], self.output_len(xs[2], ws[2])]));
        self.terms(xs, ws, |o, i, k| {
            out[IxDyn(&o)] += x[IxDyn(&i)] * w[IxDyn(&k)]
        });
        out
    }

    /// The VJP: `dx[b, c, l] += g[o] · w[k]`, `dw[k] += g[o] · x[b, c, l]`
    /// over every term; inputs no window reaches get zero.
    pub fn vjp(
        &self,
        x: &ArrayD<f64>,
        w: &ArrayD<f64>,
        g: &ArrayD<f64>,
    ) -> (ArrayD<f64>, ArrayD<f64>) {
        let mut dx = ArrayD::zeros(x.raw_dim());
        let mut dw = ArrayD::zeros(w.raw_dim());
        self.terms(x.shape(), w.shape(), |o, i, k| {
            dx[IxDyn(&i)] += g[IxDyn(&o)] * w[IxDyn(&k)];
            dw[IxDyn(&k)] += g[IxDyn(&o)] * x[IxDyn(&i)];
        });
        (dx, dw)
    }
}

impl Conv1d {
    /// The convolution as a reference of inputs `[x, w]` or `[x, w, bias]`
    /// (bias `[O]` added to every output position; its gradient is the
    /// upstream gradient summed over batch and length).
    pub fn reference(self) -> super::Reference {
        use ndarray::Axis;
        super::Reference::new(
            move |v| {
                let mut out = self.forward(&v[0], &v[1]);
                if let Some(b) = v.get(2) {
                    let b = b.view().insert_axis(Axis(0)).insert_axis(Axis(2));
                    out = &out + &b;
                }
                out
            },
            move |v, g| {
                let (dx, dw) = self.vjp(&v[0], &v[1], g);
                let mut grads = vec![dx, dw];
                if v.len() > 2 {
                    grads.push(g.sum_axis(Axis(2)).sum_axis(Axis(0)));
                }
                grads
            },
        )
    }
}
