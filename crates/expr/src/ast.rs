//! A parsed expression: a flat list of nodes in evaluation order.

use std::fmt;

use crate::{Function, Span};

/// What a node computes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    /// A number literal (always non-negative: `-4` is [`Op::Neg`] of `4`).
    Number(f64),
    /// The variable at this index of [`Expr::variables`].
    Variable(usize),
    /// `-a`
    Neg,
    /// `a + b`
    Add,
    /// `a - b`
    Sub,
    /// `a * b`
    Mul,
    /// `a / b`
    Div,
    /// `a ^ b` (also written `a ** b`)
    Pow,
    /// `f(a)` or `f(a, b)`
    Call(Function),
}

/// One node of an [`Expr`]: an operation, its inputs (indices of earlier
/// nodes) and the text it came from.
///
/// Stored in 20 bytes (an expression of a million terms has millions of
/// nodes): the operation's kind, one 8-byte field holding either the
/// inputs, the number or the variable index, and the span as two `u32`s
/// (the parser refuses sources longer than `u32::MAX` bytes).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Node {
    kind: Kind,
    data: [u32; 2],
    span: [u32; 2],
}

/// [`Op`] without its payload, which lives in [`Node::data`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Number,
    Variable,
    Neg,
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Call(Function),
}

impl Node {
    /// A node; `None` when the span does not fit in `u32` offsets.
    pub(crate) fn new(op: Op, inputs: &[u32], span: Span) -> Option<Node> {
        let mut data = [0; 2];
        data[..inputs.len()].copy_from_slice(inputs);
        let kind = match op {
            Op::Number(v) => {
                let bits = v.to_bits();
                data = [bits as u32, (bits >> 32) as u32];
                Kind::Number
            }
            Op::Variable(i) => {
                data[0] = u32::try_from(i).ok()?;
                Kind::Variable
            }
            Op::Neg => Kind::Neg,
            Op::Add => Kind::Add,
            Op::Sub => Kind::Sub,
            Op::Mul => Kind::Mul,
            Op::Div => Kind::Div,
            Op::Pow => Kind::Pow,
            Op::Call(f) => Kind::Call(f),
        };
        let node = Node {
            kind,
            data,
            span: [
                u32::try_from(span.start).ok()?,
                u32::try_from(span.end).ok()?,
            ],
        };
        debug_assert_eq!(node.inputs().len(), inputs.len());
        Some(node)
    }

    /// What the node computes.
    pub fn op(&self) -> Op {
        match self.kind {
            Kind::Number => Op::Number(f64::from_bits(
                u64::from(self.data[0]) | (u64::from(self.data[1]) << 32),
            )),
            Kind::Variable => Op::Variable(self.data[0] as usize),
            Kind::Neg => Op::Neg,
            Kind::Add => Op::Add,
            Kind::Sub => Op::Sub,
            Kind::Mul => Op::Mul,
            Kind::Div => Op::Div,
            Kind::Pow => Op::Pow,
            Kind::Call(f) => Op::Call(f),
        }
    }

    /// Indices of its input nodes, in order; each is smaller than the
    /// node's own index.
    pub fn inputs(&self) -> impl ExactSizeIterator<Item = usize> + '_ {
        let arity = match self.kind {
            Kind::Number | Kind::Variable => 0,
            Kind::Neg => 1,
            Kind::Add | Kind::Sub | Kind::Mul | Kind::Div | Kind::Pow => 2,
            Kind::Call(f) => f.arity(),
        };
        self.data[..arity].iter().map(|&i| i as usize)
    }

    /// The source text it was parsed from, without enclosing parentheses.
    pub fn span(&self) -> Span {
        Span::new(self.span[0] as usize, self.span[1] as usize)
    }
}

/// A variable of an expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variable {
    /// Its name.
    pub name: String,
    /// Where it first appears.
    pub first: Span,
}

/// A parsed expression.
///
/// Nodes are stored flat, in evaluation order: every node's inputs come
/// before it and the last node is the result. Each variable is one node, at
/// its first appearance, that every later use refers to (so `x * x` is two
/// nodes, and a million-term `x*y + x*y + …` stores `x` and `y` once). Nothing in this crate
/// recurses over an expression, so any nesting depth parses, evaluates and
/// drops on a small stack.
///
/// ```
/// use backprop_expr::{Expr, Op};
///
/// let e = Expr::parse("-x^2")?;          // -(x^2), as in Python
/// let ops: Vec<Op> = e.nodes().iter().map(|n| n.op()).collect();
/// assert_eq!(ops, [Op::Variable(0), Op::Number(2.0), Op::Pow, Op::Neg]);
/// assert_eq!(e.variables()[0].name, "x");
/// # Ok::<(), backprop_expr::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub(crate) source: String,
    pub(crate) nodes: Vec<Node>,
    pub(crate) variables: Vec<Variable>,
}

impl Expr {
    /// The text it was parsed from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Every node, inputs before the nodes that use them; the last one is
    /// the result.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The variables, in order of first appearance.
    pub fn variables(&self) -> &[Variable] {
        &self.variables
    }

    /// The index of the variable called `name`.
    pub fn variable_index(&self, name: &str) -> Option<usize> {
        self.variables.iter().position(|v| v.name == name)
    }

    /// The source text of a span with every run of whitespace (newlines
    /// included) turned into one space: how nodes are named.
    ///
    /// ```
    /// use backprop_expr::Expr;
    ///
    /// let e = Expr::parse("(x +\n   sigmoid(y))  * 2")?;
    /// let sum = e.nodes()[3];                 // x + sigmoid(y)
    /// assert_eq!(e.text(sum.span()), "x + sigmoid(y)");
    /// # Ok::<(), backprop_expr::ParseError>(())
    /// ```
    pub fn text(&self, span: Span) -> String {
        let mut out = String::with_capacity(span.len());
        for word in self.source[span.range()].split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        out
    }
}

impl fmt::Display for Expr {
    /// The source text, whitespace normalised.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Span::new(0, self.source.len())))
    }
}
