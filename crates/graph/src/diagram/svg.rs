//! The SVG rendering of a laid-out [`Diagram`]. Composing the document
//! (and escaping text) is left to the `svg` crate.

use svg::Document;
use svg::node::element::{Definitions, Group, Marker, Path, Rectangle, Style, Text, Title};

use super::layout::{FONT, LINE, PAD, round};
use super::{Diagram, Layout};

/// The diagram's look: boxes by kind; values green and gradients red, as
/// in the lecture's circuit diagrams. Line rules name `text` elements:
/// an operation's box is itself of class `gate`.
pub(crate) const STYLE: &str = "\
.edge { fill: none; stroke: #6b7280; stroke-width: 1.3; }
.arrowhead { fill: #6b7280; }
.node rect { stroke: #374151; stroke-width: 1; fill: #ffffff; }
.node.input rect { fill: #dbeafe; }
.node.constant rect { fill: #f3f4f6; }
.node.output rect { fill: #fef3c7; stroke-width: 2; }
text.name { font-weight: bold; fill: #111827; }
text.gate { font-style: italic; fill: #4b5563; }
text.shape { fill: #4b5563; }
text.value { fill: #15803d; }
text.grad { fill: #b91c1c; }
";

/// Replaces characters XML 1.0 does not allow (control characters) so that
/// any node name gives a well-formed document.
pub(crate) fn xml_safe(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => ' ',
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

impl Diagram {
    /// An SVG document of the diagram, laid out by [`Diagram::layout`]:
    /// one group per box (`class="node KIND"`, `id="n{index}"`, a `<title>`
    /// and one `<text>` per line, classed by its role) over one path per
    /// wire (`class="edge"`, `data-from` / `data-to` naming the boxes' ids).
    ///
    /// ```
    /// use backprop_graph::diagram::{Diagram, DiagramNode, Line, LineRole, NodeKind};
    ///
    /// let d = Diagram::up_to(0, |_, _| {}, |i| {
    ///     DiagramNode::new(i, NodeKind::Output, vec![Line::new(LineRole::Value, "value 1.0")])
    /// });
    /// assert!(d.to_svg().contains("<text class=\"value\""));
    /// ```
    pub fn to_svg(&self) -> String {
        self.to_svg_with(&self.layout())
    }

    /// The SVG document for a layout of this diagram (from
    /// [`Diagram::layout`]).
    pub fn to_svg_with(&self, layout: &Layout) -> String {
        let (width, height) = (round(layout.width), round(layout.height));
        let mut doc = Document::new()
            .set("width", width)
            .set("height", height)
            .set("viewBox", (0, 0, width, height))
            .set(
                "font-family",
                "DejaVu Sans Mono, Menlo, Consolas, monospace",
            )
            .set("font-size", FONT)
            .add(Title::new("backprop circuit: forward values and gradients"))
            .add(Style::new(STYLE))
            .add(
                Definitions::new().add(
                    Marker::new()
                        .set("id", "arrow")
                        .set("viewBox", "0 0 10 10")
                        .set("refX", 10)
                        .set("refY", 5)
                        .set("markerWidth", 7)
                        .set("markerHeight", 7)
                        .set("orient", "auto")
                        .add(
                            Path::new()
                                .set("d", "M 0 0 L 10 5 L 0 10 z")
                                .set("class", "arrowhead"),
                        ),
                ),
            );

        // Edges under boxes.
        let mut edge_group = Group::new().set("class", "edges");
        for (wire, d) in self.wires.iter().zip(&layout.edges) {
            edge_group = edge_group.add(
                Path::new()
                    .set("class", "edge")
                    .set("data-from", format!("n{}", self.nodes[wire.from].index))
                    .set("data-to", format!("n{}", self.nodes[wire.to].index))
                    .set("d", d.as_str())
                    .set("marker-end", "url(#arrow)"),
            );
        }
        doc = doc.add(edge_group);

        let mut node_group = Group::new().set("class", "nodes");
        for (node, place) in self.nodes.iter().zip(&layout.boxes) {
            let tooltip = match &node.tooltip {
                Some(t) => xml_safe(t),
                None => node
                    .lines
                    .iter()
                    .map(|l| xml_safe(&l.text))
                    .collect::<Vec<_>>()
                    .join("\n"),
            };
            let mut g = Group::new()
                .set("class", format!("node {}", node.kind.class()))
                .set("id", format!("n{}", node.index))
                .add(Title::new(tooltip))
                .add(
                    Rectangle::new()
                        .set("x", round(place.x))
                        .set("y", round(place.y))
                        .set("width", round(place.width))
                        .set("height", round(place.height))
                        .set("rx", 6),
                );
            for (k, line) in node.lines.iter().enumerate() {
                g = g.add(
                    Text::new(xml_safe(&line.text))
                        .set("class", line.role.class())
                        .set("x", round(place.x + PAD))
                        .set("y", round(place.y + PAD + (k as f64 + 0.75) * LINE)),
                );
            }
            node_group = node_group.add(g);
        }
        doc.add(node_group).to_string()
    }
}
