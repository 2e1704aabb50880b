//! What can be wrong with an expression's text, and where.

use thiserror::Error;

use crate::{Function, Span, diagnostic};

/// A syntax error: what is wrong ([`ParseErrorKind`]) and where
/// ([`Span`], bytes into the source).
///
/// `Display` gives the message alone; [`ParseError::render`] adds the
/// source line with a caret under the offending characters.
///
/// ```
/// use backprop_expr::Expr;
///
/// let source = "sigmoid(x, y)";
/// let err = Expr::parse(source).unwrap_err();
/// assert_eq!(err.to_string(), "`sigmoid` takes 1 argument, but 2 were given");
/// assert_eq!(err.render(source), "sigmoid(x, y)\n^^^^^^^\n");
/// ```
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{kind}")]
pub struct ParseError {
    /// What is wrong.
    pub kind: ParseErrorKind,
    /// Where, in bytes of the source.
    pub span: Span,
}

impl ParseError {
    /// An error of `kind` at `span`.
    pub fn new(kind: ParseErrorKind, span: Span) -> Self {
        ParseError { kind, span }
    }

    /// The source line holding the error, with carets under it (see
    /// [`diagnostic::caret`]).
    pub fn render(&self, source: &str) -> String {
        diagnostic::caret(source, self.span)
    }

    /// A hint on how to fix it, if there is a useful one.
    pub fn help(&self) -> Option<String> {
        self.kind.help()
    }
}

/// The kinds of syntax error.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The text holds no expression at all.
    #[error("the expression is empty")]
    Empty,
    /// A character that is not part of the language.
    #[error("unexpected character `{0}`")]
    UnexpectedCharacter(char),
    /// A word that starts like a number but is not one.
    #[error("unparsable number `{text}`: {reason}")]
    InvalidNumber {
        /// The whole word.
        text: String,
        /// Why it is not a number.
        reason: &'static str,
    },
    /// An operator, `)` , `,` or the end came where a value was expected.
    #[error("expected a number, a variable, a function call or `(`, found {found}")]
    ExpectedOperand {
        /// What was found instead, quoted (or "the end of the expression").
        found: String,
    },
    /// A value came right after another value.
    #[error("expected an operator (+ - * / ^), `)` or the end, found {found}")]
    ExpectedOperator {
        /// What was found instead, quoted.
        found: String,
    },
    /// A `)` with no `(` to close.
    #[error("unbalanced parentheses: this `)` has no matching `(`")]
    UnmatchedClose,
    /// A `(` that is never closed.
    #[error("unbalanced parentheses: this `(` is never closed")]
    Unclosed,
    /// A call of a function that does not exist.
    #[error("unknown function `{name}`")]
    UnknownFunction {
        /// The name used.
        name: String,
        /// The closest known function, if one is close.
        suggestion: Option<Function>,
    },
    /// A function called with too many or too few arguments.
    #[error("`{function}` takes {expected} argument{}, but {found} {} given",
        plural(*expected), if *found == 1 { "was" } else { "were" })]
    WrongArity {
        /// The function.
        function: Function,
        /// How many it takes.
        expected: usize,
        /// How many it got.
        found: usize,
    },
    /// A function name used without `(...)`.
    #[error("`{0}` is a function, not a variable")]
    FunctionWithoutCall(Function),
    /// A `,` that does not separate function arguments.
    #[error("`,` only separates the arguments of a function such as max(a, b)")]
    StrayComma,
    /// More nodes than an expression can index (over 4 billion).
    #[error("the expression is too long")]
    TooLong,
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

impl ParseErrorKind {
    /// A hint on how to fix it, if there is a useful one.
    pub fn help(&self) -> Option<String> {
        let known = || {
            let names: Vec<&str> = Function::ALL.iter().map(|f| f.name()).collect();
            names.join(", ")
        };
        match self {
            ParseErrorKind::UnknownFunction {
                suggestion: Some(f),
                ..
            } => Some(format!("did you mean `{f}`?")),
            ParseErrorKind::UnknownFunction { .. } => Some(format!(
                "the functions are {} (and log for ln); to multiply, write name*(...)",
                known()
            )),
            ParseErrorKind::FunctionWithoutCall(f) => {
                let args = if f.arity() == 1 { "x" } else { "a, b" };
                Some(format!(
                    "call it as {f}({args}); use another name for a variable"
                ))
            }
            ParseErrorKind::Unclosed => Some("add the missing `)`".to_owned()),
            ParseErrorKind::UnmatchedClose => Some("remove it or add a `(` before it".to_owned()),
            ParseErrorKind::ExpectedOperator { .. } => {
                Some("write multiplication explicitly, as in 2*x".to_owned())
            }
            _ => None,
        }
    }
}
