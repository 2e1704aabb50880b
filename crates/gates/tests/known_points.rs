//! Each gate at points where its value and derivative are known in closed
//! form. Every expected number comes from the formula in the comment, not
//! from the code under test.

use backprop_gates::{Binary, Dual, Gate, Kinks, Unary};
use std::f64::consts::{E, FRAC_PI_2, LN_2, PI};

/// `(f(x), f'(x))` of a unary gate in f64.
fn unary(g: Unary, x: f64) -> (f64, f64) {
    let y = g.forward(x);
    (y, g.derivative(x, y))
}

/// `(f(a, b), ∂f/∂a, ∂f/∂b)` of a binary gate in f64.
fn binary(g: Binary, a: f64, b: f64) -> (f64, f64, f64) {
    let y = g.forward(a, b);
    let (da, db) = g.derivatives(a, b, y);
    (y, da, db)
}

#[test]
fn arithmetic_gates() {
    // f = a + b: ∂a = 1, ∂b = 1
    assert_eq!(binary(Binary::Add, -2.0, 5.0), (3.0, 1.0, 1.0));
    // f = a - b: ∂a = 1, ∂b = -1
    assert_eq!(binary(Binary::Sub, -2.0, 5.0), (-7.0, 1.0, -1.0));
    // f = a·b: ∂a = b, ∂b = a (the notebook's q·z = 3·-4)
    assert_eq!(binary(Binary::Mul, 3.0, -4.0), (-12.0, -4.0, 3.0));
    // f = a/b: ∂a = 1/b, ∂b = -a/b² (1/4: 0.25, -1/16)
    assert_eq!(binary(Binary::Div, 1.0, 4.0), (0.25, 0.25, -0.0625));
    // f = -x: f' = -1
    assert_eq!(unary(Unary::Neg, 7.0), (-7.0, -1.0));
    // f = 1/x: f' = -1/x² (at 4: 0.25, -1/16)
    assert_eq!(unary(Unary::Recip, 4.0), (0.25, -0.0625));
    // f = x + c: f' = 1
    assert_eq!(unary(Unary::AddConst(1.5), 2.0), (3.5, 1.0));
    // f = c·x: f' = c
    assert_eq!(unary(Unary::MulConst(-2.0), 3.0), (-6.0, -2.0));
}

#[test]
fn power_gates() {
    // f = x²: f' = 2x (the notebook's (x+y)**2 at x+y = -1)
    assert_eq!(unary(Unary::Powi(2), -1.0), (1.0, -2.0));
    // f = x³: f' = 3x² (at 2: 8, 12)
    assert_eq!(unary(Unary::Powi(3), 2.0), (8.0, 12.0));
    // f = x⁻²: f' = -2x⁻³ (at 2: 0.25, -0.25)
    assert_eq!(unary(Unary::Powi(-2), 2.0), (0.25, -0.25));
    // f = x⁰ = 1: f' = 0
    assert_eq!(unary(Unary::Powi(0), 5.0), (1.0, 0.0));
    // f = x^0.5: f' = 0.5·x^-0.5 (at 4: 2, 0.25)
    assert_eq!(unary(Unary::Powf(0.5), 4.0), (2.0, 0.25));
    // f = √x: f' = 1/(2√x) (at 4: 2, 0.25)
    assert_eq!(unary(Unary::Sqrt, 4.0), (2.0, 0.25));
    // f = a^b: ∂a = b·a^(b-1), ∂b = a^b·ln a (at 2, 3: 8, 12, 8 ln 2)
    let (y, da, db) = binary(Binary::Pow, 2.0, 3.0);
    assert_eq!((y, da), (8.0, 12.0));
    assert!((db - 8.0 * LN_2).abs() < 1e-15);
}

#[test]
fn transcendental_gates() {
    // f = eˣ: f' = eˣ (at 1: e, e)
    let (y, d) = unary(Unary::Exp, 1.0);
    assert!((y - E).abs() < 1e-15 && (d - E).abs() < 1e-15);
    // f = ln x: f' = 1/x (at e: 1, 1/e)
    let (y, d) = unary(Unary::Ln, E);
    assert!((y - 1.0).abs() < 1e-15 && (d - 1.0 / E).abs() < 1e-16);
    // f = sin x: f' = cos x (at 0: 0, 1)
    assert_eq!(unary(Unary::Sin, 0.0), (0.0, 1.0));
    // f = cos x: f' = -sin x (at π/2: ~0, -1)
    let (y, d) = unary(Unary::Cos, FRAC_PI_2);
    assert!(y.abs() < 1e-16 && (d + 1.0).abs() < 1e-16);
    // f = sin x at π: ~0, cos π = -1
    let (y, d) = unary(Unary::Sin, PI);
    assert!(y.abs() < 1e-15 && d == -1.0);
}

#[test]
fn activation_gates() {
    // σ(0) = 1/2, σ' = (1 - σ)σ = 1/4
    assert_eq!(unary(Unary::Sigmoid, 0.0), (0.5, 0.25));
    // tanh 0 = 0, tanh' = 1 - tanh² = 1
    assert_eq!(unary(Unary::Tanh, 0.0), (0.0, 1.0));
    // softplus 0 = ln 2, softplus' = σ(0) = 1/2
    let (y, d) = unary(Unary::Softplus, 0.0);
    assert!((y - LN_2).abs() < 1e-16 && d == 0.5);
    // relu: identity above 0, zero below
    assert_eq!(unary(Unary::Relu, 3.0), (3.0, 1.0));
    assert_eq!(unary(Unary::Relu, -3.0), (0.0, 0.0));
    // leaky relu with slope 0.01: -2 -> -0.02, slope 0.01
    assert_eq!(unary(Unary::LeakyRelu(0.01), -2.0), (-0.02, 0.01));
    assert_eq!(unary(Unary::LeakyRelu(0.01), 2.0), (2.0, 1.0));
    // |x|: sign(x)
    assert_eq!(unary(Unary::Abs, -3.0), (3.0, -1.0));
    assert_eq!(unary(Unary::Abs, 3.0), (3.0, 1.0));
    // max/min pick one input; ties split ½/½
    assert_eq!(binary(Binary::Max, 1.0, 2.0), (2.0, 0.0, 1.0));
    assert_eq!(binary(Binary::Min, 1.0, 2.0), (1.0, 1.0, 0.0));
    assert_eq!(binary(Binary::Max, 2.0, 2.0), (2.0, 0.5, 0.5));
}

#[test]
fn large_magnitudes_stay_finite_and_correct() {
    // σ(1000) = 1 with σ' = 0; σ(-1000) = e^-1000 (underflows to 0), σ' = 0
    assert_eq!(unary(Unary::Sigmoid, 1000.0), (1.0, 0.0));
    assert_eq!(unary(Unary::Sigmoid, -1000.0), (0.0, 0.0));
    // softplus(1000) = 1000 + ln(1 + e^-1000) = 1000, slope σ(1000) = 1
    assert_eq!(unary(Unary::Softplus, 1000.0), (1000.0, 1.0));
    // softplus(-1000) = ln(1 + e^-1000) = 0 (underflow), slope 0
    assert_eq!(unary(Unary::Softplus, -1000.0), (0.0, 0.0));
    // tanh(±1000) = ±1, slope 0
    assert_eq!(unary(Unary::Tanh, 1000.0), (1.0, 0.0));
    assert_eq!(unary(Unary::Tanh, -1000.0), (-1.0, 0.0));
    // the same in f32, where e^88.8 already overflows
    assert_eq!(Unary::Sigmoid.forward(-1000.0_f32), 0.0);
    assert_eq!(Unary::Sigmoid.forward(1000.0_f32), 1.0);
    assert_eq!(Unary::Softplus.forward(1000.0_f32), 1000.0);
    // σ(-745) is still representable: e^-745 ≈ 4.9e-324 (the smallest subnormal)
    assert!(Unary::Sigmoid.forward(-745.0_f64) > 0.0);
    // softplus' dual tangent at exactly 0 is σ(0) = 1/2
    assert_eq!(
        Unary::Softplus.forward(Dual::variable(0.0_f64)).tangent,
        0.5
    );
    // the dual tangent of σ at -1000 is finite too
    let t = Unary::Sigmoid.forward(Dual::variable(-1000.0_f64)).tangent;
    assert!(t.is_finite() && t >= 0.0);
}

#[test]
fn nan_is_never_hidden() {
    for g in [Unary::Relu, Unary::LeakyRelu(0.1), Unary::Abs] {
        let (y, d) = unary(g, f64::NAN);
        assert!(y.is_nan() && d.is_nan(), "{g}: {y} {d}");
    }
    for g in [Binary::Max, Binary::Min] {
        let (y, da, db) = binary(g, f64::NAN, 1.0);
        assert!(y.is_nan() && da.is_nan() && db.is_nan(), "{g}");
        assert!(g.forward(1.0, f64::NAN).is_nan());
    }
}

#[test]
fn catalog_describes_domains_and_kinks() {
    let find = |name: &str| {
        *Gate::catalog()
            .iter()
            .find(|g| g.name() == name)
            .unwrap_or_else(|| panic!("{name} missing from the catalog"))
    };
    for name in [
        "add",
        "sub",
        "mul",
        "div",
        "neg",
        "recip",
        "add_const",
        "mul_const",
        "powi",
        "powf",
        "pow",
        "exp",
        "ln",
        "sqrt",
        "sigmoid",
        "tanh",
        "relu",
        "leaky_relu",
        "softplus",
        "abs",
        "max",
        "min",
        "sin",
        "cos",
    ] {
        find(name);
    }
    assert_eq!(find("relu").kinks(), Kinks::At(&[0.0]));
    assert_eq!(find("max").kinks(), Kinks::Ties);
    assert_eq!(find("sigmoid").kinks(), Kinks::None);
    assert!(!find("ln").domain()[0].contains(0.0));
    assert!(!find("div").domain()[1].contains(0.0));
    assert_eq!(find("pow").arity(), 2);
    assert!(find("abs").is_near_kink(&[1e-9], 1e-6));
    assert!(find("min").is_near_kink(&[2.0, 2.0], 0.0));
}

/// Each rule's `df` against the dual-number derivative of its own `f`,
/// at a spread of points inside its domain and away from kinks.
#[test]
fn every_rule_matches_its_dual_number_derivative() {
    let points = [-3.7, -1.2, -0.3, 0.25, 0.9, 2.5, 7.0];
    for &gate in Gate::catalog() {
        for (i, &a) in points.iter().enumerate() {
            let b = points[(i + 3) % points.len()];
            let args: Vec<f64> = [a, b][..gate.arity()].to_vec();
            let args: Vec<f64> = args
                .iter()
                .zip(gate.domain())
                .map(|(&x, d)| if d.contains(x) { x } else { x.abs() })
                .collect();
            if gate.is_near_kink(&args, 1e-9) {
                continue;
            }
            let y = gate.forward(&args);
            let rule = gate.derivatives(&args, y);
            for (k, &claimed) in rule.iter().enumerate().take(gate.arity()) {
                let exact = gate.forward(&Dual::seeded(&args, k)).tangent;
                let tol = 8.0 * f64::EPSILON * exact.abs().max(1.0);
                assert!(
                    (claimed - exact).abs() <= tol,
                    "{gate} at {args:?}, input {k}: rule {claimed} vs dual {exact}"
                );
            }
        }
    }
}
