//! Nothing panics on any input: arbitrary text, and token soup that
//! reaches every state of the parser. Errors always point inside the text.

use backprop_expr::{Expr, parse_assignments};
use backprop_graph::Graph;
use proptest::prelude::*;

/// Parses, and on success evaluates with every variable at `at`, asking
/// for everything a command would print. Must never panic.
fn exercise(source: &str, at: f64) {
    match Expr::parse(source) {
        Err(err) => {
            assert!(err.span.start <= err.span.end && err.span.end <= source.len());
            assert!(source.is_char_boundary(err.span.start));
            assert!(source.is_char_boundary(err.span.end));
            let shown = err.render(source);
            assert!(shown.contains('^'), "{shown}");
            let _ = (err.to_string(), err.help());
        }
        Ok(e) => {
            let g = Graph::new();
            let values: Vec<(String, f64)> =
                e.variables().iter().map(|v| (v.name.clone(), at)).collect();
            let eval = e.evaluate(&g, values).expect("every variable has a value");
            let _ = eval.gradients();
            for bad in eval.non_finite() {
                let _ = bad.render(&e);
            }
            let _ = eval.non_finite_derivatives();
            let _ = g.trace(eval.output()).to_string();
            let _ = g.to_dot(eval.output(), None);
        }
    }
}

const TOKENS: &[&str] = &[
    "x", "y", "w0", "(", ")", ",", "+", "-", "*", "/", "^", "**", "sigmoid", "max", "min", "ln",
    "log", "sqrt", "exp", "recip", "1", "0", ".5", "2.", "1e3", "1e", "1.2.3", " ", "\n", "é", "$",
    "3x", "e", "_",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_text_never_panics(source in "\\PC{0,40}", at in -3.0f64..3.0) {
        exercise(&source, at);
    }

    #[test]
    fn token_soup_never_panics(
        tokens in proptest::collection::vec(proptest::sample::select(TOKENS), 0..30),
        at in prop_oneof![Just(0.0), Just(-1.0), -3.0f64..3.0],
    ) {
        exercise(&tokens.concat(), at);
    }

    #[test]
    fn arbitrary_assignments_never_panic(text in "\\PC{0,30}") {
        if let Err(err) = parse_assignments(&text) {
            prop_assert!(err.span.end <= text.len());
            prop_assert!(err.render(&text).contains('^'));
        }
    }
}
