//! Node names against their definition: the sub-expression's text with
//! whitespace runs collapsed to one space, and past `NAME_LIMIT`
//! characters its first and last 18 around ` … ` (each side trimmed).
//!
//! The reference below follows that definition literally, on the whole
//! text; `name_of` and `write_name_of` read only about `NAME_LIMIT`
//! characters at each end and must agree with it on every span.

use backprop_expr::{Expr, NAME_LIMIT, Span};
use proptest::prelude::*;

/// The definition, computed the slow way.
fn reference(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars: Vec<char> = collapsed.chars().collect();
    if chars.len() <= NAME_LIMIT {
        return collapsed;
    }
    let keep = (NAME_LIMIT - 3) / 2;
    let head: String = chars[..keep].iter().collect();
    let tail: String = chars[chars.len() - keep..].iter().collect();
    format!("{} … {}", head.trim_end(), tail.trim_start())
}

/// Expressions with whitespace runs of spaces, tabs and newlines between
/// their tokens.
fn expression() -> impl Strategy<Value = String> {
    let space = prop::collection::vec(prop::sample::select(vec![' ', '\t', '\n']), 0..4)
        .prop_map(|s| s.into_iter().collect::<String>());
    let term = prop::sample::select(vec!["x", "y1", "long_name", "2.5", "(x*y)", "sin(x)"]);
    let op = prop::sample::select(vec!["+", "-", "*", "/"]);
    (
        space.clone(),
        term.clone(),
        prop::collection::vec((space.clone(), op, space.clone(), term), 0..25),
        space,
    )
        .prop_map(|(lead, first, rest, trail)| {
            let mut text = lead + first;
            for (s1, op, s2, term) in rest {
                text.push_str(&s1);
                text.push_str(op);
                text.push_str(&s2);
                text.push_str(term);
            }
            text + &trail
        })
}

proptest! {
    #[test]
    fn names_follow_their_definition_on_every_span(source in expression()) {
        let expr = Expr::parse(&source).expect("generated expressions parse");
        for start in 0..source.len() {
            for end in start + 1..=source.len() {
                let span = Span::new(start, end);
                let expected = reference(&source[start..end]);
                prop_assert_eq!(expr.name_of(span), expected.clone());
                let mut written = String::from("kept: ");
                expr.write_name_of(span, &mut written).unwrap();
                prop_assert_eq!(written, format!("kept: {expected}"));
            }
        }
    }
}

#[test]
fn a_long_sum_keeps_its_ends() {
    let source = vec!["x*y"; 100].join(" +\n  ");
    let expr = Expr::parse(&source).unwrap();
    let name = expr.name_of(Span::new(0, source.len()));
    assert_eq!(name, "x*y + x*y + x*y + … + x*y + x*y + x*y");
    assert_eq!(name, reference(&source));
}
