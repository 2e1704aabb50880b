//! Operator-precedence parsing with explicit stacks (shunting-yard), so
//! that nesting depth costs heap, never call stack.
//!
//! Precedence, loosest first, as in Python: `+ -` (left-associative),
//! `* /` (left-associative), unary `-` and `+`, then `^` / `**`
//! (right-associative, so `2^3^2 = 2^9` and `-x^2 = -(x^2)`, while
//! `2^-x` is `2^(-x)`).

use std::collections::HashMap;

use crate::ast::{Expr, Node, Op, Variable};
use crate::error::{ParseError, ParseErrorKind};
use crate::lexer::{Lexer, Tok, Token};
use crate::{Function, Span};

/// Binding power of unary minus: tighter than `*`, looser than `^`.
const NEG_PRECEDENCE: u8 = 3;

/// A pending operator or an open parenthesis.
#[derive(Clone, Copy, Debug)]
enum Frame {
    Binary {
        op: Op,
    },
    Neg {
        start: usize,
    },
    Paren {
        open: Span,
    },
    Call {
        function: Function,
        name: Span,
        open: Span,
        /// Arguments completed so far (each `,` completes one).
        args: usize,
    },
}

/// A finished operand: its root node and its extent including any
/// parentheses around it.
#[derive(Clone, Copy, Debug)]
struct Operand {
    node: u32,
    outer: Span,
}

fn precedence(op: Op) -> u8 {
    match op {
        Op::Add | Op::Sub => 1,
        Op::Mul | Op::Div => 2,
        Op::Pow => 4,
        _ => unreachable!("not a binary operator: {op:?}"),
    }
}

struct Parser<'s> {
    source: &'s str,
    lexer: Lexer<'s>,
    peeked: Option<Token>,
    nodes: Vec<Node>,
    operands: Vec<Operand>,
    frames: Vec<Frame>,
    variables: Vec<Variable>,
    variable_index: HashMap<&'s str, usize>,
    /// The node of each variable (its first appearance).
    variable_nodes: Vec<u32>,
}

impl Expr {
    /// Parses an expression.
    ///
    /// ```
    /// use backprop_expr::{Expr, ParseErrorKind};
    ///
    /// let e = Expr::parse("(x + sigmoid(y)) / (sigmoid(x) + (x + y)^2)")?;
    /// let names: Vec<&str> = e.variables().iter().map(|v| v.name.as_str()).collect();
    /// assert_eq!(names, ["x", "y"]);
    ///
    /// let err = Expr::parse("(x + y").unwrap_err();
    /// assert_eq!(err.kind, ParseErrorKind::Unclosed);
    /// assert_eq!(err.span.start, 0); // the `(` that is never closed
    /// # Ok::<(), backprop_expr::ParseError>(())
    /// ```
    pub fn parse(source: &str) -> Result<Expr, ParseError> {
        Parser {
            source,
            lexer: Lexer::new(source),
            peeked: None,
            nodes: Vec::new(),
            operands: Vec::new(),
            frames: Vec::new(),
            variables: Vec::new(),
            variable_index: HashMap::new(),
            variable_nodes: Vec::new(),
        }
        .parse()
    }
}

impl<'s> Parser<'s> {
    fn next(&mut self) -> Result<Token, ParseError> {
        match self.peeked.take() {
            Some(t) => Ok(t),
            None => self.lexer.next_token(),
        }
    }

    fn peek(&mut self) -> Result<Token, ParseError> {
        let t = self.next()?;
        self.peeked = Some(t);
        Ok(t)
    }

    fn describe(&self, t: Token) -> String {
        match t.tok {
            Tok::End => "the end of the expression".to_owned(),
            _ => format!("`{}`", &self.source[t.span.range()]),
        }
    }

    fn parse(mut self) -> Result<Expr, ParseError> {
        self.nodes.reserve(self.source.len() / 4);
        let mut expect_operand = true;
        loop {
            let t = self.next()?;
            if expect_operand {
                expect_operand = self.operand(t)?;
            } else {
                match t.tok {
                    Tok::Plus => self.binary(Op::Add)?,
                    Tok::Minus => self.binary(Op::Sub)?,
                    Tok::Star => self.binary(Op::Mul)?,
                    Tok::Slash => self.binary(Op::Div)?,
                    Tok::Caret => self.binary(Op::Pow)?,
                    Tok::RParen => self.close(t)?,
                    Tok::Comma => self.comma(t)?,
                    Tok::End => return self.finish(),
                    Tok::Number(_) | Tok::Ident | Tok::LParen => {
                        return Err(ParseError::new(
                            ParseErrorKind::ExpectedOperator {
                                found: self.describe(t),
                            },
                            t.span,
                        ));
                    }
                }
                expect_operand = !matches!(t.tok, Tok::RParen);
            }
        }
    }

    /// Handles a token where a value is expected; returns whether a value
    /// is still expected afterwards.
    fn operand(&mut self, t: Token) -> Result<bool, ParseError> {
        match t.tok {
            Tok::Number(value) => {
                self.push(Op::Number(value), &[], t.span)?;
                Ok(false)
            }
            Tok::Ident => {
                let name = &self.source[t.span.range()];
                let function = Function::from_name(name);
                if self.peek()?.tok == Tok::LParen {
                    let open = self.next()?.span;
                    let Some(function) = function else {
                        return Err(ParseError::new(
                            ParseErrorKind::UnknownFunction {
                                name: name.to_owned(),
                                suggestion: Function::suggest(name),
                            },
                            t.span,
                        ));
                    };
                    self.frames.push(Frame::Call {
                        function,
                        name: t.span,
                        open,
                        args: 0,
                    });
                    return Ok(true);
                }
                if let Some(function) = function {
                    return Err(ParseError::new(
                        ParseErrorKind::FunctionWithoutCall(function),
                        t.span,
                    ));
                }
                match self.variable_index.get(name) {
                    // Every later use refers to the variable's one node.
                    Some(&i) => self.operands.push(Operand {
                        node: self.variable_nodes[i],
                        outer: t.span,
                    }),
                    None => {
                        let i = self.variables.len();
                        self.variables.push(Variable {
                            name: name.to_owned(),
                            first: t.span,
                        });
                        self.variable_index.insert(name, i);
                        self.variable_nodes.push(self.nodes.len() as u32);
                        self.push(Op::Variable(i), &[], t.span)?;
                    }
                }
                Ok(false)
            }
            Tok::Minus => {
                self.frames.push(Frame::Neg {
                    start: t.span.start,
                });
                Ok(true)
            }
            // Unary plus changes nothing.
            Tok::Plus => Ok(true),
            Tok::LParen => {
                self.frames.push(Frame::Paren { open: t.span });
                Ok(true)
            }
            Tok::RParen => match self.frames.last() {
                Some(&Frame::Call {
                    function,
                    name,
                    args: 0,
                    ..
                }) => Err(ParseError::new(
                    ParseErrorKind::WrongArity {
                        function,
                        expected: function.arity(),
                        found: 0,
                    },
                    name,
                )),
                _ => Err(self.expected_operand(t)),
            },
            Tok::End if self.frames.is_empty() && self.nodes.is_empty() => {
                Err(ParseError::new(ParseErrorKind::Empty, t.span))
            }
            _ => Err(self.expected_operand(t)),
        }
    }

    fn expected_operand(&self, t: Token) -> ParseError {
        ParseError::new(
            ParseErrorKind::ExpectedOperand {
                found: self.describe(t),
            },
            t.span,
        )
    }

    fn push(&mut self, op: Op, inputs: &[u32], span: Span) -> Result<(), ParseError> {
        let too_long = || ParseError::new(ParseErrorKind::TooLong, span);
        let index = u32::try_from(self.nodes.len()).map_err(|_| too_long())?;
        self.nodes
            .push(Node::new(op, inputs, span).ok_or_else(too_long)?);
        self.operands.push(Operand {
            node: index,
            outer: span,
        });
        Ok(())
    }

    fn pop_operand(&mut self) -> Operand {
        self.operands
            .pop()
            .expect("the parser pushes an operand before every operator that needs one")
    }

    /// Applies every pending operator that binds at least as tightly as an
    /// operator of precedence `p` (right-associative operators of the same
    /// precedence wait).
    fn reduce(&mut self, p: u8, right_associative: bool) -> Result<(), ParseError> {
        while let Some(&frame) = self.frames.last() {
            let q = match frame {
                Frame::Binary { op } => precedence(op),
                Frame::Neg { .. } => NEG_PRECEDENCE,
                Frame::Paren { .. } | Frame::Call { .. } => return Ok(()),
            };
            if q < p || (q == p && right_associative) {
                return Ok(());
            }
            self.frames.pop();
            self.apply(frame)?;
        }
        Ok(())
    }

    fn apply(&mut self, frame: Frame) -> Result<(), ParseError> {
        match frame {
            Frame::Binary { op } => {
                let right = self.pop_operand();
                let left = self.pop_operand();
                self.push(op, &[left.node, right.node], left.outer.to(right.outer))
            }
            Frame::Neg { start } => {
                let operand = self.pop_operand();
                let span = Span::new(start, operand.outer.end);
                self.push(Op::Neg, &[operand.node], span)
            }
            Frame::Paren { .. } | Frame::Call { .. } => {
                unreachable!("parentheses are closed by `)`, not applied")
            }
        }
    }

    fn binary(&mut self, op: Op) -> Result<(), ParseError> {
        self.reduce(precedence(op), op == Op::Pow)?;
        self.frames.push(Frame::Binary { op });
        Ok(())
    }

    fn close(&mut self, t: Token) -> Result<(), ParseError> {
        self.reduce(0, false)?;
        match self.frames.pop() {
            None => Err(ParseError::new(ParseErrorKind::UnmatchedClose, t.span)),
            Some(Frame::Paren { open }) => {
                let operand = self.operands.last_mut().expect("a value precedes `)`");
                operand.outer = open.to(t.span);
                Ok(())
            }
            Some(Frame::Call {
                function,
                name,
                args,
                ..
            }) => {
                let found = args + 1;
                if found != function.arity() {
                    return Err(ParseError::new(
                        ParseErrorKind::WrongArity {
                            function,
                            expected: function.arity(),
                            found,
                        },
                        name,
                    ));
                }
                let mut inputs = [0; 2];
                for slot in inputs[..found].iter_mut().rev() {
                    *slot = self.pop_operand().node;
                }
                self.push(Op::Call(function), &inputs[..found], name.to(t.span))
            }
            Some(Frame::Binary { .. } | Frame::Neg { .. }) => {
                unreachable!("reduce(0) applies every operator")
            }
        }
    }

    fn comma(&mut self, t: Token) -> Result<(), ParseError> {
        self.reduce(0, false)?;
        match self.frames.last_mut() {
            Some(Frame::Call { args, .. }) => {
                *args += 1;
                Ok(())
            }
            _ => Err(ParseError::new(ParseErrorKind::StrayComma, t.span)),
        }
    }

    fn finish(mut self) -> Result<Expr, ParseError> {
        self.reduce(0, false)?;
        if let Some(frame) = self.frames.last() {
            let open = match *frame {
                Frame::Paren { open } | Frame::Call { open, .. } => open,
                Frame::Binary { .. } | Frame::Neg { .. } => {
                    unreachable!("reduce(0) applies every operator")
                }
            };
            return Err(ParseError::new(ParseErrorKind::Unclosed, open));
        }
        debug_assert_eq!(self.operands.len(), 1);
        debug_assert_eq!(
            self.operands[0].node as usize,
            self.nodes.len() - 1,
            "the result is the last node"
        );
        Ok(Expr {
            source: self.source.to_owned(),
            nodes: self.nodes,
            variables: self.variables,
        })
    }
}
