//! Reverse-mode automatic differentiation on a tape, the way the lecture
//! notebook does backpropagation.
//!
//! - [`engine`]: the one engine. A [`Tape`] holds nodes in creation order
//!   (already a topological order); backward walks it in reverse, with no
//!   recursion, accumulating fan-out. Scalar and tensor graphs share it.
//! - [`Graph`] / [`Var`]: scalar graphs with operator overloading, every
//!   local derivative taken from `backprop-gates`.
//! - [`Trace`]: the staged backward pass the notebook prints.
//! - [`Graph::to_dot`]: the circuit diagram with values and gradients;
//!   `Graph::to_svg` (feature `svg`) draws it as SVG with no external
//!   program.
//!
//! ```
//! use backprop_graph::Graph;
//!
//! // The notebook's staged example at x = 3, y = -4:
//! // f = (x + sigmoid(y)) / (sigmoid(x) + (x + y)^2)
//! let g = Graph::new();
//! let x = g.named("x", 3.0);
//! let y = g.named("y", -4.0);
//! let num = (x + y.sigmoid()).named("num");
//! let den = (x.sigmoid() + (x + y).powi(2)).named("den");
//! let f = (num * den.recip()).named("f");
//! let grads = g.backward(f);
//! assert_eq!(f.value(), 1.5456448841066441);
//! assert_eq!(grads[x], 2.0595697955721652);
//! assert_eq!(grads[y], 1.5922327514838093);
//!
//! // The staged trace starts at f's gate and ends at the inputs' gates.
//! let trace = g.trace(f);
//! assert_eq!(trace.steps[0].gate.name(), "mul");
//! assert!(g.to_dot(f, Some(&grads)).starts_with("digraph"));
//! ```
//!
//! # Memory
//!
//! A scalar node is 12 bytes (a one-byte gate code and two 32-bit input
//! slots) plus its 8-byte value; a backward pass adds an 8-byte gradient and
//! a 1-byte flag per node: [`Graph::BYTES_PER_NODE`] = 29 bytes, value and
//! gradient included. Nothing recurses, so a chain of 10 million nodes
//! records, backpropagates and drops on any stack.

pub mod diagram;
pub mod engine;
mod scalar;

pub use engine::{Cotangent, Gradients as TapeGradients, NodeId, Observer, Operation, Tape};
pub use scalar::{Contribution, Gradients, Graph, Step, Trace, Var};
