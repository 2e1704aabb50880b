//! Nearest-neighbour resizing by its definition: output position `i` of
//! `out` takes input position `floor(i · in / out)`.

use ndarray::{ArrayD, IxDyn};

/// The input position output position `i` reads, by exact integer
/// arithmetic.
fn source(i: usize, len_in: usize, len_out: usize) -> usize {
    (i * len_in / len_out).min(len_in - 1)
}

/// Every output position of resizing the trailing axes of `x` to
/// `targets` and the input position it reads.
fn pairs(x: &[usize], targets: &[usize], mut each: impl FnMut(&[usize], &[usize])) -> Vec<usize> {
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
                source(out_index[a], x[a], out_shape[a])
            };
        }
        each(&out_index, &in_index);
    }
    out_shape
}

/// `upsample_nearest1d` / `upsample_nearest2d` (and their aliases
/// `interpolate1d` / `interpolate2d`): the trailing axes resized to
/// `targets`.
pub fn nearest(x: &ArrayD<f64>, targets: &[usize]) -> ArrayD<f64> {
    let shape = pairs(x.shape(), targets, |_, _| {});
    let mut out = ArrayD::zeros(IxDyn(&shape));
    pairs(x.shape(), targets, |o, i| out[o] = x[i]);
    out
}

/// The VJP of [`nearest`]: each input element receives the sum of the
/// upstream gradient over the output positions that read it.
pub fn nearest_vjp(x: &ArrayD<f64>, g: &ArrayD<f64>, targets: &[usize]) -> ArrayD<f64> {
    let mut dx = ArrayD::zeros(x.raw_dim());
    pairs(x.shape(), targets, |o, i| dx[i] += g[o]);
    dx
}
