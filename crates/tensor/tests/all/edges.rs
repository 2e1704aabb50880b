//! Every documented edge of the gates (`backprop_gates::edges()`: kinks,
//! singular points, saturated tails, signed zeros) through the tensor
//! graph's elementwise ops, in `f64` and `f32`: each element of the forward
//! value and of the gradients is the documented number rounded to the
//! type, bit for bit (NaN for NaN).

use backprop_gates::{Edge, Gate, edges};
use backprop_tensor::{Element, TensorGraph};
use ndarray::{ArrayD, IxDyn};

/// The edge on a 3-element tensor (every element at the edge's point),
/// with an upstream gradient of ones.
fn through_tensors<A: Element>(edge: &Edge) -> Option<String> {
    let graph = TensorGraph::<A>::new();
    let leaf = |v: f64| graph.leaf(ArrayD::from_elem(IxDyn(&[3]), A::from_f64(v)));
    let inputs: Vec<_> = edge.at.iter().map(|&v| leaf(v)).collect();
    let output = match edge.gate {
        Gate::Unary(u) => inputs[0].unary(u),
        Gate::Binary(b) => inputs[0].binary(b, inputs[1]).expect("same shapes"),
    };
    let ones = ArrayD::from_elem(IxDyn(&[3]), A::from_f64(1.0));
    let gradients = graph
        .backward_with(output, ones)
        .expect("seed of the output's shape");
    let values = output.value();
    let grads: Vec<ArrayD<A>> = inputs.iter().map(|&t| gradients.wrt(t)).collect();
    (0..3).find_map(|k| {
        let d: Vec<A> = grads.iter().map(|g| g[[k]]).collect();
        edge.mismatch(values[[k]], &d)
            .map(|m| format!("{} element {k}: {m}", A::NAME))
    })
}

#[test]
fn every_edge_through_tensor_ops_in_f64_and_f32() {
    for edge in edges() {
        assert_eq!(through_tensors::<f64>(edge), None);
        assert_eq!(through_tensors::<f32>(edge), None);
    }
}

/// Clamp, composed from max and min: ½ at each bound (the edge table's
/// composed rows), in f64 and f32.
#[test]
fn clamp_at_its_bounds() {
    fn clamp<A: Element>(x0: f64) -> (A, A) {
        let graph = TensorGraph::<A>::new();
        let scalar = |v: f64| ArrayD::from_elem(IxDyn(&[]), A::from_f64(v));
        let x = graph.leaf(scalar(x0));
        let (lo, hi) = (graph.leaf(scalar(-1.0)), graph.leaf(scalar(1.0)));
        let y = x
            .max(lo)
            .and_then(|m| m.min(hi))
            .expect("scalars broadcast");
        let g = graph.backward(y).expect("a scalar output");
        (y.value()[[]], g.wrt(x)[[]])
    }
    for x0 in [-1.0, 1.0] {
        assert_eq!(clamp::<f64>(x0), (x0, 0.5));
        assert_eq!(clamp::<f32>(x0), (x0 as f32, 0.5));
    }
}
