//! Building an expression as a `backprop-graph` [`Graph`], one node per
//! operation, in the expression's own (flat) order.

use std::fmt;

use backprop_gates::{Binary, Domain, Gate, Unary};
use backprop_graph::{Graph, NodeId, Var};
use thiserror::Error;

use crate::ast::{Expr, Op};
use crate::{Span, diagnostic};

/// Longest node name, in characters; longer sub-expressions are shortened
/// to their start and end around `…`.
pub const NAME_LIMIT: usize = 40;

/// How graph nodes are named (names show in traces and diagrams).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Naming {
    /// Each operation is named by its sub-expression's text (shortened past
    /// [`NAME_LIMIT`] characters), the result `f` (unless a variable is
    /// called `f`), constants by their literal text.
    #[default]
    SubExpressions,
    /// Only variables are named: cheaper for huge expressions whose nodes
    /// nobody will read.
    VariablesOnly,
}

/// Values that do not fit the expression's variables.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum BindError {
    /// A variable of the expression was given no value.
    #[error("no value for `{name}`")]
    MissingValue {
        /// The variable.
        name: String,
        /// Its first appearance in the expression.
        span: Span,
    },
    /// A value for a name that is not a variable of the expression.
    #[error("`{name}` does not appear in the expression")]
    UnusedValue {
        /// The name given.
        name: String,
        /// Its position in the list of values.
        index: usize,
    },
    /// Two values for one variable.
    #[error("`{name}` is given a value twice")]
    DuplicateValue {
        /// The variable.
        name: String,
        /// Position of the first value in the list of values.
        first: usize,
        /// Position of the second.
        second: usize,
    },
}

/// Where a non-finite number first appeared in a forward pass.
#[derive(Debug, Clone, PartialEq)]
pub struct NonFinite {
    /// The expression node that produced it from finite inputs.
    pub node: usize,
    /// Its text.
    pub span: Span,
    /// The value (NaN or ±infinity).
    pub value: f64,
    /// Why: which input lies outside the operation's domain, or that the
    /// result overflowed.
    pub reason: String,
}

/// Where a non-finite number first appeared in a backward pass.
#[derive(Debug, Clone, PartialEq)]
pub struct NonFiniteDerivative {
    /// The expression node whose backward step produced it.
    pub node: usize,
    /// Its text.
    pub span: Span,
    /// The input it was sent to: its name, or its sub-expression's text.
    pub input: String,
    /// The local derivative `∂node/∂input`.
    pub local: f64,
    /// The (finite) upstream gradient it was multiplied by.
    pub upstream: f64,
}

impl NonFinite {
    /// The expression with a caret under the sub-expression.
    pub fn render(&self, expr: &Expr) -> String {
        diagnostic::caret(expr.source(), self.span)
    }
}

/// An expression recorded on a graph: the result, the variables' leaves,
/// and each expression node's value and graph node.
///
/// ```
/// use backprop_expr::Expr;
/// use backprop_graph::Graph;
///
/// let e = Expr::parse("x * x + y")?;
/// let g = Graph::new();
/// let eval = e.evaluate(&g, [("x", 3.0), ("y", 1.0)])?;
/// assert_eq!(eval.value(), 10.0);
/// assert_eq!(eval.gradients(), [6.0, 1.0]); // x is one leaf with fan-out
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Evaluation<'g, 'e> {
    expr: &'e Expr,
    graph: &'g Graph,
    output: Var<'g>,
    inputs: Vec<Var<'g>>,
    slots: Slots,
}

/// Each expression node after evaluation, in 4 bytes a node (a
/// million-term expression has millions): the index of the graph node
/// holding its value, or [`Slots::CONSTANT`] for a constant that was folded
/// and never needed a graph node, whose value is in `constants`.
#[derive(Debug, Default)]
struct Slots {
    nodes: Vec<u32>,
    /// `(expression node, value)` of folded constants, in node order.
    constants: Vec<(u32, f64)>,
}

impl Slots {
    const CONSTANT: u32 = u32::MAX;

    fn push_node(&mut self, id: NodeId) {
        let index = u32::try_from(id.index()).expect("tape indices fit in u32");
        self.nodes.push(index);
    }

    fn push_constant(&mut self, value: f64) {
        let node = u32::try_from(self.nodes.len()).expect("the parser indexes nodes by u32");
        self.constants.push((node, value));
        self.nodes.push(Self::CONSTANT);
    }

    /// The graph node of expression node `node`, if it has one.
    fn graph_node(&self, graph: &Graph, node: usize) -> Option<NodeId> {
        match self.nodes[node] {
            Self::CONSTANT => None,
            id => Some(graph.node(id as usize).expect("recorded node").id()),
        }
    }

    /// The folded value of constant expression node `node`.
    fn constant(&self, node: usize) -> f64 {
        let at = self
            .constants
            .binary_search_by_key(&node, |&(n, _)| n as usize)
            .expect("every folded constant has its value recorded");
        self.constants[at].1
    }

    /// The value of expression node `node`.
    fn value(&self, graph: &Graph, node: usize) -> f64 {
        match self.nodes[node] {
            Self::CONSTANT => self.constant(node),
            id => graph.node(id as usize).expect("recorded node").value(),
        }
    }
}

/// An evaluated operand: a graph node, or a constant not (yet) on the graph.
#[derive(Clone, Copy)]
enum Operand<'g> {
    Var(Var<'g>),
    Const { value: f64, node: usize },
}

/// `x^c` for a constant `c`: an integer power when `c` is an integer (exact
/// for negative `x`, as `(x + y)^2` in the notebook), a real power
/// otherwise.
pub(crate) fn power_gate(c: f64) -> Unary {
    if c.fract() == 0.0 && c.abs() <= f64::from(i32::MAX) {
        Unary::Powi(c as i32)
    } else {
        Unary::Powf(c)
    }
}

impl Expr {
    /// Records the expression on `graph` with the given variable values
    /// (name, value pairs in any order), naming nodes by their
    /// sub-expressions (see [`Naming`]).
    ///
    /// Each variable becomes one leaf, created in order of first
    /// appearance before any operation, however often it is used, so its
    /// gradient accumulates every use. Constant sub-expressions are folded
    /// with the gates' own forward functions; an operation with a constant
    /// operand uses the constant gates (`x + 1` is `add_const(1)`, `x^2` is
    /// `powi(2)`), which compute exactly what plain `f64` arithmetic does.
    pub fn evaluate<'g, 'e, N: AsRef<str>>(
        &'e self,
        graph: &'g Graph,
        values: impl IntoIterator<Item = (N, f64)>,
    ) -> Result<Evaluation<'g, 'e>, BindError> {
        self.evaluate_with(graph, values, Naming::SubExpressions)
    }

    /// [`evaluate`](Expr::evaluate) with a choice of node names.
    pub fn evaluate_with<'g, 'e, N: AsRef<str>>(
        &'e self,
        graph: &'g Graph,
        values: impl IntoIterator<Item = (N, f64)>,
        naming: Naming,
    ) -> Result<Evaluation<'g, 'e>, BindError> {
        let bound = self.bind(values)?;
        let inputs: Vec<Var<'g>> = self
            .variables
            .iter()
            .zip(&bound)
            .map(|(v, &x)| graph.named(&v.name, x))
            .collect();
        let mut builder = Builder {
            expr: self,
            graph,
            naming,
            slots: Slots {
                nodes: Vec::with_capacity(self.nodes.len()),
                constants: Vec::new(),
            },
        };
        for (i, node) in self.nodes.iter().enumerate() {
            match builder.node(i, node.op(), &inputs) {
                Slot::Node(id) => builder.slots.push_node(id),
                Slot::Constant(value) => builder.slots.push_constant(value),
            }
        }
        let last = self.nodes.len() - 1;
        let output = match builder.operand(last) {
            Operand::Var(v) => v,
            Operand::Const { value, node } => builder.constant(value, node),
        };
        if naming == Naming::SubExpressions
            && !matches!(self.nodes[last].op(), Op::Variable(_))
            && self.variable_index("f").is_none()
        {
            output.named("f");
        }
        Ok(Evaluation {
            expr: self,
            graph,
            output,
            inputs,
            slots: builder.slots,
        })
    }

    /// Each variable's value, in variable order.
    fn bind<N: AsRef<str>>(
        &self,
        values: impl IntoIterator<Item = (N, f64)>,
    ) -> Result<Vec<f64>, BindError> {
        let mut bound: Vec<Option<(f64, usize)>> = vec![None; self.variables.len()];
        for (index, (name, value)) in values.into_iter().enumerate() {
            let name = name.as_ref();
            let Some(v) = self.variable_index(name) else {
                return Err(BindError::UnusedValue {
                    name: name.to_owned(),
                    index,
                });
            };
            if let Some((_, first)) = bound[v] {
                return Err(BindError::DuplicateValue {
                    name: name.to_owned(),
                    first,
                    second: index,
                });
            }
            bound[v] = Some((value, index));
        }
        self.variables
            .iter()
            .zip(bound)
            .map(|(var, b)| {
                b.map(|(x, _)| x).ok_or_else(|| BindError::MissingValue {
                    name: var.name.clone(),
                    span: var.first,
                })
            })
            .collect()
    }

    /// A readable name for the sub-expression at `span`: its text with
    /// whitespace runs collapsed, or its start and end around `…` past
    /// [`NAME_LIMIT`] characters.
    ///
    /// Only about `NAME_LIMIT` characters at each end are read, so naming
    /// every node of a million-term expression stays linear.
    pub fn name_of(&self, span: Span) -> String {
        let mut name = String::new();
        self.write_name_of(span, &mut name)
            .expect("writing to a String cannot fail");
        name
    }

    /// Writes [`name_of`](Expr::name_of)`(span)` to `out` without
    /// allocating: printing a name per line of a million-line explanation
    /// should not cost an allocation per name.
    ///
    /// ```
    /// let expr = backprop_expr::Expr::parse("(x  +\n y) * z").unwrap();
    /// let mut name = String::new();
    /// expr.write_name_of(expr.nodes()[2].span(), &mut name).unwrap();
    /// assert_eq!(name, "x + y");
    /// ```
    ///
    /// # Errors
    ///
    /// Only those of `out`.
    pub fn write_name_of<W: fmt::Write + ?Sized>(&self, span: Span, out: &mut W) -> fmt::Result {
        let raw = &self.source[span.range()];
        let whole = Collapsed::new(raw.chars(), NAME_LIMIT + 1);
        if whole.complete && whole.len <= NAME_LIMIT {
            return whole.chars().iter().try_for_each(|&c| out.write_char(c));
        }
        let keep = (NAME_LIMIT - " … ".chars().count()) / 2;
        let head = &whole.chars()[..keep.min(whole.len)];
        let head_len = head.len() - head.iter().rev().take_while(|c| c.is_whitespace()).count();
        head[..head_len]
            .iter()
            .try_for_each(|&c| out.write_char(c))?;
        out.write_str(" … ")?;
        // Read backwards from the end: the tail's characters come out last
        // first, and its start is the end of that buffer.
        let tail = Collapsed::new(raw.chars().rev(), keep);
        tail.chars()
            .iter()
            .rev()
            .skip_while(|c| c.is_whitespace())
            .try_for_each(|&c| out.write_char(c))
    }
}

/// The first `max` (at most `NAME_LIMIT + 1`) characters of some text with
/// every whitespace run turned into one space (leading and trailing
/// whitespace dropped), held on the stack.
struct Collapsed {
    buffer: [char; NAME_LIMIT + 1],
    len: usize,
    /// Whether the text ran out before `max` was reached.
    complete: bool,
}

impl Collapsed {
    fn new(chars: impl Iterator<Item = char>, max: usize) -> Collapsed {
        let max = max.min(NAME_LIMIT + 1);
        let mut out = Collapsed {
            buffer: ['\0'; NAME_LIMIT + 1],
            len: 0,
            complete: false,
        };
        let mut pending_space = false;
        for c in chars {
            if c.is_whitespace() {
                pending_space = out.len > 0;
                continue;
            }
            let needed = 1 + usize::from(pending_space);
            if out.len + needed > max {
                return out;
            }
            if pending_space {
                out.buffer[out.len] = ' ';
                out.len += 1;
                pending_space = false;
            }
            out.buffer[out.len] = c;
            out.len += 1;
        }
        out.complete = true;
        out
    }

    fn chars(&self) -> &[char] {
        &self.buffer[..self.len]
    }
}

struct Builder<'g, 'e> {
    expr: &'e Expr,
    graph: &'g Graph,
    naming: Naming,
    slots: Slots,
}

/// What evaluating one expression node gives.
#[derive(Clone, Copy)]
enum Slot {
    /// A graph node holding the value.
    Node(NodeId),
    /// A folded constant, not (yet) on the graph.
    Constant(f64),
}

impl<'g> Builder<'g, '_> {
    fn operand(&self, i: usize) -> Operand<'g> {
        match self.slots.nodes[i] {
            Slots::CONSTANT => Operand::Const {
                value: self.slots.constant(i),
                node: i,
            },
            id => Operand::Var(self.graph.node(id as usize).expect("recorded node")),
        }
    }

    fn name(&self, var: Var<'g>, node: usize) -> Var<'g> {
        if self.naming == Naming::SubExpressions {
            var.named(&self.expr.name_of(self.expr.nodes[node].span()));
        }
        var
    }

    /// A graph constant for the folded constant of expression node `node`.
    fn constant(&mut self, value: f64, node: usize) -> Var<'g> {
        let var = self.name(self.graph.constant(value), node);
        self.slots.nodes[node] = u32::try_from(var.id().index()).expect("tape indices fit in u32");
        var
    }

    fn as_var(&mut self, operand: Operand<'g>) -> Var<'g> {
        match operand {
            Operand::Var(v) => v,
            Operand::Const { value, node } => self.constant(value, node),
        }
    }

    fn var_slot(var: Var<'g>) -> Slot {
        Slot::Node(var.id())
    }

    fn unary(&mut self, gate: Unary, x: Operand<'g>, node: usize) -> Slot {
        match x {
            Operand::Const { value, .. } => Slot::Constant(gate.forward(value)),
            Operand::Var(x) => Self::var_slot(self.name(self.graph.unary(gate, x), node)),
        }
    }

    fn binary(&mut self, gate: Binary, a: Operand<'g>, b: Operand<'g>, node: usize) -> Slot {
        if let (Operand::Const { value: a, .. }, Operand::Const { value: b, .. }) = (a, b) {
            return Slot::Constant(gate.forward(a, b));
        }
        let a = self.as_var(a);
        let b = self.as_var(b);
        Self::var_slot(self.name(self.graph.binary(gate, a, b), node))
    }

    fn node(&mut self, i: usize, op: Op, variables: &[Var<'g>]) -> Slot {
        let expr = self.expr;
        let mut inputs = expr.nodes[i].inputs();
        let first = inputs.next().map(|j| self.operand(j));
        let second = inputs.next().map(|j| self.operand(j));
        let missing = "the parser gives each operation its inputs";
        use Operand::{Const, Var as V};
        match op {
            Op::Number(value) => Slot::Constant(value),
            Op::Variable(v) => Self::var_slot(variables[v]),
            Op::Neg => self.unary(Unary::Neg, first.expect(missing), i),
            Op::Call(function) => match function.gate() {
                Gate::Unary(g) => self.unary(g, first.expect(missing), i),
                Gate::Binary(g) => self.binary(g, first.expect(missing), second.expect(missing), i),
            },
            Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Pow => {
                let (a, b) = (first.expect(missing), second.expect(missing));
                match (op, a, b) {
                    // With one constant side, the constant gates: exactly
                    // what f64 arithmetic gives (x - c is x + (-c) in IEEE).
                    (Op::Add, V(_), Const { value: c, .. }) => self.unary(Unary::AddConst(c), a, i),
                    (Op::Add, Const { value: c, .. }, V(_)) => self.unary(Unary::AddConst(c), b, i),
                    (Op::Sub, V(_), Const { value: c, .. }) => {
                        self.unary(Unary::AddConst(-c), a, i)
                    }
                    (Op::Mul, V(_), Const { value: c, .. }) => self.unary(Unary::MulConst(c), a, i),
                    (Op::Mul, Const { value: c, .. }, V(_)) => self.unary(Unary::MulConst(c), b, i),
                    (Op::Pow, _, Const { value: c, .. }) => self.unary(power_gate(c), a, i),
                    _ => {
                        let gate = match op {
                            Op::Add => Binary::Add,
                            Op::Sub => Binary::Sub,
                            Op::Mul => Binary::Mul,
                            Op::Div => Binary::Div,
                            _ => Binary::Pow,
                        };
                        self.binary(gate, a, b, i)
                    }
                }
            }
        }
    }
}

impl<'g, 'e> Evaluation<'g, 'e> {
    /// The expression evaluated.
    pub fn expr(&self) -> &'e Expr {
        self.expr
    }

    /// The graph it was recorded on.
    pub fn graph(&self) -> &'g Graph {
        self.graph
    }

    /// The result's node.
    pub fn output(&self) -> Var<'g> {
        self.output
    }

    /// The result's value.
    pub fn value(&self) -> f64 {
        self.output.value()
    }

    /// Each variable's leaf, in order of first appearance (as
    /// [`Expr::variables`]).
    pub fn inputs(&self) -> &[Var<'g>] {
        &self.inputs
    }

    /// The gradient of the result with respect to each variable, in order
    /// of first appearance.
    pub fn gradients(&self) -> Vec<f64> {
        let grads = self.graph.backward(self.output);
        self.inputs.iter().map(|&x| grads.wrt(x)).collect()
    }

    /// The value of expression node `node`.
    pub fn node_value(&self, node: usize) -> f64 {
        self.slots.value(self.graph, node)
    }

    /// The graph node of expression node `node` (`None` for a constant
    /// folded into its user). Variables map to their one shared leaf.
    pub fn graph_node(&self, node: usize) -> Option<NodeId> {
        self.slots.graph_node(self.graph, node)
    }

    /// The expression node whose operation produced graph node `id`, if
    /// any (for a variable's leaf: its first use).
    pub fn expr_node(&self, id: NodeId) -> Option<usize> {
        self.slots
            .nodes
            .iter()
            .position(|&s| s as usize == id.index())
    }

    /// The sub-expressions that turned finite inputs into NaN or infinity
    /// (empty when the forward pass stayed finite), innermost first.
    ///
    /// ```
    /// use backprop_expr::Expr;
    /// use backprop_graph::Graph;
    ///
    /// let e = Expr::parse("x + ln(x - 5)")?;
    /// let g = Graph::new();
    /// let eval = e.evaluate(&g, [("x", 3.0)])?;
    /// let bad = &eval.non_finite()[0];
    /// assert_eq!(e.text(bad.span), "ln(x - 5)");
    /// assert_eq!(bad.reason, "ln needs a positive input, got -2.0");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn non_finite(&self) -> Vec<NonFinite> {
        let mut found = Vec::new();
        for (i, node) in self.expr.nodes.iter().enumerate() {
            let value = self.node_value(i);
            let inputs: Vec<f64> = node.inputs().map(|j| self.node_value(j)).collect();
            if value.is_finite() || !inputs.iter().all(|x| x.is_finite()) {
                continue;
            }
            found.push(NonFinite {
                node: i,
                span: node.span(),
                value,
                reason: reason(node.op(), &inputs, value),
            });
        }
        found
    }

    /// The backward steps that turned a finite upstream gradient into a
    /// non-finite contribution (a non-finite local derivative, or an
    /// overflow), in backward order. Empty when every gradient is finite.
    ///
    /// ```
    /// use backprop_expr::Expr;
    /// use backprop_graph::Graph;
    ///
    /// let e = Expr::parse("sqrt(x) + x")?;
    /// let g = Graph::new();
    /// let eval = e.evaluate(&g, [("x", 0.0)])?;
    /// assert_eq!(eval.value(), 0.0);
    /// let bad = &eval.non_finite_derivatives()[0];
    /// assert_eq!(e.text(bad.span), "sqrt(x)");
    /// assert_eq!(bad.local, f64::INFINITY);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn non_finite_derivatives(&self) -> Vec<NonFiniteDerivative> {
        if self.gradients().iter().all(|g| g.is_finite()) {
            return Vec::new();
        }
        let trace = self.graph.trace(self.output);
        let mut found = Vec::new();
        for step in &trace.steps {
            if !step.upstream.is_finite() {
                continue;
            }
            for send in step.sends.iter().filter(|s| !s.sent.is_finite()) {
                let node = self.expr_node(step.node);
                let span = node.map_or(Span::new(0, self.expr.source.len()), |n| {
                    self.expr.nodes[n].span()
                });
                found.push(NonFiniteDerivative {
                    node: node.unwrap_or(self.expr.nodes.len() - 1),
                    span,
                    input: self.readable_label(send.to, &send.label),
                    local: send.local,
                    upstream: step.upstream,
                });
            }
        }
        found
    }
}

impl Evaluation<'_, '_> {
    /// A node's graph label, or its sub-expression's text when the graph
    /// left it unnamed (`#index`, with [`Naming::VariablesOnly`]).
    fn readable_label(&self, id: NodeId, label: &str) -> String {
        if !label.starts_with('#') {
            return label.to_owned();
        }
        match self.expr_node(id) {
            Some(node) => self.expr.name_of(self.expr.nodes[node].span()),
            None => label.to_owned(),
        }
    }
}

/// Why an operation on finite inputs gave a non-finite value.
fn reason(op: Op, inputs: &[f64], value: f64) -> String {
    let (name, domains): (&str, Vec<Domain>) = match op {
        Op::Call(f) => (f.name(), f.gate().domain()),
        Op::Div => ("division", vec![Domain::Real, Domain::NonZero]),
        Op::Pow if inputs[1].fract() != 0.0 => ("a real power", vec![Domain::Positive]),
        _ => ("", Vec::new()),
    };
    for (k, (&x, domain)) in inputs.iter().zip(&domains).enumerate() {
        if domain.contains(x) {
            continue;
        }
        let which = match (op, k) {
            (Op::Div, _) => return "division by zero".to_owned(),
            (Op::Pow, _) => "base",
            _ => "input",
        };
        let wanted = match domain {
            Domain::Positive => "positive",
            Domain::NonZero => "non-zero",
            Domain::Real => "finite",
        };
        return format!("{name} needs a {wanted} {which}, got {x:?}");
    }
    if value.is_infinite() {
        "the result overflows the range of f64".to_owned()
    } else {
        "the result is undefined for these inputs".to_owned()
    }
}
