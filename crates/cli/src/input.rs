//! From arguments to an evaluated expression: reading the expression
//! (possibly from standard input), reading the values, and turning every
//! problem into a diagnostic with a caret.

use std::io::Read;

use backprop_expr::{
    AssignmentErrorKind, BindError, Evaluation, Expr, Naming, ParseErrorKind, Span,
    diagnostic::caret, parse_assignments,
};
use backprop_graph::Graph;

use crate::args::Input;
use crate::report::{Diagnostic, Failure};

/// Where a value came from: the argument's text and the `name=value` in it.
#[derive(Debug, Clone)]
struct Origin {
    argument: String,
    span: Span,
}

/// The parsed expression and the values given for it.
#[derive(Debug)]
pub struct Prepared {
    /// The expression.
    pub expr: Expr,
    /// `(name, value)` in the order given.
    pub values: Vec<(String, f64)>,
    origins: Vec<Origin>,
}

/// Shortest round-trip digits (`3.0`, `-4.0`, `0.1`, `1e-5`, `NaN`, `inf`).
pub fn number(v: f64) -> String {
    let mut text = String::new();
    push_number(&mut text, v);
    text
}

/// Appends [`number`]`(v)` to `text` (no allocation of its own: the
/// explanation of a million-term expression prints millions of numbers).
pub fn push_number(text: &mut String, v: f64) {
    use std::fmt::Write as _;
    let _ = write!(text, "{v:?}");
}

impl Prepared {
    /// Reads the expression and the values; every problem is an input
    /// failure (exit 2) pointing at the offending characters.
    pub fn new(input: &Input) -> Result<Prepared, Failure> {
        let source = read_expression(&input.expr)?;
        let expr = parse(&source)?;
        let mut values = Vec::new();
        let mut origins = Vec::new();
        for argument in input.values.iter().chain(&input.at) {
            let assignments = parse_assignments(argument).map_err(|err| {
                let mut d = Diagnostic::error(err.to_string()).snippet(err.render(argument));
                if matches!(err.kind, AssignmentErrorKind::MissingEquals(_)) {
                    d = d.help(
                        "values are written name=value (x=3); quote an expression that contains spaces",
                    );
                }
                Failure::from(d)
            })?;
            for a in assignments {
                values.push((a.name, a.value));
                origins.push(Origin {
                    argument: argument.clone(),
                    span: a.span,
                });
            }
        }
        Ok(Prepared {
            expr,
            values,
            origins,
        })
    }

    /// Records the expression on `graph` with the values.
    pub fn evaluate<'g>(
        &'g self,
        graph: &'g Graph,
        naming: Naming,
    ) -> Result<Evaluation<'g, 'g>, Failure> {
        self.expr
            .evaluate_with(graph, self.values.iter().map(|(n, v)| (n, *v)), naming)
            .map_err(|err| self.bind_failure(err))
    }

    fn bind_failure(&self, err: BindError) -> Failure {
        let message = err.to_string();
        let names: Vec<&str> = self
            .expr
            .variables()
            .iter()
            .map(|v| v.name.as_str())
            .collect();
        let d = match err {
            BindError::MissingValue { name, span } => Diagnostic::error(message)
                .snippet(caret(self.expr.source(), span))
                .help(format!("give it a value: {name}=1 (or --at {name}=1)")),
            BindError::UnusedValue { index, .. } => {
                let o = &self.origins[index];
                let d = Diagnostic::error(message).snippet(caret(&o.argument, o.span));
                if names.is_empty() {
                    d.note("the expression has no variables")
                } else {
                    d.note(format!("its variables are {}", names.join(", ")))
                }
            }
            BindError::DuplicateValue { first, second, .. } => {
                let o = &self.origins[second];
                let f = &self.origins[first];
                Diagnostic::error(message)
                    .snippet(caret(&o.argument, o.span))
                    .note(format!("first given in `{}`", &f.argument[f.span.range()]))
            }
            other => Diagnostic::error(other.to_string()),
        };
        d.into()
    }

    /// `f = EXPR` and `at x = 3.0, y = -4.0`, as the first lines of a
    /// report.
    pub fn header(&self, output: &str) -> String {
        let mut out = format!("{output} = {}\n", abbreviate(&self.expr.to_string()));
        if !self.expr.variables().is_empty() {
            let at: Vec<String> = self
                .expr
                .variables()
                .iter()
                .map(|v| {
                    let value = self
                        .values
                        .iter()
                        .find(|(n, _)| *n == v.name)
                        .map_or(f64::NAN, |(_, x)| *x);
                    format!("{} = {}", v.name, number(value))
                })
                .collect();
            out.push_str(&format!("at {}\n", at.join(", ")));
        }
        out
    }
}

/// The expression text: the argument itself, or standard input for `-`.
pub fn read_expression(argument: &str) -> Result<String, Failure> {
    if argument != "-" {
        return Ok(argument.to_owned());
    }
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|source| Failure::Io {
            what: "read the expression from standard input".into(),
            path: None,
            source,
        })?;
    String::from_utf8(bytes).map_err(|err| {
        Diagnostic::error(format!(
            "the expression on standard input is not UTF-8 text (invalid byte at offset {})",
            err.utf8_error().valid_up_to()
        ))
        .into()
    })
}

fn parse(source: &str) -> Result<Expr, Failure> {
    Expr::parse(source).map_err(|err| {
        let mut d = Diagnostic::error(err.to_string()).snippet(err.render(source));
        if let Some(help) = err.help() {
            d = d.help(help);
        }
        if err.kind == ParseErrorKind::Empty {
            d = Diagnostic::error("the expression is empty").help(
                "give an expression such as '(x + y) * z', or - to read one from standard input",
            );
        }
        d.into()
    })
}

/// Warnings for NaN or infinity: which sub-expression produced it, and
/// which backward step turned a finite gradient into a non-finite one.
pub fn non_finite_warnings(eval: &Evaluation<'_, '_>) -> Vec<Diagnostic> {
    const SHOWN: usize = 5;
    let expr = eval.expr();
    let mut out = Vec::new();
    let forward = eval.non_finite();
    for bad in forward.iter().take(SHOWN) {
        out.push(
            Diagnostic::warning(format!(
                "`{}` is {}: {}",
                expr.name_of(bad.span),
                number(bad.value),
                bad.reason
            ))
            .snippet(bad.render(expr)),
        );
    }
    if forward.len() > SHOWN {
        out.push(Diagnostic::warning(format!(
            "... and {} more sub-expressions with non-finite values",
            forward.len() - SHOWN
        )));
    }
    if !forward.is_empty() {
        return out;
    }
    let backward = eval.non_finite_derivatives();
    for bad in backward.iter().take(SHOWN) {
        out.push(
            Diagnostic::warning(format!(
                "the gradient is not finite: `{}` sends {} to `{}` (local derivative {} × upstream {})",
                expr.name_of(bad.span),
                number(bad.local * bad.upstream),
                bad.input,
                number(bad.local),
                number(bad.upstream)
            ))
            .snippet(caret(expr.source(), bad.span)),
        );
    }
    out
}

/// The expression as echoed in headers: whole up to 200 characters, else its
/// start and end around `…` and its length (a million-term expression is
/// not printed back in full).
pub fn abbreviate(text: &str) -> String {
    const MAX: usize = 200;
    let n = text.chars().count();
    if n <= MAX {
        return text.to_owned();
    }
    let head: String = text.chars().take(120).collect();
    let tail: String = text.chars().skip(n - 60).collect();
    format!(
        "{} … {} ({n} characters)",
        head.trim_end(),
        tail.trim_start()
    )
}
