//! Adam (Kingma & Ba, 2015).

use backprop_gates::Real;
use ndarray::{ArrayD, Zip};

use super::{Optimizer, ParamGradients, Parameters};
use crate::{Element, Result};

/// Adam: per-parameter step sizes from running estimates of the gradient's
/// first and second moments, bias-corrected (Algorithm 1 of Kingma & Ba):
///
/// ```text
/// t ← t + 1
/// m ← β₁·m + (1 - β₁)·g
/// v ← β₂·v + (1 - β₂)·g²
/// p ← p - lr · (m / (1 - β₁ᵗ)) / (√(v / (1 - β₂ᵗ)) + ε)
/// ```
///
/// `t` counts the steps in which a parameter received a gradient.
///
/// ```
/// use backprop_tensor::optim::{Adam, Optimizer, Parameters};
/// use backprop_tensor::{TensorGraph, ndarray::array};
///
/// // The first Adam step moves every coordinate by lr, whatever the
/// // gradient's size.
/// let mut params = Parameters::<f64>::new();
/// let x = params.add("x", array![1.0, -3.0]);
/// let mut adam = Adam::new(0.1);
/// let grads = {
///     let g = TensorGraph::new();
///     let p = params.record(&g);
///     p.gradients(&g.backward((p[x] * 50.0).sum())?)
/// };
/// adam.step(&mut params, &grads)?;
/// assert!((params.value(x)[0] - 0.9).abs() < 1e-9);
/// assert!((params.value(x)[1] + 3.1).abs() < 1e-9);
/// # Ok::<(), backprop_tensor::TensorError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Adam<A: Element = f64> {
    /// The step size `lr`.
    pub learning_rate: f64,
    /// Decay of the first-moment estimate `β₁` (default 0.9).
    pub beta1: f64,
    /// Decay of the second-moment estimate `β₂` (default 0.999).
    pub beta2: f64,
    /// `ε`, keeping the denominator away from zero (default 1e-8).
    pub epsilon: f64,
    state: Vec<Option<Moments<A>>>,
}

/// One parameter's running estimates.
#[derive(Clone, Debug)]
struct Moments<A> {
    steps: i32,
    m: ArrayD<A>,
    v: ArrayD<A>,
}

impl<A: Element> Adam<A> {
    /// Adam with step size `learning_rate` and the paper's defaults
    /// `β₁ = 0.9`, `β₂ = 0.999`, `ε = 1e-8`.
    pub fn new(learning_rate: f64) -> Self {
        Adam {
            learning_rate,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
            state: Vec::new(),
        }
    }
}

impl<A: Element> Optimizer<A> for Adam<A> {
    fn step(&mut self, params: &mut Parameters<A>, grads: &ParamGradients<A>) -> Result<()> {
        super::prepare("adam", params, grads, &mut self.state)?;
        let (b1, b2) = (A::from_f64(self.beta1), A::from_f64(self.beta2));
        let one = <A as Real>::one();
        let (lr, eps) = (A::from_f64(self.learning_rate), A::from_f64(self.epsilon));
        for (i, g) in grads.present() {
            let s = self.state[i].get_or_insert_with(|| Moments {
                steps: 0,
                m: ArrayD::zeros(g.raw_dim()),
                v: ArrayD::zeros(g.raw_dim()),
            });
            s.steps = s.steps.saturating_add(1);
            let correct1 = one - b1.powi(s.steps);
            let correct2 = one - b2.powi(s.steps);
            Zip::from(params.value_mut(i))
                .and(&mut s.m)
                .and(&mut s.v)
                .and(&g)
                .for_each(|p, m, v, &g| {
                    *m = b1 * *m + (one - b1) * g;
                    *v = b2 * *v + (one - b2) * g * g;
                    let m_hat = *m / correct1;
                    let v_hat = *v / correct2;
                    *p = *p - lr * m_hat / (v_hat.sqrt() + eps);
                });
        }
        Ok(())
    }
}
