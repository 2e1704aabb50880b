//! The replayed cells, in notebook order.

use backprop_graph::{Gradients, Graph, Var};

pub mod chain_rule;
pub mod matmul;
pub mod neuron;
pub mod staged;

/// One replayed notebook cell.
#[derive(Clone, Copy, Debug)]
pub struct Cell {
    /// The cell's own number, as in `In [8]:`.
    pub number: u32,
    /// What the cell shows.
    pub title: &'static str,
    /// Prints the cell's output, exactly as the notebook shows it.
    pub replay: fn() -> String,
    /// For cells that compute gradients: `(name, value)` pairs computed stage
    /// by stage, and the same names from a `backprop-graph` graph.
    pub cross_check: Option<CrossCheck>,
}

/// The two independent computations of one cell's results.
#[derive(Clone, Copy, Debug)]
pub struct CrossCheck {
    /// Stage by stage, as the notebook computes: `("f", value)` then
    /// `("dfd<input>", gradient)` for each input of the circuit, in order.
    pub staged: fn() -> Vec<(&'static str, f64)>,
    /// The same function on a `backprop-graph` graph (the same names come
    /// from [`Circuit::results`]).
    pub circuit: Circuit,
}

/// A cell's function as a graph: its inputs (names and the notebook's
/// values) and how to wire it.
#[derive(Clone, Copy, Debug)]
pub struct Circuit {
    /// Input names and the values the notebook uses.
    pub inputs: &'static [(&'static str, f64)],
    /// Wires the function onto `graph` from its input handles (in the order
    /// of `inputs`), naming the stages as the notebook does.
    pub build: for<'g> fn(&'g Graph, &[Var<'g>]) -> Var<'g>,
}

impl Circuit {
    /// Builds the circuit at `at` (one value per input) on a fresh graph and
    /// hands `then` the graph, the input handles, the output and its
    /// gradients.
    ///
    /// # Panics
    ///
    /// If `at` does not have one value per input.
    pub fn with_graph<R>(
        &self,
        at: &[f64],
        then: impl FnOnce(&Graph, &[Var<'_>], Var<'_>, &Gradients) -> R,
    ) -> R {
        assert_eq!(at.len(), self.inputs.len(), "one value per circuit input");
        let g = Graph::new();
        let vars: Vec<Var<'_>> = self
            .inputs
            .iter()
            .zip(at)
            .map(|(&(name, _), &v)| g.named(name, v))
            .collect();
        let f = (self.build)(&g, &vars);
        let grads = g.backward(f);
        then(&g, &vars, f, &grads)
    }

    /// The notebook's input values.
    pub fn notebook_point(&self) -> Vec<f64> {
        self.inputs.iter().map(|&(_, v)| v).collect()
    }

    /// The output at `at`.
    pub fn value(&self, at: &[f64]) -> f64 {
        self.with_graph(at, |_, _, f, _| f.value())
    }

    /// The gradient with respect to each input at `at`, by one backward pass.
    pub fn gradient(&self, at: &[f64]) -> Vec<f64> {
        self.with_graph(at, |_, inputs, _, grads| {
            inputs.iter().map(|&x| grads.wrt(x)).collect()
        })
    }

    /// `("f", value)` and `("dfd<input>", gradient)` at the notebook's point.
    pub fn results(&self) -> Vec<(String, f64)> {
        let at = self.notebook_point();
        let mut out = vec![("f".to_owned(), self.value(&at))];
        for (&(name, _), d) in self.inputs.iter().zip(self.gradient(&at)) {
            out.push((format!("dfd{name}"), d));
        }
        out
    }
}

const CELLS: &[Cell] = &[
    Cell {
        number: 3,
        title: "chain rule: f = (x + y) * z",
        replay: chain_rule::replay,
        cross_check: Some(CrossCheck {
            staged: chain_rule::staged_results,
            circuit: chain_rule::CIRCUIT,
        }),
    },
    Cell {
        number: 4,
        title: "sigmoid neuron: f = sigmoid(w0*x0 + w1*x1 + w2)",
        replay: neuron::replay,
        cross_check: Some(CrossCheck {
            staged: neuron::staged_results,
            circuit: neuron::CIRCUIT,
        }),
    },
    Cell {
        number: 8,
        title: "staged forward: f = (x + sigmoid(y)) / (sigmoid(x) + (x + y)^2)",
        replay: staged::replay_forward,
        cross_check: None,
    },
    Cell {
        number: 12,
        title: "staged backward of cell 8, accumulating dx over three paths",
        replay: staged::replay_backward,
        cross_check: Some(CrossCheck {
            staged: staged::staged_results,
            circuit: staged::CIRCUIT,
        }),
    },
    Cell {
        number: 16,
        title: "matrix product backward: D = W·X, dW = dD·Xᵀ, dX = Wᵀ·dD",
        replay: matmul::replay,
        cross_check: None,
    },
];

/// Every replayed cell, in notebook order.
pub fn cells() -> &'static [Cell] {
    CELLS
}

/// The replayed cell with this number.
pub fn cell(number: u32) -> Option<&'static Cell> {
    CELLS.iter().find(|c| c.number == number)
}
