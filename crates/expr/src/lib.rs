//! A small expression language for backpropagation.
//!
//! Write a formula as text — `(x + sigmoid(y)) / (sigmoid(x) + (x + y)^2)`
//! — and get it as a [`backprop_graph::Graph`]: its value, every
//! variable's gradient, the staged backward trace and the circuit diagram.
//! This is the library behind the `backprop` command (package
//! `backprop-cli`).
//!
//! ```
//! use backprop_expr::Expr;
//! use backprop_graph::Graph;
//!
//! // The lecture notebook's staged example at x = 3, y = -4.
//! let expr = Expr::parse("(x + sigmoid(y)) * recip(sigmoid(x) + (x + y)^2)")?;
//! let graph = Graph::new();
//! let eval = expr.evaluate(&graph, [("x", 3.0), ("y", -4.0)])?;
//! assert_eq!(eval.value(), 1.5456448841066441);
//! assert_eq!(eval.gradients(), [2.0595697955721652, 1.5922327514838093]);
//!
//! // Nodes are named by their sub-expressions, for traces and diagrams.
//! let trace = graph.trace(eval.output());
//! assert_eq!(trace.steps[0].sends[0].label, "x + sigmoid(y)");
//!
//! // Errors point at the offending characters.
//! let source = "sigmod(x) + 1";
//! let err = Expr::parse(source).unwrap_err();
//! assert_eq!(err.to_string(), "unknown function `sigmod`");
//! assert_eq!(err.render(source), "sigmod(x) + 1\n^^^^^^\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The language
//!
//! - numbers `3`, `2.5`, `1e-3`, `.5`; variables `x`, `w0`, `x_1`;
//! - `+ - * /`, powers `^` (or `**`), unary `-` and `+`, parentheses;
//! - functions, one per scalar gate of `backprop-gates`: `sigmoid exp ln`
//!   (also `log`) `sqrt tanh relu abs sin cos softplus recip`, and
//!   `max(a, b)`, `min(a, b)` (see [`Function`]).
//!
//! Precedence follows mathematics and Python: `^` binds tighter than unary
//! minus (`-x^2` is `-(x^2)`) and is right-associative (`2^3^2` is
//! `2^9`); unary minus binds tighter than `*` and `/`.
//!
//! # No recursion
//!
//! The parser is a shunting-yard over explicit stacks and an [`Expr`] is a
//! flat list of nodes, so 100,000 nested parentheses parse (or fail) on a
//! small stack, and an expression with a million terms evaluates.

mod assign;
mod ast;
pub mod diagnostic;
mod error;
mod eval;
mod function;
mod lexer;
mod parser;
mod span;

pub use assign::{Assignment, AssignmentError, AssignmentErrorKind, parse_assignments};
pub use ast::{Expr, Node, Op, Variable};
pub use error::{ParseError, ParseErrorKind};
pub use eval::{BindError, Evaluation, NAME_LIMIT, Naming, NonFinite, NonFiniteDerivative};
pub use function::Function;
pub use span::Span;

/// Either kind of error [`gradient`] can meet.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The text is not an expression.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// The values do not fit its variables.
    #[error(transparent)]
    Bind(#[from] BindError),
}

/// The value of `source` at `values` and its gradient with respect to each
/// variable, in order of first appearance.
///
/// ```
/// // The notebook's chain rule: f = (x + y) * z.
/// let (f, grads) = backprop_expr::gradient("(x + y) * z", [("x", -2.0), ("y", 5.0), ("z", -4.0)])?;
/// assert_eq!(f, -12.0);
/// assert_eq!(grads, [("x".to_owned(), -4.0), ("y".to_owned(), -4.0), ("z".to_owned(), 3.0)]);
/// # Ok::<(), backprop_expr::Error>(())
/// ```
pub fn gradient<N: AsRef<str>>(
    source: &str,
    values: impl IntoIterator<Item = (N, f64)>,
) -> Result<(f64, Vec<(String, f64)>), Error> {
    let expr = Expr::parse(source)?;
    let graph = backprop_graph::Graph::with_capacity(expr.nodes().len());
    let eval = expr.evaluate_with(&graph, values, Naming::VariablesOnly)?;
    let names = expr.variables().iter().map(|v| v.name.clone());
    Ok((eval.value(), names.zip(eval.gradients()).collect()))
}
