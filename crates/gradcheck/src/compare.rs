//! The numerical core: central differences on a stencil, one Richardson
//! level, the error estimate, kink detection and the pass rule.

use backprop_gates::KinkConvention;

use crate::Tolerances;
use crate::report::{Element, Finding, Findings, KinkSides, Side, Status};

/// Function values on a symmetric stencil along one line through the point:
/// offsets `±t` (level 0) and `±t/2` (level 1), and the centre.
#[derive(Clone, Debug)]
pub(crate) struct Stencil {
    /// Value at the point itself.
    pub center: f64,
    /// Values at `+t` and `+t/2`.
    pub plus: [f64; 2],
    /// Values at `-t` and `-t/2`.
    pub minus: [f64; 2],
    /// What each level's difference is divided by: the represented distance
    /// `(x+t) - (x-t)` for a coordinate, `2t` for a direction.
    pub span: [f64; 2],
    /// The analytic derivative along the displacement each level really made
    /// (the same value twice for a coordinate).
    pub analytic: [f64; 2],
    /// Scale of rounding errors in the values: `max |f|` over the stencil,
    /// or `Σ|v|·|F|` for a projection.
    pub magnitude: f64,
    /// The step `t`.
    pub step: f64,
}

/// How one comparison came out.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Outcome {
    Pass,
    Fail,
    Kink,
    /// A kink where the rule's value breaks the convention it declares.
    BrokenConvention,
    NonFinite(Side, f64),
}

impl Outcome {
    pub fn status(self) -> Status {
        match self {
            Outcome::Pass => Status::Pass,
            Outcome::Fail | Outcome::BrokenConvention => Status::Fail,
            Outcome::Kink => Status::Kink,
            Outcome::NonFinite(..) => Status::NonFinite,
        }
    }
}

/// A compared value pair with its verdict.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Estimate {
    pub outcome: Outcome,
    pub analytic: f64,
    pub numeric: f64,
    pub error_estimate: f64,
    pub allowed: f64,
    pub step: f64,
    /// CS231n relative error, with the absolute tolerance as its floor.
    pub rel_error: f64,
    /// At a kink: the rule's value beside both one-sided derivatives.
    pub kink: Option<KinkSides>,
}

impl Estimate {
    /// Hold a kink to the convention the rule declares for it: a value
    /// that follows another convention (or none) is a failure.
    pub fn declare(mut self, declared: KinkConvention) -> Estimate {
        if let (Outcome::Kink, Some(sides)) = (self.outcome, &mut self.kink) {
            sides.declared = Some(declared);
            if sides.breaks_declared() {
                self.outcome = Outcome::BrokenConvention;
            }
        }
        self
    }
}

/// The convention `analytic` follows at a kink with derivatives `left` and
/// `right`, if it is within `allowed(value)` of one: left first, then
/// right, then the mean.
pub(crate) fn convention_of(
    analytic: f64,
    left: f64,
    right: f64,
    allowed: impl Fn(f64) -> f64,
) -> Option<KinkConvention> {
    KinkConvention::ALL.into_iter().find(|c| {
        let v = c.pick(left, right);
        (analytic - v).abs() <= allowed(v)
    })
}

/// CS231n relative error `|a - n| / max(|a| + |n|, tiny)`, with `tiny` the
/// absolute tolerance: below it both values count as zero, and a relative
/// error between an underflowed `0` and `1e-40` would only alarm.
pub(crate) fn relative_error(a: f64, n: f64, tiny: f64) -> f64 {
    (a - n).abs() / (a.abs() + n.abs()).max(tiny).max(f64::MIN_POSITIVE)
}

/// Judge one stencil: Richardson-extrapolated central difference against
/// the analytic value, after ruling out non-finite values and kinks.
///
/// * `D(t) = (f(+t) - f(-t)) / span` at both levels; the numerical value is
///   `(4·D(t/2) - D(t)) / 3`, the error estimate `|D(t) - D(t/2)|`, floored
///   at the rounding error `unit·magnitude / (t/2)`, where `unit` is
///   [`Options::rounding_unit`](crate::Options::rounding_unit) (8 ulps by
///   default).
/// * A kink: the one-sided differences at `t/2` disagree beyond tolerance,
///   and their disagreement does not halve with the step as it would for a
///   smooth function (where it is `t·f''`).
pub(crate) fn estimate(s: &Stencil, tol: &Tolerances, unit: f64) -> Estimate {
    let mut est = Estimate {
        outcome: Outcome::Pass,
        // Extrapolated like the numeric side; exactly the rule's value when
        // both levels moved along the same displacement.
        analytic: if s.analytic[0] == s.analytic[1] {
            s.analytic[0]
        } else {
            (4.0 * s.analytic[1] - s.analytic[0]) / 3.0
        },
        numeric: f64::NAN,
        error_estimate: f64::NAN,
        allowed: f64::NAN,
        step: s.step,
        rel_error: f64::NAN,
        kink: None,
    };
    for a in s.analytic {
        if !a.is_finite() {
            est.analytic = a;
            est.outcome = Outcome::NonFinite(Side::Analytic, a);
            return est;
        }
    }
    let values = [s.center, s.plus[0], s.plus[1], s.minus[0], s.minus[1]];
    if let Some(&v) = values.iter().find(|v| !v.is_finite()) {
        est.outcome = Outcome::NonFinite(Side::Numeric, v);
        return est;
    }
    let d = [0, 1].map(|l| (s.plus[l] - s.minus[l]) / s.span[l]);
    let numeric = (4.0 * d[1] - d[0]) / 3.0;
    if !numeric.is_finite() {
        est.numeric = numeric;
        est.outcome = Outcome::NonFinite(Side::Numeric, numeric);
        return est;
    }
    let floor = unit * s.magnitude / (s.span[1] / 2.0);
    let error_estimate = (d[0] - d[1]).abs().max(floor);
    est.numeric = numeric;
    est.error_estimate = error_estimate;
    est.allowed = tol.allowed(est.analytic, numeric, error_estimate);
    est.rel_error = relative_error(est.analytic, numeric, tol.atol);

    // One-sided differences at each level, for the kink test.
    let sides = [0, 1].map(|l| {
        let half = s.span[l] / 2.0;
        (
            (s.center - s.minus[l]) / half,
            (s.plus[l] - s.center) / half,
        )
    });
    let gap = sides.map(|(left, right)| (right - left, right.abs().max(left.abs())));
    let noise = tol.atol + tol.rtol * gap[1].1 + 2.0 * floor;
    let not_halving = (gap[1].0 - gap[0].0 / 2.0).abs();
    if gap[1].0.abs() > noise && not_halving > noise && not_halving > 0.25 * gap[0].0.abs() {
        // A one-sided difference errs by about (step/2)·f'': one Richardson
        // level for that first-order error, the change between levels as
        // its estimate.
        let [(l0, r0), (l1, r1)] = sides;
        let (left, right) = (2.0 * l1 - l0, 2.0 * r1 - r0);
        let err = (l1 - l0).abs().max((r1 - r0).abs()).max(floor);
        let analytic = est.analytic;
        est.kink = Some(KinkSides {
            analytic,
            left,
            right,
            convention: convention_of(analytic, left, right, |v| tol.allowed(analytic, v, err)),
            declared: None,
        });
        est.outcome = Outcome::Kink;
        return est;
    }
    est.outcome = if (est.analytic - numeric).abs() <= est.allowed {
        Outcome::Pass
    } else {
        Outcome::Fail
    };
    est
}

/// Where a compared quantity sits.
#[derive(Clone, Debug, Default)]
pub(crate) struct Place {
    pub index: Vec<usize>,
    pub output_index: Option<Vec<usize>>,
    pub input_value: Option<f64>,
}

/// How many findings of each kind a report lists.
const FIRST_FINDINGS: usize = 5;

/// Accumulates comparisons into the figures of a pair report.
#[derive(Clone, Debug)]
pub(crate) struct Tally {
    pub status: Status,
    pub checked: usize,
    pub max_abs_error: f64,
    pub max_rel_error: f64,
    /// The worst elements, worst first, at most `keep`.
    pub worst: Vec<Element>,
    pub kinks: Findings,
    pub non_finite: Findings,
    keep: usize,
}

impl Tally {
    pub fn new(keep: usize) -> Tally {
        Tally {
            status: Status::Pass,
            checked: 0,
            max_abs_error: 0.0,
            max_rel_error: 0.0,
            worst: Vec::new(),
            kinks: Findings::default(),
            non_finite: Findings::default(),
            keep: keep.max(1),
        }
    }

    /// Record one comparison.
    pub fn add(&mut self, place: &Place, est: &Estimate) {
        self.checked += 1;
        self.status = self.status.max(est.outcome.status());
        match est.outcome {
            Outcome::Kink | Outcome::BrokenConvention => {
                push_finding(&mut self.kinks, place, None, est.kink)
            }
            Outcome::NonFinite(side, v) => {
                push_finding(&mut self.non_finite, place, Some((side, v)), None)
            }
            Outcome::Pass | Outcome::Fail => {
                let abs_error = (est.analytic - est.numeric).abs();
                let element = Element {
                    index: place.index.clone(),
                    output_index: place.output_index.clone(),
                    input_value: place.input_value,
                    analytic: est.analytic,
                    numeric: est.numeric,
                    abs_error,
                    rel_error: est.rel_error,
                    error_estimate: est.error_estimate,
                    allowed: est.allowed,
                    step: est.step,
                };
                self.max_abs_error = self.max_abs_error.max(abs_error);
                self.max_rel_error = self.max_rel_error.max(element.rel_error);
                self.keep_if_worse(element);
            }
        }
    }

    fn keep_if_worse(&mut self, element: Element) {
        let ratio = element.ratio();
        if self.worst.len() == self.keep && self.worst.last().is_some_and(|w| w.ratio() >= ratio) {
            return;
        }
        let at = self.worst.partition_point(|w| w.ratio() >= ratio);
        self.worst.insert(at, element);
        self.worst.truncate(self.keep);
    }
}

fn push_finding(
    findings: &mut Findings,
    place: &Place,
    non_finite: Option<(Side, f64)>,
    kink: Option<KinkSides>,
) {
    findings.count += 1;
    if findings.first.len() < FIRST_FINDINGS {
        findings.first.push(Finding {
            index: place.index.clone(),
            output_index: place.output_index.clone(),
            input_value: place.input_value,
            side: non_finite.map(|(s, _)| s),
            value: non_finite.map(|(_, v)| non_finite_name(v)),
            kink,
        });
    }
}

/// `"nan"`, `"inf"`, `"-inf"`, or the number for a finite value.
pub(crate) fn non_finite_name(v: f64) -> String {
    if v.is_nan() {
        "nan".into()
    } else if v == f64::INFINITY {
        "inf".into()
    } else if v == f64::NEG_INFINITY {
        "-inf".into()
    } else {
        format!("{v:e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Dtype;

    /// The stencil of a scalar `f` at `x` with step `t`, analytic `a`.
    fn stencil(f: impl Fn(f64) -> f64, x: f64, t: f64, a: f64) -> Stencil {
        let span = [(x + t) - (x - t), (x + t / 2.0) - (x - t / 2.0)];
        let plus = [f(x + t), f(x + t / 2.0)];
        let minus = [f(x - t), f(x - t / 2.0)];
        let magnitude = plus
            .iter()
            .chain(&minus)
            .fold(f(x).abs(), |m, v| m.max(v.abs()));
        Stencil {
            center: f(x),
            plus,
            minus,
            span,
            analytic: [a, a],
            magnitude,
            step: t,
        }
    }

    fn tol() -> Tolerances {
        Tolerances::for_dtype(Dtype::F64)
    }

    const T: f64 = 6.0554544523933395e-6; // cbrt(8.0 * f64::EPSILON)

    #[test]
    fn richardson_removes_the_second_order_error() {
        // f = x³ at 1: D(t) = 3 + t², so (4·D(t/2) - D(t))/3 = 3 exactly
        // (up to rounding), and the estimate is |D(t) - D(t/2)| = ¾t².
        let t = 1e-2;
        let e = estimate(
            &stencil(|x| x * x * x, 1.0, t, 3.0),
            &tol(),
            8.0 * f64::EPSILON,
        );
        assert!((e.numeric - 3.0).abs() < 1e-12, "{}", e.numeric);
        assert!((e.error_estimate - 0.75 * t * t).abs() < 1e-9);
        assert_eq!(e.outcome, Outcome::Pass);
    }

    #[test]
    fn the_error_estimate_has_a_rounding_floor() {
        // A linear function: both levels agree exactly, yet the estimate is
        // the rounding scale 8·eps·|f|/(t/2), not zero.
        let e = estimate(
            &stencil(|x| 2.0 * x + 1e6, 0.5, T, 2.0),
            &tol(),
            8.0 * f64::EPSILON,
        );
        let floor = 8.0 * f64::EPSILON * (1e6 + 1.0 + 2.0 * T) / (T / 2.0);
        assert!(
            e.error_estimate >= 0.99 * floor,
            "{} vs {floor}",
            e.error_estimate
        );
        assert_eq!(e.outcome, Outcome::Pass);
    }

    #[test]
    fn a_wrong_slope_fails() {
        let e = estimate(
            &stencil(f64::sin, 0.3, T, 2.0 * 0.3f64.cos()),
            &tol(),
            8.0 * f64::EPSILON,
        );
        assert_eq!(e.outcome, Outcome::Fail);
    }

    #[test]
    fn kinks_at_the_point_are_detected() {
        let relu = |x: f64| x.max(0.0);
        for a in [0.0, 1.0, 0.5, 7.0] {
            let e = estimate(&stencil(relu, 0.0, T, a), &tol(), 8.0 * f64::EPSILON);
            assert_eq!(e.outcome, Outcome::Kink, "relu at 0 with claimed {a}");
        }
        let e = estimate(&stencil(f64::abs, 0.0, T, 0.0), &tol(), 8.0 * f64::EPSILON);
        assert_eq!(e.outcome, Outcome::Kink);
        // A kink a fifth of a step away is still seen.
        let e = estimate(&stencil(relu, -0.1 * T, T, 0.0), &tol(), 8.0 * f64::EPSILON);
        assert_eq!(e.outcome, Outcome::Kink);
    }

    #[test]
    fn strong_curvature_is_not_a_kink() {
        // 1/x near its pole: huge f'' and f'''' but smooth.
        let x = 1e-3;
        let e = estimate(
            &stencil(|x| 1.0 / x, x, T, -1.0 / (x * x)),
            &tol(),
            8.0 * f64::EPSILON,
        );
        assert_eq!(e.outcome, Outcome::Pass, "{e:?}");
        let x = 30.0;
        let e = estimate(
            &stencil(f64::exp, x, T * x, x.exp()),
            &tol(),
            8.0 * f64::EPSILON,
        );
        assert_eq!(e.outcome, Outcome::Pass, "{e:?}");
    }

    #[test]
    fn non_finite_values_name_their_side() {
        let e = estimate(&stencil(f64::ln, 0.0, T, 1.0), &tol(), 8.0 * f64::EPSILON);
        assert!(matches!(e.outcome, Outcome::NonFinite(Side::Numeric, _)));
        let e = estimate(
            &stencil(f64::sin, 1.0, T, f64::NAN),
            &tol(),
            8.0 * f64::EPSILON,
        );
        assert!(matches!(e.outcome, Outcome::NonFinite(Side::Analytic, v) if v.is_nan()));
    }

    /// Tolerances with only an absolute part, so that the kink test's
    /// noise is `atol` exactly when the rounding floor is off (`unit` 0).
    fn atol_only(atol: f64) -> Tolerances {
        Tolerances {
            atol,
            rtol: 0.0,
            ..tol()
        }
    }

    // The three thresholds of the kink test, each met with equality on a
    // stencil of step 1, where every value and difference below is exact
    // in binary. "Beyond" a threshold is strictly beyond it.

    #[test]
    fn a_gap_of_one_sided_differences_exactly_at_the_noise_is_no_kink() {
        // x⁴ at 0: one-sided differences ±h³, gaps 2 (h = 1) and 1/4
        // (h = 1/2). The gap shrinks 8-fold, as if a kink lay between t/2
        // and t, so the disagreement at t/2 alone decides: 1/4.
        let quartic = stencil(|x| x.powi(4), 0.0, 1.0, 0.0);
        let e = estimate(&quartic, &atol_only(0.25), 0.0);
        assert_eq!(e.outcome, Outcome::Pass, "{e:?}");
        assert_eq!(e.numeric, 0.0);
        let e = estimate(&quartic, &atol_only(0.125), 0.0);
        assert_eq!(e.outcome, Outcome::Kink, "{e:?}");
    }

    #[test]
    fn a_jump_of_exactly_twice_the_noise_is_no_kink() {
        // |x| at 0: one-sided differences -1 and 1 at both levels, so the
        // gap stays 2 and its departure from halving is 2 - 2/2 = 1.
        let abs = stencil(f64::abs, 0.0, 1.0, 0.0);
        let e = estimate(&abs, &atol_only(1.0), 0.0);
        assert_eq!(e.outcome, Outcome::Pass, "{e:?}");
        let e = estimate(&abs, &atol_only(0.5), 0.0);
        assert_eq!(e.outcome, Outcome::Kink, "{e:?}");
        let sides = e.kink.expect("the sides of the kink");
        assert_eq!((sides.left, sides.right), (-1.0, 1.0));
        assert_eq!(sides.convention, Some(KinkConvention::Mean));
    }

    #[test]
    fn a_gap_that_quarters_with_the_step_is_smooth() {
        // |x|³ is twice differentiable at 0: one-sided differences ±h²,
        // gaps 2 and 1/2. A quarter is the edge of "does not halve"
        // (|1/2 - 2/2| = 1/2 = ¼·2), and the default tolerances put the
        // gap itself far beyond the noise.
        let cubic = stencil(|x: f64| x.abs().powi(3), 0.0, 1.0, 0.0);
        let e = estimate(&cubic, &tol(), 8.0 * f64::EPSILON);
        assert_eq!(e.outcome, Outcome::Pass, "{e:?}");
        assert_eq!(e.numeric, 0.0);
    }

    #[test]
    fn values_are_named_as_documented() {
        assert_eq!(non_finite_name(f64::NAN), "nan");
        assert_eq!(non_finite_name(f64::INFINITY), "inf");
        assert_eq!(non_finite_name(f64::NEG_INFINITY), "-inf");
        assert_eq!(non_finite_name(-1.5), "-1.5e0");
        assert_eq!(non_finite_name(1e-40), "1e-40");
    }

    #[test]
    fn cs231n_relative_error() {
        assert_eq!(relative_error(1.0, 3.0, 1e-10), 0.5);
        assert_eq!(relative_error(0.0, 0.0, 0.0), 0.0);
        // below the absolute tolerance both count as zero
        assert!((relative_error(0.0, 1e-40, 1e-10) - 1e-30).abs() < 1e-44);
    }
}
