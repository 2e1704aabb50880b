//! At a kink the checker names the convention the rule follows (left
//! derivative, right derivative, or their mean), holds a rule to the
//! convention it declares, and checks smooth two-input rules at ties like
//! anywhere else.

use backprop_gates::{
    Binary, BinaryRule, DerivativeFrom, Gate, KinkConvention, Real, Unary, UnaryRule,
};
use backprop_gradcheck::{
    AsBinary, AsUnary, KinkSides, Options, RuleReport, Sampling, Status, check_derivative,
    check_partials, check_rule, check_rule_at,
};

fn relu(x: f64) -> f64 {
    x.max(0.0)
}

/// The kink findings of the finite-difference side of a rule report.
fn fd_kinks(r: &RuleReport) -> Vec<KinkSides> {
    r.finite_differences
        .pairs
        .iter()
        .flat_map(|p| p.kinks.first.iter().filter_map(|f| f.kink))
        .collect()
}

#[test]
fn a_kink_names_the_convention_of_the_claimed_value() {
    for (claim, convention) in [
        (0.0, Some(KinkConvention::Left)),
        (1.0, Some(KinkConvention::Right)),
        (0.5, Some(KinkConvention::Mean)),
        (0.3, None),
    ] {
        let r = check_derivative(relu, move |_| claim, 0.0, &Options::default());
        assert_eq!(r.status, Status::Kink, "{r}");
        let sides = r.pairs[0].kinks.first[0].kink.expect("sides of the kink");
        assert_eq!((sides.left, sides.right), (0.0, 1.0), "{r}");
        assert_eq!(sides.convention, convention, "claim {claim}: {r}");
        assert_eq!(sides.declared, None, "a closure declares nothing");
    }
    // The text names it too.
    let r = check_derivative(relu, |_| 0.0, 0.0, &Options::default());
    let text = r.to_string();
    assert!(
        text.contains("rule 0e0 = left derivative (left 0e0, right 1e0)"),
        "{text}"
    );
}

#[test]
fn ties_and_composed_kinks_name_their_convention() {
    // max at a tie, ½ each: the mean of the one-sided derivatives 0 and 1.
    let max = |v: &[f64]| v[0].max(v[1]);
    let r = check_partials(max, |_| vec![0.5, 0.5], &[1.25, 1.25], &Options::default()).unwrap();
    for pair in &r.pairs {
        let sides = pair.kinks.first[0].kink.unwrap();
        assert_eq!(sides.convention, Some(KinkConvention::Mean), "{r}");
    }
    // relu(x)·y at x = 0: backprop's 0 is the left derivative (right: y).
    let f = |v: &[f64]| relu(v[0]) * v[1];
    let r = check_partials(
        f,
        |v| vec![0.0, relu(v[0])],
        &[0.0, 2.0],
        &Options::default(),
    )
    .unwrap();
    let sides = r.pairs[0].kinks.first[0].kink.unwrap();
    assert_eq!((sides.left, sides.right), (0.0, 2.0));
    assert_eq!(sides.convention, Some(KinkConvention::Left));
    // |x| at 0 with sign(0) = 0: the mean of -1 and 1.
    let r = check_derivative(f64::abs, |_| 0.0, 0.0, &Options::default());
    let sides = r.pairs[0].kinks.first[0].kink.unwrap();
    assert_eq!(sides.convention, Some(KinkConvention::Mean), "{r}");
}

#[test]
fn every_kinked_gate_follows_its_declared_convention_at_its_kinks() {
    let with_kinks = Sampling {
        include_kinks: true,
        ..Sampling::default()
    };
    for gate in [
        Gate::Unary(Unary::Relu),
        Gate::Unary(Unary::LeakyRelu(0.01)),
        Gate::Unary(Unary::Abs),
        Gate::Binary(Binary::Max),
        Gate::Binary(Binary::Min),
    ] {
        let declared = gate.kink_convention().expect("kinked gates declare");
        for r in [
            check_rule::<f64, _>(&gate, &with_kinks, &Options::default()),
            check_rule::<f32, _>(&gate, &with_kinks, &Options::default()),
        ] {
            assert_eq!(r.status, Status::Kink, "{r}");
            let kinks = fd_kinks(&r);
            assert!(!kinks.is_empty(), "{r}");
            for sides in kinks {
                assert_eq!(sides.declared, Some(declared), "{r}");
                assert_eq!(sides.convention, Some(declared), "{r}");
            }
            for pair in &r.dual.pairs {
                for k in &pair.kink_points {
                    assert_eq!(k.sides.convention, Some(declared), "{r}");
                }
            }
            assert!(r.to_string().contains(", as declared"), "{r}");
        }
    }
}

/// relu with the mutation issue 13 found surviving: `step` as `x >= 0`,
/// so relu'(0) = 1, while relu declares the left derivative.
#[derive(Clone, Copy)]
struct ReluRightAtZero(Option<KinkConvention>);
impl UnaryRule for ReluRightAtZero {
    const NAME: &'static str = "relu_mutant";
    const DERIVATIVE_FROM: DerivativeFrom = DerivativeFrom::Input;
    fn f<F: Real>(&self, x: F) -> F {
        Unary::Relu.forward(x)
    }
    fn df<F: Real>(&self, x: F, _y: F) -> F {
        if x >= F::zero() { F::one() } else { F::zero() }
    }
    fn kinks(&self) -> &'static [f64] {
        &[0.0]
    }
    fn kink_convention(&self) -> Option<KinkConvention> {
        self.0
    }
}

#[test]
fn a_gate_that_breaks_its_declared_convention_fails() {
    let at_zero = [vec![0.0]];
    let declared = AsUnary(ReluRightAtZero(Some(KinkConvention::Left)));
    for r in [
        check_rule_at::<f64, _>(&declared, &at_zero, &Options::default()),
        check_rule_at::<f32, _>(&declared, &at_zero, &Options::default()),
    ] {
        assert_eq!(r.status, Status::Fail, "{r}");
        // Both oracles see it: finite differences and dual numbers.
        assert_eq!(r.finite_differences.status, Status::Fail, "{r}");
        assert_eq!(r.dual.status, Status::Fail, "{r}");
        let dual_sides = r.dual.pairs[0].kink_points[0].sides;
        assert_eq!(dual_sides.convention, Some(KinkConvention::Right));
        assert!(dual_sides.breaks_declared());
        let sides = fd_kinks(&r)[0];
        assert_eq!(sides.convention, Some(KinkConvention::Right));
        assert!(sides.breaks_declared());
        let text = r.to_string();
        assert!(
            text.contains("rule 1e0 = right derivative (left 0e0, right 1e0), but the rule declares the left derivative (0e0)"),
            "{text}"
        );
    }
    // Declaring nothing, the same rule is merely a kink, with its
    // convention named.
    let undeclared = AsUnary(ReluRightAtZero(None));
    let r = check_rule_at::<f64, _>(&undeclared, &at_zero, &Options::default());
    assert_eq!(r.status, Status::Kink, "{r}");
    assert_eq!(fd_kinks(&r)[0].convention, Some(KinkConvention::Right));
    // Away from the kink both are right.
    let r = check_rule_at::<f64, _>(&declared, &[vec![0.5], vec![-0.5]], &Options::default());
    assert_eq!(r.status, Status::Pass, "{r}");
}

/// Multiplication whose rule is wrong only where both inputs are equal
/// (as if `a·a` were differentiated as `a²` per input: `2a` each).
#[derive(Clone, Copy)]
struct MulWrongAtTies {
    claims_kinks_at_ties: bool,
}
impl BinaryRule for MulWrongAtTies {
    const NAME: &'static str = "mul_wrong_at_ties";
    fn f<F: Real>(&self, a: F, b: F) -> F {
        Binary::Mul.forward(a, b)
    }
    fn df<F: Real>(&self, a: F, b: F, _y: F) -> (F, F) {
        if a == b { (a + b, a + b) } else { (b, a) }
    }
    fn kinks_at_ties(&self) -> bool {
        self.claims_kinks_at_ties
    }
}

#[test]
fn a_rule_wrong_only_at_ties_of_a_smooth_gate_fails() {
    let bug = AsBinary(MulWrongAtTies {
        claims_kinks_at_ties: false,
    });
    for r in [
        check_rule::<f64, _>(&bug, &Sampling::default(), &Options::default()),
        check_rule::<f32, _>(&bug, &Sampling::default(), &Options::default()),
    ] {
        assert_eq!(r.status, Status::Fail, "{r}");
        for pair in &r.finite_differences.pairs {
            assert_eq!(pair.status, Status::Fail, "{r}");
            let worst = pair.worst.as_ref().unwrap();
            let point = &r.points[worst.index[0]];
            assert_eq!(point[0], point[1], "blamed at a tie: {r}");
        }
        assert_eq!(r.dual.status, Status::Fail, "{r}");
    }
    // The real mul passes at the same points.
    let mul = Gate::Binary(Binary::Mul);
    let r = check_rule::<f64, _>(&mul, &Sampling::default(), &Options::default());
    assert_eq!(r.status, Status::Pass, "{r}");
    assert!(r.points.iter().any(|p| p[0] == p[1]), "ties are sampled");
    // Were mul declared kinked at ties (the mutant `kinks_at_ties` default
    // of issue 13), the sampler would keep away from exactly the points
    // where this bug shows: the declaration is what the test in
    // gates/tests/edges.rs pins.
    let hidden = AsBinary(MulWrongAtTies {
        claims_kinks_at_ties: true,
    });
    let r = check_rule::<f64, _>(&hidden, &Sampling::default(), &Options::default());
    assert_eq!(r.status, Status::Pass, "{r}");
    assert!(r.points.iter().all(|p| p[0] != p[1]));
}

#[test]
fn every_smooth_binary_gate_passes_at_ties() {
    for &gate in Gate::catalog() {
        // Which gates are smooth is written here, not read from the gate's
        // own declaration (a wrong declaration would skip the ties).
        let Gate::Binary(b) = gate else { continue };
        if matches!(b, Binary::Max | Binary::Min) {
            continue;
        }
        for r in [
            check_rule::<f64, _>(&gate, &Sampling::default(), &Options::default()),
            check_rule::<f32, _>(&gate, &Sampling::default(), &Options::default()),
        ] {
            assert_eq!(r.status, Status::Pass, "{r}");
            assert!(
                r.points.iter().filter(|p| p[0] == p[1]).count() >= 2,
                "{b}: ties sampled"
            );
        }
    }
}
