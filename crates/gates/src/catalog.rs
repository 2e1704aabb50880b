//! The enumerable catalog of every rule: name, arity, domain, kinks.

use std::fmt;

use crate::{Binary, Real, Unary};

/// Which value a unary rule's derivative is computed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DerivativeFrom {
    /// `df` reads the input `x` (e.g. `ln`: `1 / x`).
    Input,
    /// `df` reads the output `y = f(x)` (e.g. `sigmoid`: `(1 - y)·y`).
    Output,
}

/// The set of inputs where a rule is differentiable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Domain {
    /// Every real number.
    Real,
    /// `x > 0` (`ln`, `sqrt`, real powers).
    Positive,
    /// `x ≠ 0` (`recip`, divisors, negative integer powers).
    NonZero,
}

impl Domain {
    /// Whether `x` lies in the domain.
    ///
    /// ```
    /// use backprop_gates::Domain;
    /// assert!(Domain::Positive.contains(0.5));
    /// assert!(!Domain::NonZero.contains(0.0));
    /// ```
    pub fn contains(self, x: f64) -> bool {
        match self {
            Domain::Real => x.is_finite(),
            Domain::Positive => x.is_finite() && x > 0.0,
            Domain::NonZero => x.is_finite() && x != 0.0,
        }
    }
}

/// Where a rule's derivative jumps.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kinks {
    /// Smooth everywhere in its domain.
    None,
    /// At these input values (`relu`, `abs`: `0`).
    At(&'static [f64]),
    /// Where the two inputs are equal (`max`, `min`).
    Ties,
}

/// Which derivative a rule returns at a kink, where the derivatives from the
/// left and from the right differ and no derivative exists.
///
/// Every gate with kinks declares one ([`Gate::kink_convention`]), and
/// `backprop-gradcheck` names the convention a rule follows whenever it
/// reports a kink (and fails a gate that breaks its own).
///
/// ```
/// use backprop_gates::{Binary, Gate, KinkConvention, Unary};
///
/// // relu'(0) = 0, the derivative from the left (as PyTorch and JAX).
/// assert_eq!(Gate::Unary(Unary::Relu).kink_convention(), Some(KinkConvention::Left));
/// // max(x, x) gives ½ to each input, the mean of 1 and 0.
/// assert_eq!(Gate::Binary(Binary::Max).kink_convention(), Some(KinkConvention::Mean));
/// assert_eq!(KinkConvention::Mean.pick(0.0, 1.0), 0.5);
/// assert_eq!(Gate::Unary(Unary::Sigmoid).kink_convention(), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KinkConvention {
    /// The derivative from the left (`relu'(0) = 0`,
    /// `leaky_relu'(0) = slope`).
    Left,
    /// The derivative from the right.
    Right,
    /// The mean of the two one-sided derivatives (`abs'(0) = 0`; `max` and
    /// `min` give `½` to each input at a tie).
    Mean,
}

impl KinkConvention {
    /// Every convention.
    pub const ALL: [KinkConvention; 3] = [
        KinkConvention::Left,
        KinkConvention::Right,
        KinkConvention::Mean,
    ];

    /// The derivative this convention takes, given the derivatives from the
    /// left and from the right.
    pub fn pick(self, left: f64, right: f64) -> f64 {
        match self {
            KinkConvention::Left => left,
            KinkConvention::Right => right,
            KinkConvention::Mean => 0.5 * (left + right),
        }
    }

    /// `"left derivative"`, `"right derivative"` or `"mean of both sides"`.
    pub fn describe(self) -> &'static str {
        match self {
            KinkConvention::Left => "left derivative",
            KinkConvention::Right => "right derivative",
            KinkConvention::Mean => "mean of both sides",
        }
    }
}

impl fmt::Display for KinkConvention {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// Any gate: a one-input or a two-input rule.
///
/// ```
/// use backprop_gates::{Gate, Unary};
///
/// let sigmoid = Gate::Unary(Unary::Sigmoid);
/// let y: f64 = sigmoid.forward(&[0.0]);
/// assert_eq!(y, 0.5);
/// assert_eq!(sigmoid.derivatives(&[0.0], y), [0.25, 0.0]);
/// assert!(Gate::catalog().iter().any(|g| g.name() == "max"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Gate {
    /// A one-input gate.
    Unary(Unary),
    /// A two-input gate.
    Binary(Binary),
}

/// Every rule, parametric ones with representative parameters.
const CATALOG: &[Gate] = &[
    Gate::Binary(Binary::Add),
    Gate::Binary(Binary::Sub),
    Gate::Binary(Binary::Mul),
    Gate::Binary(Binary::Div),
    Gate::Binary(Binary::Pow),
    Gate::Binary(Binary::Max),
    Gate::Binary(Binary::Min),
    Gate::Unary(Unary::Neg),
    Gate::Unary(Unary::Recip),
    Gate::Unary(Unary::AddConst(1.5)),
    Gate::Unary(Unary::MulConst(-2.0)),
    Gate::Unary(Unary::Powi(2)),
    Gate::Unary(Unary::Powi(3)),
    Gate::Unary(Unary::Powi(-2)),
    Gate::Unary(Unary::Powf(0.5)),
    Gate::Unary(Unary::Powf(2.5)),
    Gate::Unary(Unary::Powf(-1.5)),
    Gate::Unary(Unary::Exp),
    Gate::Unary(Unary::Ln),
    Gate::Unary(Unary::Sqrt),
    Gate::Unary(Unary::Sigmoid),
    Gate::Unary(Unary::Tanh),
    Gate::Unary(Unary::Relu),
    Gate::Unary(Unary::LeakyRelu(0.01)),
    Gate::Unary(Unary::Softplus),
    Gate::Unary(Unary::Abs),
    Gate::Unary(Unary::Sin),
    Gate::Unary(Unary::Cos),
];

/// Position of each rule kind in a fixed order. The match has no wildcard on
/// purpose: adding a gate fails to compile here until it is placed, and the
/// catalog test then demands a catalog entry for it.
#[cfg(test)]
pub(crate) fn kind_index(gate: Gate) -> usize {
    match gate {
        Gate::Binary(b) => match b {
            Binary::Add => 0,
            Binary::Sub => 1,
            Binary::Mul => 2,
            Binary::Div => 3,
            Binary::Pow => 4,
            Binary::Max => 5,
            Binary::Min => 6,
        },
        Gate::Unary(u) => match u {
            Unary::Neg => 7,
            Unary::Recip => 8,
            Unary::AddConst(_) => 9,
            Unary::MulConst(_) => 10,
            Unary::Powi(_) => 11,
            Unary::Powf(_) => 12,
            Unary::Exp => 13,
            Unary::Ln => 14,
            Unary::Sqrt => 15,
            Unary::Sigmoid => 16,
            Unary::Tanh => 17,
            Unary::Relu => 18,
            Unary::LeakyRelu(_) => 19,
            Unary::Softplus => 20,
            Unary::Abs => 21,
            Unary::Sin => 22,
            Unary::Cos => 23,
        },
    }
}

/// How many kinds of rule exist (the range of [`kind_index`]).
#[cfg(test)]
pub(crate) const KIND_COUNT: usize = 24;

impl Gate {
    /// Every rule of this crate, parametric ones (`powi`, `powf`,
    /// `add_const`, ...) with representative parameters. Tools iterate over
    /// this to check every rule; a new rule cannot be added without appearing
    /// here (a test enforces it).
    pub fn catalog() -> &'static [Gate] {
        CATALOG
    }

    /// The rule's short name, without parameters.
    pub fn name(self) -> &'static str {
        match self {
            Gate::Unary(u) => u.name(),
            Gate::Binary(b) => b.name(),
        }
    }

    /// Number of inputs: 1 or 2.
    pub fn arity(self) -> usize {
        match self {
            Gate::Unary(_) => 1,
            Gate::Binary(_) => 2,
        }
    }

    /// The domain of each input (`arity()` entries).
    pub fn domain(self) -> Vec<Domain> {
        match self {
            Gate::Unary(u) => vec![u.domain()],
            Gate::Binary(b) => b.domain().to_vec(),
        }
    }

    /// Where the derivative jumps.
    pub fn kinks(self) -> Kinks {
        match self {
            Gate::Unary(u) if u.kinks().is_empty() => Kinks::None,
            Gate::Unary(u) => Kinks::At(u.kinks()),
            Gate::Binary(b) if b.kinks_at_ties() => Kinks::Ties,
            Gate::Binary(_) => Kinks::None,
        }
    }

    /// Which derivative the rule returns at its kinks; `None` for a rule
    /// without kinks.
    pub fn kink_convention(self) -> Option<KinkConvention> {
        match self {
            Gate::Unary(u) => u.kink_convention(),
            Gate::Binary(b) => b.kink_convention(),
        }
    }

    /// Whether `args` sit exactly on a kink (`relu` at `0`, `max` at a
    /// tie), where [`kink_convention`](Gate::kink_convention) decides the
    /// derivative.
    ///
    /// ```
    /// use backprop_gates::{Binary, Gate, Unary};
    /// assert!(Gate::Unary(Unary::Abs).is_at_kink(&[-0.0]));
    /// assert!(!Gate::Unary(Unary::Abs).is_at_kink(&[1e-300]));
    /// assert!(Gate::Binary(Binary::Min).is_at_kink(&[2.0, 2.0]));
    /// ```
    pub fn is_at_kink(self, args: &[f64]) -> bool {
        self.is_near_kink(args, 0.0)
    }

    /// For unary rules, whether the derivative reads the input or the output.
    pub fn derivative_from(self) -> Option<DerivativeFrom> {
        match self {
            Gate::Unary(u) => Some(u.derivative_from()),
            Gate::Binary(_) => None,
        }
    }

    /// The forward function on `args` (one or two values).
    ///
    /// # Panics
    ///
    /// If `args.len()` differs from [`arity`](Gate::arity).
    pub fn forward<F: Real>(self, args: &[F]) -> F {
        match (self, args) {
            (Gate::Unary(u), &[x]) => u.forward(x),
            (Gate::Binary(b), &[x, y]) => b.forward(x, y),
            _ => panic!("{self} takes {} input(s), got {}", self.arity(), args.len()),
        }
    }

    /// The local derivative with respect to each input, given the inputs and
    /// the output `y`; the second entry is `0` for unary rules.
    ///
    /// # Panics
    ///
    /// If `args.len()` differs from [`arity`](Gate::arity).
    pub fn derivatives<F: Real>(self, args: &[F], y: F) -> [F; 2] {
        match (self, args) {
            (Gate::Unary(u), &[x]) => [u.derivative(x, y), F::zero()],
            (Gate::Binary(b), &[x, z]) => {
                let (da, db) = b.derivatives(x, z, y);
                [da, db]
            }
            _ => panic!("{self} takes {} input(s), got {}", self.arity(), args.len()),
        }
    }

    /// Whether `args` lie within `radius` of a kink (and so a one-sided
    /// difference would not match the derivative).
    pub fn is_near_kink(self, args: &[f64], radius: f64) -> bool {
        match self.kinks() {
            Kinks::None => false,
            Kinks::At(points) => args
                .iter()
                .any(|x| points.iter().any(|k| (x - k).abs() <= radius)),
            Kinks::Ties => args.len() == 2 && (args[0] - args[1]).abs() <= radius,
        }
    }
}

impl fmt::Display for Gate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Gate::Unary(u) => u.fmt(f),
            Gate::Binary(b) => b.fmt(f),
        }
    }
}

impl From<Unary> for Gate {
    fn from(u: Unary) -> Self {
        Gate::Unary(u)
    }
}

impl From<Binary> for Gate {
    fn from(b: Binary) -> Self {
        Gate::Binary(b)
    }
}
