//! Where each box and wire of a [`Diagram`] goes: a small layered
//! (Sugiyama-style) drawing, left to right.
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

use super::Diagram;

/// Font size of node text, in pixels (monospace).
pub(crate) const FONT: f64 = 12.0;
/// Advance of one monospace character at [`FONT`].
const CHAR_WIDTH: f64 = 7.25;
/// Height of one line of node text.
pub(crate) const LINE: f64 = 16.0;
/// Padding inside a node box.
pub(crate) const PAD: f64 = 8.0;
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

/// A box's place: top-left corner and size, in pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Placed {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

/// A laid-out [`Diagram`]: one place per box and one path per wire, in the
/// diagram's order, and the drawing's size.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// Each box's place, as [`Diagram::nodes`].
    pub boxes: Vec<Placed>,
    /// Each wire's SVG path data (cubic curves from the source's right side
    /// to the target's left side at its operand's height), as
    /// [`Diagram::wires`].
    pub edges: Vec<String>,
    /// Width of the drawing.
    pub width: f64,
    /// Height of the drawing.
    pub height: f64,
}

/// Something that occupies a slot in a column: a node box or a waypoint of
/// a long edge.
#[derive(Clone, Copy)]
enum Item {
    Box(usize),
    Waypoint,
}

/// The size a box needs for its lines.
fn box_size(lines: &[super::Line]) -> (f64, f64) {
    let chars = lines
        .iter()
        .map(|l| l.text.chars().count())
        .max()
        .unwrap_or(1)
        .max(1);
    (
        chars as f64 * CHAR_WIDTH + 2.0 * PAD,
        lines.len().max(1) as f64 * LINE + 2.0 * PAD - 4.0,
    )
}

impl Diagram {
    /// Lays the diagram out (see the module documentation).
    ///
    /// # Panics
    ///
    /// If a wire does not go from an earlier box to a later one (diagrams
    /// from [`Diagram::up_to`] always do).
    pub fn layout(&self) -> Layout {
        let sizes: Vec<(f64, f64)> = self.nodes.iter().map(|n| box_size(&n.lines)).collect();
        let edges: Vec<(usize, usize)> = self.wires.iter().map(|w| (w.from, w.to)).collect();
        let ports: Vec<(usize, usize)> = self.wires.iter().map(|w| (w.port, w.arity)).collect();

        let rank = assign_ranks(self.nodes.len(), &edges);
        let ranks = rank.iter().copied().max().unwrap_or(0) + 1;

        // Columns of items; long edges get waypoints within a budget.
        let mut columns: Vec<Vec<Item>> = vec![Vec::new(); ranks];
        let mut slot_of = vec![0; self.nodes.len()];
        for (b, &r) in rank.iter().enumerate() {
            slot_of[b] = columns[r].len();
            columns[r].push(Item::Box(b));
        }
        let mut budget = 4 * self.nodes.len() + 1000;
        // For each edge, its chain of items from source to target.
        let mut routes: Vec<Vec<(usize, usize)>> = Vec::with_capacity(edges.len());
        for &(from, to) in &edges {
            let (r0, r1) = (rank[from], rank[to]);
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
        // neighbour in the next column carries the offset of the port the
        // edge enters, so the first operand's source is drawn above the
        // second's.
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
            Item::Box(b) => sizes[b].1,
            Item::Waypoint => WAYPOINT_HEIGHT,
        };
        let mut column_x = Vec::with_capacity(ranks);
        let mut column_width = Vec::with_capacity(ranks);
        let mut x = MARGIN;
        for column in &columns {
            let w = column
                .iter()
                .map(|&it| match it {
                    Item::Box(b) => sizes[b].0,
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

        let boxes = (0..self.nodes.len())
            .map(|b| {
                let (width, height) = sizes[b];
                Placed {
                    x: column_x[rank[b]],
                    y: centre[rank[b]][slot_of[b]] - height / 2.0,
                    width,
                    height,
                }
            })
            .collect();

        // Each wire out of the source's right side, across each crossed
        // column at its waypoint's height, into the target's left side at
        // the port.
        let paths = routes
            .iter()
            .enumerate()
            .map(|(e, route)| {
                let (from, to) = edges[e];
                let (port, arity) = ports[e];
                let mut points: Vec<(f64, f64)> = Vec::with_capacity(2 * route.len());
                for (k, &(r, s)) in route.iter().enumerate() {
                    let y = centre[r][s];
                    if k == 0 {
                        points.push((column_x[r] + sizes[from].0, y));
                    } else if k == route.len() - 1 {
                        let h = sizes[to].1;
                        let entry = y - h / 2.0 + h * (port + 1) as f64 / (arity + 1) as f64;
                        points.push((column_x[r], entry));
                    } else {
                        points.push((column_x[r], y));
                        points.push((column_x[r] + column_width[r], y));
                    }
                }
                curve(&points)
            })
            .collect();

        Layout {
            boxes,
            edges: paths,
            width: x - COLUMN_GAP + MARGIN,
            height: bottom + MARGIN,
        }
    }
}

/// SVG path data through `points`, each segment a horizontal-tangent cubic.
fn curve(points: &[(f64, f64)]) -> String {
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
    d
}

/// Two decimals are plenty for pixel coordinates and keep files small.
pub(crate) fn round(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Operations one column right of their rightmost input; inputs and
/// constants one column left of their first user.
fn assign_ranks(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut inputs_of: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(from, to) in edges {
        assert!(from < to, "wires go from earlier boxes to later ones");
        inputs_of[to].push(from);
    }
    // Boxes are in creation order: inputs come first.
    let mut rank = vec![0; n];
    for b in 0..n {
        rank[b] = inputs_of[b].iter().map(|&i| rank[i] + 1).max().unwrap_or(0);
    }
    let mut first_user = vec![usize::MAX; n];
    for &(from, to) in edges {
        first_user[from] = first_user[from].min(rank[to]);
    }
    for b in 0..n {
        if inputs_of[b].is_empty() && first_user[b] != usize::MAX {
            rank[b] = first_user[b] - 1;
        }
    }
    rank
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
