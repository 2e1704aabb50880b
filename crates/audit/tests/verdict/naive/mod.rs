//! The naive references, without any framework: every VJP against central
//! finite differences of its own forward, on small random inputs of each
//! family and the parameter variants the candle and burn catalogs use (and
//! a few more); each forward against values worked out by hand or an
//! identity it must satisfy (a transposed convolution is the adjoint of
//! the convolution, a deformable convolution without offsets is the plain
//! one, a softmax row sums to one).

mod conv;
mod deform;
mod elementwise;
mod index;
mod norm;
mod pool;
mod resample;

use backprop_audit::Reference;
use ndarray::{ArrayD, Dimension, IxDyn};

/// Step of the central differences.
const H: f64 = 1e-6;

/// Relative tolerance of a VJP against the finite differences (absolute
/// below a gradient of 1).
const TOL: f64 = 1e-6;

/// A small reproducible generator (SplitMix64), so the inputs do not
/// depend on another crate's random streams.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `[lo, hi)`.
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// An array of uniform values in `[lo, hi)`.
    pub fn array(&mut self, shape: &[usize], lo: f64, hi: f64) -> ArrayD<f64> {
        ArrayD::from_shape_simple_fn(IxDyn(shape), || self.uniform(lo, hi))
    }

    /// An array of uniform values in `[lo, hi)` at least `gap` away from
    /// every point of `kinks`.
    pub fn away(
        &mut self,
        shape: &[usize],
        lo: f64,
        hi: f64,
        kinks: &[f64],
        gap: f64,
    ) -> ArrayD<f64> {
        ArrayD::from_shape_simple_fn(IxDyn(shape), || {
            loop {
                let v = self.uniform(lo, hi);
                if kinks.iter().all(|k| (v - k).abs() >= gap) {
                    return v;
                }
            }
        })
    }

    /// Distinct values, at least `0.05` apart, in random order (no ties
    /// for a maximum to break, none within a finite-difference step).
    pub fn distinct(&mut self, shape: &[usize]) -> ArrayD<f64> {
        let n: usize = shape.iter().product();
        let mut v: Vec<f64> = (0..n).map(|i| 0.05 * i as f64 - 0.025 * n as f64).collect();
        for i in (1..n).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
        ArrayD::from_shape_vec(IxDyn(shape), v).expect("the shape's size")
    }

    /// `n` indices below `bound`.
    pub fn indices(&mut self, n: usize, bound: usize) -> Vec<usize> {
        (0..n)
            .map(|_| (self.next_u64() % bound as u64) as usize)
            .collect()
    }
}

/// An array of `shape` holding `values`.
pub fn array(shape: &[usize], values: &[f64]) -> ArrayD<f64> {
    ArrayD::from_shape_vec(IxDyn(shape), values.to_vec()).expect("the shape's size")
}

/// The elements of `a` in order.
pub fn flat(a: &ArrayD<f64>) -> Vec<f64> {
    a.iter().copied().collect()
}

/// `⟨a, b⟩`.
pub fn dot(a: &ArrayD<f64>, b: &ArrayD<f64>) -> f64 {
    assert_eq!(a.shape(), b.shape());
    a.iter().zip(b).map(|(a, b)| a * b).sum()
}

/// Every element of `got` within `rel` of `want`'s (relative to the
/// larger magnitude, absolute below 1).
pub fn assert_close(what: &str, got: &[f64], want: &[f64], rel: f64) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= rel * g.abs().max(w.abs()).max(1.0),
            "{what}: element {i}: {g} against {w}\n got  {got:?}\n want {want:?}"
        );
    }
}

/// The central differences of `⟨g, f⟩`: for each element `i` of each input,
/// `⟨g, f(x + h·e_i) - f(x - h·e_i)⟩ / 2h`.
pub fn finite_differences(
    forward: &dyn Fn(&[ArrayD<f64>]) -> ArrayD<f64>,
    inputs: &[ArrayD<f64>],
    g: &ArrayD<f64>,
) -> Vec<ArrayD<f64>> {
    let mut grads = Vec::with_capacity(inputs.len());
    for k in 0..inputs.len() {
        let mut grad = ArrayD::zeros(inputs[k].raw_dim());
        let indices: Vec<IxDyn> = inputs[k].indexed_iter().map(|(i, _)| i).collect();
        for i in indices {
            let mut plus = inputs.to_vec();
            plus[k][&i] += H;
            let mut minus = inputs.to_vec();
            minus[k][&i] -= H;
            let (fp, fm) = (forward(&plus), forward(&minus));
            let change: f64 = g
                .iter()
                .zip(fp.iter().zip(fm.iter()))
                .map(|(g, (p, m))| g * (p - m))
                .sum();
            grad[&i] = change / (2.0 * H);
        }
        grads.push(grad);
    }
    grads
}

/// Where `reference`'s VJP at `inputs` (for a random upstream gradient
/// drawn from `rng`) departs from the finite differences of its forward by
/// more than [`TOL`]: `None` when nowhere.
pub fn vjp_gap(reference: &Reference, inputs: &[ArrayD<f64>], rng: &mut Rng) -> Option<String> {
    let out = (reference.forward)(inputs);
    let g = rng.array(out.shape(), -1.0, 1.0);
    let vjp = (reference.vjp)(inputs, &g);
    let fd = finite_differences(&*reference.forward, inputs, &g);
    if vjp.len() != inputs.len() {
        return Some(format!(
            "{} gradients for {} inputs",
            vjp.len(),
            inputs.len()
        ));
    }
    for (k, (v, f)) in vjp.iter().zip(&fd).enumerate() {
        if v.shape() != f.shape() {
            return Some(format!(
                "input {k}: gradient of shape {:?}, input {:?}",
                v.shape(),
                f.shape()
            ));
        }
        for ((i, v), f) in v.indexed_iter().zip(f.iter()) {
            if (v - f).abs() > TOL * v.abs().max(f.abs()).max(1.0) {
                return Some(format!(
                    "input {k} at {:?}: VJP {v}, finite differences {f}",
                    i.slice()
                ));
            }
        }
    }
    None
}

/// `reference`'s VJP agrees with finite differences of its forward at
/// `inputs`.
pub fn assert_vjp(what: &str, reference: &Reference, inputs: &[ArrayD<f64>], rng: &mut Rng) {
    if let Some(gap) = vjp_gap(reference, inputs, rng) {
        panic!("{what}: {gap}");
    }
}

#[test]
fn the_finite_difference_check_catches_a_wrong_vjp() {
    // x ↦ x² with the derivative 2x is right; 2x·1.0001 (a relative error
    // of 1e-4) and x (half the gradient) are not.
    let mut rng = Rng::new(1);
    let x = [rng.array(&[3, 4], -2.0, 2.0)];
    let right = Reference::unary(|x| x * x, |x| 2.0 * x);
    assert!(vjp_gap(&right, &x, &mut rng).is_none());
    let slightly = Reference::unary(|x| x * x, |x| 2.0 * x * 1.0001);
    assert!(vjp_gap(&slightly, &x, &mut rng).is_some());
    let half = Reference::unary(|x| x * x, |x| x);
    assert!(vjp_gap(&half, &x, &mut rng).is_some());
    // A gradient for the wrong number of inputs, or of the wrong shape.
    let short = Reference::new(|x| &x[0] + &x[1], |_, g| vec![g.clone()]);
    let two = [x[0].clone(), x[0].clone()];
    assert!(vjp_gap(&short, &two, &mut rng).is_some());
    let flat = Reference::new(
        |x| x[0].clone(),
        |x, _| vec![ArrayD::zeros(IxDyn(&[x[0].len()]))],
    );
    assert!(vjp_gap(&flat, &x, &mut rng).is_some());
}
