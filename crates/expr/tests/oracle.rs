//! Random expressions, printed as text, parsed and backpropagated, against
//! an independent evaluation of the same tree with forward-mode dual
//! numbers (which use no derivative rule and no graph).

use backprop_expr::Expr;
use backprop_gates::{Dual, Real, Unary};
use backprop_graph::Graph;
use proptest::prelude::*;

type D = Dual<f64>;

/// A random expression tree (test-only; small, so recursion is fine).
#[derive(Clone, Debug)]
enum Tree {
    Var(usize),
    Num(f64),
    Neg(Box<Tree>),
    Bin(char, Box<Tree>, Box<Tree>),
    /// `base ^ n` for a small integer `n`.
    Powi(Box<Tree>, i32),
    Fun(&'static str, Box<Tree>),
    Max(Box<Tree>, Box<Tree>),
}

const VARS: [&str; 3] = ["x", "y", "w_1"];

fn tree() -> impl Strategy<Value = Tree> {
    let leaf = prop_oneof![
        (0..VARS.len()).prop_map(Tree::Var),
        (0.25f64..4.0).prop_map(|v| Tree::Num((v * 4.0).round() / 4.0)),
    ];
    leaf.prop_recursive(6, 40, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|t| Tree::Neg(Box::new(t))),
            (
                proptest::sample::select(vec!['+', '-', '*', '/']),
                inner.clone(),
                inner.clone()
            )
                .prop_map(|(op, a, b)| Tree::Bin(op, Box::new(a), Box::new(b))),
            (inner.clone(), 0..4i32).prop_map(|(t, n)| Tree::Powi(Box::new(t), n)),
            (
                proptest::sample::select(vec!["sigmoid", "tanh", "sin", "cos", "softplus", "exp"]),
                inner.clone()
            )
                .prop_map(|(f, t)| Tree::Fun(f, Box::new(t))),
            (inner.clone(), inner).prop_map(|(a, b)| Tree::Max(Box::new(a), Box::new(b))),
        ]
    })
}

/// Fully parenthesised text, with random spacing and `**` for some powers.
fn print(t: &Tree) -> String {
    match t {
        Tree::Var(i) => VARS[*i].to_owned(),
        Tree::Num(v) => format!("{v:?}"),
        Tree::Neg(a) => format!("-({})", print(a)),
        Tree::Bin(op, a, b) => format!("({}) {op} ({})", print(a), print(b)),
        Tree::Powi(a, n) if n % 2 == 0 => format!("({})^{n}", print(a)),
        Tree::Powi(a, n) => format!("({})**{n}", print(a)),
        Tree::Fun(f, a) => format!("{f}({})", print(a)),
        Tree::Max(a, b) => format!("max({}, {})", print(a), print(b)),
    }
}

/// Forward-mode evaluation with variable `seed` carrying tangent 1.
fn dual(t: &Tree, at: &[f64; 3], seed: usize) -> D {
    match t {
        Tree::Var(i) if *i == seed => D::variable(at[*i]),
        Tree::Var(i) => D::constant(at[*i]),
        Tree::Num(v) => D::constant(*v),
        Tree::Neg(a) => -dual(a, at, seed),
        Tree::Bin(op, a, b) => {
            let (a, b) = (dual(a, at, seed), dual(b, at, seed));
            match op {
                '+' => a + b,
                '-' => a - b,
                '*' => a * b,
                _ => a / b,
            }
        }
        Tree::Powi(a, n) => dual(a, at, seed).powi(*n),
        Tree::Fun(f, a) => {
            let x = dual(a, at, seed);
            match *f {
                "sigmoid" => Unary::Sigmoid.forward(x),
                "tanh" => x.tanh(),
                "sin" => x.sin(),
                "cos" => x.cos(),
                "softplus" => Unary::Softplus.forward(x),
                _ => x.exp(),
            }
        }
        Tree::Max(a, b) => {
            let (a, b) = (dual(a, at, seed), dual(b, at, seed));
            if a.value >= b.value { a } else { b }
        }
    }
}

/// Whether some `max` of the tree compares two equal values.
fn has_tie(t: &Tree, at: &[f64; 3]) -> bool {
    match t {
        Tree::Var(_) | Tree::Num(_) => false,
        Tree::Neg(a) | Tree::Powi(a, _) | Tree::Fun(_, a) => has_tie(a, at),
        Tree::Bin(_, a, b) => has_tie(a, at) || has_tie(b, at),
        Tree::Max(a, b) => {
            let value = |t: &Tree| dual(t, at, usize::MAX).value;
            value(a) == value(b) || has_tie(a, at) || has_tie(b, at)
        }
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0) || (a.is_nan() && b.is_nan())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn parsed_expressions_agree_with_dual_numbers(
        t in tree(),
        at in [-2.0f64..2.0, -2.0f64..2.0, -2.0f64..2.0],
    ) {
        let text = print(&t);
        let e = Expr::parse(&text).map_err(|err| TestCaseError::fail(format!("{text}: {err}")))?;
        let values: Vec<(&str, f64)> = VARS
            .iter()
            .zip(at)
            .filter(|(n, _)| e.variable_index(n).is_some())
            .map(|(n, v)| (*n, v))
            .collect();
        let g = Graph::new();
        let eval = e.evaluate(&g, values).unwrap();
        let grads = eval.gradients();
        // max at an exact tie splits the gradient (a kink); the dual
        // number picks a side, so ties are no test of the wiring.
        prop_assume!(!has_tie(&t, &at));
        let expected = dual(&t, &at, usize::MAX).value;
        prop_assume!(expected.is_finite() && expected.abs() < 1e12);
        prop_assert!(close(eval.value(), expected), "{text}: {} vs {expected}", eval.value());
        for (k, var) in e.variables().iter().enumerate() {
            let i = VARS.iter().position(|n| *n == var.name).unwrap();
            let exact = dual(&t, &at, i).tangent;
            prop_assume!(exact.is_finite());
            prop_assert!(close(grads[k], exact), "{text}: d/d{} {} vs {exact}", var.name, grads[k]);
        }
    }
}
