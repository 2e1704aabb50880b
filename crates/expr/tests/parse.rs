//! The language: numbers, variables, operators, precedence, functions,
//! spans and node names. Expected values come from Python (`python3 -c`)
//! or from Rust's `f64` methods, never from this crate.

use backprop_expr::{Expr, Function, Op, gradient};
use backprop_graph::Graph;

/// The expression's structure as an s-expression, built bottom-up over the
/// flat node list (no recursion).
fn sexpr(source: &str) -> String {
    let e = Expr::parse(source).unwrap_or_else(|err| panic!("{source}: {err}"));
    let mut shown: Vec<String> = Vec::new();
    for node in e.nodes() {
        let args: Vec<&str> = node.inputs().map(|i| shown[i].as_str()).collect();
        let s = match node.op() {
            Op::Number(v) => format!("{v}"),
            Op::Variable(i) => e.variables()[i].name.clone(),
            Op::Neg => format!("(neg {})", args[0]),
            Op::Call(f) => format!("({f} {})", args.join(" ")),
            op => {
                let sym = match op {
                    Op::Add => "+",
                    Op::Sub => "-",
                    Op::Mul => "*",
                    Op::Div => "/",
                    _ => "^",
                };
                format!("({sym} {} {})", args[0], args[1])
            }
        };
        shown.push(s);
    }
    shown.pop().expect("an expression has a node")
}

/// Value of `source` with only the variables it uses taken from x = 3,
/// y = -4.
fn value(source: &str) -> f64 {
    let e = Expr::parse(source).unwrap_or_else(|err| panic!("{source}: {err}"));
    let values: Vec<(&str, f64)> = [("x", 3.0), ("y", -4.0)]
        .into_iter()
        .filter(|(n, _)| e.variable_index(n).is_some())
        .collect();
    gradient(source, values).expect("evaluates").0
}

#[test]
fn numbers() {
    for (text, expected) in [
        ("3", 3.0),
        ("-4", -4.0),
        ("2.5", 2.5),
        ("1e-3", 1e-3),
        (".5", 0.5),
        ("5.", 5.0),
        ("1E3", 1000.0),
    ] {
        assert_eq!(value(text), expected, "{text}");
    }
    assert_eq!(sexpr("-4"), "(neg 4)");
}

#[test]
fn variables_keep_order_of_first_appearance() {
    let e = Expr::parse("x_1 * w0 + x_1 - _b + W0").unwrap();
    let names: Vec<&str> = e.variables().iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["x_1", "w0", "_b", "W0"]);
    assert_eq!(e.variables()[1].first.start, 6);
}

#[test]
fn precedence_and_associativity_as_in_python() {
    for (source, expected) in [
        ("-x^2", "(neg (^ x 2))"),
        ("-x**2", "(neg (^ x 2))"),
        ("2^3^2", "(^ 2 (^ 3 2))"),
        ("a - b - c", "(- (- a b) c)"),
        ("a / b / c", "(/ (/ a b) c)"),
        ("a + b * c", "(+ a (* b c))"),
        ("a * b + c", "(+ (* a b) c)"),
        ("-a * b", "(* (neg a) b)"),
        ("2^-x*3", "(* (^ 2 (neg x)) 3)"),
        ("a^-b^c", "(^ a (neg (^ b c)))"),
        ("--x", "(neg (neg x))"),
        ("+x", "x"),
        ("a - -b", "(- a (neg b))"),
        ("(a + b) * c", "(* (+ a b) c)"),
        ("max(a, b + c) * 2", "(* (max a (+ b c)) 2)"),
        ("sigmoid(-x)^2", "(^ (sigmoid (neg x)) 2)"),
        ("log(x)", "(ln x)"),
    ] {
        assert_eq!(sexpr(source), expected, "{source}");
    }
}

#[test]
fn values_match_python() {
    // python3 -c 'x=3.0;y=-4.0; print(-x**2, 2**3**2, 2**-1, -2**-2, ...)'
    for (source, python) in [
        ("-x^2", -9.0),
        ("2^3^2", 512.0),
        ("2^-1", 0.5),
        ("-2^-2", -0.25),
        ("2*-x", -6.0),
        ("x-y-1", 6.0),
        ("x/y/2", -0.375),
        ("2**-x*3", 0.375),
        ("-x*y", 12.0),
        ("+x", 3.0),
        ("x - -y", -1.0),
        ("1e-3*.5", 0.0005),
        ("-(x+y)**2", -1.0),
    ] {
        assert_eq!(value(source), python, "{source}");
    }
}

#[test]
fn every_function_computes_its_gate() {
    let v = 0.75_f64;
    let softplus = (1.0 + v.exp()).ln();
    for (source, expected, tolerance) in [
        ("sigmoid(x)", 1.0 / (1.0 + (-v).exp()), 1e-16),
        ("exp(x)", v.exp(), 0.0),
        ("ln(x)", v.ln(), 0.0),
        ("log(x)", v.ln(), 0.0),
        ("sqrt(x)", v.sqrt(), 0.0),
        ("tanh(x)", v.tanh(), 0.0),
        ("relu(x)", v, 0.0),
        ("relu(-x)", 0.0, 0.0),
        ("abs(-x)", v, 0.0),
        ("sin(x)", v.sin(), 0.0),
        ("cos(x)", v.cos(), 0.0),
        ("softplus(x)", softplus, 1e-15),
        ("recip(x)", 1.0 / v, 0.0),
        ("max(x, 0.5)", v, 0.0),
        ("min(x, 0.5)", 0.5, 0.0),
        ("max(x, x + 1)", v + 1.0, 0.0),
    ] {
        let (got, _) = gradient(source, [("x", v)]).unwrap();
        assert!(
            (got - expected).abs() <= tolerance,
            "{source}: {got} vs {expected}"
        );
    }
    for f in Function::ALL {
        let args = if f.arity() == 1 { "x" } else { "x, 1" };
        assert!(Expr::parse(&format!("{f}({args})")).is_ok(), "{f}");
    }
}

#[test]
fn spans_cover_sub_expressions_and_exclude_their_parentheses() {
    let e = Expr::parse("( x + y )^2 * sigmoid( z )").unwrap();
    let texts: Vec<String> = e.nodes().iter().map(|n| e.text(n.span())).collect();
    assert_eq!(
        texts,
        [
            "x",
            "y",
            "x + y",
            "2",
            "( x + y )^2",
            "z",
            "sigmoid( z )",
            "( x + y )^2 * sigmoid( z )"
        ]
    );
}

#[test]
fn a_variable_used_many_times_is_one_leaf_with_fan_out() {
    let e = Expr::parse("x * x * x").unwrap();
    let g = Graph::new();
    let eval = e.evaluate(&g, [("x", 2.0)]).unwrap();
    assert_eq!(eval.value(), 8.0);
    assert_eq!(eval.gradients(), [12.0]); // 3x² at 2
    assert_eq!(g.len(), 3, "one leaf and two multiplications");
    // The notebook's `dx += ...`: x of cell In [8] gets three contributions.
    let (_, grads) = gradient(
        "(x + sigmoid(y)) * recip(sigmoid(x) + (x + y)^2)",
        [("x", 3.0), ("y", -4.0)],
    )
    .unwrap();
    assert_eq!(grads[0].1, 2.0595697955721652);
}

#[test]
fn constants_fold_and_constant_operands_use_the_constant_gates() {
    let e = Expr::parse("2 * 3 + x^2 - 1").unwrap();
    let g = Graph::new();
    let eval = e.evaluate(&g, [("x", -3.0)]).unwrap();
    assert_eq!(eval.value(), 14.0);
    assert_eq!(eval.gradients(), [-6.0]);
    let gates: Vec<String> = g
        .trace(eval.output())
        .steps
        .iter()
        .map(|s| s.gate.to_string())
        .collect();
    assert_eq!(gates, ["add_const(-1.0)", "add_const(6.0)", "powi(2)"]);
}

#[test]
fn nodes_are_named_by_their_sub_expressions() {
    let e = Expr::parse("(x + sigmoid(y)) / (sigmoid(x) + (x + y)^2)").unwrap();
    let g = Graph::new();
    let eval = e.evaluate(&g, [("x", 3.0), ("y", -4.0)]).unwrap();
    let labels: Vec<String> = (0..g.len()).map(|i| g.node(i).unwrap().label()).collect();
    assert_eq!(
        labels,
        [
            "x",
            "y",
            "sigmoid(y)",
            "x + sigmoid(y)",
            "sigmoid(x)",
            "x + y",
            "(x + y)^2",
            "sigmoid(x) + (x + y)^2",
            "f"
        ]
    );
    assert_eq!(eval.output().label(), "f");
}

#[test]
fn long_names_are_shortened_around_an_ellipsis() {
    let source = format!("exp({})", vec!["x"; 30].join(" + "));
    let e = Expr::parse(&source).unwrap();
    let g = Graph::new();
    let eval = e.evaluate(&g, [("x", 0.0)]).unwrap();
    let sum = g.node(g.len() - 2).unwrap().label();
    assert_eq!(sum, "x + x + x + x + x … x + x + x + x + x");
    assert!(sum.chars().count() <= backprop_expr::NAME_LIMIT);
    assert_eq!(eval.output().label(), "f");
}

#[test]
fn a_variable_called_f_keeps_the_result_unnamed_f() {
    let e = Expr::parse("f * 2").unwrap();
    let g = Graph::new();
    let eval = e.evaluate(&g, [("f", 1.0)]).unwrap();
    assert_eq!(eval.output().label(), "f * 2");
}

#[test]
fn a_variable_is_one_node_however_often_it_is_used() {
    let e = Expr::parse("x * x + y * x").unwrap();
    let ops: Vec<Op> = e.nodes().iter().map(|n| n.op()).collect();
    assert_eq!(
        ops,
        [Op::Variable(0), Op::Mul, Op::Variable(1), Op::Mul, Op::Add]
    );
    let inputs: Vec<Vec<usize>> = e.nodes().iter().map(|n| n.inputs().collect()).collect();
    assert_eq!(inputs, [vec![], vec![0, 0], vec![], vec![2, 0], vec![1, 3]]);
    // Spans still cover each use's own text.
    let texts: Vec<String> = e.nodes().iter().map(|n| e.text(n.span())).collect();
    assert_eq!(texts, ["x", "x * x", "y", "y * x", "x * x + y * x"]);
    assert_eq!(sexpr("x * x + y * x"), "(+ (* x x) (* y x))");
}

#[test]
fn nodes_stay_small_for_million_term_expressions() {
    // 20 bytes a node keeps `backprop grad` on a million-term sum within
    // its memory budget (see the CLI's memory test).
    assert!(size_of::<backprop_expr::Node>() <= 20);
}
