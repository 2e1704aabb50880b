//! Every documented edge of the gates (`backprop_gates::edges()`: kinks,
//! singular points, saturated tails, signed zeros) through the scalar
//! graph: the forward value and the gradients `backward` returns are the
//! documented numbers, bit for bit (NaN for NaN). The graph computes in
//! `f64` only; `f32` is pinned by the gates' and the tensor crate's tests.

use backprop_gates::{Gate, edges};
use backprop_graph::Graph;

#[test]
fn every_edge_through_the_graph() {
    for edge in edges() {
        let graph = Graph::new();
        let inputs: Vec<_> = edge.at.iter().map(|&v| graph.var(v)).collect();
        let output = match edge.gate {
            Gate::Unary(u) => graph.unary(u, inputs[0]),
            Gate::Binary(b) => graph.binary(b, inputs[0], inputs[1]),
        };
        let gradients = graph.backward(output);
        let d: Vec<f64> = inputs.iter().map(|&x| gradients.wrt(x)).collect();
        assert_eq!(edge.mismatch(output.value(), &d), None);
    }
}

/// The example, written with the graph's own operators: x^y at
/// (0, 0) has gradients 0 and 0, not NaN and -inf.
#[test]
fn pow_at_the_origin_through_operators() {
    let graph = Graph::new();
    let (x, y) = (graph.var(0.0), graph.var(0.0));
    let f = x.pow(y);
    let g = graph.backward(f);
    assert_eq!((f.value(), g.wrt(x), g.wrt(y)), (1.0, 0.0, 0.0));
}

/// Clamp, composed from max and min: ½ at each bound (the edge table's
/// composed rows), as in JAX.
#[test]
fn clamp_at_its_bounds() {
    for x0 in [-1.0, 1.0] {
        let graph = Graph::new();
        let x = graph.var(x0);
        let clamped = x.max(graph.constant(-1.0)).min(graph.constant(1.0));
        let g = graph.backward(clamped);
        assert_eq!((clamped.value(), g.wrt(x)), (x0, 0.5));
    }
}
