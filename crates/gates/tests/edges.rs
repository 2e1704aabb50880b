//! Every documented edge (kinks, singular points, saturated tails, signed
//! zeros) pinned through the gates themselves, in f64 and f32, and checked
//! against the two things that must agree with it: the forward function's
//! own dual-number derivative, and the gate's kink convention.

use backprop_gates::{
    Binary, BinaryRule, Domain, Dual, EdgeKind, Gate, KinkConvention, Kinks, Real, Unary, edges,
};

/// Value and derivatives of `gate` at `at`, computed in `F`.
fn through_gate<F: Real>(gate: Gate, at: &[f64]) -> (F, Vec<F>) {
    let args: Vec<F> = at.iter().map(|&v| F::from_f64(v)).collect();
    let y = gate.forward(&args);
    let d = gate.derivatives(&args, y);
    (y, d[..gate.arity()].to_vec())
}

#[test]
fn every_edge_holds_in_f64_and_f32() {
    for edge in edges() {
        let (y, d) = through_gate::<f64>(edge.gate, edge.at);
        assert_eq!(edge.mismatch(y, &d), None, "f64");
        let (y, d) = through_gate::<f32>(edge.gate, edge.at);
        assert_eq!(edge.mismatch(y, &d), None, "f32");
    }
}

/// The planted mutation of issue 13: `step` computing `x >= 0`. It makes
/// relu'(0) = 1 and leaky_relu'(0) = 1; the documented edges say 0 and the
/// slope, so the mutation cannot pass `every_edge_holds_in_f64_and_f32`.
#[test]
fn the_kink_rows_reject_the_right_derivative() {
    for gate in [Unary::Relu, Unary::LeakyRelu(0.01)] {
        let edge = Gate::Unary(gate).edges().next().expect("an edge at 0");
        assert_eq!(edge.at, [0.0]);
        assert!(edge.mismatch(0.0_f64, &[1.0]).is_some(), "{gate}");
    }
}

/// The derivative of the forward function alone, by dual numbers.
fn dual_derivative(gate: Gate, at: &[f64], i: usize) -> f64 {
    gate.forward(&Dual::seeded(at, i)).tangent
}

/// The next float above `x` (`up`) or below it.
fn next(x: f64, up: bool) -> f64 {
    if x == 0.0 {
        return if up { 1e-300 } else { -1e-300 };
    }
    let bits = x.to_bits();
    let away = (x > 0.0) == up;
    f64::from_bits(if away { bits + 1 } else { bits - 1 })
}

fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

/// Away from kinks, the documented derivative is the exact derivative of
/// the forward function (dual numbers carry the same conventions at the
/// singular points); at a kink, it is the gate's declared convention
/// applied to the dual-number derivatives just left and just right of it.
#[test]
fn edges_agree_with_dual_numbers_and_the_kink_convention() {
    for edge in edges() {
        for (i, &documented) in edge.derivatives.iter().enumerate() {
            let label = edge.label();
            if edge.gate.is_at_kink(edge.at) {
                let convention = edge
                    .gate
                    .kink_convention()
                    .expect("kinked gates declare one");
                let side = |up: bool| {
                    let mut p = edge.at.to_vec();
                    p[i] = next(p[i], up);
                    dual_derivative(edge.gate, &p, i)
                };
                let (left, right) = (side(false), side(true));
                assert_ne!(left, right, "{label}: a kink has two sides");
                assert_eq!(
                    convention.pick(left, right),
                    documented,
                    "{label}, input {i}: {convention} of {left} and {right}"
                );
            } else {
                let exact = dual_derivative(edge.gate, edge.at, i);
                assert!(
                    same(exact, documented),
                    "{label}, input {i}: dual {exact:?}, documented {documented:?}"
                );
            }
        }
    }
}

/// Every kink of every gate in the catalog, and the edge of every domain
/// (0 for `Positive` and `NonZero` inputs), has a documented edge.
#[test]
fn every_kink_and_domain_boundary_is_documented() {
    for &gate in Gate::catalog() {
        // Points compared bit for bit: -0 and +0 are different edges.
        let bits = |p: &[f64]| p.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        let documented = |p: &[f64]| gate.edges().any(|e| bits(e.at) == bits(p));
        let kinds_at = |p: &[f64]| -> Vec<EdgeKind> {
            gate.edges()
                .filter(|e| bits(e.at) == bits(p))
                .map(|e| e.kind)
                .collect()
        };
        match gate.kinks() {
            Kinks::None => assert_eq!(gate.kink_convention(), None, "{gate}"),
            Kinks::At(points) => {
                assert!(gate.kink_convention().is_some(), "{gate}");
                for &k in points {
                    assert_eq!(kinds_at(&[k]), [EdgeKind::Kink], "{gate} at {k}");
                }
            }
            Kinks::Ties => {
                assert!(gate.kink_convention().is_some(), "{gate}");
                assert!(gate.edges().any(|e| e.kind == EdgeKind::Kink), "{gate}");
            }
        }
        let domains = gate.domain();
        if domains.iter().any(|&d| d != Domain::Real) {
            let at_zero: Vec<f64> = domains
                .iter()
                .map(|&d| if d == Domain::Real { 1.0 } else { 0.0 })
                .collect();
            let listed = documented(&at_zero) || gate.edges().any(|e| e.at.contains(&0.0));
            assert!(listed, "{gate}: nothing documented at its domain's edge 0");
        }
    }
    // The rows: pow and powf at base 0 with exponent 0, positive,
    // negative and fractional, and the saturated activations.
    let labels: Vec<String> = edges().iter().map(|e| e.label()).collect();
    for wanted in [
        "pow at (0, 0)",
        "pow at (0, 2)",
        "pow at (0, -1)",
        "pow at (0, 0.5)",
        "powf(0.0) at 0",
        "powf(2.5) at 0",
        "powf(-1.5) at 0",
        "powf(0.5) at 0",
        "sqrt at 0",
        "ln at 0",
        "recip at 0",
        "sigmoid at 1000",
        "sigmoid at -1000",
        "softplus at 1000",
        "softplus at -1000",
        "relu at 0",
        "leaky_relu(0.01) at 0",
        "abs at 0",
        "max at (1, 1)",
        "min at (1, 1)",
    ] {
        assert!(labels.iter().any(|l| l == wanted), "missing edge {wanted}");
    }
    let mut unique = labels.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), labels.len(), "an edge is listed twice");
}

/// The first point: `d(x^y)` at `(0, 0)` used to be NaN and -inf.
#[test]
fn pow_at_zero_zero_is_finite() {
    let (y, d) = through_gate::<f64>(Gate::Binary(Binary::Pow), &[0.0, 0.0]);
    assert_eq!((y, d.as_slice()), (1.0, &[0.0, 0.0][..]));
    assert!(d.iter().all(|g| g.to_bits() == 0), "+0, not -0: {d:?}");
}

/// The smooth two-input gates: `a == b` is an ordinary point for them.
const SMOOTH: [Binary; 5] = [
    Binary::Add,
    Binary::Sub,
    Binary::Mul,
    Binary::Div,
    Binary::Pow,
];

/// Every binary gate is in exactly one of the two lists: the match has no
/// wildcard, so a new gate must be placed before this compiles.
fn declared_kinked(b: Binary) -> bool {
    match b {
        Binary::Add | Binary::Sub | Binary::Mul | Binary::Div | Binary::Pow => false,
        Binary::Max | Binary::Min => true,
    }
}

/// A gate's declaration of kinks at ties matches its forward function: the
/// dual-number derivatives just below and just above a tie agree for the
/// smooth gates and differ for max and min.
#[test]
fn only_max_and_min_declare_kinks_at_ties() {
    for &gate in Gate::catalog() {
        let Gate::Binary(b) = gate else { continue };
        assert_eq!(b.kinks_at_ties(), declared_kinked(b), "{b}");
        assert_eq!(b.kinks_at_ties(), !SMOOTH.contains(&b), "{b}");
        assert_eq!(gate.kinks() == Kinks::Ties, declared_kinked(b), "{b}");
        for tie in [0.7, 2.5] {
            let jump = |i: usize| {
                let side = |up: bool| {
                    let mut p = vec![tie, tie];
                    p[i] = next(tie, up);
                    dual_derivative(gate, &p, i)
                };
                (side(false) - side(true)).abs()
            };
            for i in 0..2 {
                if declared_kinked(b) {
                    assert_eq!(jump(i), 1.0, "{b} at a tie, input {i}");
                } else {
                    assert!(jump(i) < 1e-12, "{b} at a tie, input {i}: {}", jump(i));
                }
            }
        }
    }
}

/// The rule traits' defaults: a new rule is smooth at ties and declares no
/// kink convention unless it says otherwise.
#[test]
fn rule_defaults_are_smooth() {
    struct Plain;
    impl BinaryRule for Plain {
        const NAME: &'static str = "plain";
        fn f<F: Real>(&self, a: F, b: F) -> F {
            a * b
        }
        fn df<F: Real>(&self, a: F, b: F, _y: F) -> (F, F) {
            (b, a)
        }
    }
    assert!(!Plain.kinks_at_ties());
    assert_eq!(Plain.kink_convention(), None);
    assert_eq!(
        Gate::Unary(Unary::Abs).kink_convention(),
        Some(KinkConvention::Mean)
    );
}

/// Signs of zero: max and min of -0 and +0 do not depend on the order of
/// their inputs, and relu never returns -0.
#[test]
fn signed_zeros_do_not_depend_on_order() {
    for (a, b) in [(-0.0_f64, 0.0_f64), (0.0, -0.0)] {
        assert_eq!(Binary::Max.forward(a, b).to_bits(), 0.0_f64.to_bits());
        assert_eq!(Binary::Min.forward(a, b).to_bits(), (-0.0_f64).to_bits());
        assert_eq!(Binary::Max.forward(a as f32, b as f32).to_bits(), 0);
    }
    assert_eq!(
        Binary::Max.forward(-0.0_f64, -0.0).to_bits(),
        (-0.0_f64).to_bits()
    );
    assert_eq!(
        Binary::Min.forward(0.0_f64, 0.0).to_bits(),
        0.0_f64.to_bits()
    );
    assert_eq!(Unary::Relu.forward(-0.0_f64).to_bits(), 0);
    assert_eq!(
        Unary::Abs.forward(Dual::variable(-0.0_f64)).value.to_bits(),
        0
    );
    // ...and NaN still wins over a tie of zeros.
    assert!(Binary::Max.forward(f64::NAN, 0.0).is_nan());
}
