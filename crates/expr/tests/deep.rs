//! Depth and size: nothing recurses, so deep nesting parses on a small
//! stack and a million terms evaluate.

use backprop_expr::{Expr, Naming, ParseErrorKind};
use backprop_graph::Graph;

/// Runs `f` on a thread with a 128 KiB stack: a parser that recursed once
/// per nesting level would overflow it within a few thousand levels.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(128 * 1024)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no panic, no overflow");
}

const DEPTH: usize = 100_000;

#[test]
fn a_hundred_thousand_nested_parentheses_parse_and_evaluate() {
    on_small_stack(|| {
        let source = format!("{}x{} * 2", "(".repeat(DEPTH), ")".repeat(DEPTH));
        let e = Expr::parse(&source).expect("balanced");
        assert_eq!(e.nodes().len(), 3);
        let g = Graph::new();
        let eval = e.evaluate(&g, [("x", 1.5)]).unwrap();
        assert_eq!((eval.value(), eval.gradients()), (3.0, vec![2.0]));
    });
}

#[test]
fn a_hundred_thousand_unclosed_parentheses_are_an_error() {
    on_small_stack(|| {
        let source = format!("{}x", "(".repeat(DEPTH));
        let err = Expr::parse(&source).unwrap_err();
        assert_eq!(err.kind, ParseErrorKind::Unclosed);
        assert_eq!(err.span.start, DEPTH - 1, "the innermost `(`");
        let unmatched = format!("x{}", ")".repeat(DEPTH));
        let err = Expr::parse(&unmatched).unwrap_err();
        assert_eq!(err.kind, ParseErrorKind::UnmatchedClose);
        assert_eq!(err.span.start, 1);
    });
}

#[test]
fn a_hundred_thousand_nested_calls_and_negations_backpropagate() {
    on_small_stack(|| {
        // -(-(-(...x...))) with DEPTH minus signs: value and gradient are
        // (-1)^DEPTH times x and 1, whatever the nesting.
        let source = format!("{}x{}", "-(".repeat(DEPTH), ")".repeat(DEPTH));
        let e = Expr::parse(&source).unwrap();
        let g = Graph::new();
        let eval = e.evaluate(&g, [("x", 0.25)]).unwrap();
        assert_eq!((eval.value(), eval.gradients()), (0.25, vec![1.0]));
        drop(eval);
        drop(g);
        drop(e);

        // abs(abs(...abs(x)...)) at x = -2: value 2, gradient -1.
        let source = format!("{}x{}", "abs(".repeat(DEPTH), ")".repeat(DEPTH));
        let e = Expr::parse(&source).unwrap();
        let g = Graph::new();
        let eval = e.evaluate(&g, [("x", -2.0)]).unwrap();
        assert_eq!((eval.value(), eval.gradients()), (2.0, vec![-1.0]));
        assert_eq!(eval.output().label(), "f");
        assert!(g.node(g.len() - 2).unwrap().label().contains(" … "));

        // - - - ... x: a long run of prefix operators.
        let chain = format!("{}x", "- ".repeat(DEPTH + 1));
        let e = Expr::parse(&chain).unwrap();
        let g = Graph::new();
        let eval = e.evaluate(&g, [("x", 3.0)]).unwrap();
        assert_eq!((eval.value(), eval.gradients()), (-3.0, vec![-1.0]));
    });
}

#[test]
fn a_million_terms_evaluate() {
    on_small_stack(|| {
        const TERMS: usize = 1_000_000;
        // x - y + x - y + ... : value TERMS/2 · (x - y), gradients ±TERMS/2.
        let mut source = String::with_capacity(TERMS * 4);
        for i in 0..TERMS {
            if i > 0 {
                source.push_str(if i % 2 == 1 { " - " } else { " + " });
            }
            source.push(if i % 2 == 0 { 'x' } else { 'y' });
        }
        let e = Expr::parse(&source).unwrap();
        assert_eq!(
            e.nodes().len(),
            TERMS + 1,
            "x and y one node each, TERMS - 1 operations"
        );
        let g = Graph::with_capacity(TERMS);
        let eval = e
            .evaluate_with(&g, [("x", 1.5), ("y", 0.5)], Naming::VariablesOnly)
            .unwrap();
        let half = (TERMS / 2) as f64;
        assert_eq!(eval.value(), half);
        assert_eq!(eval.gradients(), [half, -half]);
        assert_eq!(g.len(), TERMS + 1, "two leaves and TERMS - 1 operations");

        drop(eval);
        drop(g);
        drop(e);

        // Named nodes: names stay bounded however long the sub-expression.
        let source = vec!["x"; 20_000].join(" + ");
        let e = Expr::parse(&source).unwrap();
        let g = Graph::new();
        let eval = e.evaluate(&g, [("x", 1.0)]).unwrap();
        assert_eq!(eval.gradients(), [20_000.0]);
        for i in 1..g.len() {
            let label = g.node(i).unwrap().label();
            assert!(
                label.chars().count() <= backprop_expr::NAME_LIMIT,
                "{label}"
            );
        }
    });
}
