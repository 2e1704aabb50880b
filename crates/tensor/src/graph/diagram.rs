//! Circuit diagrams of tensor graphs, drawn by the same diagram model and
//! layout as scalar graphs (`backprop_graph::diagram`): each node's name,
//! operation and shape and, for small tensors, its values and gradient.

use backprop_graph::diagram::{Diagram, DiagramNode, Line, LineRole, NodeKind};
use ndarray::ArrayViewD;

use super::{Node, Tensor, TensorGradients, TensorGraph};
use crate::{Element, TensorOp};

/// Significant digits of values shown in diagrams.
const DIGITS: usize = 4;

/// What a node is for diagrams: its operation (`None` for a leaf), whether
/// it is a constant leaf, and its inputs' tape indices, in order.
fn wiring<A>(node: &Node<A>) -> (Option<&TensorOp>, bool, Vec<usize>) {
    match node {
        Node::Leaf { trainable, .. } => (None, !trainable, Vec::new()),
        Node::Apply { op, inputs, .. } => (
            Some(op),
            false,
            inputs.iter().map(|(i, _)| i.index()).collect(),
        ),
    }
}

/// `x` with [`DIGITS`] significant digits, trailing zeros trimmed
/// (`0.1966`, `-2`, `1.5e-7`, `NaN`).
fn short(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x:?}");
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0" } else { "0" }.to_owned();
    }
    let magnitude = x.abs().log10().floor();
    if !(-4.0..6.0).contains(&magnitude) {
        let text = format!("{:.*e}", DIGITS - 1, x);
        let (mantissa, exponent) = text.split_once('e').expect("scientific");
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        return format!("{mantissa}e{exponent}");
    }
    let decimals = (DIGITS as f64 - 1.0 - magnitude).max(0.0) as usize;
    let text = format!("{x:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// The lines showing a small tensor: one for a scalar or a vector, one per
/// row for a matrix (rows aligned with no-break spaces, which SVG text
/// keeps), one flat list otherwise. `None` past
/// [`TensorGraph::DIAGRAM_MAX_ELEMENTS`].
fn elements<A: Element>(prefix: &str, a: &ArrayViewD<'_, A>) -> Option<Vec<String>> {
    if a.len() > TensorGraph::<A>::DIAGRAM_MAX_ELEMENTS {
        return None;
    }
    let list = |values: &mut dyn Iterator<Item = &A>| {
        values
            .map(|v| short(v.to_f64()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Some(match a.ndim() {
        0 => vec![format!("{prefix} {}", list(&mut a.iter()))],
        1 => vec![format!("{prefix} [{}]", list(&mut a.iter()))],
        2 => {
            let rows = a.outer_iter().count();
            a.outer_iter()
                .enumerate()
                .map(|(r, row)| {
                    let open = if r == 0 {
                        format!("{prefix} [[")
                    } else {
                        "\u{a0}".repeat(prefix.len() + 2) + "["
                    };
                    let close = if r + 1 == rows { "]]" } else { "]," };
                    format!("{open}{}{close}", list(&mut row.iter()))
                })
                .collect()
        }
        _ => vec![format!("{prefix} (flat) [{}]", list(&mut a.iter()))],
    })
}

/// A shape as NumPy prints it: `(3, 2)`, `(3,)`, `()`.
fn shape_text(shape: &[usize]) -> String {
    match shape {
        [n] => format!("({n},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

impl<A: Element> TensorGraph<A> {
    /// Tensors with at most this many elements show their values and
    /// gradients in diagrams; larger ones show their shape only.
    pub const DIAGRAM_MAX_ELEMENTS: usize = 16;

    /// The circuit diagram of everything `output` depends on: one box per
    /// node with its name (or `#index`), operation (`matmul`, `sigmoid`,
    /// `sum(all)`, `input`, `constant`), shape and — for tensors of at most
    /// [`TensorGraph::DIAGRAM_MAX_ELEMENTS`] elements — its values and, if `gradients`
    /// are given, its gradient (4 significant digits). Render it with
    /// [`Diagram::to_dot`], or `to_svg` with this crate's `svg` feature.
    ///
    /// # Panics
    ///
    /// When `output` is a tensor of another graph (a drawing has no error
    /// to return; the operations that build a graph refuse such tensors
    /// with [`TensorError::ForeignTensor`](crate::TensorError::ForeignTensor)).
    pub fn diagram(
        &self,
        output: Tensor<'_, A>,
        gradients: Option<&TensorGradients<A>>,
    ) -> Diagram {
        assert!(
            std::ptr::eq(self, output.graph),
            "diagram: the output is a tensor of another TensorGraph"
        );
        let tape = self.tape.borrow();
        Diagram::up_to(
            output.id.index(),
            |i, inputs| {
                let id = tape.node(i).expect("i < len");
                inputs.extend(wiring(tape.op(id)).2);
            },
            |i| {
                let id = tape.node(i).expect("i < len");
                let (op, constant, _) = wiring(tape.op(id));
                let kind = match op {
                    _ if i == output.id.index() => NodeKind::Output,
                    Some(_) => NodeKind::Operation,
                    None if constant => NodeKind::Constant,
                    None => NodeKind::Input,
                };
                let value = tape.value(id).0.view();
                let name = tape.name(id).map_or_else(|| format!("#{i}"), str::to_owned);
                let mut lines = vec![
                    Line::new(LineRole::Name, name),
                    Line::new(
                        LineRole::Operation,
                        match op {
                            Some(op) => op.to_string(),
                            None if constant => "constant".to_owned(),
                            None => "input".to_owned(),
                        },
                    ),
                    Line::new(
                        LineRole::Shape,
                        format!("shape {}", shape_text(value.shape())),
                    ),
                ];
                for text in elements("value", &value).into_iter().flatten() {
                    lines.push(Line::new(LineRole::Value, text));
                }
                if let Some(grad) = gradients.and_then(|g| g.of(id)) {
                    for text in elements("grad", &grad).into_iter().flatten() {
                        lines.push(Line::new(LineRole::Gradient, text));
                    }
                }
                DiagramNode::new(i, kind, lines)
            },
        )
    }

    /// [`diagram`](TensorGraph::diagram) as Graphviz DOT.
    ///
    /// ```
    /// use backprop_tensor::TensorGraph;
    /// use ndarray::array;
    ///
    /// let g = TensorGraph::<f64>::new();
    /// let w = g.named("W", array![[1.0, 2.0], [3.0, 4.0]]);
    /// let x = g.named("x", array![1.0, -1.0]);
    /// let loss = w.matmul(x)?.sigmoid().sum().named("loss");
    /// let dot = g.to_dot(loss, Some(&g.backward(loss)?));
    /// assert!(dot.contains("matmul") && dot.contains("shape (2, 2)"));
    /// # Ok::<(), backprop_tensor::TensorError>(())
    /// ```
    pub fn to_dot(&self, output: Tensor<'_, A>, gradients: Option<&TensorGradients<A>>) -> String {
        self.diagram(output, gradients).to_dot()
    }

    /// [`diagram`](TensorGraph::diagram) as SVG, laid out without any
    /// external program (values green, gradients red). Requires the `svg`
    /// feature.
    ///
    /// ```
    /// use backprop_tensor::TensorGraph;
    /// use ndarray::array;
    ///
    /// let g = TensorGraph::<f64>::new();
    /// let x = g.named("x", array![0.5, -1.0]);
    /// let loss = x.tanh().sum().named("loss");
    /// let svg = g.to_svg(loss, Some(&g.backward(loss)?));
    /// assert!(svg.starts_with("<svg") && svg.contains("grad [0.7864, 0.42]"));
    /// # Ok::<(), backprop_tensor::TensorError>(())
    /// ```
    #[cfg(feature = "svg")]
    pub fn to_svg(&self, output: Tensor<'_, A>, gradients: Option<&TensorGradients<A>>) -> String {
        self.diagram(output, gradients).to_svg()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_four_significant_digits() {
        for (x, text) in [
            (0.19661193324148185, "0.1966"),
            (-2.0, "-2"),
            (1234.5678, "1235"),
            (0.0001234, "0.0001234"),
            (1.5e-7, "1.5e-7"),
            (-3.0e12, "-3e12"),
            (0.0, "0"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-inf"),
        ] {
            assert_eq!(short(x), text, "{x}");
        }
    }

    #[test]
    fn shapes_print_as_numpy_does() {
        assert_eq!(shape_text(&[3, 2]), "(3, 2)");
        assert_eq!(shape_text(&[3]), "(3,)");
        assert_eq!(shape_text(&[]), "()");
    }
}
