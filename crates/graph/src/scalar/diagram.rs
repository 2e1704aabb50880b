//! The lecture's circuit diagrams of a scalar graph: each node's name, gate,
//! forward value and (if given) gradient, as a [`Diagram`] that renders to
//! Graphviz DOT or SVG.

use super::{Gradients, Graph};
use crate::diagram::{Diagram, DiagramNode, Line, LineRole, NodeKind};
use crate::engine::NodeId;

/// What a node of a scalar graph is, for diagrams: its kind and the word
/// for its operation (`sigmoid`, `powi(2)`, `input`, `constant`).
pub(crate) fn describe(graph: &Graph, index: usize, output: NodeId) -> (NodeKind, String) {
    let tape = graph.tape();
    let id = tape.node(index).expect("index < len");
    let op = tape.op(id);
    let is_output = index == output.index();
    match op.gate(tape.values()) {
        Some(gate) if is_output => (NodeKind::Output, gate.to_string()),
        Some(gate) => (NodeKind::Operation, gate.to_string()),
        None => {
            let (kind, word) = if op.is_constant() {
                (NodeKind::Constant, "constant")
            } else {
                (NodeKind::Input, "input")
            };
            (
                if is_output { NodeKind::Output } else { kind },
                word.to_owned(),
            )
        }
    }
}

/// The diagram of everything `output` depends on, built by `node(index)`
/// for each box.
pub(crate) fn circuit(
    graph: &Graph,
    output: NodeId,
    node: impl FnMut(usize) -> DiagramNode,
) -> Diagram {
    let tape = graph.tape();
    Diagram::up_to(
        output.index(),
        |i, inputs| {
            let (ids, arity) = tape.op(tape.node(i).expect("i < len")).inputs();
            inputs.extend(ids[..arity].iter().map(|id| id.index()));
        },
        node,
    )
}

/// The plain diagram: name, gate, value and gradient on every box.
pub(crate) fn plain(graph: &Graph, output: NodeId, gradients: Option<&Gradients>) -> Diagram {
    circuit(graph, output, |i| {
        let id = graph.tape().node(i).expect("i < len");
        let (kind, what) = describe(graph, i, output);
        let mut lines = vec![
            Line::new(LineRole::Name, graph.label(id)),
            Line::new(LineRole::Operation, what),
            Line::new(
                LineRole::Value,
                format!("value {:?}", graph.tape().value(id)),
            ),
        ];
        if let Some(g) = gradients {
            lines.push(Line::new(
                LineRole::Gradient,
                format!("grad {:?}", g.of(id)),
            ));
        }
        DiagramNode::new(i, kind, lines)
    })
}
