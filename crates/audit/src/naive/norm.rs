//! Softmax, log-softmax and the normalisations by their formulas, lane by
//! lane along the given axis (the normalisations: the last axis, with a
//! per-feature scale `γ` and shift `β` of its length).

use ndarray::{ArrayD, Axis, Zip};

use crate::Reference;

/// `softmax(x)` along `dim`: `e^(x - max) / Σ e^(x - max)`.
pub fn softmax(x: &ArrayD<f64>, dim: usize) -> ArrayD<f64> {
    let mut y = x.clone();
    for mut lane in y.lanes_mut(Axis(dim)) {
        let m = lane.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
        lane.mapv_inplace(|v| (v - m).exp());
        let s = lane.sum();
        lane.mapv_inplace(|v| v / s);
    }
    y
}

/// The VJP of [`softmax`]: `y ⊙ (g - Σ g ⊙ y)` along `dim`.
pub fn softmax_vjp(x: &ArrayD<f64>, g: &ArrayD<f64>, dim: usize) -> ArrayD<f64> {
    let y = softmax(x, dim);
    let mut dx = ArrayD::zeros(x.raw_dim());
    Zip::from(dx.lanes_mut(Axis(dim)))
        .and(y.lanes(Axis(dim)))
        .and(g.lanes(Axis(dim)))
        .for_each(|mut d, y, g| {
            let dot: f64 = y.iter().zip(g.iter()).map(|(y, g)| y * g).sum();
            Zip::from(&mut d)
                .and(&y)
                .and(&g)
                .for_each(|d, &y, &g| *d = y * (g - dot));
        });
    dx
}

/// `log_softmax(x)` along `dim`: `x - max - ln Σ e^(x - max)`.
pub fn log_softmax(x: &ArrayD<f64>, dim: usize) -> ArrayD<f64> {
    let mut y = x.clone();
    for mut lane in y.lanes_mut(Axis(dim)) {
        let m = lane.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
        let lse = lane.iter().map(|v| (v - m).exp()).sum::<f64>().ln() + m;
        lane.mapv_inplace(|v| v - lse);
    }
    y
}

/// The VJP of [`log_softmax`]: `g - softmax(x)·Σ g` along `dim`.
pub fn log_softmax_vjp(x: &ArrayD<f64>, g: &ArrayD<f64>, dim: usize) -> ArrayD<f64> {
    let y = softmax(x, dim);
    let mut dx = g.clone();
    Zip::from(dx.lanes_mut(Axis(dim)))
        .and(y.lanes(Axis(dim)))
        .for_each(|mut d, y| {
            let total = d.sum();
            Zip::from(&mut d).and(&y).for_each(|d, &y| *d -= y * total);
        });
    dx
}

/// The last axis.
fn last(x: &ArrayD<f64>) -> Axis {
    Axis(x.ndim() - 1)
}

/// `rms_norm(x, γ, ε)`: `x / sqrt(mean(x²) + ε) ⊙ γ` along the last axis.
pub fn rms_norm(x: &ArrayD<f64>, gamma: &ArrayD<f64>, eps: f64) -> ArrayD<f64> {
    let mut y = x.clone();
    for mut lane in y.lanes_mut(last(x)) {
        let n = lane.len() as f64;
        let r = (lane.iter().map(|v| v * v).sum::<f64>() / n + eps).sqrt();
        for (v, &a) in lane.iter_mut().zip(gamma.iter()) {
            *v = *v / r * a;
        }
    }
    y
}

/// The VJP of [`rms_norm`]: with `r = sqrt(mean(x²) + ε)`, `h = g ⊙ γ` and
/// `n` the lane's length, `∂x = h / r - x · Σ(h ⊙ x) / (n r³)` along each
/// lane, `∂γ = Σ_rows g ⊙ x / r` (summed over every lane). Returns `(∂x,
/// ∂γ)`.
pub fn rms_norm_vjp(
    x: &ArrayD<f64>,
    gamma: &ArrayD<f64>,
    g: &ArrayD<f64>,
    eps: f64,
) -> (ArrayD<f64>, ArrayD<f64>) {
    let mut dx = ArrayD::zeros(x.raw_dim());
    let mut dgamma = ArrayD::zeros(gamma.raw_dim());
    Zip::from(dx.lanes_mut(last(x)))
        .and(x.lanes(last(x)))
        .and(g.lanes(last(x)))
        .for_each(|mut d, x, g| {
            let n = x.len() as f64;
            let r = (x.iter().map(|v| v * v).sum::<f64>() / n + eps).sqrt();
            let hx: f64 = (0..x.len())
                .map(|i| g[i] * gamma.as_slice().expect("contiguous")[i] * x[i])
                .sum();
            for i in 0..x.len() {
                d[i] = g[i] * gamma.as_slice().expect("contiguous")[i] / r
                    - x[i] * hx / (n * r * r * r);
                dgamma.as_slice_mut().expect("contiguous")[i] += g[i] * x[i] / r;
            }
        });
    (dx, dgamma)
}

/// `layer_norm(x, γ, β, ε)`: `(x - mean) / sqrt(var + ε) ⊙ γ + β` along the
/// last axis (biased variance).
pub fn layer_norm(
    x: &ArrayD<f64>,
    gamma: &ArrayD<f64>,
    beta: &ArrayD<f64>,
    eps: f64,
) -> ArrayD<f64> {
    let mut y = x.clone();
    for mut lane in y.lanes_mut(last(x)) {
        let n = lane.len() as f64;
        let mean = lane.sum() / n;
        let var = lane.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
        let s = (var + eps).sqrt();
        for ((v, &a), &b) in lane.iter_mut().zip(gamma.iter()).zip(beta.iter()) {
            *v = (*v - mean) / s * a + b;
        }
    }
    y
}

/// The VJP of [`layer_norm`]: with `s = sqrt(var + ε)`, `x̂ = (x - mean)/s`
/// and `h = g ⊙ γ` along each lane,
/// `∂x = (h - mean(h) - x̂ · mean(h ⊙ x̂)) / s`, `∂γ = Σ_rows g ⊙ x̂`,
/// `∂β = Σ_rows g`. Returns `(∂x, ∂γ, ∂β)`.
pub fn layer_norm_vjp(
    x: &ArrayD<f64>,
    gamma: &ArrayD<f64>,
    g: &ArrayD<f64>,
    eps: f64,
) -> (ArrayD<f64>, ArrayD<f64>, ArrayD<f64>) {
    let mut dx = ArrayD::zeros(x.raw_dim());
    let mut dgamma = ArrayD::zeros(gamma.raw_dim());
    let mut dbeta = ArrayD::zeros(gamma.raw_dim());
    Zip::from(dx.lanes_mut(last(x)))
        .and(x.lanes(last(x)))
        .and(g.lanes(last(x)))
        .for_each(|mut d, x, g| {
            let len = x.len();
            let n = len as f64;
            let mean = x.sum() / n;
            let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
            let s = (var + eps).sqrt();
            let xhat: Vec<f64> = x.iter().map(|v| (v - mean) / s).collect();
            let h: Vec<f64> = (0..len)
                .map(|i| g[i] * gamma.as_slice().expect("contiguous")[i])
                .collect();
            let mean_h = h.iter().sum::<f64>() / n;
            let mean_hx = (0..len).map(|i| h[i] * xhat[i]).sum::<f64>() / n;
            for i in 0..len {
                d[i] = (h[i] - mean_h - xhat[i] * mean_hx) / s;
                dgamma.as_slice_mut().expect("contiguous")[i] += g[i] * xhat[i];
                dbeta.as_slice_mut().expect("contiguous")[i] += g[i];
            }
        });
    (dx, dgamma, dbeta)
}

/// [`rms_norm`] with `eps` as a [`Reference`] of inputs `[x, γ]`:
/// gradients `[∂x, ∂γ]` by [`rms_norm_vjp`].
pub fn rms_norm_reference(eps: f64) -> Reference {
    Reference::new(
        move |v| rms_norm(&v[0], &v[1], eps),
        move |v, g| {
            let (dx, dgamma) = rms_norm_vjp(&v[0], &v[1], g, eps);
            vec![dx, dgamma]
        },
    )
}

/// [`layer_norm`] with `eps` as a [`Reference`] of inputs `[x, γ, β]`:
/// gradients `[∂x, ∂γ, ∂β]` by [`layer_norm_vjp`].
pub fn layer_norm_reference(eps: f64) -> Reference {
    Reference::new(
        move |v| layer_norm(&v[0], &v[1], &v[2], eps),
        move |v, g| {
            let (dx, dgamma, dbeta) = layer_norm_vjp(&v[0], &v[1], g, eps);
            vec![dx, dgamma, dbeta]
        },
    )
}
