//! SVG export: the lecture's circuit diagrams, drawn without any external
//! program, with each node's forward value and (optionally) gradient.
//!
//! The layout is a small layered (Sugiyama-style) drawing, left to right:
//!
//! 1. **Ranks.** An operation sits one column right of its rightmost
//!    input; inputs and constants sit just left of their first user.
//!    Creation order is a topological order, so this is one forward and
//!    one backward loop.
//! 2. **Long edges** get a waypoint in every column they cross, so they
//!    route between boxes instead of through them (within a budget; past
//!    it, the remaining long edges are drawn straight).
//! 3. **Order** within each column: barycentre sweeps (each item moves
//!    towards the mean position of its neighbours in the previous column,
//!    then the next), which removes most crossings.
//! 4. **Coordinates**: each item is placed at the mean height of its
//!    inputs, pushed down just enough not to overlap the one above.
//!
//! Everything is linear or `n log n` in the number of nodes and waypoints,
//! and nothing recurses, so any graph the tape can hold can be drawn.
//! Composing the document (and escaping text) is left to the `svg` crate.

use svg::Document;
use svg::node::element::{Definitions, Group, Marker, Path, Rectangle, Style, Text, Title};

use super::{Gradients, Graph};
use crate::engine::NodeId;

/// Font size of node text, in pixels (monospace).
const FONT: f64 = 12.0;
/// Advance of one monospace character at [`FONT`].
const CHAR_WIDTH: f64 = 7.25;
/// Height of one line of node text.
const LINE: f64 = 16.0;
/// Padding inside a node box.
const PAD: f64 = 8.0;
/// Horizontal gap between columns (room for the edges).
const COLUMN_GAP: f64 = 56.0;
/// Vertical gap between boxes of one column.
const ROW_GAP: f64 = 18.0;
/// Height a waypoint of a long edge reserves in its column.
const WAYPOINT_HEIGHT: f64 = 8.0;
/// Margin around the drawing.
const MARGIN: f64 = 16.0;
/// Barycentre sweeps (each one down and up).
const SWEEPS: usize = 4;

/// What a node of the drawing is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Input,
    Constant,
    Gate,
    Output,
}

/// A node of the drawing: its text lines and box.
struct Box_ {
    node: NodeId,
    kind: Kind,
    lines: Vec<String>,
    rank: usize,
    width: f64,
    height: f64,
}

/// Something that occupies a slot in a column: a node box or a waypoint of
/// a long edge.
#[derive(Clone, Copy)]
enum Item {
    Box(usize),
    Waypoint,
}

/// Replaces characters XML 1.0 does not allow (control characters) so that
/// any node name gives a well-formed document.
fn xml_safe(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => ' ',
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

pub(crate) fn render(graph: &Graph, output: NodeId, gradients: Option<&Gradients>) -> String {
    let tape = graph.tape();
    let values = tape.values();
    let n = output.index() + 1;

    // Which nodes the output depends on, and the wires between them. Each
    // wire also keeps which operand it is (`port` of `arity`), so that the
    // two operands of a subtraction or division enter their box at different
    // heights, first one on top.
    let (needed, wires) = super::circuit(&tape, output);

    // Dense box numbers, in creation order.
    let mut box_of = vec![usize::MAX; n];
    let mut boxes: Vec<Box_> = Vec::new();
    for i in (0..n).filter(|&i| needed[i]) {
        let id = tape.node(i).expect("i < len");
        let op = tape.op(id);
        let (kind, what) = match op.gate(values) {
            _ if i == n - 1 => (Kind::Output, op.gate(values).map(|g| g.to_string())),
            Some(gate) => (Kind::Gate, Some(gate.to_string())),
            None if op.is_constant() => (Kind::Constant, None),
            None => (Kind::Input, None),
        };
        let what = what.unwrap_or_else(|| {
            match kind {
                Kind::Constant => "constant",
                _ => "input",
            }
            .to_owned()
        });
        let mut lines = vec![
            xml_safe(&graph.label(id)),
            what,
            format!("value {:?}", values[i]),
        ];
        if let Some(g) = gradients {
            lines.push(format!("grad {:?}", g.of(id)));
        }
        let chars = lines.iter().map(|l| l.chars().count()).max().unwrap_or(1);
        box_of[i] = boxes.len();
        boxes.push(Box_ {
            node: id,
            kind,
            width: chars as f64 * CHAR_WIDTH + 2.0 * PAD,
            height: lines.len() as f64 * LINE + 2.0 * PAD - 4.0,
            lines,
            rank: 0,
        });
    }
    let ports: Vec<(usize, usize)> = wires.iter().map(|w| (w.port, w.arity)).collect();
    let edges: Vec<(usize, usize)> = wires
        .iter()
        .map(|w| (box_of[w.from], box_of[w.to]))
        .collect();

    assign_ranks(&mut boxes, &edges);
    let ranks = boxes.iter().map(|b| b.rank).max().unwrap_or(0) + 1;

    // Columns of items; long edges get waypoints within a budget.
    let mut columns: Vec<Vec<Item>> = vec![Vec::new(); ranks];
    let mut slot_of = vec![0; boxes.len()];
    for (b, bx) in boxes.iter().enumerate() {
        slot_of[b] = columns[bx.rank].len();
        columns[bx.rank].push(Item::Box(b));
    }
    let mut budget = 4 * boxes.len() + 1000;
    // For each edge, its chain of items from source to target.
    let mut routes: Vec<Vec<(usize, usize)>> = Vec::with_capacity(edges.len());
    for &(from, to) in &edges {
        let (r0, r1) = (boxes[from].rank, boxes[to].rank);
        let mut route = vec![(r0, slot_of[from])];
        if r1 - r0 > 1 && r1 - r0 - 1 <= budget {
            budget -= r1 - r0 - 1;
            for (r, column) in columns.iter_mut().enumerate().take(r1).skip(r0 + 1) {
                route.push((r, column.len()));
                column.push(Item::Waypoint);
            }
        }
        route.push((r1, slot_of[to]));
        routes.push(route);
    }

    // Neighbours of each item in the previous and next columns. A
    // neighbour in the next column carries the offset of the port the edge
    // enters, so the first operand's source is drawn above the second's.
    let mut prev: Vec<Vec<Vec<(usize, f64)>>> =
        columns.iter().map(|c| vec![Vec::new(); c.len()]).collect();
    let mut next: Vec<Vec<Vec<(usize, f64)>>> =
        columns.iter().map(|c| vec![Vec::new(); c.len()]).collect();
    for (route, &(port, arity)) in routes.iter().zip(&ports) {
        let last = route.len() - 1;
        for (k, pair) in route.windows(2).enumerate() {
            let ((ra, a), (rb, b)) = (pair[0], pair[1]);
            if rb == ra + 1 {
                let offset = if k + 1 == last {
                    (port + 1) as f64 / (arity + 1) as f64 - 0.5
                } else {
                    0.0
                };
                next[ra][a].push((b, offset));
                prev[rb][b].push((a, 0.0));
            }
        }
    }

    // order[r][slot] = position of item `slot` within column r.
    let mut order: Vec<Vec<usize>> = columns.iter().map(|c| (0..c.len()).collect()).collect();
    for _ in 0..SWEEPS {
        for (r, neighbours) in prev.iter().enumerate().skip(1) {
            reorder(&mut order, r, r - 1, neighbours);
        }
        for r in (0..ranks.saturating_sub(1)).rev() {
            reorder(&mut order, r, r + 1, &next[r]);
        }
    }

    // Coordinates: column x from widths, item centre y from inputs.
    let height_of = |item: Item| match item {
        Item::Box(b) => boxes[b].height,
        Item::Waypoint => WAYPOINT_HEIGHT,
    };
    let mut column_x = Vec::with_capacity(ranks);
    let mut column_width = Vec::with_capacity(ranks);
    let mut x = MARGIN;
    for column in &columns {
        let w = column
            .iter()
            .map(|&it| match it {
                Item::Box(b) => boxes[b].width,
                Item::Waypoint => 0.0,
            })
            .fold(0.0, f64::max);
        column_x.push(x);
        column_width.push(w);
        x += w + COLUMN_GAP;
    }
    let mut centre: Vec<Vec<f64>> = columns.iter().map(|c| vec![0.0; c.len()]).collect();
    for r in 0..ranks {
        let mut by_position: Vec<usize> = (0..columns[r].len()).collect();
        by_position.sort_by_key(|&s| order[r][s]);
        let mut last_bottom = f64::NEG_INFINITY;
        for &s in &by_position {
            let h = height_of(columns[r][s]);
            let wanted = if r > 0 && !prev[r][s].is_empty() {
                let ys = &centre[r - 1];
                prev[r][s].iter().map(|&(p, _)| ys[p]).sum::<f64>() / prev[r][s].len() as f64
            } else {
                last_bottom + ROW_GAP + h / 2.0
            };
            let lowest = last_bottom + ROW_GAP + h / 2.0;
            let y = if wanted.is_finite() {
                wanted.max(lowest)
            } else {
                h / 2.0
            };
            centre[r][s] = y;
            last_bottom = y + h / 2.0;
        }
    }
    let top = columns
        .iter()
        .enumerate()
        .flat_map(|(r, c)| c.iter().enumerate().map(move |(s, &it)| (r, s, it)))
        .map(|(r, s, it)| centre[r][s] - height_of(it) / 2.0)
        .fold(f64::INFINITY, f64::min);
    let shift = MARGIN - if top.is_finite() { top } else { 0.0 };
    let mut bottom: f64 = 0.0;
    for (r, ys) in centre.iter_mut().enumerate() {
        for (s, y) in ys.iter_mut().enumerate() {
            *y += shift;
            bottom = bottom.max(*y + height_of(columns[r][s]) / 2.0);
        }
    }
    let width = x - COLUMN_GAP + MARGIN;
    let height = bottom + MARGIN;

    // The document: edges under boxes.
    let mut doc = Document::new()
        .set("width", round(width))
        .set("height", round(height))
        .set("viewBox", (0, 0, round(width), round(height)))
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

    let mut edge_group = Group::new().set("class", "edges");
    for (e, route) in routes.iter().enumerate() {
        let (from, to) = edges[e];
        let (port, arity) = ports[e];
        // Out of the source's right side, across each crossed column at its
        // waypoint's height, into the target's left side at the port.
        let mut points: Vec<(f64, f64)> = Vec::with_capacity(2 * route.len());
        for (k, &(r, s)) in route.iter().enumerate() {
            let y = centre[r][s];
            if k == 0 {
                points.push((column_x[r] + boxes[from].width, y));
            } else if k == route.len() - 1 {
                let h = boxes[to].height;
                let entry = y - h / 2.0 + h * (port + 1) as f64 / (arity + 1) as f64;
                points.push((column_x[r], entry));
            } else {
                points.push((column_x[r], y));
                points.push((column_x[r] + column_width[r], y));
            }
        }
        let mut d = format!("M {} {}", round(points[0].0), round(points[0].1));
        for pair in points.windows(2) {
            let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
            let bend = (x1 - x0) / 2.0;
            d.push_str(&format!(
                " C {} {} {} {} {} {}",
                round(x0 + bend),
                round(y0),
                round(x1 - bend),
                round(y1),
                round(x1),
                round(y1)
            ));
        }
        edge_group = edge_group.add(
            Path::new()
                .set("class", "edge")
                .set("d", d)
                .set("marker-end", "url(#arrow)"),
        );
    }
    doc = doc.add(edge_group);

    let mut node_group = Group::new().set("class", "nodes");
    for (r, column) in columns.iter().enumerate() {
        for (s, &item) in column.iter().enumerate() {
            let Item::Box(b) = item else { continue };
            let bx = &boxes[b];
            let (x, y) = (column_x[r], centre[r][s] - bx.height / 2.0);
            let class = match bx.kind {
                Kind::Input => "node input",
                Kind::Constant => "node constant",
                Kind::Gate => "node gate",
                Kind::Output => "node output",
            };
            let mut g = Group::new()
                .set("class", class)
                .set("id", format!("n{}", bx.node.index()))
                .add(Title::new(bx.lines.join("\n")))
                .add(
                    Rectangle::new()
                        .set("x", round(x))
                        .set("y", round(y))
                        .set("width", round(bx.width))
                        .set("height", round(bx.height))
                        .set("rx", 6),
                );
            for (k, line) in bx.lines.iter().enumerate() {
                let line_class = match k {
                    0 => "name",
                    1 => "gate",
                    2 => "value",
                    _ => "grad",
                };
                g = g.add(
                    Text::new(line.as_str())
                        .set("class", line_class)
                        .set("x", round(x + PAD))
                        .set("y", round(y + PAD + (k as f64 + 0.75) * LINE)),
                );
            }
            node_group = node_group.add(g);
        }
    }
    doc = doc.add(node_group);
    doc.to_string()
}

/// The diagram's look: boxes by kind; values green and gradients red, as
/// in the lecture's circuit diagrams.
const STYLE: &str = "\
.edge { fill: none; stroke: #6b7280; stroke-width: 1.3; }
.arrowhead { fill: #6b7280; }
.node rect { stroke: #374151; stroke-width: 1; fill: #ffffff; }
.node.input rect { fill: #dbeafe; }
.node.constant rect { fill: #f3f4f6; }
.node.output rect { fill: #fef3c7; stroke-width: 2; }
.name { font-weight: bold; fill: #111827; }
.gate { font-style: italic; fill: #4b5563; }
.value { fill: #15803d; }
.grad { fill: #b91c1c; }
";

/// Two decimals are plenty for pixel coordinates and keep the file small.
fn round(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Operations one column right of their rightmost input; inputs and
/// constants one column left of their first user.
fn assign_ranks(boxes: &mut [Box_], edges: &[(usize, usize)]) {
    let mut inputs_of: Vec<Vec<usize>> = vec![Vec::new(); boxes.len()];
    for &(from, to) in edges {
        inputs_of[to].push(from);
    }
    // Boxes are in creation order: inputs come first.
    for b in 0..boxes.len() {
        let rank = inputs_of[b]
            .iter()
            .map(|&i| boxes[i].rank + 1)
            .max()
            .unwrap_or(0);
        boxes[b].rank = rank;
    }
    let mut first_user = vec![usize::MAX; boxes.len()];
    for &(from, to) in edges {
        first_user[from] = first_user[from].min(boxes[to].rank);
    }
    for (b, bx) in boxes.iter_mut().enumerate() {
        if inputs_of[b].is_empty() && first_user[b] != usize::MAX {
            bx.rank = first_user[b] - 1;
        }
    }
}

/// Sorts column `r` by the mean position of each item's neighbours in
/// column `other` (plus each edge's port offset); items without neighbours
/// keep their position.
fn reorder(order: &mut [Vec<usize>], r: usize, other: usize, neighbours: &[Vec<(usize, f64)>]) {
    let keys: Vec<(f64, usize, usize)> = (0..order[r].len())
        .map(|s| {
            let ns = &neighbours[s];
            let key = if ns.is_empty() {
                order[r][s] as f64
            } else {
                ns.iter()
                    .map(|&(t, offset)| order[other][t] as f64 + offset)
                    .sum::<f64>()
                    / ns.len() as f64
            };
            (key, order[r][s], s)
        })
        .collect();
    let mut sorted = keys;
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    for (position, &(_, _, s)) in sorted.iter().enumerate() {
        order[r][s] = position;
    }
}
