//! The step-by-step page: one self-contained HTML file (inline SVG, CSS and
//! a small script of our own, nothing fetched) that replays a graph's
//! forward pass stage by stage, then its backward pass from the output, on
//! the circuit diagram.
//!
//! The page is generated from the graph's staged [`Trace`](super::Trace)
//! and the one circuit layout of [`crate::diagram`]. Rust writes every
//! number (shortest round-trip digits, the running sums of fan-out
//! accumulated in the engine's order); the script only replays events, so
//! what the page shows at the last step is exactly what
//! [`Graph::backward`] returns.
//!
//! Steps: step 0 shows the inputs; steps `1..=F` compute the `F` forward
//! stages (the graph's operations, in creation order); steps `F+1..=F+B`
//! are the `B` backward steps of the trace, one per operation, output
//! first.

mod json;

use json::Json;

use super::diagram::{circuit, describe};
use super::{Graph, Var};
use crate::diagram::{DiagramNode, Line, LineRole, NodeKind};
use crate::engine::NodeId;

/// Characters of a name shown in its box (the hover shows more).
const BOX_NAME_CHARS: usize = 32;
/// Characters of a name shown when hovering.
const HOVER_NAME_CHARS: usize = 400;

/// The page's stylesheet.
const CSS: &str = include_str!("page.css");
/// The page's script.
const SCRIPT: &str = include_str!("page.js");

impl Graph {
    /// A self-contained HTML page that steps through the forward and the
    /// backward pass of `output` on its circuit diagram, as the lecture
    /// does on the board. Requires the `html` feature.
    ///
    /// Step 0 shows the inputs; each forward step computes one operation
    /// (its value appears, green); each backward step takes one operation,
    /// from the output down: its upstream gradient arrives, its local
    /// derivatives are shown, and each input receives `local × upstream`,
    /// summing visibly when it is used more than once (the notebook's
    /// `dx += ...`; gradients red). Buttons, a slider and the arrow keys
    /// (`Home` / `End` too) move between steps; the URL fragment `#step=N`
    /// links to a step; hovering (or focusing) a box shows its formula,
    /// local derivatives, value and the contributions it has received.
    ///
    /// `title` heads the page (its lines are kept). Nothing is fetched: no
    /// framework, font or network access.
    ///
    /// ```
    /// use backprop_graph::Graph;
    ///
    /// let g = Graph::new();
    /// let (x, y, z) = (g.named("x", -2.0), g.named("y", 5.0), g.named("z", -4.0));
    /// let f = ((x + y).named("q") * z).named("f");
    /// let html = g.to_html(f, "f = (x + y) * z");
    /// assert!(html.starts_with("<!DOCTYPE html>"));
    /// assert!(html.contains("<svg") && !html.contains("<script src"));
    /// ```
    pub fn to_html(&self, output: Var<'_>, title: &str) -> String {
        self.check_same(output);
        let data = page_data(self, output.id);
        let svg = annotated_circuit(self, output.id, &data);
        page(title, &svg, &data.json)
    }
}

/// What the page knows about the graph: the JSON for its script, and the
/// longest gradient text each box will show (so boxes are wide enough).
struct PageData {
    json: String,
    widest_grad: Vec<Option<String>>,
    stage: Vec<Option<usize>>,
}

/// `name` cut to `max` characters, with an ellipsis when cut.
fn shorten(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        return name.to_owned();
    }
    let mut s: String = name.chars().take(max - 1).collect();
    s.push('…');
    s
}

fn page_data(graph: &Graph, output: NodeId) -> PageData {
    let trace = super::trace::record(graph, output);
    let n = output.index() + 1;
    let tape = graph.tape();

    // Forward stage numbers: operations in creation order.
    let mut stage = vec![None; n];
    for (k, step) in trace.steps.iter().rev().enumerate() {
        stage[step.node.index()] = Some(k + 1);
    }
    let is_constant = |i: usize| tape.op(tape.node(i).expect("i < n")).is_constant();
    let reference = |id: NodeId| -> String {
        let i = id.index();
        match stage[i] {
            Some(k) => format!("[{k}]"),
            None if is_constant(i) => format!("{:?}", tape.values()[i]),
            None => shorten(&graph.label(id), BOX_NAME_CHARS),
        }
    };

    // Boxes, in creation order: the nodes the output depends on.
    let diagram_nodes = circuit(graph, output, |i| {
        DiagramNode::new(i, NodeKind::Input, vec![])
    });
    let mut position = vec![usize::MAX; n];
    for (p, node) in diagram_nodes.nodes.iter().enumerate() {
        position[node.index] = p;
    }

    // How many contributions each box receives (constants get none shown).
    let mut expected = vec![0usize; n];
    for step in &trace.steps {
        for send in step.sends.iter().filter(|s| !is_constant(s.to.index())) {
            expected[send.to.index()] += 1;
        }
    }

    // Backward steps, with the running sums in the engine's order.
    let mut total = vec![0.0f64; n];
    let mut received = vec![0usize; n];
    let mut widest_grad: Vec<Option<String>> = vec![None; n];
    let mut widen = |i: usize, text: String| {
        let longer = widest_grad[i]
            .as_ref()
            .is_none_or(|w| w.chars().count() < text.chars().count());
        if longer {
            widest_grad[i] = Some(text);
        }
    };
    let mut steps: Vec<Json> = Vec::with_capacity(2 * trace.steps.len());
    for step in trace.steps.iter().rev() {
        steps.push(Json::Obj(vec![("f", position[step.node.index()].into())]));
    }
    let mut locals: Vec<Vec<(String, String)>> = vec![Vec::new(); n];
    for step in &trace.steps {
        let i = step.node.index();
        widen(i, format!("{:?}", step.upstream));
        let mut sends = Vec::with_capacity(step.sends.len());
        for send in &step.sends {
            let to = send.to.index();
            locals[i].push((reference(send.to), format!("{:?}", send.local)));
            if is_constant(to) {
                continue;
            }
            total[to] += send.sent;
            received[to] += 1;
            widen(to, format!("{:?}", total[to]));
            sends.push(Json::Arr(vec![
                position[to].into(),
                format!("{:?}", send.local).into(),
                format!("{:?}", send.sent).into(),
                format!("{:?}", total[to]).into(),
                received[to].into(),
                expected[to].into(),
            ]));
        }
        steps.push(Json::Obj(vec![
            ("b", position[i].into()),
            ("up", format!("{:?}", step.upstream).into()),
            ("s", Json::Arr(sends)),
        ]));
    }

    let nodes: Vec<Json> = diagram_nodes
        .nodes
        .iter()
        .map(|node| {
            let i = node.index;
            let id = tape.node(i).expect("i < n");
            let (kind, what) = describe(graph, i, output);
            let (gate, formula) = match tape.op(id).gate(tape.values()) {
                Some(gate) => {
                    let (ids, arity) = tape.op(id).inputs();
                    let operands: Vec<String> =
                        ids[..arity].iter().map(|&x| reference(x)).collect();
                    let operands: Vec<&str> = operands.iter().map(String::as_str).collect();
                    (Some(what), Some(gate.formula(&operands)))
                }
                None => (None, None),
            };
            let kind = if is_constant(i) {
                "constant"
            } else {
                kind.class()
            };
            let locals = locals[i]
                .iter()
                .map(|(to, d)| Json::Arr(vec![to.clone().into(), d.clone().into()]))
                .collect();
            Json::Obj(vec![
                ("id", i.into()),
                ("ref", reference(id).into()),
                ("label", shorten(&graph.label(id), HOVER_NAME_CHARS).into()),
                ("kind", kind.to_owned().into()),
                ("gate", gate.into()),
                ("formula", formula.into()),
                ("value", format!("{:?}", tape.values()[i]).into()),
                ("stage", stage[i].into()),
                ("locals", Json::Arr(locals)),
                ("contributions", expected[i].into()),
            ])
        })
        .collect();

    // An output that is an input: d f / d f = 1 with nothing to propagate.
    let seed = (trace.steps.is_empty() && !is_constant(output.index())).then(|| {
        widen(output.index(), format!("{:?}", 1.0));
        format!("{:?}", 1.0)
    });
    let data = Json::Obj(vec![
        ("output", position[output.index()].into()),
        (
            "outputName",
            shorten(&graph.label(output), BOX_NAME_CHARS).into(),
        ),
        ("forwardStages", trace.steps.len().into()),
        ("backwardSteps", trace.steps.len().into()),
        ("seed", seed.into()),
        ("nodes", Json::Arr(nodes)),
        ("steps", Json::Arr(steps)),
    ]);
    // `<` is never written raw, so no `</script>` can end the data early.
    let mut json = String::new();
    data.write(&mut json);
    PageData {
        json,
        widest_grad,
        stage,
    }
}

/// The circuit as SVG, each box sized for the longest text it will show.
fn annotated_circuit(graph: &Graph, output: NodeId, data: &PageData) -> String {
    let diagram = circuit(graph, output, |i| {
        let id = graph.tape().node(i).expect("i < len");
        let (kind, what) = describe(graph, i, output);
        let what = match data.stage[i] {
            Some(k) => format!("[{k}] {what}"),
            None => what,
        };
        let mut lines = vec![
            Line::new(LineRole::Name, shorten(&graph.label(id), BOX_NAME_CHARS)),
            Line::new(LineRole::Operation, what),
            Line::new(
                LineRole::Value,
                format!("value {:?}", graph.tape().value(id)),
            ),
        ];
        if let Some(widest) = &data.widest_grad[i] {
            lines.push(Line::new(LineRole::Gradient, format!("grad {widest}")));
        }
        let mut node = DiagramNode::new(i, kind, lines);
        node.tooltip = Some(shorten(&graph.label(id), HOVER_NAME_CHARS));
        node
    });
    diagram.to_svg()
}

/// Escapes text for HTML content and attribute values.
fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn page(title: &str, svg: &str, json: &str) -> String {
    let first_line = title.lines().next().unwrap_or("");
    let title_html = html_escape(title.trim_end());
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>backprop: {head}</title>
<style>
{CSS}</style>
</head>
<body>
<header>
<h1 id="bp-title">{title_html}</h1>
<p class="bp-legend">Forward pass stage by stage (<span class="bp-v">values, green</span>), then the backward pass from the output (<span class="bp-g">gradients, red</span>): each stage sends its local derivative &times; the upstream gradient to each input, and an input used several times adds up what it receives. <kbd>&larr;</kbd> <kbd>&rarr;</kbd> step, <kbd>Home</kbd> <kbd>End</kbd> jump; hover a box for its formula.</p>
</header>
<nav id="bp-controls" aria-label="steps">
<button type="button" id="bp-first" title="first step (Home)">&#x21E4; start</button>
<button type="button" id="bp-prev" title="previous step (&larr;)">&#x25C0; back</button>
<button type="button" id="bp-next" title="next step (&rarr;)">next &#x25B6;</button>
<button type="button" id="bp-last" title="last step (End)">end &#x21E5;</button>
<input type="range" id="bp-slider" min="0" max="0" value="0" aria-label="step">
<output id="bp-counter" aria-live="polite"></output>
</nav>
<section id="bp-explain" aria-live="polite"><noscript>This page needs JavaScript to step through the passes; the circuit below shows the final state.</noscript></section>
<div id="bp-circuit">
{svg}
</div>
<div id="bp-hover" role="tooltip" hidden></div>
<script type="application/json" id="bp-data">{json}</script>
<script>
{SCRIPT}</script>
</body>
</html>
"#,
        head = html_escape(first_line),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_shortened_on_character_boundaries() {
        assert_eq!(shorten("sigmoid(x)", 32), "sigmoid(x)");
        assert_eq!(shorten("ééééé", 3), "éé…");
    }

    #[test]
    fn html_text_is_escaped() {
        assert_eq!(
            html_escape("<a href=\"x\">'&'</a>\u{1}"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;\u{FFFD}"
        );
    }
}
