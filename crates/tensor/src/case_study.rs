//! The CS231n "minimal neural network case study" on this crate: the spiral
//! data set, a softmax linear classifier and a two-layer ReLU network,
//! trained by gradient descent with the case study's hyperparameters.
//!
//! The case study writes each backward pass by hand; here the loss is
//! recorded on a [`TensorGraph`] and the gradients come from one
//! `backward` call, with the fused
//! [`softmax_cross_entropy`](crate::softmax_cross_entropy()) as the data
//! loss and plain [`Sgd`] as the update (`W += -step_size * dW`). A test
//! trains both ways and finds the same losses and parameters within
//! `1e-12`; the `spiral` example prints and plots the whole study; `cargo
//! xtask bench` times [`step`] against the case study's NumPy code.
//!
//! ```
//! use backprop_tensor::case_study::{self, Hyperparameters, TwoLayerNet};
//! use rand::SeedableRng;
//!
//! let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
//! let data = case_study::spiral(100, 3, &mut rng);
//! let mut net = TwoLayerNet::new(2, 100, 3, &mut rng);
//! let short = Hyperparameters { iterations: 50, ..Hyperparameters::NETWORK };
//! let losses = case_study::train(&mut net, &data, &short, |_, _| {})?;
//! assert!((losses[0] - 3f64.ln()).abs() < 0.01); // the loss starts at ln 3
//! assert!(losses[49] < losses[0]);
//! # Ok::<(), backprop_tensor::TensorError>(())
//! ```

use ndarray::{ArcArray, Array1, Array2, ArrayView2, Axis, Ix2, IxDyn};
use ndarray_rand::RandomExt;
use ndarray_rand::rand_distr::StandardNormal;
use rand::Rng;

use crate::optim::{Optimizer, ParamId, Parameters, Recorded, Sgd};
use crate::{Labels, Result, Tensor, TensorGraph};

/// `num` evenly spaced values from `start` to `stop` inclusive, computed as
/// `numpy.linspace` does: `start + i·step`, the last value exactly `stop`.
pub fn linspace(start: f64, stop: f64, num: usize) -> Array1<f64> {
    let step = (stop - start) / (num.max(2) - 1) as f64;
    let mut values = Array1::from_shape_fn(num, |i| i as f64 * step + start);
    if num > 1 {
        values[num - 1] = stop;
    }
    values
}

/// The spiral data set: `points_per_class` points of each of `classes`
/// spiral arms in the plane.
#[derive(Clone, Debug)]
pub struct Spiral {
    /// The points, one per row: `(points_per_class · classes, 2)`.
    pub x: Array2<f64>,
    /// The class of each point, `0..classes`.
    pub y: Labels,
    /// The number of classes.
    pub classes: usize,
}

/// The case study's generator, with `rng` for NumPy's `np.random.randn`:
///
/// ```python
/// for j in range(K):
///   ix = range(N*j, N*(j+1))
///   r = np.linspace(0.0, 1, N)                                    # radius
///   t = np.linspace(j*4, (j+1)*4, N) + np.random.randn(N)*0.2     # theta
///   X[ix] = np.c_[r*np.sin(t), r*np.cos(t)]
///   y[ix] = j
/// ```
///
/// ```
/// use backprop_tensor::case_study::spiral;
/// use rand::SeedableRng;
///
/// let data = spiral(100, 3, &mut rand_chacha::ChaCha8Rng::seed_from_u64(1));
/// assert_eq!(data.x.dim(), (300, 2));
/// assert_eq!(data.y[150], 1);
/// ```
pub fn spiral(points_per_class: usize, classes: usize, rng: &mut impl Rng) -> Spiral {
    let n = points_per_class;
    let mut x = Array2::<f64>::zeros((n * classes, 2));
    let mut y = Vec::with_capacity(n * classes);
    for j in 0..classes {
        let r = linspace(0.0, 1.0, n);
        let noise = Array1::<f64>::random_using(n, StandardNormal, rng);
        let t = linspace(j as f64 * 4.0, (j + 1) as f64 * 4.0, n) + noise * 0.2;
        for i in 0..n {
            x[[n * j + i, 0]] = r[i] * t[i].sin();
            x[[n * j + i, 1]] = r[i] * t[i].cos();
        }
        y.extend(std::iter::repeat_n(j, n));
    }
    Spiral {
        x,
        y: Labels::from(y),
        classes,
    }
}

/// `scale · randn(rows, cols)`, as the case study initialises weights.
fn randn(rows: usize, cols: usize, scale: f64, rng: &mut impl Rng) -> Array2<f64> {
    Array2::<f64>::random_using((rows, cols), StandardNormal, rng) * scale
}

/// The case study's hyperparameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hyperparameters {
    /// Gradient descent's step size.
    pub step_size: f64,
    /// L2 regularization strength: the loss adds `0.5·reg·Σ W²` per weight
    /// matrix.
    pub reg: f64,
    /// Number of gradient steps.
    pub iterations: usize,
}

impl Hyperparameters {
    /// The softmax linear classifier's: step 1.0, reg 1e-3, 200 steps.
    pub const LINEAR: Hyperparameters = Hyperparameters {
        step_size: 1.0,
        reg: 1e-3,
        iterations: 200,
    };
    /// The two-layer network's: step 1.0, reg 1e-3, 10,000 steps.
    pub const NETWORK: Hyperparameters = Hyperparameters {
        step_size: 1.0,
        reg: 1e-3,
        iterations: 10_000,
    };
}

/// A classifier of the case study: its parameters and its scores.
pub trait Classifier {
    /// The trainable parameters.
    fn parameters(&self) -> &Parameters;
    /// The trainable parameters, to update.
    fn parameters_mut(&mut self) -> &mut Parameters;
    /// The weight matrices the regularization applies to (not the biases).
    fn weights(&self) -> Vec<ParamId>;
    /// The class scores of the examples `x` (one per row), recorded on
    /// `x`'s graph with the parameters `p`.
    ///
    /// # Errors
    ///
    /// Shape errors, if `x` does not have the input size.
    fn scores<'g>(&self, p: &Recorded<'g, f64>, x: Tensor<'g>) -> Result<Tensor<'g>>;
}

/// The softmax linear classifier: `scores = X·W + b`.
#[derive(Clone, Debug)]
pub struct LinearClassifier {
    params: Parameters,
    w: ParamId,
    b: ParamId,
}

impl LinearClassifier {
    /// `W = 0.01·randn(D, K)`, `b = 0`.
    pub fn new(inputs: usize, classes: usize, rng: &mut impl Rng) -> Self {
        let mut params = Parameters::new();
        let w = params.add("W", randn(inputs, classes, 0.01, rng));
        let b = params.add("b", Array1::<f64>::zeros(classes));
        LinearClassifier { params, w, b }
    }

    /// The weights `W` (D × K) and biases `b` (K).
    pub fn weights_and_bias(&self) -> (ArrayView2<'_, f64>, ndarray::ArrayViewD<'_, f64>) {
        (matrix(&self.params, self.w), self.params.value(self.b))
    }
}

impl Classifier for LinearClassifier {
    fn parameters(&self) -> &Parameters {
        &self.params
    }
    fn parameters_mut(&mut self) -> &mut Parameters {
        &mut self.params
    }
    fn weights(&self) -> Vec<ParamId> {
        vec![self.w]
    }
    fn scores<'g>(&self, p: &Recorded<'g, f64>, x: Tensor<'g>) -> Result<Tensor<'g>> {
        x.matmul(p[self.w])? + p[self.b]
    }
}

/// The two-layer network: `hidden = max(0, X·W + b)`,
/// `scores = hidden·W2 + b2`.
#[derive(Clone, Debug)]
pub struct TwoLayerNet {
    params: Parameters,
    w: ParamId,
    b: ParamId,
    w2: ParamId,
    b2: ParamId,
}

impl TwoLayerNet {
    /// `W = 0.01·randn(D, h)`, `b = 0`, `W2 = 0.01·randn(h, K)`, `b2 = 0`.
    pub fn new(inputs: usize, hidden: usize, classes: usize, rng: &mut impl Rng) -> Self {
        let mut params = Parameters::new();
        let w = params.add("W", randn(inputs, hidden, 0.01, rng));
        let b = params.add("b", Array1::<f64>::zeros(hidden));
        let w2 = params.add("W2", randn(hidden, classes, 0.01, rng));
        let b2 = params.add("b2", Array1::<f64>::zeros(classes));
        TwoLayerNet {
            params,
            w,
            b,
            w2,
            b2,
        }
    }

    /// The ids of `W`, `b`, `W2`, `b2`, in that order.
    pub fn ids(&self) -> [ParamId; 4] {
        [self.w, self.b, self.w2, self.b2]
    }
}

impl Classifier for TwoLayerNet {
    fn parameters(&self) -> &Parameters {
        &self.params
    }
    fn parameters_mut(&mut self) -> &mut Parameters {
        &mut self.params
    }
    fn weights(&self) -> Vec<ParamId> {
        vec![self.w, self.w2]
    }
    fn scores<'g>(&self, p: &Recorded<'g, f64>, x: Tensor<'g>) -> Result<Tensor<'g>> {
        let hidden = (x.matmul(p[self.w])? + p[self.b])?.relu();
        hidden.matmul(p[self.w2])? + p[self.b2]
    }
}

/// A parameter that is a matrix, as a 2-D view.
fn matrix(params: &Parameters, id: ParamId) -> ArrayView2<'_, f64> {
    params
        .value(id)
        .into_dimensionality::<Ix2>()
        .expect("weights are matrices")
}

/// The case study's loss: the mean softmax cross-entropy of the scores
/// plus `0.5·reg·Σ W²` for each weight matrix.
///
/// # Errors
///
/// Shape and label errors, if `x` and `y` do not fit the model.
pub fn loss<'g>(
    model: &impl Classifier,
    p: &Recorded<'g, f64>,
    x: Tensor<'g>,
    y: &Labels,
    reg: f64,
) -> Result<Tensor<'g>> {
    let mut loss = model.scores(p, x)?.softmax_cross_entropy(y.clone())?;
    for w in model.weights() {
        loss = (loss + (p[w] * p[w])?.sum() * (0.5 * reg))?;
    }
    Ok(loss)
}

/// One training step on the examples `x` (shared, so nothing is copied)
/// with labels `y`: record the loss on a new graph, backpropagate, update
/// the parameters with `optimizer`. Returns the loss before the update.
///
/// # Errors
///
/// As [`loss`], and the optimizer's errors.
pub fn step(
    model: &mut impl Classifier,
    x: &ArcArray<f64, IxDyn>,
    y: &Labels,
    reg: f64,
    optimizer: &mut impl Optimizer<f64>,
) -> Result<f64> {
    let (value, grads) = {
        let g = TensorGraph::new();
        let p = model.parameters().record(&g);
        let loss = loss(model, &p, g.constant_shared(x.clone()), y, reg)?;
        (loss.item()?, p.gradients(&g.backward(loss)?))
    };
    optimizer.step(model.parameters_mut(), &grads)?;
    Ok(value)
}

/// Trains `model` on `data` by gradient descent with `hyper`, calling
/// `progress(iteration, loss)` after each step; returns the loss of every
/// iteration (computed before that iteration's update).
///
/// # Errors
///
/// As [`step`].
pub fn train(
    model: &mut impl Classifier,
    data: &Spiral,
    hyper: &Hyperparameters,
    mut progress: impl FnMut(usize, f64),
) -> Result<Vec<f64>> {
    let mut sgd = Sgd::new(hyper.step_size);
    let x = data.x.clone().into_dyn().into_shared();
    (0..hyper.iterations)
        .map(|i| {
            let loss = step(model, &x, &data.y, hyper.reg, &mut sgd)?;
            progress(i, loss);
            Ok(loss)
        })
        .collect()
}

/// The class scores of the points `x` (one per row).
///
/// # Errors
///
/// Shape errors, if `x` does not have the model's input size.
pub fn scores(model: &impl Classifier, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
    let g = TensorGraph::new();
    let p = model.parameters().record(&g);
    let s = model.scores(&p, g.constant(x.to_owned()))?.value();
    Ok(s.into_dimensionality::<Ix2>().expect("scores are a matrix"))
}

/// The predicted class of each point: the first highest score.
///
/// # Errors
///
/// As [`scores`].
pub fn predict(model: &impl Classifier, x: ArrayView2<'_, f64>) -> Result<Vec<usize>> {
    let s = scores(model, x)?;
    Ok(s.map_axis(Axis(1), |row| {
        crate::argmax(&row.into_dyn(), 0).expect("a row has classes")[[]]
    })
    .to_vec())
}

/// The fraction of `data` the model classifies correctly (the case study's
/// `np.mean(predicted_class == y)`).
///
/// # Errors
///
/// As [`scores`].
pub fn accuracy(model: &impl Classifier, data: &Spiral) -> Result<f64> {
    let predicted = predict(model, data.x.view())?;
    let correct = predicted
        .iter()
        .zip(data.y.iter())
        .filter(|(p, y)| p == y)
        .count();
    Ok(correct as f64 / data.y.len() as f64)
}
