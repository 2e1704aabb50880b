//! Circuit diagrams of any graph on a [`Tape`](crate::Tape): a
//! drawing-neutral model (boxes of text lines, wires between them) that
//! scalar graphs, tensor graphs and the step-by-step page all fill in, and
//! its renderings — Graphviz DOT here, SVG laid out in Rust with feature
//! `svg`.
//!
//! ```
//! use backprop_graph::diagram::{Diagram, DiagramNode, Line, LineRole, NodeKind};
//!
//! // f = x + x: one input, fan-out into both operands of the add.
//! let diagram = Diagram::up_to(
//!     1,
//!     |i, inputs| if i == 1 { inputs.extend([0, 0]) },
//!     |i| DiagramNode::new(
//!         i,
//!         if i == 0 { NodeKind::Input } else { NodeKind::Output },
//!         vec![Line::new(LineRole::Name, if i == 0 { "x" } else { "f" })],
//!     ),
//! );
//! assert_eq!(diagram.wires.len(), 2);
//! assert!(diagram.to_dot().contains("n0 -> n1;"));
//! ```

#[cfg(feature = "svg")]
mod layout;
#[cfg(feature = "svg")]
mod svg;

use std::fmt::Write;

#[cfg(feature = "svg")]
pub use layout::{Layout, Placed};

/// What a box of the diagram stands for (it decides the box's colour).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// An input variable or tensor.
    Input,
    /// A constant: drawn, but no gradient is wanted.
    Constant,
    /// An operation between the inputs and the output.
    Operation,
    /// The node the diagram is drawn up to.
    Output,
}

impl NodeKind {
    /// The CSS class of boxes of this kind (`input`, `constant`, `gate`,
    /// `output`).
    pub fn class(self) -> &'static str {
        match self {
            NodeKind::Input => "input",
            NodeKind::Constant => "constant",
            NodeKind::Operation => "gate",
            NodeKind::Output => "output",
        }
    }
}

/// What a line of a box says (it decides the line's colour: values green,
/// gradients red, as in the lecture's circuit diagrams).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineRole {
    /// The node's name.
    Name,
    /// The operation (gate) or `input` / `constant`.
    Operation,
    /// A tensor's shape.
    Shape,
    /// A forward value.
    Value,
    /// A gradient.
    Gradient,
}

impl LineRole {
    /// The CSS class of lines of this role (`name`, `gate`, `shape`,
    /// `value`, `grad`).
    pub fn class(self) -> &'static str {
        match self {
            LineRole::Name => "name",
            LineRole::Operation => "gate",
            LineRole::Shape => "shape",
            LineRole::Value => "value",
            LineRole::Gradient => "grad",
        }
    }
}

/// One line of text in a box.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// What the line says.
    pub role: LineRole,
    /// The text, as shown.
    pub text: String,
}

impl Line {
    /// A line of `role` saying `text`.
    pub fn new(role: LineRole, text: impl Into<String>) -> Line {
        Line {
            role,
            text: text.into(),
        }
    }
}

/// A box of the diagram.
#[derive(Clone, Debug, PartialEq)]
pub struct DiagramNode {
    /// The node's index on its tape; element ids are `n{index}`.
    pub index: usize,
    /// What the box stands for.
    pub kind: NodeKind,
    /// Its lines of text, top to bottom.
    pub lines: Vec<Line>,
    /// The hover text (SVG `<title>`); `None` shows the lines.
    pub tooltip: Option<String>,
}

impl DiagramNode {
    /// A box for tape node `index`, with no tooltip of its own.
    pub fn new(index: usize, kind: NodeKind, lines: Vec<Line>) -> DiagramNode {
        DiagramNode {
            index,
            kind,
            lines,
            tooltip: None,
        }
    }
}

/// One wire: box `from` feeds operand `port` (of `arity`) of box `to`
/// (positions in [`Diagram::nodes`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wire {
    /// The box whose value flows along the wire.
    pub from: usize,
    /// The box that reads it.
    pub to: usize,
    /// Which operand of `to` it is (0 = first).
    pub port: usize,
    /// How many operands `to` has.
    pub arity: usize,
}

/// A circuit diagram: boxes in creation (topological) order and the wires
/// between them, operands in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diagram {
    /// The boxes, inputs before their users.
    pub nodes: Vec<DiagramNode>,
    /// The wires, grouped by target in creation order.
    pub wires: Vec<Wire>,
}

impl Diagram {
    /// The diagram of the part of a tape that node `output` depends on.
    ///
    /// `inputs_of(i, &mut inputs)` pushes the tape indices of node `i`'s
    /// operands, in order (all below `i`); `node(i)` describes node `i`.
    /// Only nodes the output depends on are described. One reverse sweep
    /// over the tape, no recursion.
    pub fn up_to(
        output: usize,
        mut inputs_of: impl FnMut(usize, &mut Vec<usize>),
        mut node: impl FnMut(usize) -> DiagramNode,
    ) -> Diagram {
        let n = output + 1;
        let mut needed = vec![false; n];
        needed[output] = true;
        // (from, to, port, arity) in tape indices, collected backwards.
        let mut tape_wires = Vec::new();
        let mut inputs = Vec::with_capacity(2);
        for to in (0..n).rev() {
            if !needed[to] {
                continue;
            }
            inputs.clear();
            inputs_of(to, &mut inputs);
            let arity = inputs.len();
            for (port, &from) in inputs.iter().enumerate().rev() {
                assert!(from < to, "a node's inputs precede it on the tape");
                needed[from] = true;
                tape_wires.push((from, to, port, arity));
            }
        }
        tape_wires.reverse();
        let mut position = vec![usize::MAX; n];
        let mut nodes = Vec::new();
        for i in (0..n).filter(|&i| needed[i]) {
            position[i] = nodes.len();
            nodes.push(node(i));
        }
        let wires = tape_wires
            .into_iter()
            .map(|(from, to, port, arity)| Wire {
                from: position[from],
                to: position[to],
                port,
                arity,
            })
            .collect();
        Diagram { nodes, wires }
    }

    /// A Graphviz DOT rendering: one record per box, its lines as fields,
    /// nodes named `n{index}`.
    pub fn to_dot(&self) -> String {
        let mut dot = String::from(
            "digraph backprop {\n  rankdir=LR;\n  node [shape=record, fontname=\"Helvetica\"];\n",
        );
        for node in &self.nodes {
            let fields: Vec<String> = node.lines.iter().map(|l| dot_escape(&l.text)).collect();
            let _ = writeln!(
                dot,
                "  n{} [label=\"{{{}}}\"];",
                node.index,
                fields.join("|")
            );
        }
        for w in &self.wires {
            let _ = writeln!(
                dot,
                "  n{} -> n{};",
                self.nodes[w.from].index, self.nodes[w.to].index
            );
        }
        dot.push_str("}\n");
        dot
    }
}

/// Escapes text for a DOT record label.
fn dot_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '{' | '}' | '|' | '<' | '>' | '"' | '\\' => {
                out.push('\\');
                out.push(ch);
            }
            // A record field is one line; a line break would end the label.
            '\n' | '\r' => out.push(' '),
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_labels_escape_record_syntax() {
        assert_eq!(
            dot_escape("{a|b}<\"c\">\\\n"),
            "\\{a\\|b\\}\\<\\\"c\\\"\\>\\\\ "
        );
    }

    #[test]
    fn only_nodes_the_output_depends_on_are_drawn() {
        // 0: x, 1: unused, 2: x + x
        let d = Diagram::up_to(
            2,
            |i, v| {
                if i == 2 {
                    v.extend([0, 0])
                }
            },
            |i| DiagramNode::new(i, NodeKind::Input, vec![]),
        );
        let indices: Vec<usize> = d.nodes.iter().map(|n| n.index).collect();
        assert_eq!(indices, [0, 2]);
        assert_eq!(
            d.wires,
            [
                Wire {
                    from: 0,
                    to: 1,
                    port: 0,
                    arity: 2
                },
                Wire {
                    from: 0,
                    to: 1,
                    port: 1,
                    arity: 2
                }
            ]
        );
    }
}
