//! The scalar graph against plain `f64` code on the same random DAGs.
//!
//! Both DAGs mix two-input gates (add, sub, mul, max, min) and one-input
//! gates (neg, sigmoid, tanh, relu, softplus, abs, sin, cos) half and half,
//! and a two-input gate also reads an earlier node chosen uniformly at
//! random (a far read, as a large graph's backward pass makes). The gates
//! are ones whose outputs stay finite on any finite input, so no NaN skews
//! the timings. Every node is an input of a later one, so the output
//! depends on every node and backward visits the whole tape.
//!
//! - [`Dag::Chain`]: every gate reads the node just before it, a chain a
//!   million gates deep. Along it the gradient vanishes: products of
//!   derivatives below one underflow, and ReLUs and the losing side of
//!   max/min send exact zeros, so 96% of its nodes get a zero gradient
//!   and backward mostly runs the zero path (`zero_gradients` in the row).
//! - [`Dag::Layers`]: twenty layers, as a deep network has; every gate
//!   reads the gate at its place in the layer before, and the last layer
//!   sums the one before it. Most gradients are non-zero (about 73%), so
//!   backward does the full work of the chain rule on most nodes.

use backprop_gates::{Binary, Unary};
use backprop_graph::Graph;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::alloc;
use super::timing::best_of;

const BINARY: [Binary; 5] = [
    Binary::Add,
    Binary::Sub,
    Binary::Mul,
    Binary::Max,
    Binary::Min,
];
const UNARY: [Unary; 8] = [
    Unary::Neg,
    Unary::Sigmoid,
    Unary::Tanh,
    Unary::Relu,
    Unary::Softplus,
    Unary::Abs,
    Unary::Sin,
    Unary::Cos,
];

/// One node of the DAG, as data.
#[derive(Clone, Copy)]
enum Node {
    Input(f64),
    Unary(Unary, u32),
    Binary(Binary, u32, u32),
}

/// Which random DAG to measure (see the module's documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dag {
    /// Each gate reads the one before it: a million-deep chain.
    Chain,
    /// Twenty layers, each gate reading its place in the layer before.
    Layers,
}

impl Dag {
    /// Both DAGs, in the order the benchmark measures them.
    pub const ALL: [Dag; 2] = [Dag::Chain, Dag::Layers];
    /// Layers of [`Dag::Layers`], the last one summing the one before.
    const LAYERS: usize = 20;

    /// `"chain"` or `"layers"`, as in the JSON rows.
    pub fn name(self) -> &'static str {
        match self {
            Dag::Chain => "chain",
            Dag::Layers => "layers",
        }
    }

    fn build(self, nodes: usize) -> Vec<Node> {
        match self {
            Dag::Chain => random_dag(nodes),
            Dag::Layers => layered_dag(nodes),
        }
    }
}

/// One JSON line: `{"op":"scalar_graph","dtype":"f64","nodes":..,"record_forward_s":..,"backward_s":..,"native_s":..,"bytes_per_node":..,"dag":..,"zero_gradients":..}`
/// (the machine's fields follow, see `machine.rs`).
#[derive(Serialize, Clone, Debug)]
pub struct Measurement {
    pub op: &'static str,
    /// Scalar graphs hold `f64`.
    pub dtype: &'static str,
    pub nodes: usize,
    /// Best time to record the DAG on a `Graph` (forward values included).
    pub record_forward_s: f64,
    /// Best time of `Graph::backward` from the last node.
    pub backward_s: f64,
    /// Best time to evaluate the same DAG as plain `f64` code, no tape.
    pub native_s: f64,
    /// Peak heap bytes of recording plus backward, per node, measured by
    /// xtask's counting allocator.
    pub bytes_per_node: f64,
    /// `"chain"` or `"layers"`.
    pub dag: &'static str,
    /// Fraction of the nodes whose gradient is exactly zero: backward
    /// skips the chain rule's work for them.
    pub zero_gradients: f64,
}

/// [`Dag::Chain`]: `nodes / 1000` inputs (1 to 1000), then gates each
/// reading the node just before it.
fn random_dag(nodes: usize) -> Vec<Node> {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let inputs = (nodes / 1000).clamp(1, 1000).min(nodes);
    let mut dag: Vec<Node> = (0..inputs)
        .map(|_| Node::Input(rng.random_range(-2.0..2.0)))
        .collect();
    for i in inputs..nodes {
        let previous = (i - 1) as u32;
        dag.push(if rng.random_bool(0.5) {
            let gate = BINARY[rng.random_range(0..BINARY.len())];
            Node::Binary(gate, previous, rng.random_range(0..i) as u32)
        } else {
            Node::Unary(UNARY[rng.random_range(0..UNARY.len())], previous)
        });
    }
    dag
}

/// [`Dag::Layers`]: `nodes / 20` inputs, then layers of as many gates, each
/// reading the node one layer back; the last layer is a running sum of the
/// layer before it.
fn layered_dag(nodes: usize) -> Vec<Node> {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let width = (nodes / Dag::LAYERS).max(1);
    let mut dag: Vec<Node> = (0..width.min(nodes))
        .map(|_| Node::Input(rng.random_range(-2.0..2.0)))
        .collect();
    let sum_from = nodes.saturating_sub(width).max(width);
    for i in width..nodes {
        let above = (i - width) as u32;
        dag.push(if i >= sum_from {
            let running = if i == sum_from { above } else { (i - 1) as u32 };
            Node::Binary(Binary::Add, running, above)
        } else if rng.random_bool(0.5) {
            let gate = BINARY[rng.random_range(0..BINARY.len())];
            Node::Binary(gate, above, rng.random_range(0..i) as u32)
        } else {
            Node::Unary(UNARY[rng.random_range(0..UNARY.len())], above)
        });
    }
    dag
}

/// The DAG as plain `f64` code: one value per node, no tape.
fn native(dag: &[Node]) -> Vec<f64> {
    let mut values = Vec::with_capacity(dag.len());
    for node in dag {
        let y = match *node {
            Node::Input(x) => x,
            Node::Unary(g, a) => g.forward(values[a as usize]),
            Node::Binary(g, a, b) => g.forward(values[a as usize], values[b as usize]),
        };
        values.push(y);
    }
    values
}

/// The DAG recorded on a graph.
fn record(dag: &[Node]) -> Graph {
    let g = Graph::with_capacity(dag.len());
    let at = |i: u32| g.node(i as usize).expect("inputs precede their node");
    for node in dag {
        match *node {
            Node::Input(x) => g.var(x),
            Node::Unary(gate, a) => g.unary(gate, at(a)),
            Node::Binary(gate, a, b) => g.binary(gate, at(a), at(b)),
        };
    }
    g
}

/// Times recording, backward and plain evaluation of `dag` with `nodes`
/// nodes: `rounds` rounds of the three, each the best of `runs`.
pub fn measure(dag: Dag, nodes: usize, runs: usize, rounds: usize) -> Measurement {
    let kind = dag;
    let dag = kind.build(nodes.max(2));
    let nodes = dag.len();
    let last = nodes - 1;

    // The graph must compute exactly what plain code computes.
    let plain = native(&dag);
    let graph = record(&dag);
    assert_eq!(graph.len(), nodes, "one tape node per DAG node");
    for i in (0..nodes).step_by(997).chain([last]) {
        let v = graph.node(i).expect("node exists").value();
        assert_eq!(
            v.to_bits(),
            plain[i].to_bits(),
            "node {i}: graph {v} vs plain {}",
            plain[i]
        );
    }
    let non_finite = plain.iter().filter(|v| !v.is_finite()).count();
    if non_finite > 0 {
        eprintln!("bench: warning: {non_finite} non-finite node values");
    }
    drop(graph);
    drop(plain);

    // Round after round of the three, each figure the best over all rounds.
    let (mut native_s, mut record_forward_s, mut backward_s) = (f64::MAX, f64::MAX, f64::MAX);
    for _ in 0..rounds.max(1) {
        native_s = native_s.min(best_of(runs, || native(&dag)));
        record_forward_s = record_forward_s.min(best_of(runs, || record(&dag)));
        let graph = record(&dag);
        let output = graph.node(last).expect("node exists");
        backward_s = backward_s.min(best_of(runs, || graph.backward(output)));
    }

    let baseline = alloc::reset_peak();
    let graph = record(&dag);
    let grads = graph.backward(graph.node(last).expect("node exists"));
    let bytes = alloc::peak() - baseline;
    let zeros = (0..nodes)
        .filter(|&i| grads.of(graph.node(i).expect("node exists").id()) == 0.0)
        .count();
    drop(grads);
    drop(graph);

    Measurement {
        op: "scalar_graph",
        dtype: "f64",
        nodes,
        record_forward_s,
        backward_s,
        native_s,
        bytes_per_node: bytes as f64 / nodes as f64,
        dag: kind.name(),
        zero_gradients: zeros as f64 / nodes as f64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_graph_and_plain_code_evaluate_the_same_dags() {
        for kind in Dag::ALL {
            let dag = kind.build(5000);
            assert_eq!(dag.len(), 5000);
            let plain = native(&dag);
            let graph = record(&dag);
            for (i, &v) in plain.iter().enumerate() {
                assert_eq!(
                    graph.node(i).unwrap().value().to_bits(),
                    v.to_bits(),
                    "{kind:?} node {i}"
                );
            }
            assert!(plain.iter().all(|v| v.is_finite()), "{kind:?}");
            // Every node is read by a later one, so backward reaches them all.
            let grads = graph.backward(graph.node(dag.len() - 1).unwrap());
            assert!(
                (0..dag.len()).all(|i| grads.reached(graph.node(i).unwrap().id())),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn the_layered_dag_keeps_most_gradients_and_the_chain_loses_them() {
        let chain = measure(Dag::Chain, 100_000, 7, 1);
        let layers = measure(Dag::Layers, 100_000, 7, 1);
        assert!(chain.zero_gradients > 0.9, "{chain:?}");
        assert!(layers.zero_gradients < 0.5, "{layers:?}");
    }

    #[test]
    fn json_line_has_the_issue_format() {
        let m = measure(Dag::Layers, 3000, 7, 2);
        let line = serde_json::to_string(&m).unwrap();
        assert!(
            line.starts_with(
                r#"{"op":"scalar_graph","dtype":"f64","nodes":3000,"record_forward_s":"#
            ),
            "{line}"
        );
        let fields = [
            r#","backward_s":"#,
            r#","native_s":"#,
            r#","bytes_per_node":"#,
            r#","dag":"layers""#,
            r#","zero_gradients":"#,
        ];
        let positions: Vec<usize> = fields.iter().map(|f| line.find(f).expect(f)).collect();
        assert!(positions.is_sorted(), "fields out of order: {line}");
        assert!(
            line.ends_with('}') && !line[positions[4] + 1..].contains(','),
            "{line}"
        );
        assert!(m.record_forward_s > 0.0 && m.backward_s > 0.0 && m.native_s > 0.0);
    }
}
