//! Where a scalar rule is checked: random points over its domain, points at
//! large magnitudes and near zero, away from kinks unless asked.

use backprop_gates::{Domain, Dual, Kinks};
use rand::Rng;

use crate::rng::{CheckRng, rng};
use crate::{Dtype, Options, ScalarRule};

/// How to choose the points a scalar rule is checked at.
///
/// ```
/// use backprop_gates::{Gate, Unary};
/// use backprop_gradcheck::{sample_points, Dtype, Options, Sampling};
///
/// let relu = Gate::Unary(Unary::Relu);
/// let points = sample_points(&relu, Dtype::F64, &Sampling::default(), &Options::default());
/// assert!(points.iter().all(|p| p[0] != 0.0)); // kept away from the kink
/// let with_kinks = Sampling { include_kinks: true, ..Sampling::default() };
/// let points = sample_points(&relu, Dtype::F64, &with_kinks, &Options::default());
/// assert!(points.iter().any(|p| p[0] == 0.0));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Sampling {
    /// Random points drawn over the domain (uniform on `[-4, 4]` or
    /// log-uniform magnitudes from `1e-3` to `1e2`; positive or non-zero as
    /// the domain demands).
    pub random_points: usize,
    /// Add fixed points at large magnitudes (`±50`, `±1000`) and near zero
    /// (`0`, `±1e-6`, or `±1e-3` where `0` is outside the domain), where the
    /// forward function stays finite in the checked type; and, for two-input
    /// rules, ties `a == b` (ordinary points for a smooth rule, so a
    /// derivative wrong only there is caught; skipped for rules with kinks
    /// at ties unless [`include_kinks`](Sampling::include_kinks)).
    pub special_points: bool,
    /// Add the kinks themselves (`relu` at 0, ties of `max`), which must
    /// come out as `kink`, never as `fail`.
    pub include_kinks: bool,
}

impl Default for Sampling {
    fn default() -> Self {
        Sampling {
            random_points: 16,
            special_points: true,
            include_kinks: false,
        }
    }
}

/// Points within this many steps of a kink are not drawn (unless kinks are
/// asked for).
const KINK_STEPS: f64 = 16.0;

/// The points (each `arity()` values, representable in `dtype`) where
/// `rule` is checked, drawn from [`Options::seed`]: inside the domain, with
/// finite forward values and derivatives in `dtype` at the point, finite
/// `f64` values at every
/// finite-difference offset, and away from kinks unless
/// [`Sampling::include_kinks`].
pub fn sample_points<R: ScalarRule>(
    rule: &R,
    dtype: Dtype,
    sampling: &Sampling,
    options: &Options,
) -> Vec<Vec<f64>> {
    let domains = rule.domain();
    let mut random = rng(options.seed);
    let accept = |p: &[f64]| acceptable(rule, dtype, options, &domains, p, false);
    let mut points = Vec::new();

    if sampling.special_points {
        for (i, &domain) in domains.iter().enumerate() {
            for &s in specials(domain) {
                // Partners of a special value are random; a few tries find
                // one that keeps the forward value finite.
                for _ in 0..16 {
                    let mut p: Vec<f64> = domains.iter().map(|&d| draw(&mut random, d)).collect();
                    p[i] = s;
                    let p = round_to(dtype, p);
                    if accept(&p) {
                        points.push(p);
                        break;
                    }
                }
            }
        }
        if domains.len() == 2 {
            points.extend(tie_points(&domains, dtype, &mut random, TIES, |p| {
                accept(p)
            }));
        }
    }

    let mut drawn = 0;
    for _ in 0..64 * sampling.random_points.max(1) {
        if drawn == sampling.random_points {
            break;
        }
        let p = round_to(
            dtype,
            domains.iter().map(|&d| draw(&mut random, d)).collect(),
        );
        if accept(&p) {
            points.push(p);
            drawn += 1;
        }
    }

    if sampling.include_kinks {
        points.extend(kink_points(rule, dtype, options, &domains, &mut random));
    }
    points
}

/// Kinks themselves: `x = k` for each kink `k` of a one-input rule; equal
/// inputs for a rule with kinks at ties.
fn kink_points<R: ScalarRule>(
    rule: &R,
    dtype: Dtype,
    options: &Options,
    domains: &[Domain],
    random: &mut CheckRng,
) -> Vec<Vec<f64>> {
    let mut points = Vec::new();
    match rule.kinks() {
        Kinks::None => {}
        Kinks::At(ks) => {
            for &k in ks {
                let p = round_to(dtype, vec![k; rule.arity()]);
                if acceptable(rule, dtype, options, domains, &p, true) {
                    points.push(p);
                }
            }
        }
        Kinks::Ties => {
            let accept = |p: &[f64]| acceptable(rule, dtype, options, domains, p, true);
            points.extend(tie_points(domains, dtype, random, TIES, accept));
        }
    }
    points
}

/// How many ties `a == b` a two-input rule is checked at.
const TIES: usize = 2;

/// Up to `count` random ties `(v, v)` inside both inputs' domains that
/// `accept` takes (the domains are nested: `Positive` ⊂ `NonZero` ⊂
/// `Real`, so one draw from the narrowest fits both).
fn tie_points(
    domains: &[Domain],
    dtype: Dtype,
    random: &mut CheckRng,
    count: usize,
    accept: impl Fn(&[f64]) -> bool,
) -> Vec<Vec<f64>> {
    let narrowest = if domains.contains(&Domain::Positive) {
        Domain::Positive
    } else if domains.contains(&Domain::NonZero) {
        Domain::NonZero
    } else {
        Domain::Real
    };
    let mut points = Vec::new();
    for _ in 0..64 {
        let p = round_to(dtype, vec![draw(random, narrowest); domains.len()]);
        if accept(&p) {
            points.push(p);
            if points.len() == count {
                break;
            }
        }
    }
    points
}

fn round_to(dtype: Dtype, p: Vec<f64>) -> Vec<f64> {
    match dtype {
        Dtype::F64 => p,
        Dtype::F32 => p.into_iter().map(|v| f64::from(v as f32)).collect(),
    }
}

/// Fixed points of interest in a domain: near zero and large magnitudes.
fn specials(domain: Domain) -> &'static [f64] {
    match domain {
        Domain::Real => &[0.0, 1e-6, -1e-6, 50.0, -50.0, 1000.0, -1000.0],
        Domain::Positive => &[1e-3, 50.0, 1000.0],
        Domain::NonZero => &[1e-3, -1e-3, 50.0, -50.0, 1000.0, -1000.0],
    }
}

/// One random value in `domain`.
fn draw(random: &mut CheckRng, domain: Domain) -> f64 {
    let magnitude = if random.random_bool(0.5) {
        random.random_range(0.05..4.0)
    } else {
        10f64.powf(random.random_range(-3.0..2.0))
    };
    let negative = random.random_bool(0.5);
    match domain {
        Domain::Positive => magnitude,
        Domain::NonZero | Domain::Real if negative => -magnitude,
        Domain::NonZero | Domain::Real => magnitude,
    }
}

/// Whether `p` is a usable point: in the domain, finite forward values in
/// `dtype` at `p` and in `f64` at every offset the check will evaluate, a
/// derivative representable in `dtype`, and
/// (unless `kinks_wanted`) away from kinks.
pub(crate) fn acceptable<R: ScalarRule>(
    rule: &R,
    dtype: Dtype,
    options: &Options,
    domains: &[Domain],
    p: &[f64],
    kinks_wanted: bool,
) -> bool {
    if !p.iter().zip(domains).all(|(&x, d)| d.contains(x)) {
        return false;
    }
    let finite_in_dtype = match dtype {
        Dtype::F64 => rule.forward(p).is_finite(),
        Dtype::F32 => {
            let q: Vec<f32> = p.iter().map(|&v| v as f32).collect();
            rule.forward(&q).is_finite()
        }
    };
    if !finite_in_dtype {
        return false;
    }
    // The true derivative must be representable too: where it overflows
    // the type (a^b in f32 with a small, b negative), no rule can return
    // it. Judged by dual numbers in f64, independent of the rule.
    let largest = match dtype {
        Dtype::F64 => f64::MAX,
        Dtype::F32 => f64::from(f32::MAX),
    };
    for i in 0..p.len() {
        let d = rule.forward(&Dual::seeded(p, i)).tangent;
        if d.is_nan() || d.abs() > largest {
            return false;
        }
    }
    let steps: Vec<f64> = p.iter().map(|&x| options.step(x)).collect();
    for (i, &t) in steps.iter().enumerate() {
        for offset in [t, -t] {
            let mut q = p.to_vec();
            q[i] += offset;
            if !domains[i].contains(q[i]) || !rule.forward(&q).is_finite() {
                return false;
            }
        }
    }
    if kinks_wanted {
        return true;
    }
    match rule.kinks() {
        Kinks::None => true,
        Kinks::At(ks) => p
            .iter()
            .zip(&steps)
            .all(|(x, t)| ks.iter().all(|k| (x - k).abs() > KINK_STEPS * t)),
        Kinks::Ties => (p[0] - p[1]).abs() > KINK_STEPS * (steps[0] + steps[1]),
    }
}
