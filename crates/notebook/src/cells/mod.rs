//! The replayed cells, in notebook order.

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
    /// Stage by stage, as the notebook computes.
    pub staged: fn() -> Vec<(&'static str, f64)>,
    /// Through a recorded graph and one backward call.
    pub graph: fn() -> Vec<(&'static str, f64)>,
}

const CELLS: &[Cell] = &[
    Cell {
        number: 3,
        title: "chain rule: f = (x + y) * z",
        replay: chain_rule::replay,
        cross_check: Some(CrossCheck {
            staged: chain_rule::staged_results,
            graph: chain_rule::graph_results,
        }),
    },
    Cell {
        number: 4,
        title: "sigmoid neuron: f = sigmoid(w0*x0 + w1*x1 + w2)",
        replay: neuron::replay,
        cross_check: Some(CrossCheck {
            staged: neuron::staged_results,
            graph: neuron::graph_results,
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
            graph: staged::graph_results,
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
