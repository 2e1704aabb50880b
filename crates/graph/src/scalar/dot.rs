//! Graphviz DOT export: the lecture's circuit diagrams, with forward values
//! and gradients on every node.

use std::fmt::Write;

use super::{Gradients, Graph};
use crate::engine::NodeId;

/// Escapes text for a DOT record label.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if matches!(ch, '{' | '}' | '|' | '<' | '>' | '"' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

pub(crate) fn render(graph: &Graph, output: NodeId, gradients: Option<&Gradients>) -> String {
    let tape = graph.tape();
    let values = tape.values();
    let (needed, wires) = super::circuit(&tape, output);

    let mut dot = String::from(
        "digraph backprop {\n  rankdir=LR;\n  node [shape=record, fontname=\"Helvetica\"];\n",
    );
    for (i, _) in needed.iter().enumerate().filter(|(_, n)| **n) {
        let id = tape.node(i).expect("i < len");
        let op = tape.op(id);
        let kind = match op.gate(values) {
            Some(gate) => gate.to_string(),
            None if op.is_constant() => "constant".to_owned(),
            None => "input".to_owned(),
        };
        let mut label = format!(
            "{{{}|{}|value {:?}",
            escape(&graph.label(id)),
            escape(&kind),
            values[i]
        );
        if let Some(g) = gradients {
            let _ = write!(label, "|grad {:?}", g.of(id));
        }
        label.push('}');
        let _ = writeln!(dot, "  n{i} [label=\"{label}\"];");
    }
    for super::Wire { from, to, .. } in wires {
        let _ = writeln!(dot, "  n{from} -> n{to};");
    }
    dot.push_str("}\n");
    dot
}
