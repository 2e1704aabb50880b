//! Reading variable values written as `x=3` or `x=3,y=-4`.

use thiserror::Error;

use crate::lexer::parse_number;
use crate::{Span, diagnostic};

/// One `name=value` pair, with where each part is in the text.
#[derive(Clone, Debug, PartialEq)]
pub struct Assignment {
    /// The variable's name.
    pub name: String,
    /// Its value.
    pub value: f64,
    /// Where the whole `name=value` is.
    pub span: Span,
}

/// A malformed assignment, and where (bytes into the text).
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{kind}")]
pub struct AssignmentError {
    /// What is wrong.
    pub kind: AssignmentErrorKind,
    /// Where.
    pub span: Span,
}

impl AssignmentError {
    /// The text with a caret under the error (see [`diagnostic::caret`]).
    pub fn render(&self, text: &str) -> String {
        diagnostic::caret(text, self.span)
    }
}

/// The ways an assignment can be malformed.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum AssignmentErrorKind {
    /// Nothing between two commas, or at an end.
    #[error("empty assignment: expected name=value")]
    Empty,
    /// No `=`.
    #[error("`{0}` is not an assignment: expected name=value, like x=3")]
    MissingEquals(String),
    /// The part before `=` is not a variable name.
    #[error(
        "`{0}` is not a variable name: names start with a letter or `_` and go on with letters, digits and `_`"
    )]
    InvalidName(String),
    /// Nothing after `=`.
    #[error("no value after `=`")]
    MissingValue,
    /// The part after `=` is not a number.
    #[error("unparsable number `{text}`: {reason}")]
    InvalidValue {
        /// The text after `=`.
        text: String,
        /// Why it is not a number.
        reason: String,
    },
}

/// Reads comma-separated assignments: `x=3`, `x=3,y=-4`, `w0 = -1e-3`.
/// Values are finite decimal numbers with an optional sign.
///
/// ```
/// use backprop_expr::parse_assignments;
///
/// let a = parse_assignments("x=3,y=-4")?;
/// assert_eq!((a[0].name.as_str(), a[0].value), ("x", 3.0));
/// assert_eq!((a[1].name.as_str(), a[1].value), ("y", -4.0));
///
/// let err = parse_assignments("x=3,y=4q").unwrap_err();
/// assert_eq!(err.render("x=3,y=4q"), "x=3,y=4q\n      ^^\n");
/// # Ok::<(), backprop_expr::AssignmentError>(())
/// ```
pub fn parse_assignments(text: &str) -> Result<Vec<Assignment>, AssignmentError> {
    let mut out = Vec::new();
    let mut start = 0;
    for item in text.split(',') {
        let span = trimmed(text, Span::new(start, start + item.len()));
        out.push(parse_one(text, span)?);
        start += item.len() + 1;
    }
    Ok(out)
}

/// `span` shrunk to exclude surrounding whitespace (an empty span stays
/// where the text was).
fn trimmed(text: &str, span: Span) -> Span {
    let s = &text[span.range()];
    let leading = s.len() - s.trim_start().len();
    let inner = s.trim();
    Span::new(span.start + leading, span.start + leading + inner.len())
}

fn parse_one(text: &str, span: Span) -> Result<Assignment, AssignmentError> {
    let item = &text[span.range()];
    let err = |kind, span| AssignmentError { kind, span };
    if item.is_empty() {
        return Err(err(AssignmentErrorKind::Empty, span));
    }
    let Some(eq) = item.find('=') else {
        return Err(err(
            AssignmentErrorKind::MissingEquals(item.to_owned()),
            span,
        ));
    };
    let name_span = trimmed(text, Span::new(span.start, span.start + eq));
    let value_span = trimmed(text, Span::new(span.start + eq + 1, span.end));
    let name = &text[name_span.range()];
    if !is_identifier(name) {
        let at = if name.is_empty() {
            Span::new(span.start + eq, span.start + eq + 1)
        } else {
            name_span
        };
        return Err(err(AssignmentErrorKind::InvalidName(name.to_owned()), at));
    }
    let value_text = &text[value_span.range()];
    if value_text.is_empty() {
        return Err(err(AssignmentErrorKind::MissingValue, value_span));
    }
    let (negative, digits) = match value_text.as_bytes()[0] {
        b'-' => (true, &value_text[1..]),
        b'+' => (false, &value_text[1..]),
        _ => (false, value_text),
    };
    let magnitude = parse_number(digits).map_err(|kind| {
        let reason = match kind {
            crate::ParseErrorKind::InvalidNumber { reason, .. } => reason.to_owned(),
            other => other.to_string(),
        };
        err(
            AssignmentErrorKind::InvalidValue {
                text: value_text.to_owned(),
                reason,
            },
            value_span,
        )
    })?;
    Ok(Assignment {
        name: name.to_owned(),
        value: if negative { -magnitude } else { magnitude },
        span,
    })
}

fn is_identifier(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
        && bytes.all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> (AssignmentErrorKind, String) {
        let e = parse_assignments(text).unwrap_err();
        let shown = e.render(text);
        (e.kind, shown)
    }

    #[test]
    fn values_with_signs_exponents_and_spaces() {
        let a = parse_assignments(" w0 = -1e-3 , x_1=.5,y=+2").unwrap();
        let pairs: Vec<(&str, f64)> = a.iter().map(|a| (a.name.as_str(), a.value)).collect();
        assert_eq!(pairs, [("w0", -1e-3), ("x_1", 0.5), ("y", 2.0)]);
        assert_eq!(a[0].span, Span::new(1, 11));
    }

    #[test]
    fn malformed_assignments_point_at_the_fault() {
        assert_eq!(
            error("x"),
            (
                AssignmentErrorKind::MissingEquals("x".into()),
                "x\n^\n".into()
            )
        );
        assert_eq!(
            error("x=3,,y=1").1,
            "x=3,,y=1\n    ^\n",
            "empty item between commas"
        );
        assert_eq!(error("=3").1, "=3\n^\n");
        assert_eq!(error("2x=3").1, "2x=3\n^^\n");
        assert_eq!(error("x=").0, AssignmentErrorKind::MissingValue);
        assert_eq!(error("x=").1, "x=\n  ^\n");
        assert_eq!(error("x=1.2.3").1, "x=1.2.3\n  ^^^^^\n");
        assert_eq!(error("x=--3").1, "x=--3\n  ^^^\n");
        assert!(matches!(
            error("x=nan").0,
            AssignmentErrorKind::InvalidValue { .. }
        ));
        assert!(matches!(
            error("x=1e400").0,
            AssignmentErrorKind::InvalidValue { .. }
        ));
        assert_eq!(error("x=3,").0, AssignmentErrorKind::Empty);
    }
}
