//! Every documented edge of the gates (`backprop_gates::edges()`: kinks,
//! singular points, saturated tails, signed zeros) through `backprop grad
//! --json`: the value and gradients are the documented numbers, bit for bit
//! and sign of zero included. JSON has no NaN or infinity (they print as
//! `null`), so there the plain `grad` output must name the exact value.

mod common;

use backprop_gates::{Binary, Edge, Gate, Unary, edges};
use common::backprop;

/// The expression that applies `gate` to the variables `x` (and `y`), or
/// `None` when the expression language cannot say it.
fn expression(gate: Gate) -> Option<String> {
    Some(match gate {
        Gate::Unary(u) => match u {
            Unary::Relu => "relu(x)".into(),
            Unary::Abs => "abs(x)".into(),
            Unary::Sqrt => "sqrt(x)".into(),
            Unary::Ln => "ln(x)".into(),
            Unary::Recip => "recip(x)".into(),
            Unary::Sigmoid => "sigmoid(x)".into(),
            Unary::Softplus => "softplus(x)".into(),
            Unary::Tanh => "tanh(x)".into(),
            Unary::Exp => "exp(x)".into(),
            Unary::Sin => "sin(x)".into(),
            Unary::Cos => "cos(x)".into(),
            Unary::Neg => "-x".into(),
            Unary::Powi(n) => format!("x^{n}"),
            // `x^0.0` runs as powi(0): the same numbers, checked the same.
            Unary::Powf(c) => format!("x^{c:?}"),
            Unary::AddConst(c) => format!("x + {c:?}"),
            Unary::MulConst(c) => format!("{c:?} * x"),
            // No leaky_relu in the expression language.
            Unary::LeakyRelu(_) => return None,
        },
        Gate::Binary(b) => match b {
            Binary::Add => "x + y".into(),
            Binary::Sub => "x - y".into(),
            Binary::Mul => "x * y".into(),
            Binary::Div => "x / y".into(),
            Binary::Pow => "x^y".into(),
            Binary::Max => "max(x, y)".into(),
            Binary::Min => "min(x, y)".into(),
        },
    })
}

/// `x=0`, `y=-0`: the point as assignments (`{:?}` keeps the sign of zero).
fn assignments(at: &[f64]) -> Vec<String> {
    ["x", "y"]
        .iter()
        .zip(at)
        .map(|(name, v)| format!("{name}={v:?}"))
        .collect()
}

/// A number as `grad` prints it: `inf`, `-inf`, `NaN`, or Python's repr.
fn parse_printed(text: &str) -> f64 {
    text.parse()
        .unwrap_or_else(|_| panic!("not a number: {text:?}"))
}

/// The value and gradients `backprop grad` (with and without `--json`)
/// reports for `expr` at `at`.
fn through_cli(expr: &str, at: &[f64]) -> (f64, Vec<f64>) {
    let points = assignments(at);
    let mut args = vec!["grad", "--json", expr];
    args.extend(points.iter().map(String::as_str));
    let json = backprop(&args);
    assert_eq!(json.status, 0, "{expr}: {}", json.stderr);
    let object: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    // The plain output names every number, finite or not.
    args.remove(1);
    let text = backprop(&args);
    assert_eq!(text.status, 0, "{expr}: {}", text.stderr);
    let printed = |prefix: &str| {
        let line = text
            .stdout
            .lines()
            .find_map(|l| l.strip_prefix(prefix))
            .unwrap_or_else(|| panic!("{expr}: no `{prefix}` in {}", text.stdout));
        parse_printed(line)
    };
    let number = |json_value: &serde_json::Value, printed: f64| match json_value.as_f64() {
        Some(v) => {
            // Finite: the JSON number, to the bit, agrees with the text.
            assert!(
                v.to_bits() == printed.to_bits(),
                "{expr}: JSON {v:?}, text {printed:?}"
            );
            v
        }
        None => {
            assert!(json_value.is_null(), "{expr}: {json_value}");
            assert!(!printed.is_finite(), "{expr}: null in JSON for {printed}");
            printed
        }
    };
    let value = number(&object["value"], printed("f = "));
    let grads = ["x", "y"][..at.len()]
        .iter()
        .map(|name| number(&object["grad"][name], printed(&format!("df/d{name} = "))))
        .collect();
    (value, grads)
}

fn check(edge: &Edge) -> Option<String> {
    let expr = expression(edge.gate)?;
    let (value, grads) = through_cli(&expr, edge.at);
    edge.mismatch(value, &grads)
        .map(|m| format!("`{expr}`: {m}"))
}

#[test]
fn every_expressible_edge_through_grad_json() {
    let mut skipped = Vec::new();
    for edge in edges() {
        if expression(edge.gate).is_none() {
            skipped.push(edge.label());
            continue;
        }
        assert_eq!(check(edge), None);
    }
    assert_eq!(
        skipped,
        ["leaky_relu(0.01) at 0"],
        "only leaky_relu is missing"
    );
}

/// The report: `grad 'x^y' --at x=0,y=0` printed NaN and -inf.
#[test]
fn x_to_the_y_at_the_origin() {
    let run = backprop(&["grad", "x^y", "--at", "x=0,y=0"]);
    assert_eq!(run.stdout, "f = 1.0\ndf/dx = 0.0\ndf/dy = 0.0\n");
    assert_eq!(run.stderr, "", "no non-finite warnings");
}

/// Clamp, composed from max and min: ½ at each bound (the edge table's
/// composed rows).
#[test]
fn clamp_at_its_bounds() {
    for x in [-1.0, 1.0] {
        let (value, grads) = through_cli("min(max(x, -1), 1)", &[x]);
        assert_eq!((value, grads.as_slice()), (x, &[0.5][..]));
    }
}
