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
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Node {
    op: Op,
    inputs: [u32; 2],
    arity: u8,
    span: Span,
}

impl Node {
    pub(crate) fn new(op: Op, inputs: &[u32], span: Span) -> Node {
        let mut slots = [0; 2];
        slots[..inputs.len()].copy_from_slice(inputs);
        Node {
            op,
            inputs: slots,
            arity: inputs.len() as u8,
            span,
        }
    }

    /// What the node computes.
    pub fn op(&self) -> Op {
        self.op
    }

    /// Indices of its input nodes, in order; each is smaller than the
    /// node's own index.
    pub fn inputs(&self) -> impl ExactSizeIterator<Item = usize> + '_ {
        self.inputs[..usize::from(self.arity)]
            .iter()
            .map(|&i| i as usize)
    }

    /// The source text it was parsed from, without enclosing parentheses.
    pub fn span(&self) -> Span {
        self.span
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
/// before it and the last node is the result. Nothing in this crate
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
