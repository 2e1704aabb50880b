//! Scalar rules checked two ways: against central differences of their
//! forward function (in `f64`), and against the exact derivative that dual
//! numbers give of that same forward function (in the rule's own type).

use std::fmt;

use backprop_gates::Dual;
use serde::Serialize;

use crate::compare::{Place, Tally, convention_of};
use crate::report::{Evaluations, KinkSides, Report, as_f32, fmt_value};
use crate::rule::{declared_at, input_names};
use crate::scalar::{judge_coordinate, pair_report, scalar_report, worst_status};
use crate::{Dtype, Float, Mode, Options, Sampling, ScalarRule, Status, sample_points};

/// One input's comparison of a rule's derivative with the dual-number
/// derivative of its forward function.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DualPair {
    /// Position of the input.
    pub input: usize,
    /// Its name (`x`, `a`, `b`).
    pub input_name: String,
    /// Verdict.
    pub status: Status,
    /// Points compared.
    pub checked: usize,
    /// Largest distance in ulps (of the rule's type) seen.
    pub max_ulps: u64,
    /// The point with the largest error relative to its allowance.
    pub worst: Option<DualElement>,
    /// Points at a kink (the dual derivatives on either side differ).
    pub kinks: usize,
    /// The first few of those kinks, each with the rule's value beside the
    /// dual derivatives on either side and the convention it follows.
    pub kink_points: Vec<DualKink>,
    /// Points skipped because the forward function branches right there
    /// (its dual derivative differs between the two neighbouring floats),
    /// so dual numbers are no oracle at that point; finite differences
    /// still check it.
    pub branch_points: usize,
}

/// A kink the dual-number oracle met.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DualKink {
    /// The point (all inputs).
    pub point: Vec<f64>,
    /// The rule's value beside the exact derivatives at the neighbouring
    /// floats below and above, and its convention.
    pub sides: KinkSides,
}

/// How many kinks a [`DualPair`] lists.
const FIRST_KINKS: usize = 5;

/// A rule's derivative against the dual-number derivative at one point.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DualElement {
    /// The point (all inputs).
    pub point: Vec<f64>,
    /// The rule's derivative.
    pub rule: f64,
    /// The dual-number derivative of the forward function.
    pub dual: f64,
    /// Distance in ulps of the rule's type.
    pub ulps: u64,
    /// `|rule - dual|`.
    pub abs_error: f64,
    /// The absolute difference allowed when the ulps exceed the limit:
    /// `ulps·eps·(|dual| + |y·∂df/∂y|)`, the rounding a rule computed from
    /// its output `y` inherits from `y`.
    pub allowed: f64,
}

/// The dual-number oracle's verdict on a rule.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DualReport {
    /// Verdict over all inputs.
    pub status: Status,
    /// Ulps allowed ([`Tolerances::dual_ulps`](crate::Tolerances::dual_ulps)).
    pub allowed_ulps: u64,
    /// One comparison per input.
    pub pairs: Vec<DualPair>,
}

/// A scalar rule checked over sample points with both oracles.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleReport {
    /// The rule's name.
    pub name: String,
    /// The type the rule computed in.
    pub dtype: Dtype,
    /// Seed of the sample points.
    pub seed: u64,
    /// Verdict over both oracles.
    pub status: Status,
    /// The points checked (each `arity` values); element indices in the
    /// reports are positions in this list.
    pub points: Vec<Vec<f64>>,
    /// Central differences of the forward function in `f64`.
    pub finite_differences: Report,
    /// Dual numbers in the rule's own type.
    pub dual: DualReport,
}

/// Check a scalar rule (any `backprop-gates` gate, or your own rule via
/// [`AsUnary`](crate::AsUnary) / [`AsBinary`](crate::AsBinary)) in type
/// `T` over points chosen by `sampling`, with both oracles.
///
/// ```
/// use backprop_gates::{Gate, Unary};
/// use backprop_gradcheck::{check_rule, Options, Sampling};
///
/// let sigmoid = Gate::Unary(Unary::Sigmoid);
/// let o = Options::default();
/// assert!(check_rule::<f64, _>(&sigmoid, &Sampling::default(), &o).status.is_pass());
/// assert!(check_rule::<f32, _>(&sigmoid, &Sampling::default(), &o).status.is_pass());
/// ```
pub fn check_rule<T: Float, R: ScalarRule>(
    rule: &R,
    sampling: &Sampling,
    options: &Options,
) -> RuleReport {
    let points = sample_points(rule, T::DTYPE, sampling, options);
    check_rule_at::<T, R>(rule, &points, options)
}

/// Check a scalar rule in type `T` at the given points (each `arity()`
/// values; they are rounded to `T`).
pub fn check_rule_at<T: Float, R: ScalarRule>(
    rule: &R,
    points: &[Vec<f64>],
    options: &Options,
) -> RuleReport {
    let finite_differences = finite_differences::<T, R>(rule, points, options);
    let dual = dual_oracle::<T, R>(rule, points, options);
    RuleReport {
        name: rule.name(),
        dtype: T::DTYPE,
        seed: options.seed,
        status: finite_differences.status.max(dual.status),
        points: points.to_vec(),
        finite_differences,
        dual,
    }
}

fn to_t<T: Float>(p: &[f64]) -> Vec<T> {
    p.iter().map(|&v| T::from_f64(v)).collect()
}

fn finite_differences<T: Float, R: ScalarRule>(
    rule: &R,
    points: &[Vec<f64>],
    options: &Options,
) -> Report {
    let tol = options.tolerances_for(T::DTYPE);
    let eps = options.rounding_unit();
    let arity = rule.arity();
    let mut tallies: Vec<Tally> = (0..arity)
        .map(|_| Tally::new(options.worst_count))
        .collect();
    let mut forward = vec![0usize; arity];
    let mut total = Evaluations::default();
    for (k, p) in points.iter().enumerate() {
        let pt = to_t::<T>(p);
        let y = rule.forward(&pt);
        let analytic = rule.derivatives(&pt, y);
        total.backward += 1;
        // The oracle runs at the point as represented in T, in f64.
        let p64: Vec<f64> = pt.iter().map(|v| v.to_f64()).collect();
        let center = rule.forward(&p64);
        total.forward += 1;
        for i in 0..arity {
            let mut moved = p64.clone();
            let mut along = |v: f64| {
                moved[i] = v;
                rule.forward(&moved)
            };
            let est = judge_coordinate(
                &mut along,
                p64[i],
                options.step(p64[i]),
                center,
                analytic[i].to_f64(),
                (&tol, eps),
                &mut forward[i],
            );
            let est = match declared_at(rule, &p64, i) {
                Some(convention) => est.declare(convention),
                None => est,
            };
            let place = Place {
                index: vec![k],
                output_index: None,
                input_value: Some(p64[i]),
            };
            tallies[i].add(&place, &est);
        }
    }
    let names = input_names(arity);
    let pairs: Vec<_> = tallies
        .into_iter()
        .enumerate()
        .map(|(i, tally)| {
            total.forward += forward[i];
            let evaluations = Evaluations {
                forward: forward[i],
                backward: 0,
            };
            pair_report(
                i,
                names[i].into(),
                Mode::Exhaustive,
                options.seed,
                tally,
                evaluations,
                None,
            )
        })
        .collect();
    scalar_report(rule.name(), T::DTYPE, options.seed, tol, total, pairs)
}

/// The derivative of `rule` with respect to input `i` at `p`, by dual
/// numbers (no rule involved).
fn dual_derivative<T: Float, R: ScalarRule>(rule: &R, p: &[T], i: usize) -> T {
    rule.forward(&Dual::seeded(p, i)).tangent
}

fn dual_oracle<T: Float, R: ScalarRule>(
    rule: &R,
    points: &[Vec<f64>],
    options: &Options,
) -> DualReport {
    let max_ulps = options.tolerances_for(T::DTYPE).dual_ulps;
    let eps = T::DTYPE.epsilon();
    let tiny = match T::DTYPE {
        Dtype::F32 => f64::from(f32::MIN_POSITIVE),
        Dtype::F64 => f64::MIN_POSITIVE,
    };
    let names = input_names(rule.arity());
    let mut pairs = Vec::new();
    for i in 0..rule.arity() {
        let mut pair = DualPair {
            input: i,
            input_name: names[i].into(),
            status: Status::Pass,
            checked: 0,
            max_ulps: 0,
            worst: None,
            kinks: 0,
            kink_points: Vec::new(),
            branch_points: 0,
        };
        let mut worst_ratio = -1.0;
        for p in points {
            let pt = to_t::<T>(p);
            let y = rule.forward(&pt);
            let claimed = rule.derivatives(&pt, y)[i];
            let exact = dual_derivative(rule, &pt, i);
            // How much rounding of y reaches a derivative computed from y.
            let consts: Vec<Dual<T>> = pt.iter().map(|&v| Dual::constant(v)).collect();
            let dy = rule.derivatives(&consts, Dual::variable(y))[i]
                .tangent
                .to_f64();
            let scale = exact.to_f64().abs() + (y.to_f64() * dy).abs();
            let allowed = max_ulps as f64 * (eps * scale + tiny);
            let ulps = T::ulps(claimed, exact);
            let abs_error = (claimed.to_f64() - exact.to_f64()).abs();
            let ok = ulps <= max_ulps || abs_error <= allowed;
            if !ok {
                let (lo, hi) = pt[i].neighbours();
                let side = |v: T| {
                    let mut q = pt.clone();
                    q[i] = v;
                    dual_derivative(rule, &q, i).to_f64()
                };
                let (below, above, here) = (side(lo), side(hi), exact.to_f64());
                if (below - above).abs() > allowed {
                    // Left and right derivatives differ: a kink, where no
                    // derivative exists to compare with; the rule's value
                    // must follow the convention it declares there.
                    let claimed = claimed.to_f64();
                    let allowed_near = |v: f64| {
                        max_ulps as f64 * (eps * (v.abs() + (y.to_f64() * dy).abs()) + tiny)
                    };
                    let point: Vec<f64> = pt.iter().map(|v| v.to_f64()).collect();
                    let sides = KinkSides {
                        analytic: claimed,
                        left: below,
                        right: above,
                        convention: convention_of(claimed, below, above, allowed_near),
                        declared: declared_at(rule, &point, i),
                    };
                    pair.kinks += 1;
                    let status = if sides.breaks_declared() {
                        Status::Fail
                    } else {
                        Status::Kink
                    };
                    pair.status = pair.status.max(status);
                    if pair.kink_points.len() < FIRST_KINKS {
                        pair.kink_points.push(DualKink { point, sides });
                    }
                    continue;
                }
                // Both sides agree but the point itself does not: the
                // forward function branches exactly here, so the dual
                // number is no oracle at the point; the rule must match
                // the two sides.
                if (here - below).abs() > allowed && (claimed.to_f64() - below).abs() <= allowed {
                    pair.branch_points += 1;
                    continue;
                }
                pair.status = Status::Fail;
            }
            pair.checked += 1;
            pair.max_ulps = pair.max_ulps.max(ulps);
            let ratio = if allowed > 0.0 {
                abs_error / allowed
            } else {
                f64::INFINITY
            };
            let ratio = if ratio.is_nan() { f64::INFINITY } else { ratio };
            if ratio > worst_ratio {
                worst_ratio = ratio;
                pair.worst = Some(DualElement {
                    point: pt.iter().map(|v| v.to_f64()).collect(),
                    rule: claimed.to_f64(),
                    dual: exact.to_f64(),
                    ulps,
                    abs_error,
                    allowed,
                });
            }
        }
        pairs.push(pair);
    }
    DualReport {
        status: worst_status(pairs.iter().map(|p| p.status)),
        allowed_ulps: max_ulps,
        pairs,
    }
}

impl fmt::Display for DualReport {
    /// Values as `f64` (a [`RuleReport`] prints an `f32` rule's as `f32`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_in(f, None)
    }
}

/// A point as `[1.9, -0.5]`: each coordinate as the `f32` it is when the
/// rule computes in `f32` (the points are rounded to its type), else as
/// the `f64`.
fn fmt_point(point: &[f64], dtype: Option<Dtype>) -> String {
    let parts: Vec<String> = point
        .iter()
        .map(|&v| match as_f32(v, dtype) {
            Some(narrow) => format!("{narrow:?}"),
            None => format!("{v:?}"),
        })
        .collect();
    format!("[{}]", parts.join(", "))
}

impl DualReport {
    /// `Display`, with the rule's and the dual derivatives printed as the
    /// rule's type `dtype` when known (both are computed in it).
    fn fmt_in(&self, f: &mut fmt::Formatter<'_>, dtype: Option<Dtype>) -> fmt::Result {
        for p in &self.pairs {
            write!(
                f,
                "  dual numbers, {}: {} ({} points, max {} ulps",
                p.input_name, p.status, p.checked, p.max_ulps
            )?;
            if p.kinks > 0 {
                write!(f, ", {} kinks", p.kinks)?;
            }
            if p.branch_points > 0 {
                write!(f, ", {} branch points skipped", p.branch_points)?;
            }
            writeln!(f, ")")?;
            for k in &p.kink_points {
                writeln!(
                    f,
                    "      kink at {}: {}",
                    fmt_point(&k.point, dtype),
                    k.sides
                )?;
            }
            if let (false, Some(w)) = (p.status.is_pass(), &p.worst) {
                writeln!(
                    f,
                    "      at {}: rule {}, dual {}, {} ulps, |diff| {:.3e} (allowed {:.3e})",
                    fmt_point(&w.point, dtype),
                    fmt_value(w.rule, dtype),
                    fmt_value(w.dual, dtype),
                    w.ulps,
                    w.abs_error,
                    w.allowed
                )?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for RuleReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "rule {} [{}, seed {}]: {} at {} points",
            self.name,
            self.dtype,
            self.seed,
            self.status,
            self.points.len()
        )?;
        for pair in &self.finite_differences.pairs {
            pair.fmt_in(f, Some(self.dtype))?;
        }
        self.dual.fmt_in(f, Some(self.dtype))
    }
}
