//! What every gate computes at its edges: kinks, singular points, saturated
//! tails and signed zeros, each chosen deliberately and written down once.

use std::fmt;

use crate::{Binary, Gate, Real, Unary};

/// Why a point is an edge of its gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EdgeKind {
    /// The derivatives from the left and from the right differ; the gate's
    /// [`KinkConvention`](crate::KinkConvention) picks one.
    Kink,
    /// The formula's terms are infinite or undefined there (`0⁰`, `0·∞`,
    /// `ln 0`, a pole); the value is a limit, an exact partial derivative,
    /// or the infinity the math gives.
    Singular,
    /// Far out in a tail, where a naive formula overflows.
    Saturated,
    /// The input is `-0`, and the sign of a zero in the result matters.
    SignedZero,
}

impl EdgeKind {
    /// `"kink"`, `"singular"`, `"saturated"` or `"signed zero"`.
    pub fn name(self) -> &'static str {
        match self {
            EdgeKind::Kink => "kink",
            EdgeKind::Singular => "singular",
            EdgeKind::Saturated => "saturated",
            EdgeKind::SignedZero => "signed zero",
        }
    }
}

impl fmt::Display for EdgeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A gate's documented value and local derivatives at one of its edges.
///
/// These are the numbers every engine built on this crate returns there
/// (graph, tensor, expressions and the CLI use the same rules), in `f64`
/// and, rounded, in `f32`. The crate README lists them beside PyTorch's and
/// JAX's, as measured.
///
/// ```
/// use backprop_gates::{edges, Binary, Gate};
///
/// // d(x^y)/dx and d(x^y)/dy at (0, 0): both 0, never NaN or -inf.
/// let pow = Gate::Binary(Binary::Pow);
/// let e = edges().iter().find(|e| e.gate == pow && e.at == [0.0, 0.0]).unwrap();
/// assert_eq!((e.value, e.derivatives), (1.0, &[0.0, 0.0][..]));
/// assert_eq!(e.label(), "pow at (0, 0)");
/// let y = pow.forward(e.at);
/// assert_eq!(pow.derivatives(e.at, y), [0.0, 0.0]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Edge {
    /// The gate, with its parameter.
    pub gate: Gate,
    /// The point: one value per input.
    pub at: &'static [f64],
    /// The forward value there.
    pub value: f64,
    /// The local derivative with respect to each input.
    pub derivatives: &'static [f64],
    /// Why the point is special.
    pub kind: EdgeKind,
    /// Why the gate returns these numbers there.
    pub why: &'static str,
}

impl Edge {
    /// `"relu at 0"`, `"pow at (0, 0.5)"`, `"relu at -0"`: the gate and the
    /// point.
    pub fn label(&self) -> String {
        let numbers: Vec<String> = self.at.iter().map(|v| format!("{v}")).collect();
        if numbers.len() == 1 {
            format!("{} at {}", self.gate, numbers[0])
        } else {
            format!("{} at ({})", self.gate, numbers.join(", "))
        }
    }

    /// How a result computed in type `F` (an engine's forward value and
    /// gradients at [`at`](Edge::at)) differs from this edge, or `None` if
    /// it reproduces it exactly: the same number after rounding to `F`,
    /// the same sign of zero, NaN for NaN.
    ///
    /// ```
    /// use backprop_gates::{Gate, Unary};
    /// let relu_at_0 = Gate::Unary(Unary::Relu).edges().next().unwrap();
    /// assert_eq!(relu_at_0.mismatch(0.0_f32, &[0.0]), None);
    /// assert!(relu_at_0.mismatch(0.0_f64, &[1.0]).unwrap().contains("derivative 1"));
    /// ```
    pub fn mismatch<F: Real>(&self, value: F, derivatives: &[F]) -> Option<String> {
        let same = |expected: f64, got: F| {
            let (e, g) = (F::from_f64(expected).to_f64(), got.to_f64());
            e.to_bits() == g.to_bits() || (e.is_nan() && g.is_nan())
        };
        if !same(self.value, value) {
            return Some(format!(
                "{}: value {:?}, documented {:?}",
                self.label(),
                value.to_f64(),
                self.value
            ));
        }
        if derivatives.len() != self.derivatives.len() {
            return Some(format!(
                "{}: {} derivatives, documented {}",
                self.label(),
                derivatives.len(),
                self.derivatives.len()
            ));
        }
        for (i, (&expected, &got)) in self.derivatives.iter().zip(derivatives).enumerate() {
            if !same(expected, got) {
                return Some(format!(
                    "{}: derivative {:?} with respect to input {i}, documented {expected:?}",
                    self.label(),
                    got.to_f64()
                ));
            }
        }
        None
    }
}

/// Every gate's edges: the value and derivatives each gate returns at its
/// kinks, singular points, saturated tails and signed zeros.
///
/// Gates and points not listed have no edge there: their formula applies
/// as written.
pub fn edges() -> &'static [Edge] {
    EDGES
}

impl Gate {
    /// This gate's entries of [`edges()`].
    ///
    /// ```
    /// use backprop_gates::{Gate, Unary};
    /// let relu = Gate::Unary(Unary::Relu);
    /// assert_eq!(relu.edges().map(|e| e.label()).collect::<Vec<_>>(), ["relu at 0", "relu at -0"]);
    /// ```
    pub fn edges(self) -> impl Iterator<Item = &'static Edge> {
        EDGES.iter().filter(move |e| e.gate == self)
    }
}

const fn unary(
    gate: Unary,
    at: &'static [f64],
    value: f64,
    derivatives: &'static [f64],
    kind: EdgeKind,
    why: &'static str,
) -> Edge {
    Edge {
        gate: Gate::Unary(gate),
        at,
        value,
        derivatives,
        kind,
        why,
    }
}

const fn binary(
    gate: Binary,
    at: &'static [f64],
    value: f64,
    derivatives: &'static [f64],
    kind: EdgeKind,
    why: &'static str,
) -> Edge {
    Edge {
        gate: Gate::Binary(gate),
        at,
        value,
        derivatives,
        kind,
        why,
    }
}

const INF: f64 = f64::INFINITY;
const NAN: f64 = f64::NAN;
use EdgeKind::{Kink, Saturated, SignedZero, Singular};

const BASE_ZERO_POSITIVE: &str =
    "∂b = 0 exactly: 0ᵇ = 0 for every b > 0 (the formula's 0·ln 0 would be NaN).";
const BASE_ZERO_NEGATIVE: &str =
    "A pole: 0ᵇ = +inf for b < 0. ∂b = -inf is the limit of aᵇ·ln a as a → 0+.";
const POLE: &str = "A pole: no finite value exists; the infinities are the limits from the right.";

const EDGES: &[Edge] = &[
    unary(
        Unary::Relu,
        &[0.0],
        0.0,
        &[0.0],
        Kink,
        "Left derivative: relu is flat on the left.",
    ),
    unary(
        Unary::Relu,
        &[-0.0],
        0.0,
        &[0.0],
        SignedZero,
        "relu(x) = max(x, 0) with IEEE 754-2019's maximum (-0 < +0): the output is never -0.",
    ),
    unary(
        Unary::LeakyRelu(0.01),
        &[0.0],
        0.0,
        &[0.01],
        Kink,
        "Left derivative, the slope: then leaky_relu with slope 0 is relu exactly, whose derivative at 0 is 0 everywhere.",
    ),
    unary(
        Unary::Abs,
        &[0.0],
        0.0,
        &[0.0],
        Kink,
        "Mean of the one-sided derivatives -1 and 1, i.e. sign(0) = 0: the same rule as max at a tie, and abs(x) = max(x, -x).",
    ),
    unary(
        Unary::Abs,
        &[-0.0],
        0.0,
        &[0.0],
        SignedZero,
        "-0 is 0: the same as at +0.",
    ),
    binary(
        Binary::Max,
        &[1.0, 1.0],
        1.0,
        &[0.5, 0.5],
        Kink,
        "Mean of the one-sided derivatives: ½ to each input, so max(x, x) has derivative 1.",
    ),
    binary(
        Binary::Min,
        &[1.0, 1.0],
        1.0,
        &[0.5, 0.5],
        Kink,
        "Mean of the one-sided derivatives: ½ to each input, so min(x, x) has derivative 1.",
    ),
    binary(
        Binary::Max,
        &[-0.0, 0.0],
        0.0,
        &[0.5, 0.5],
        SignedZero,
        "IEEE 754-2019's maximum (-0 < +0): the result does not depend on the order of the inputs.",
    ),
    binary(
        Binary::Min,
        &[-0.0, 0.0],
        -0.0,
        &[0.5, 0.5],
        SignedZero,
        "IEEE 754-2019's minimum (-0 < +0): the result does not depend on the order of the inputs.",
    ),
    binary(
        Binary::Pow,
        &[0.0, 0.0],
        1.0,
        &[0.0, 0.0],
        Singular,
        "∂a = 0 exactly: a⁰ = 1 for every a (the formula's 0·0⁻¹ would be NaN). ∂b = 0, the limit from b > 0, where 0ᵇ = 0 (the formula gives -inf).",
    ),
    binary(
        Binary::Pow,
        &[0.0, 1.0],
        0.0,
        &[1.0, 0.0],
        Singular,
        BASE_ZERO_POSITIVE,
    ),
    binary(
        Binary::Pow,
        &[0.0, 2.0],
        0.0,
        &[0.0, 0.0],
        Singular,
        BASE_ZERO_POSITIVE,
    ),
    binary(
        Binary::Pow,
        &[0.0, 0.5],
        0.0,
        &[INF, 0.0],
        Singular,
        "∂a = +inf, the derivative from the right (aᵇ is real only for a >= 0); ∂b = 0 as for every b > 0.",
    ),
    binary(
        Binary::Pow,
        &[0.0, -1.0],
        INF,
        &[-INF, -INF],
        Singular,
        BASE_ZERO_NEGATIVE,
    ),
    binary(
        Binary::Pow,
        &[0.0, -0.5],
        INF,
        &[-INF, -INF],
        Singular,
        BASE_ZERO_NEGATIVE,
    ),
    binary(
        Binary::Pow,
        &[-2.0, 3.0],
        -8.0,
        &[12.0, NAN],
        Singular,
        "∂b = NaN: (-2)ᵇ is not real for b near 3, so no derivative exists; ∂a = b·aᵇ⁻¹ holds.",
    ),
    unary(
        Unary::Powi(0),
        &[0.0],
        1.0,
        &[0.0],
        Singular,
        "x⁰ = 1 for every x: the derivative is exactly 0.",
    ),
    unary(
        Unary::Powi(2),
        &[0.0],
        0.0,
        &[0.0],
        Singular,
        "The formula n·xⁿ⁻¹ holds.",
    ),
    unary(Unary::Powi(-2), &[0.0], INF, &[-INF], Singular, POLE),
    unary(
        Unary::Powf(0.0),
        &[0.0],
        1.0,
        &[0.0],
        Singular,
        "x⁰ = 1 for every x: the derivative is exactly 0 (the formula's 0·0⁻¹ would be NaN), as for powi(0).",
    ),
    unary(
        Unary::Powf(0.5),
        &[0.0],
        0.0,
        &[INF],
        Singular,
        "The derivative from the right: x^0.5 is real only for x >= 0.",
    ),
    unary(
        Unary::Powf(2.5),
        &[0.0],
        0.0,
        &[0.0],
        Singular,
        "The derivative from the right: x^2.5 is real only for x >= 0.",
    ),
    unary(Unary::Powf(-1.5), &[0.0], INF, &[-INF], Singular, POLE),
    unary(
        Unary::Sqrt,
        &[0.0],
        0.0,
        &[INF],
        Singular,
        "The derivative from the right: √x is real only for x >= 0.",
    ),
    unary(
        Unary::Sqrt,
        &[-0.0],
        -0.0,
        &[-INF],
        SignedZero,
        "IEEE 754 makes √-0 = -0, so 1/(2√x) = -inf; PyTorch and JAX agree, and we match them bit for bit.",
    ),
    unary(Unary::Ln, &[0.0], -INF, &[INF], Singular, POLE),
    unary(Unary::Recip, &[0.0], INF, &[-INF], Singular, POLE),
    binary(Binary::Div, &[1.0, 0.0], INF, &[INF, -INF], Singular, POLE),
    binary(
        Binary::Div,
        &[0.0, 0.0],
        NAN,
        &[INF, NAN],
        Singular,
        "0/0 has no value; ∂a = 1/b = +inf whatever a is; ∂b = -a/b² is 0/0 again.",
    ),
    unary(
        Unary::Sigmoid,
        &[1000.0],
        1.0,
        &[0.0],
        Saturated,
        "e⁻ˣ underflows to 0: σ = 1 and σ' = (1 - σ)·σ = 0, with nothing overflowing.",
    ),
    unary(
        Unary::Sigmoid,
        &[-1000.0],
        0.0,
        &[0.0],
        Saturated,
        "Computed as eˣ/(1 + eˣ) where e⁻ˣ would overflow: σ = 0 and σ' = 0, not NaN.",
    ),
    unary(
        Unary::Softplus,
        &[1000.0],
        1000.0,
        &[1.0],
        Saturated,
        "Computed as x + ln(1 + e⁻ˣ): no overflow; the derivative σ(x) = 1.",
    ),
    unary(
        Unary::Softplus,
        &[-1000.0],
        0.0,
        &[0.0],
        Saturated,
        "ln(1 + eˣ) with eˣ underflowing: 0, derivative σ(x) = 0.",
    ),
    unary(
        Unary::Tanh,
        &[1000.0],
        1.0,
        &[0.0],
        Saturated,
        "tanh saturates at 1; 1 - tanh² = 0.",
    ),
    unary(
        Unary::Tanh,
        &[-1000.0],
        -1.0,
        &[0.0],
        Saturated,
        "tanh saturates at -1; 1 - tanh² = 0.",
    ),
];
