//! Scalar graphs: [`Graph`] records `f64` operations through [`Var`] handles.

mod arith;
mod diagram;
pub(crate) mod op;
#[cfg(feature = "html")]
mod stepper;
mod trace;

use std::cell::{Ref, RefCell};
use std::fmt;
use std::ops::Index;

use backprop_gates::{Binary, Gate, Unary};

use crate::engine::{Gradients as TapeGradients, NodeId, Tape};
use op::ScalarOp;
pub use trace::{Contribution, Step, Trace};

/// A scalar computation graph: every operation on its [`Var`]s is recorded,
/// with its forward value computed at once.
///
/// ```
/// use backprop_graph::Graph;
///
/// // The notebook's chain rule: f = (x + y) * z at x = -2, y = 5, z = -4.
/// let g = Graph::new();
/// let (x, y, z) = (g.var(-2.0), g.var(5.0), g.var(-4.0));
/// let q = x + y;
/// let f = q * z;
/// let grads = g.backward(f);
/// assert_eq!(f.value(), -12.0);
/// assert_eq!((grads[x], grads[y], grads[z]), (-4.0, -4.0, 3.0));
/// assert_eq!(grads[q], -4.0); // intermediate gradients are observable
/// ```
#[derive(Default)]
pub struct Graph {
    tape: RefCell<Tape<ScalarOp>>,
}

/// A handle to a node of a [`Graph`]: cheap to copy, used like a number.
///
/// Arithmetic operators (`+ - * /`, unary `-`, mixed with `f64` on either
/// side) and the methods below record new nodes. Combining handles of two
/// different graphs is a programming error and panics.
#[derive(Clone, Copy)]
pub struct Var<'g> {
    graph: &'g Graph,
    id: NodeId,
}

impl fmt::Debug for Var<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Var")
            .field("id", &self.id.index())
            .field("label", &self.graph.label(self.id))
            .field("value", &self.value())
            .finish()
    }
}

impl Graph {
    /// An empty graph.
    pub fn new() -> Self {
        Graph::default()
    }

    /// An empty graph with room for `nodes` nodes.
    pub fn with_capacity(nodes: usize) -> Self {
        Graph {
            tape: RefCell::new(Tape::with_capacity(nodes)),
        }
    }

    /// A new input variable.
    #[inline]
    pub fn var(&self, value: f64) -> Var<'_> {
        self.push(ScalarOp::LEAF, value)
    }

    /// A new named input variable.
    pub fn named(&self, name: &str, value: f64) -> Var<'_> {
        self.var(value).named(name)
    }

    /// A constant leaf. It differs from [`var`](Graph::var) only in how
    /// traces and diagrams show it; as an operand of a two-input gate it
    /// still receives `d output / d c`, which costs nothing to ignore.
    pub fn constant(&self, value: f64) -> Var<'_> {
        self.push(ScalarOp::CONSTANT, value)
    }

    /// Number of nodes recorded so far (constants included).
    pub fn len(&self) -> usize {
        self.tape.borrow().len()
    }

    /// Whether nothing has been recorded.
    pub fn is_empty(&self) -> bool {
        self.tape.borrow().is_empty()
    }

    /// The handle of the node with this creation index, if it exists.
    #[inline]
    pub fn node(&self, index: usize) -> Option<Var<'_>> {
        let id = self.tape.borrow().node(index)?;
        Some(Var { graph: self, id })
    }

    /// Applies a one-input gate to `x`.
    #[inline]
    pub fn unary<'g>(&'g self, gate: Unary, x: Var<'g>) -> Var<'g> {
        self.check_same(x);
        let mut tape = self.tape.borrow_mut();
        let y = gate.forward(*tape.value(x.id));
        let param = ScalarOp::unary_needs_param(gate).map(|c| tape.push(ScalarOp::CONSTANT, c));
        let id = tape.push(ScalarOp::unary(gate, x.id, param), y);
        Var { graph: self, id }
    }

    /// Applies a two-input gate to `x` and `z`.
    #[inline]
    pub fn binary<'g>(&'g self, gate: Binary, x: Var<'g>, z: Var<'g>) -> Var<'g> {
        self.check_same(x);
        self.check_same(z);
        let mut tape = self.tape.borrow_mut();
        let y = gate.forward(*tape.value(x.id), *tape.value(z.id));
        let id = tape.push(ScalarOp::binary(gate, x.id, z.id), y);
        Var { graph: self, id }
    }

    /// Gradients of `output` with respect to every node it depends on.
    ///
    /// Each call starts from zero, so calling it twice gives the same result.
    pub fn backward(&self, output: Var<'_>) -> Gradients {
        self.check_same(output);
        Gradients(self.tape.borrow().backward(output.id, 1.0))
    }

    /// The backward pass of `output`, step by step: for each node, its gate,
    /// local derivatives, upstream gradient and what it sends to each input.
    pub fn trace(&self, output: Var<'_>) -> Trace {
        self.check_same(output);
        trace::record(self, output.id)
    }

    /// The backward pass of `output` step by step, as [`trace`](Graph::trace)
    /// records it, handing each [`Step`] to `each` as soon as it is complete
    /// instead of keeping them: memory for one step, whatever the graph's
    /// size. Returns the gradients.
    ///
    /// ```
    /// use backprop_graph::Graph;
    ///
    /// let g = Graph::new();
    /// let (x, y) = (g.named("x", -2.0), g.named("y", 5.0));
    /// let f = (x + y).named("q") * g.named("z", -4.0);
    /// let mut senders = Vec::new();
    /// let grads = g.trace_each(f, |step| senders.push(step.label.clone()));
    /// assert_eq!(senders, ["#4", "q"]); // f = q * z first, then q = x + y
    /// assert_eq!(grads[x], -4.0);
    /// ```
    pub fn trace_each(&self, output: Var<'_>, each: impl FnMut(&Step)) -> Gradients {
        self.check_same(output);
        trace::stream(self, output.id, each)
    }

    /// The inputs node `id` reads, in operand order (none for inputs and
    /// constants; a gate's real parameter, such as `add_const`'s `c`, is not
    /// an input).
    pub fn inputs(&self, id: NodeId) -> Vec<NodeId> {
        let tape = self.tape.borrow();
        let (inputs, arity) = tape.op(id).inputs();
        inputs[..arity].to_vec()
    }

    /// A Graphviz DOT rendering of the graph up to `output`: forward values
    /// on every node and, if given, gradients too (the lecture's circuit
    /// diagrams).
    pub fn to_dot(&self, output: Var<'_>, gradients: Option<&Gradients>) -> String {
        self.check_same(output);
        diagram::plain(self, output.id, gradients).to_dot()
    }

    /// An SVG rendering of the graph up to `output`, laid out without any
    /// external program: one box per node with its name, gate, forward
    /// value and, if given, gradient (values green, gradients red, as in
    /// the lecture's circuit diagrams). Requires the `svg` feature.
    ///
    /// ```
    /// use backprop_graph::Graph;
    ///
    /// let g = Graph::new();
    /// let (x, y) = (g.named("x", -2.0), g.named("y", 5.0));
    /// let f = ((x + y) * g.named("z", -4.0)).named("f");
    /// let svg = g.to_svg(f, Some(&g.backward(f)));
    /// assert!(svg.starts_with("<svg") && svg.contains("value -12.0"));
    /// ```
    #[cfg(feature = "svg")]
    pub fn to_svg(&self, output: Var<'_>, gradients: Option<&Gradients>) -> String {
        self.check_same(output);
        diagram::plain(self, output.id, gradients).to_svg()
    }

    /// The node's name, or `#index` if it has none.
    pub fn label(&self, id: NodeId) -> String {
        let tape = self.tape.borrow();
        match tape.name(id) {
            Some(name) => name.to_owned(),
            None => format!("#{}", id.index()),
        }
    }

    /// The gate that produced a node (`None` for inputs and constants).
    pub fn gate(&self, id: NodeId) -> Option<Gate> {
        let tape = self.tape.borrow();
        tape.op(id).gate(tape.values())
    }

    /// Bytes the graph uses per node while a backward pass runs: the node
    /// itself, its forward value, its gradient slot and its "reached" flag.
    pub const BYTES_PER_NODE: usize =
        size_of::<ScalarOp>() + size_of::<f64>() + size_of::<f64>() + size_of::<bool>();

    #[inline]
    fn push(&self, op: ScalarOp, value: f64) -> Var<'_> {
        let id = self.tape.borrow_mut().push(op, value);
        Var { graph: self, id }
    }

    fn tape(&self) -> Ref<'_, Tape<ScalarOp>> {
        self.tape.borrow()
    }

    #[inline]
    fn check_same(&self, v: Var<'_>) {
        assert!(
            std::ptr::eq(self, v.graph),
            "a Var of one Graph was used with another Graph"
        );
    }
}

impl<'g> Var<'g> {
    /// The forward value.
    #[inline]
    pub fn value(self) -> f64 {
        *self.graph.tape().value(self.id)
    }

    /// The node's id on its graph's tape.
    pub fn id(self) -> NodeId {
        self.id
    }

    /// The graph this handle belongs to.
    pub fn graph(self) -> &'g Graph {
        self.graph
    }

    /// Names the node (for traces and diagrams) and returns it.
    pub fn named(self, name: &str) -> Self {
        self.graph.tape.borrow_mut().set_name(self.id, name);
        self
    }

    /// The node's name or `#index`.
    pub fn label(self) -> String {
        self.graph.label(self.id)
    }

    fn unary(self, gate: Unary) -> Self {
        self.graph.unary(gate, self)
    }

    fn binary(self, gate: Binary, other: Self) -> Self {
        self.graph.binary(gate, self, other)
    }

    /// `1 / (1 + e⁻ˣ)`; see [`backprop_gates::Sigmoid`].
    pub fn sigmoid(self) -> Self {
        self.unary(Unary::Sigmoid)
    }
    /// `tanh x`; see [`backprop_gates::Tanh`].
    pub fn tanh(self) -> Self {
        self.unary(Unary::Tanh)
    }
    /// `eˣ`; see [`backprop_gates::Exp`].
    pub fn exp(self) -> Self {
        self.unary(Unary::Exp)
    }
    /// `ln x`; see [`backprop_gates::Ln`].
    pub fn ln(self) -> Self {
        self.unary(Unary::Ln)
    }
    /// `√x`; see [`backprop_gates::Sqrt`].
    pub fn sqrt(self) -> Self {
        self.unary(Unary::Sqrt)
    }
    /// `1 / x`; see [`backprop_gates::Recip`].
    pub fn recip(self) -> Self {
        self.unary(Unary::Recip)
    }
    /// `xⁿ`; see [`backprop_gates::Powi`].
    pub fn powi(self, n: i32) -> Self {
        self.unary(Unary::Powi(n))
    }
    /// `xᶜ` for a constant `c`; see [`backprop_gates::Powf`].
    pub fn powf(self, c: f64) -> Self {
        self.unary(Unary::Powf(c))
    }
    /// `xʸ` for a variable `y`; see [`backprop_gates::Pow`].
    pub fn pow(self, y: Self) -> Self {
        self.binary(Binary::Pow, y)
    }
    /// `max(x, 0)`; see [`backprop_gates::Relu`].
    pub fn relu(self) -> Self {
        self.unary(Unary::Relu)
    }
    /// Leaky ReLU with `slope` below zero; see [`backprop_gates::LeakyRelu`].
    pub fn leaky_relu(self, slope: f64) -> Self {
        self.unary(Unary::LeakyRelu(slope))
    }
    /// `ln(1 + eˣ)`; see [`backprop_gates::Softplus`].
    pub fn softplus(self) -> Self {
        self.unary(Unary::Softplus)
    }
    /// `|x|`; see [`backprop_gates::Abs`].
    pub fn abs(self) -> Self {
        self.unary(Unary::Abs)
    }
    /// `sin x`; see [`backprop_gates::Sin`].
    pub fn sin(self) -> Self {
        self.unary(Unary::Sin)
    }
    /// `cos x`; see [`backprop_gates::Cos`].
    pub fn cos(self) -> Self {
        self.unary(Unary::Cos)
    }
    /// `max(x, y)`; see [`backprop_gates::Max`].
    pub fn max(self, y: Self) -> Self {
        self.binary(Binary::Max, y)
    }
    /// `min(x, y)`; see [`backprop_gates::Min`].
    pub fn min(self, y: Self) -> Self {
        self.binary(Binary::Min, y)
    }
}

/// Gradients from [`Graph::backward`]: index with a [`Var`] (`grads[x]`).
///
/// Nodes the output does not depend on have gradient `0`.
#[derive(Debug, Clone)]
pub struct Gradients(TapeGradients<f64>);

impl Gradients {
    /// `d output / d var`.
    pub fn wrt(&self, var: Var<'_>) -> f64 {
        self.of(var.id)
    }

    /// `d output / d node`, `0` if the output does not depend on it.
    pub fn of(&self, id: NodeId) -> f64 {
        self.0.get(id).copied().unwrap_or(0.0)
    }

    /// Whether the output depends on the node (a gradient reached it).
    pub fn reached(&self, id: NodeId) -> bool {
        self.0.get(id).is_some()
    }
}

impl Index<Var<'_>> for Gradients {
    type Output = f64;
    fn index(&self, var: Var<'_>) -> &f64 {
        self.0.get(var.id).unwrap_or(&0.0)
    }
}
