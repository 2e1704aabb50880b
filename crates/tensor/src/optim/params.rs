//! [`Parameters`]: named arrays that persist across training steps, and
//! their per-step recording on a graph.

use std::ops::Index;

use ndarray::{ArcArray, Array, ArrayViewD, Dimension, IxDyn};

use crate::error::count;
use crate::{Element, Result, Tensor, TensorError, TensorGradients, TensorGraph};

/// Names one parameter of a [`Parameters`] set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ParamId(usize);

impl ParamId {
    /// Position of the parameter in its set (the order of
    /// [`Parameters::add`]).
    pub fn index(self) -> usize {
        self.0
    }
}

/// The trainable arrays of a model, each with a name, kept across steps.
///
/// ```
/// use backprop_tensor::optim::Parameters;
/// use backprop_tensor::ndarray::{array, Array2};
///
/// let mut params = Parameters::<f64>::new();
/// let w = params.add("W", Array2::zeros((2, 3)));
/// let b = params.add("b", array![0.0, 0.0, 0.0]);
/// assert_eq!(params.len(), 2);
/// assert_eq!(params.name(b), "b");
/// assert_eq!(params.value(w).shape(), &[2, 3]);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Parameters<A: Element = f64> {
    values: Vec<ArcArray<A, IxDyn>>,
    names: Vec<String>,
}

impl<A: Element> Parameters<A> {
    /// An empty set.
    pub fn new() -> Self {
        Parameters {
            values: Vec::new(),
            names: Vec::new(),
        }
    }

    /// Adds a parameter with its initial value.
    pub fn add<D: Dimension>(&mut self, name: &str, value: Array<A, D>) -> ParamId {
        self.values.push(value.into_dyn().into_shared());
        self.names.push(name.to_owned());
        ParamId(self.values.len() - 1)
    }

    /// Number of parameters.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Every parameter's id, in the order they were added.
    pub fn ids(&self) -> impl Iterator<Item = ParamId> + use<A> {
        (0..self.len()).map(ParamId)
    }

    /// The parameter's current value.
    ///
    /// # Panics
    ///
    /// If `id` belongs to a larger set (a programming error).
    pub fn value(&self, id: ParamId) -> ArrayViewD<'_, A> {
        self.values[id.0].view()
    }

    /// The parameter's name.
    pub fn name(&self, id: ParamId) -> &str {
        &self.names[id.0]
    }

    /// The parameter's value for an update in place (copied first only if
    /// a graph still holds it).
    pub(crate) fn value_mut(&mut self, index: usize) -> &mut ArcArray<A, IxDyn> {
        &mut self.values[index]
    }

    /// Records every parameter on `g` as a named, trainable leaf sharing
    /// the parameter's storage.
    pub fn record<'g>(&self, g: &'g TensorGraph<A>) -> Recorded<'g, A> {
        let tensors = self
            .values
            .iter()
            .zip(&self.names)
            .map(|(v, name)| g.push_leaf(v.clone(), true).named(name))
            .collect();
        Recorded { tensors }
    }

    /// Checks that `grads` fit these parameters (one slot each, each
    /// gradient of its parameter's shape).
    pub(crate) fn check(&self, op: &'static str, grads: &ParamGradients<A>) -> Result<()> {
        if grads.grads.len() != self.len() {
            return Err(TensorError::Parameters {
                op,
                what: format!(
                    "gradients for {}, but the set has {}",
                    count(grads.grads.len(), "parameter", "parameters"),
                    self.len()
                ),
            });
        }
        for (i, grad) in grads.grads.iter().enumerate() {
            if let Some(g) = grad
                && g.shape() != self.values[i].shape()
            {
                return Err(TensorError::Parameters {
                    op,
                    what: format!(
                        "the gradient of parameter {:?} has shape {:?}, the parameter {:?}",
                        self.names[i],
                        g.shape(),
                        self.values[i].shape()
                    ),
                });
            }
        }
        Ok(())
    }
}

/// The parameters as recorded on one graph: index it with a [`ParamId`] to
/// get the parameter's [`Tensor`].
#[derive(Clone, Debug)]
pub struct Recorded<'g, A: Element> {
    tensors: Vec<Tensor<'g, A>>,
}

impl<'g, A: Element> Index<ParamId> for Recorded<'g, A> {
    type Output = Tensor<'g, A>;
    fn index(&self, id: ParamId) -> &Tensor<'g, A> {
        &self.tensors[id.0]
    }
}

impl<A: Element> Recorded<'_, A> {
    /// Each parameter's gradient from a backward pass on this graph
    /// (shared with `grads`, not copied), to outlive the graph.
    pub fn gradients(&self, grads: &TensorGradients<A>) -> ParamGradients<A> {
        ParamGradients {
            grads: self.tensors.iter().map(|t| grads.shared(t.id())).collect(),
        }
    }
}

/// The gradients of a [`Parameters`] set from one step: `None` for a
/// parameter the loss did not depend on.
#[derive(Clone, Debug)]
pub struct ParamGradients<A: Element> {
    grads: Vec<Option<ArcArray<A, IxDyn>>>,
}

impl<A: Element> ParamGradients<A> {
    /// The gradient of one parameter, if the loss depended on it.
    pub fn get(&self, id: ParamId) -> Option<ArrayViewD<'_, A>> {
        self.grads.get(id.0)?.as_ref().map(|g| g.view())
    }

    /// `(index, gradient)` for every parameter that has one.
    pub(crate) fn present(&self) -> impl Iterator<Item = (usize, ArrayViewD<'_, A>)> {
        self.grads
            .iter()
            .enumerate()
            .filter_map(|(i, g)| g.as_ref().map(|g| (i, g.view())))
    }
}
