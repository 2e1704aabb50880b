//! The scalar graph against plain `f64` code on the same random DAG.
//!
//! The DAG mixes two-input gates (add, sub, mul, max, min) and one-input
//! gates (neg, sigmoid, tanh, relu, softplus, abs, sin, cos) half and half.
//! Every gate reads the node just before it — so the output depends on
//! every node and backward visits the whole tape — and a two-input gate
//! also reads an earlier node chosen uniformly at random. The gates are
//! ones whose outputs stay finite on any finite input, so no NaN skews the
//! timings.

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

/// One JSON line: `{"op":"scalar_graph","dtype":"f64","nodes":..,"record_forward_s":..,"backward_s":..,"native_s":..,"bytes_per_node":..}`
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
}

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

pub fn measure(nodes: usize, runs: usize) -> Measurement {
    let dag = random_dag(nodes.max(2));
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

    let native_s = best_of(runs, || native(&dag));
    let record_forward_s = best_of(runs, || record(&dag));
    let graph = record(&dag);
    let output = graph.node(last).expect("node exists");
    let backward_s = best_of(runs, || graph.backward(output));
    drop(graph);

    let baseline = alloc::reset_peak();
    let graph = record(&dag);
    let grads = graph.backward(graph.node(last).expect("node exists"));
    let bytes = alloc::peak() - baseline;
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_graph_and_plain_code_evaluate_the_same_dag() {
        let dag = random_dag(5000);
        let plain = native(&dag);
        let graph = record(&dag);
        for (i, &v) in plain.iter().enumerate() {
            assert_eq!(
                graph.node(i).unwrap().value().to_bits(),
                v.to_bits(),
                "node {i}"
            );
        }
        assert!(plain.iter().all(|v| v.is_finite()));
        // Every gate reads the node before it, so backward reaches every node.
        let grads = graph.backward(graph.node(dag.len() - 1).unwrap());
        assert!((0..dag.len()).all(|i| grads.reached(graph.node(i).unwrap().id())));
    }

    #[test]
    fn json_line_has_the_issue_format() {
        let m = measure(3000, 7);
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
        ];
        let positions: Vec<usize> = fields.iter().map(|f| line.find(f).expect(f)).collect();
        assert!(positions.is_sorted(), "fields out of order: {line}");
        assert!(
            line.ends_with('}') && !line[positions[2] + 1..].contains(','),
            "{line}"
        );
        assert!(m.record_forward_s > 0.0 && m.backward_s > 0.0 && m.native_s > 0.0);
    }
}
