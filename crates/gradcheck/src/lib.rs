//! Numerical gradient checking: verify any backward rule with finite
//! differences — and, for scalar rules, with dual numbers too.
//!
//! Give the checker your forward function (in `f64`: the oracle) and the
//! rule you claim computes its derivative (in `f32` or `f64`); it returns a
//! [`Report`], not a bool: per input, the mode, step, evaluations, largest
//! absolute and relative errors, the worst elements with both values, the
//! error estimate and a [`Status`] (`pass`, `fail`, `kink`, `non-finite`).
//! Reports print the worst few elements (never a whole matrix) and
//! serialize to JSON.
//!
//! ```
//! use backprop_gradcheck::{check_vjp, Options, Status, Upstream};
//! use ndarray::{ArrayD, IxDyn};
//!
//! // y = tanh(x) elementwise; the VJP is g·(1 - tanh²x).
//! let forward = |x: &[ArrayD<f64>]| x[0].mapv(f64::tanh);
//! let vjp = |x: &[ArrayD<f64>], g: &ArrayD<f64>| vec![g * &x[0].mapv(|v| 1.0 - v.tanh().powi(2))];
//! let x = ArrayD::from_shape_fn(IxDyn(&[3, 4]), |i| i[0] as f64 - 0.7 * i[1] as f64 + 0.1);
//!
//! let report = check_vjp(forward, vjp, &[x.clone()], Upstream::Random, &Options::default())?;
//! assert_eq!(report.status, Status::Pass, "{report}");
//!
//! // A planted bug: the derivative of tanh taken as 1 - tanh (no square).
//! let wrong = |x: &[ArrayD<f64>], g: &ArrayD<f64>| vec![g * &x[0].mapv(|v| 1.0 - v.tanh())];
//! let report = check_vjp(forward, wrong, &[x], Upstream::Random, &Options::default())?;
//! assert_eq!(report.status, Status::Fail);
//! println!("{report}"); // the worst few elements, with both values
//! # Ok::<(), backprop_gradcheck::GradcheckError>(())
//! ```
//!
//! # Entry points
//!
//! - [`check_derivative`]: `f(x)` against `f'(x)`.
//! - [`check_partials`]: `f(x₁, …, xₙ)` against its partial derivatives.
//! - [`check_vjp`]: an array function of several inputs against its
//!   vector-Jacobian product, for a given or random upstream gradient.
//! - [`check_rule`] / [`check_rule_at`]: a scalar rule (any
//!   `backprop-gates` gate, or your own [`UnaryRule`](backprop_gates::UnaryRule)
//!   via [`AsUnary`]) at sampled points, against finite differences and the
//!   dual-number derivative of its own forward function.
//! - `strategies` (module behind the feature `proptest`): inputs inside a rule's domain and
//!   broadcast batched matmul shapes.
//!
//! The `backprop` project checks its own gates and tensor ops with this
//! crate in `backprop-selfcheck` (`check_catalog`, `check_op_case`; not
//! published), so the checker itself depends on none of the project's
//! tensor crates.
//!
//! # Numerics
//!
//! - **Central differences** with a per-element step
//!   `h = cbrt(eps) * max(|x|, 1)` (`eps` of the oracle's type), divided by
//!   the step actually represented, `(x+h) - (x-h)`.
//! - **One Richardson level**: `D(h)` and `D(h/2)` give the numerical value
//!   `(4·D(h/2) - D(h)) / 3` and the error estimate `|D(h) - D(h/2)|`,
//!   floored at the rounding error `8·eps·|f| / (h/2)` so it never
//!   collapses to zero.
//! - **Pass rule**: `|a - n| <= atol + rtol·max(|a|, |n|) + k·err_est`, with
//!   [`Tolerances`] per type (f64: `1e-10`, `1e-7`; f32: `1e-5`, `1e-4`;
//!   `k = 1`), all configurable. The CS231n relative error
//!   `|a - n| / max(|a| + |n|, atol)` is always reported.
//! - **f32 rules against an f64 oracle**: the rule runs in `f32`, the
//!   differences in `f64` at the same (exactly converted) inputs.
//! - **Kinks**: where the one-sided differences disagree by more than
//!   tolerance and their disagreement does not halve with the step (as it
//!   does for any smooth function), the element is a `kink`, not a failure.
//!   An element that fails is judged again on a stencil four times
//!   narrower, so a kink within the first step is seen as a kink too.
//!   Each kink reports the rule's value beside the derivatives from the
//!   left and from the right ([`KinkSides`]) and names the convention it
//!   follows (left, right, or their mean). A rule that declares a
//!   [`KinkConvention`](backprop_gates::KinkConvention) (every gate with
//!   kinks does) fails where, exactly on its kink, its value breaks it.
//! - **Ties**: two-input rules are also checked at `a == b`, where a
//!   smooth rule must pass like anywhere else (a rule wrong only at ties,
//!   say `mul` when both inputs are equal, fails); rules with kinks at ties
//!   (`max`, `min`) are kept away from them unless kinks are asked for.
//! - **Non-finite** values on either side are `non-finite`, with side and
//!   location.
//!
//! # Modes
//!
//! [`Mode::Exhaustive`] compares the full Jacobian: one backward run per
//! output element (one-hot upstream) against central differences per
//! input element (four forward evaluations each), and the backward run with
//! the check's upstream element by element. [`Mode::Fast`] compares one
//! random projection per input, `vᵀ(J·u)` by central differences along a
//! random direction `u` against `(vᵀJ)·u` from one backward run, with no
//! tolerance inflated by the size of `u` or `v`: nine forward and three
//! backward evaluations for a two-input function of any size that passes
//! (four more forward evaluations for an input whose projection fails).
//! When a fast check does not pass, the wrong elements of `vᵀJ` are
//! located by bisection, within a budget of [`Options::locate_limit`]
//! (2,000) forward evaluations; the report's [`Located`] names the worst
//! found and says when the budget cut the search short. [`Options`] gives
//! the full cost model. Random numbers come from ChaCha8 seeded by
//! [`Options::seed`], which every report carries. A check still running
//! after two seconds reports its progress on standard error.
//!
//! # Structural checks
//!
//! Every [`check_vjp`] also checks that each gradient has its input's shape,
//! that a zero upstream gives exactly zero gradients, and that two backward
//! runs agree (bit for bit unless [`Tolerances::nondeterminism`] allows
//! more).

mod compare;
mod error;
mod float;
mod gates;
mod options;
mod report;
mod rng;
mod rule;
mod samples;
mod scalar;
#[cfg(feature = "proptest")]
pub mod strategies;
mod vjp;

pub use error::GradcheckError;
pub use float::{Dtype, Float};
pub use gates::{
    DualElement, DualKink, DualPair, DualReport, RuleReport, check_rule, check_rule_at,
};
pub use options::{Mode, Options, Tolerances};
pub use report::{
    Block, Element, Evaluations, Finding, Findings, KinkSides, LocateEnd, LocateMethod, Located,
    PairReport, Report, Side, Status, Structure, StructureIssue,
};
pub use rng::entry_seed;
pub use rule::{AsBinary, AsUnary, ScalarRule};
pub use samples::{Sampling, sample_points};
pub use scalar::{check_derivative, check_partials};
pub use vjp::{Upstream, check_vjp};
