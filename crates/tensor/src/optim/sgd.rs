//! Stochastic gradient descent, optionally with momentum.

use ndarray::{ArrayD, Zip};

use super::{Optimizer, ParamGradients, Parameters};
use crate::{Element, Result};

/// Gradient descent: `p ← p - lr · g`, or with momentum `μ`
/// `v ← μ·v + g; p ← p - lr · v` (PyTorch's convention; `v` starts as the
/// first gradient).
///
/// Without momentum this is exactly the CS231n case study's
/// `W += -step_size * dW`, to the last bit.
///
/// ```
/// use backprop_tensor::optim::{Optimizer, Parameters, Sgd};
/// use backprop_tensor::{TensorGraph, ndarray::array};
///
/// let mut params = Parameters::<f64>::new();
/// let x = params.add("x", array![1.0]);
/// let mut sgd = Sgd::with_momentum(0.5, 0.9);
/// let g = TensorGraph::new();
/// let p = params.record(&g);
/// let grads = p.gradients(&g.backward(p[x].powi(2).sum())?); // d/dx x² = 2
/// drop(g);
/// sgd.step(&mut params, &grads)?;
/// assert_eq!(params.value(x)[0], 1.0 - 0.5 * 2.0);
/// # Ok::<(), backprop_tensor::TensorError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Sgd<A: Element = f64> {
    /// The step size `lr`.
    pub learning_rate: f64,
    /// The momentum `μ` (0 for none).
    pub momentum: f64,
    velocity: Vec<Option<ArrayD<A>>>,
}

impl<A: Element> Sgd<A> {
    /// Plain gradient descent with step size `learning_rate`.
    pub fn new(learning_rate: f64) -> Self {
        Sgd::with_momentum(learning_rate, 0.0)
    }

    /// Gradient descent with momentum `momentum` (0.9 is usual).
    pub fn with_momentum(learning_rate: f64, momentum: f64) -> Self {
        Sgd {
            learning_rate,
            momentum,
            velocity: Vec::new(),
        }
    }
}

impl<A: Element> Optimizer<A> for Sgd<A> {
    fn step(&mut self, params: &mut Parameters<A>, grads: &ParamGradients<A>) -> Result<()> {
        super::prepare("sgd", params, grads, &mut self.velocity)?;
        let lr = A::from_f64(self.learning_rate);
        let mu = A::from_f64(self.momentum);
        for (i, g) in grads.present() {
            let p = params.value_mut(i);
            if self.momentum == 0.0 {
                Zip::from(p).and(&g).for_each(|p, &g| *p = *p - lr * g);
                continue;
            }
            let v = match &mut self.velocity[i] {
                Some(v) => {
                    Zip::from(&mut *v)
                        .and(&g)
                        .for_each(|v, &g| *v = mu * *v + g);
                    v
                }
                slot @ None => slot.insert(g.to_owned()),
            };
            Zip::from(p).and(&*v).for_each(|p, &v| *p = *p - lr * v);
        }
        Ok(())
    }
}
