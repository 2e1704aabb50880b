//! The second, exact oracle: each rule's derivative against the dual-number
//! derivative of its own forward function, within a few ulps.

use backprop_gates::{DerivativeFrom, Gate, Real, Unary, UnaryRule};
use backprop_gradcheck::{AsUnary, Options, Sampling, Status, check_rule, check_rule_at};

/// Sine whose derivative is off by one part in 10⁹: far inside any
/// finite-difference tolerance, far outside a few ulps.
struct AlmostSin;
impl UnaryRule for AlmostSin {
    const NAME: &'static str = "almost_sin";
    const DERIVATIVE_FROM: DerivativeFrom = DerivativeFrom::Input;
    fn f<F: Real>(&self, x: F) -> F {
        x.sin()
    }
    fn df<F: Real>(&self, x: F, _y: F) -> F {
        x.cos() * F::from_f64(1.0 + 1e-9)
    }
}

#[test]
fn dual_numbers_catch_what_finite_differences_cannot() {
    let r = check_rule::<f64, _>(
        &AsUnary(AlmostSin),
        &Sampling::default(),
        &Options::default(),
    );
    assert_eq!(r.finite_differences.status, Status::Pass, "{r}");
    assert_eq!(r.dual.status, Status::Fail, "{r}");
    assert_eq!(r.status, Status::Fail);
    let worst = r.dual.pairs[0].worst.as_ref().unwrap();
    assert!(worst.ulps > 4);
}

#[test]
fn every_gate_is_within_a_few_ulps_of_its_dual_derivative() {
    for gate in Gate::catalog() {
        let r = check_rule::<f64, _>(gate, &Sampling::default(), &Options::default());
        assert_eq!(r.dual.status, Status::Pass, "{r}");
        let r = check_rule::<f32, _>(gate, &Sampling::default(), &Options::default());
        assert_eq!(r.dual.status, Status::Pass, "{r}");
    }
}

#[test]
fn sigmoid_from_its_output_is_allowed_the_rounding_of_its_output() {
    // (1 - f)·f at x = 30: f rounds to within an ulp of 1, so 1 - f keeps
    // few correct digits; the allowance scales with |y·∂df/∂y|.
    let r = check_rule_at::<f64, _>(
        &Gate::Unary(Unary::Sigmoid),
        &[vec![30.0]],
        &Options::default(),
    );
    assert_eq!(r.dual.status, Status::Pass, "{r}");
    assert!(
        r.dual.pairs[0].max_ulps > 4,
        "more than 4 plain ulps apart: {r}"
    );
}

/// Softplus in a stable form that shares `-|x|` between both sides:
/// `max(x, 0) + ln(1 + e^-|x|)`. Smooth, but its forward branches at 0,
/// where `abs` picks the `+x` branch and a dual number sees -0.5 instead of
/// the true 0.5. (The project's own softplus branches per side instead.)
struct SharedAbsSoftplus;
impl UnaryRule for SharedAbsSoftplus {
    const NAME: &'static str = "shared_abs_softplus";
    const DERIVATIVE_FROM: DerivativeFrom = DerivativeFrom::Input;
    fn f<F: Real>(&self, x: F) -> F {
        let positive_part = if x > F::zero() { x } else { F::zero() };
        positive_part + (-x.abs()).exp().ln_1p()
    }
    fn df<F: Real>(&self, x: F, _y: F) -> F {
        F::one() / (F::one() + (-x).exp())
    }
}

#[test]
fn a_branch_of_the_forward_function_is_not_mistaken_for_a_wrong_rule() {
    let r = check_rule_at::<f64, _>(
        &AsUnary(SharedAbsSoftplus),
        &[vec![0.0]],
        &Options::default(),
    );
    assert_eq!(r.status, Status::Pass, "{r}");
    assert_eq!(r.dual.pairs[0].branch_points, 1);
}

#[test]
fn the_project_softplus_has_no_branch_point_at_zero() {
    let r = check_rule_at::<f64, _>(
        &Gate::Unary(Unary::Softplus),
        &[vec![0.0]],
        &Options::default(),
    );
    assert_eq!(r.status, Status::Pass, "{r}");
    assert_eq!(r.dual.pairs[0].branch_points, 0);
}
