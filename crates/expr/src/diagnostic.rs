//! Showing where an error is: the source line with carets under a span.

use crate::Span;

/// Longest stretch of a line shown around an error; longer lines are cut
/// to a window around the span, marked with `...`.
const WINDOW: usize = 72;

/// The line of `source` holding `span`, and a line of carets under the
/// span (at least one caret, even for an empty span such as the end of
/// the input). Multi-line sources get a `line L, column C:` header; very
/// long lines are cut to a window around the span.
///
/// ```
/// use backprop_expr::{Span, diagnostic::caret};
///
/// assert_eq!(caret("x + * y", Span::new(4, 5)), "x + * y\n    ^\n");
/// assert_eq!(caret("(x", Span::at(2)), "(x\n  ^\n");
/// ```
pub fn caret(source: &str, span: Span) -> String {
    let start = floor_char_boundary(source, span.start.min(source.len()));
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |i| start + i);
    let end = floor_char_boundary(source, span.end.clamp(start, line_end));
    let line: Vec<char> = source[line_start..line_end]
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    let column = source[line_start..start].chars().count();
    let width = source[start..end].chars().count().max(1);

    // Cut long lines to a window that shows the start of the span.
    let (from, prefix) = if line.len() > WINDOW && column > WINDOW / 3 {
        (column - WINDOW / 3, "...")
    } else {
        (0, "")
    };
    let to = (from + WINDOW).min(line.len());
    let suffix = if to < line.len() { "..." } else { "" };
    let shown: String = line[from..to].iter().collect();
    let caret_column = prefix.len() + column - from;
    let caret_width = width.min(to.saturating_sub(column).max(1));

    let mut out = String::new();
    if source.contains('\n') {
        let line_number = source[..line_start].matches('\n').count() + 1;
        out.push_str(&format!("line {line_number}, column {}:\n", column + 1));
    }
    out.push_str(prefix);
    out.push_str(&shown);
    out.push_str(suffix);
    out.push('\n');
    out.push_str(&" ".repeat(caret_column));
    out.push_str(&"^".repeat(caret_width));
    out.push('\n');
    out
}

/// The largest char boundary at or below `i`.
fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn underlines_the_span() {
        assert_eq!(
            caret("sigmod(x) + 1", Span::new(0, 6)),
            "sigmod(x) + 1\n^^^^^^\n"
        );
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert_eq!(caret("é + ü", Span::new(5, 7)), "é + ü\n    ^\n");
    }

    #[test]
    fn multi_line_sources_name_the_line() {
        let source = "x +\n  y ) ";
        assert_eq!(
            caret(source, Span::new(8, 9)),
            "line 2, column 5:\n  y ) \n    ^\n"
        );
    }

    #[test]
    fn long_lines_are_windowed_around_the_span() {
        let source = format!("{}# + x", "x + ".repeat(100));
        let at = source.find('#').unwrap();
        let shown = caret(&source, Span::new(at, at + 1));
        let lines: Vec<&str> = shown.lines().collect();
        assert!(lines[0].starts_with("...") && lines[0].ends_with("# + x"));
        assert!(lines[0].chars().count() <= WINDOW + 6);
        let caret_at = lines[1].find('^').unwrap();
        assert_eq!(lines[0].chars().nth(caret_at), Some('#'));
    }

    #[test]
    fn spans_past_the_end_or_inside_a_char_do_not_panic() {
        assert_eq!(caret("x", Span::new(7, 9)), "x\n ^\n");
        assert_eq!(caret("é", Span::new(1, 2)), "é\n^\n");
        assert_eq!(caret("", Span::at(0)), "\n^\n");
    }
}
