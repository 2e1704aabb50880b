//! Every kind of bad input gives an error that points at the offending
//! characters.

use backprop_expr::{BindError, Expr, Function, ParseErrorKind, Span};
use backprop_graph::Graph;

/// The error of `source`, and its caret rendering.
fn error(source: &str) -> (ParseErrorKind, String) {
    let err = Expr::parse(source).expect_err(source);
    let shown = err.render(source);
    (err.kind, shown)
}

#[test]
fn unbalanced_parentheses() {
    assert_eq!(
        error("(x + y"),
        (ParseErrorKind::Unclosed, "(x + y\n^\n".into())
    );
    assert_eq!(
        error("x + (y * (z)"),
        (ParseErrorKind::Unclosed, "x + (y * (z)\n    ^\n".into())
    );
    assert_eq!(
        error("sigmoid(x"),
        (ParseErrorKind::Unclosed, "sigmoid(x\n       ^\n".into())
    );
    assert_eq!(
        error("x + y)"),
        (ParseErrorKind::UnmatchedClose, "x + y)\n     ^\n".into())
    );
    assert_eq!(
        error("(x))"),
        (ParseErrorKind::UnmatchedClose, "(x))\n   ^\n".into())
    );
}

#[test]
fn unknown_function() {
    let (kind, shown) = error("2 * sigmod(x)");
    assert_eq!(
        kind,
        ParseErrorKind::UnknownFunction {
            name: "sigmod".into(),
            suggestion: Some(Function::Sigmoid)
        }
    );
    assert_eq!(shown, "2 * sigmod(x)\n    ^^^^^^\n");
    let err = Expr::parse("frobnicate(x)").unwrap_err();
    assert!(err.help().unwrap().contains("sigmoid, exp, ln"));
}

#[test]
fn wrong_number_of_arguments() {
    let arity = |function, expected, found| ParseErrorKind::WrongArity {
        function,
        expected,
        found,
    };
    assert_eq!(
        error("sigmoid(x, y)"),
        (
            arity(Function::Sigmoid, 1, 2),
            "sigmoid(x, y)\n^^^^^^^\n".into()
        )
    );
    assert_eq!(
        error("1 + max(x)"),
        (arity(Function::Max, 2, 1), "1 + max(x)\n    ^^^\n".into())
    );
    assert_eq!(error("exp()").0, arity(Function::Exp, 1, 0));
    assert_eq!(error("min(a, b, c)").0, arity(Function::Min, 2, 3));
    assert_eq!(
        Expr::parse("exp()").unwrap_err().to_string(),
        "`exp` takes 1 argument, but 0 were given"
    );
}

#[test]
fn unparsable_numbers() {
    for (source, caret) in [
        ("1.2.3 + x", "^^^^^"),
        ("3x", "^^"),
        ("x * 1e", "    ^^"),
        ("1e400", "^^^^^"),
        ("x + .", "    ^"),
    ] {
        let (kind, shown) = error(source);
        assert!(
            matches!(kind, ParseErrorKind::InvalidNumber { .. }),
            "{source}: {kind:?}"
        );
        assert_eq!(shown, format!("{source}\n{caret}\n"), "{source}");
    }
}

#[test]
fn misplaced_tokens() {
    for (source, caret) in [
        ("x + * y", "    ^"),
        ("x +", "   ^"),
        ("()", " ^"),
        ("max(x,)", "      ^"),
        ("2 x", "  ^"),
        ("x (y)", "^"), // `x` is taken as an unknown function
        ("x $ y", "  ^"),
        ("exp + 1", "^^^"),
        ("(x, y)", "  ^"),
        ("x, y", " ^"),
    ] {
        let (_, shown) = error(source);
        assert_eq!(shown, format!("{source}\n{caret}\n"), "{source}");
    }
    assert_eq!(error("").0, ParseErrorKind::Empty);
    assert_eq!(error(" \n\t ").0, ParseErrorKind::Empty);
    assert_eq!(
        error("exp + 1").0,
        ParseErrorKind::FunctionWithoutCall(Function::Exp)
    );
    assert_eq!(error("(x, y)").0, ParseErrorKind::StrayComma);
    assert_eq!(error("x $ y").0, ParseErrorKind::UnexpectedCharacter('$'));
}

#[test]
fn values_that_do_not_fit_the_variables() {
    let e = Expr::parse("x * y + x").unwrap();
    let g = Graph::new();
    assert_eq!(
        e.evaluate(&g, [("x", 1.0)]).err(),
        Some(BindError::MissingValue {
            name: "y".into(),
            span: Span::new(4, 5)
        })
    );
    assert_eq!(
        e.evaluate(&g, [("x", 1.0), ("y", 2.0), ("z", 3.0)]).err(),
        Some(BindError::UnusedValue {
            name: "z".into(),
            index: 2
        })
    );
    assert_eq!(
        e.evaluate(&g, [("x", 1.0), ("y", 2.0), ("x", 3.0)]).err(),
        Some(BindError::DuplicateValue {
            name: "x".into(),
            first: 0,
            second: 2
        })
    );
}

#[test]
fn undefined_math_names_the_sub_expression() {
    for (source, culprit, reason) in [
        (
            "x + ln(-1)",
            "ln(-1)",
            "ln needs a positive input, got -1.0",
        ),
        (
            "x + sqrt(-x)",
            "sqrt(-x)",
            "sqrt needs a positive input, got -2.0",
        ),
        ("x * (1/0)", "1/0", "division by zero"),
        ("x / (x - 2)", "x / (x - 2)", "division by zero"),
        (
            "recip(x - 2) + 1",
            "recip(x - 2)",
            "recip needs a non-zero input, got 0.0",
        ),
        (
            "(-x)^0.5",
            "(-x)^0.5",
            "a real power needs a positive base, got -2.0",
        ),
        (
            "(-x)^y",
            "(-x)^y",
            "a real power needs a positive base, got -2.0",
        ),
        (
            "exp(1000 * x) - 1",
            "exp(1000 * x)",
            "the result overflows the range of f64",
        ),
    ] {
        let e = Expr::parse(source).unwrap();
        let g = Graph::new();
        let values: Vec<(&str, f64)> = [("x", 2.0), ("y", 0.5)]
            .into_iter()
            .filter(|(n, _)| e.variable_index(n).is_some())
            .collect();
        let eval = e.evaluate(&g, values).unwrap();
        assert!(!eval.value().is_finite(), "{source}");
        let found = eval.non_finite();
        assert_eq!(found.len(), 1, "{source}: {found:?}");
        assert_eq!(e.text(found[0].span), culprit, "{source}");
        assert_eq!(found[0].reason, reason, "{source}");
    }
}

#[test]
fn non_finite_derivatives_name_the_step() {
    let e = Expr::parse("2 * sqrt(x) + x").unwrap();
    let g = Graph::new();
    let eval = e.evaluate(&g, [("x", 0.0)]).unwrap();
    assert_eq!(eval.value(), 0.0);
    assert!(eval.non_finite().is_empty());
    let bad = eval.non_finite_derivatives();
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert_eq!(e.text(bad[0].span), "sqrt(x)");
    assert_eq!(bad[0].input, "x");
    assert_eq!(bad[0].local, f64::INFINITY);
    assert_eq!(bad[0].upstream, 2.0);

    let fine = Expr::parse("sqrt(x)").unwrap();
    let g = Graph::new();
    let eval = fine.evaluate(&g, [("x", 4.0)]).unwrap();
    assert!(eval.non_finite_derivatives().is_empty());
}

#[test]
fn non_finite_derivatives_name_unnamed_inputs_by_their_text() {
    let e = Expr::parse("sqrt(x - 1) * 3").unwrap();
    let g = Graph::new();
    let eval = e
        .evaluate_with(&g, [("x", 1.0)], backprop_expr::Naming::VariablesOnly)
        .unwrap();
    let bad = eval.non_finite_derivatives();
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert_eq!(e.text(bad[0].span), "sqrt(x - 1)");
    assert_eq!(bad[0].input, "x - 1");
}
