//! Scalar derivative rules as the checker sees them: a forward function and
//! its local derivatives, generic over the float type, with a domain and
//! kinks. Implemented for every `backprop-gates` gate, and for any user rule
//! through [`AsUnary`] / [`AsBinary`].

use backprop_gates::{BinaryRule, Domain, Gate, KinkConvention, Kinks, Real, UnaryRule};

/// A one- or two-input scalar rule: forward function and local derivatives,
/// generic over [`Real`] so that it runs in `f32`, `f64` and on dual
/// numbers.
pub trait ScalarRule {
    /// Name in reports (`"sigmoid"`, `"powi(2)"`).
    fn name(&self) -> String;
    /// Number of inputs: 1 or 2.
    fn arity(&self) -> usize;
    /// The forward function on `arity()` arguments.
    fn forward<F: Real>(&self, args: &[F]) -> F;
    /// The local derivative with respect to each input, given the inputs and
    /// the output `y`; the second is ignored for one-input rules.
    fn derivatives<F: Real>(&self, args: &[F], y: F) -> [F; 2];
    /// The domain of each input (`arity()` entries).
    fn domain(&self) -> Vec<Domain>;
    /// Where the derivative jumps.
    fn kinks(&self) -> Kinks;
    /// Which derivative the rule returns exactly at its kinks, if it
    /// declares one; the checker then holds it to that convention there.
    fn kink_convention(&self) -> Option<KinkConvention> {
        None
    }
}

/// The convention `rule` declares for input `i` at `point`, if `point`
/// lies exactly on one of its kinks (`relu` at `0`, `max` at a tie).
pub(crate) fn declared_at<R: ScalarRule>(
    rule: &R,
    point: &[f64],
    i: usize,
) -> Option<KinkConvention> {
    let on_kink = match rule.kinks() {
        Kinks::None => false,
        Kinks::At(points) => points.contains(&point[i]),
        Kinks::Ties => point.len() == 2 && point[0] == point[1],
    };
    rule.kink_convention().filter(|_| on_kink)
}

impl ScalarRule for Gate {
    fn name(&self) -> String {
        self.to_string()
    }
    fn arity(&self) -> usize {
        Gate::arity(*self)
    }
    fn forward<F: Real>(&self, args: &[F]) -> F {
        Gate::forward(*self, args)
    }
    fn derivatives<F: Real>(&self, args: &[F], y: F) -> [F; 2] {
        Gate::derivatives(*self, args, y)
    }
    fn domain(&self) -> Vec<Domain> {
        Gate::domain(*self)
    }
    fn kinks(&self) -> Kinks {
        Gate::kinks(*self)
    }
    fn kink_convention(&self) -> Option<KinkConvention> {
        Gate::kink_convention(*self)
    }
}

/// Any [`UnaryRule`] (for instance your own gate) as a [`ScalarRule`].
///
/// ```
/// use backprop_gates::{DerivativeFrom, Real, UnaryRule};
/// use backprop_gradcheck::{check_rule, AsUnary, Options, Sampling, Status};
///
/// /// Square. f(x) = x·x, f'(x) = 2x.
/// struct Square;
/// impl UnaryRule for Square {
///     const NAME: &'static str = "square";
///     const DERIVATIVE_FROM: DerivativeFrom = DerivativeFrom::Input;
///     fn f<F: Real>(&self, x: F) -> F { x * x }
///     fn df<F: Real>(&self, x: F, _y: F) -> F { x + x }
/// }
///
/// let report = check_rule::<f64, _>(&AsUnary(Square), &Sampling::default(), &Options::default());
/// assert_eq!(report.status, Status::Pass, "{report}");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct AsUnary<R>(pub R);

impl<R: UnaryRule> ScalarRule for AsUnary<R> {
    fn name(&self) -> String {
        R::NAME.to_string()
    }
    fn arity(&self) -> usize {
        1
    }
    fn forward<F: Real>(&self, args: &[F]) -> F {
        self.0.f(args[0])
    }
    fn derivatives<F: Real>(&self, args: &[F], y: F) -> [F; 2] {
        [self.0.df(args[0], y), F::zero()]
    }
    fn domain(&self) -> Vec<Domain> {
        vec![self.0.domain()]
    }
    fn kinks(&self) -> Kinks {
        match self.0.kinks() {
            [] => Kinks::None,
            points => Kinks::At(points),
        }
    }
    fn kink_convention(&self) -> Option<KinkConvention> {
        self.0.kink_convention()
    }
}

/// Any [`BinaryRule`] as a [`ScalarRule`].
#[derive(Clone, Copy, Debug)]
pub struct AsBinary<R>(pub R);

impl<R: BinaryRule> ScalarRule for AsBinary<R> {
    fn name(&self) -> String {
        R::NAME.to_string()
    }
    fn arity(&self) -> usize {
        2
    }
    fn forward<F: Real>(&self, args: &[F]) -> F {
        self.0.f(args[0], args[1])
    }
    fn derivatives<F: Real>(&self, args: &[F], y: F) -> [F; 2] {
        let (a, b) = self.0.df(args[0], args[1], y);
        [a, b]
    }
    fn domain(&self) -> Vec<Domain> {
        self.0.domain().to_vec()
    }
    fn kinks(&self) -> Kinks {
        if self.0.kinks_at_ties() {
            Kinks::Ties
        } else {
            Kinks::None
        }
    }
    fn kink_convention(&self) -> Option<KinkConvention> {
        self.0.kink_convention()
    }
}

/// Names of a rule's inputs: `x` for one, `a`, `b` for two.
pub(crate) fn input_names(arity: usize) -> &'static [&'static str] {
    if arity == 1 { &["x"] } else { &["a", "b"] }
}
