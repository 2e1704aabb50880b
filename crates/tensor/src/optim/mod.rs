//! Training: parameters that persist across steps, and the optimizers that
//! update them ([`Sgd`], with optional momentum, and [`Adam`]).
//!
//! # The model: a new tape every step
//!
//! Parameters live outside any graph, in a [`Parameters`] set. Each step
//!
//! 1. builds a fresh [`TensorGraph`](crate::TensorGraph),
//! 2. records the parameters on it as trainable leaves
//!    ([`Parameters::record`]; they share storage with the set, nothing is
//!    copied) and the data as constants,
//! 3. computes the loss and calls `backward`,
//! 4. collects the parameters' gradients ([`Recorded::gradients`]) and
//!    drops the graph,
//! 5. lets an [`Optimizer`] update the parameters in place.
//!
//! The gradients belong to the step's graph, which is new every step, so
//! nothing accumulates from one step into the next: there is no
//! `zero_grad` to call, or to forget. (Dropping the graph before the update
//! lets the update run in place; with the graph alive it still works, on a
//! copy of each parameter.)
//!
//! ```
//! use backprop_tensor::optim::{Optimizer, Parameters, Sgd};
//! use backprop_tensor::{TensorGraph, ndarray::array};
//!
//! // Fit w·x ≈ y by least squares.
//! let mut params = Parameters::<f64>::new();
//! let w = params.add("w", array![0.0]);
//! let mut sgd = Sgd::new(0.1);
//! for _ in 0..100 {
//!     let grads = {
//!         let g = TensorGraph::new();
//!         let p = params.record(&g);
//!         let x = g.constant(array![1.0, 2.0, 3.0]);
//!         let y = g.constant(array![2.0, 4.0, 6.0]);
//!         let loss = ((p[w] * x)? - y)?.powi(2).mean();
//!         p.gradients(&g.backward(loss)?)
//!     };
//!     sgd.step(&mut params, &grads)?;
//! }
//! assert!((params.value(w)[0] - 2.0).abs() < 1e-9);
//! # Ok::<(), backprop_tensor::TensorError>(())
//! ```

mod adam;
mod params;
mod sgd;

pub use adam::Adam;
pub use params::{ParamGradients, ParamId, Parameters, Recorded};
pub use sgd::Sgd;

use crate::error::count;
use crate::{Element, Result, TensorError};

/// An update rule: new parameter values from their gradients, with
/// whatever state the rule keeps between steps (momentum, moment
/// estimates).
pub trait Optimizer<A: Element> {
    /// Updates every parameter that received a gradient, in place.
    /// Parameters without one (the loss did not depend on them) are left
    /// alone, and their state does not advance.
    ///
    /// # Errors
    ///
    /// [`TensorError::Parameters`] when
    /// `grads` were collected for a different set of parameters, or when
    /// the set changed size since the optimizer's first step.
    fn step(&mut self, params: &mut Parameters<A>, grads: &ParamGradients<A>) -> Result<()>;
}

/// Checks `grads` against `params`, and the optimizer's per-parameter
/// `state` (sized on its first step) against the set.
fn prepare<A: Element, S: Clone>(
    op: &'static str,
    params: &Parameters<A>,
    grads: &ParamGradients<A>,
    state: &mut Vec<Option<S>>,
) -> Result<()> {
    params.check(op, grads)?;
    if state.is_empty() {
        *state = vec![None; params.len()];
    }
    if state.len() == params.len() {
        Ok(())
    } else {
        Err(TensorError::Parameters {
            op,
            what: format!(
                "the optimizer has state for {}, the set now has {}",
                count(state.len(), "parameter", "parameters"),
                params.len()
            ),
        })
    }
}
