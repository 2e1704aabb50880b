//! Scalar functions against their claimed derivatives.

use crate::compare::{Estimate, Outcome, Place, Stencil, Tally, estimate};
use crate::report::{Evaluations, PairReport, Report, Structure};
use crate::{Float, GradcheckError, Mode, Options, Tolerances};

/// The stencil of `f` around `x` with step `t`, dividing by the steps
/// actually represented, `(x+t) - (x-t)` and `(x+t/2) - (x-t/2)`.
pub(crate) fn coordinate_stencil(
    f: &mut dyn FnMut(f64) -> f64,
    x: f64,
    t: f64,
    center: f64,
    analytic: f64,
) -> Stencil {
    let points = [x + t, x + t / 2.0, x - t, x - t / 2.0];
    let [p0, p1, m0, m1] = points.map(&mut *f);
    let magnitude = [center, p0, p1, m0, m1]
        .iter()
        .fold(0.0_f64, |m, v| m.max(v.abs()));
    Stencil {
        center,
        plus: [p0, p1],
        minus: [m0, m1],
        span: [points[0] - points[2], points[1] - points[3]],
        analytic: [analytic, analytic],
        magnitude,
        step: t,
    }
}

/// Judge the derivative of `f` at `x` against `analytic`; a failure is
/// judged again on a stencil four times narrower (so a kink within the first
/// step is seen as a kink, not a failure). Adds the evaluations spent.
pub(crate) fn judge_coordinate(
    f: &mut dyn FnMut(f64) -> f64,
    x: f64,
    t: f64,
    center: f64,
    analytic: f64,
    (tol, eps): (&Tolerances, f64),
    evaluations: &mut usize,
) -> Estimate {
    *evaluations += 4;
    let first = estimate(&coordinate_stencil(f, x, t, center, analytic), tol, eps);
    if first.outcome != Outcome::Fail {
        return first;
    }
    *evaluations += 4;
    estimate(
        &coordinate_stencil(f, x, t / 4.0, center, analytic),
        tol,
        eps,
    )
}

/// Check a scalar function's claimed derivative at `x`.
///
/// `f` is the forward function in `f64` (the oracle); `df` is the rule under
/// test, in `f32` or `f64`. The report has one pair, `x`.
///
/// ```
/// use backprop_gradcheck::{check_derivative, Options, Status};
///
/// let sigmoid = |x: f64| 1.0 / (1.0 + (-x).exp());
/// let good = |x: f64| sigmoid(x) * (1.0 - sigmoid(x));
/// let bad = |x: f64| sigmoid(x); // forgot the (1 - f)
/// let o = Options::default();
/// assert_eq!(check_derivative(sigmoid, good, 0.7, &o).status, Status::Pass);
/// assert_eq!(check_derivative(sigmoid, bad, 0.7, &o).status, Status::Fail);
///
/// // An f32 rule is judged against the f64 oracle with f32 tolerances.
/// let good32 = |x: f32| { let s = 1.0 / (1.0 + (-x).exp()); s * (1.0 - s) };
/// assert!(check_derivative(sigmoid, good32, 0.7_f32, &o).passed());
/// ```
pub fn check_derivative<T: Float>(
    f: impl Fn(f64) -> f64,
    df: impl Fn(T) -> T,
    x: T,
    options: &Options,
) -> Report {
    check_partials(|v: &[f64]| f(v[0]), |v: &[T]| vec![df(v[0])], &[x], options)
        .expect("one input and one partial derivative")
        .with_input_names(&["x"])
}

/// Check a scalar function of several inputs against its claimed partial
/// derivatives at the point `x` (one pair per input).
///
/// ```
/// use backprop_gradcheck::{check_partials, Options};
///
/// // The notebook's f = (x + y)·z and its gradient [z, z, x + y].
/// let f = |v: &[f64]| (v[0] + v[1]) * v[2];
/// let grad = |v: &[f64]| vec![v[2], v[2], v[0] + v[1]];
/// let report = check_partials(f, grad, &[-2.0, 5.0, -4.0], &Options::default())?;
/// assert!(report.passed(), "{report}");
/// assert_eq!(report.pairs.len(), 3);
/// # Ok::<(), backprop_gradcheck::GradcheckError>(())
/// ```
///
/// # Errors
///
/// [`GradcheckError::NoInputs`] for an empty point,
/// [`GradcheckError::PartialCount`] if `partials` returns the wrong number of
/// values.
pub fn check_partials<T: Float>(
    f: impl Fn(&[f64]) -> f64,
    partials: impl Fn(&[T]) -> Vec<T>,
    x: &[T],
    options: &Options,
) -> Result<Report, GradcheckError> {
    if x.is_empty() {
        return Err(GradcheckError::NoInputs);
    }
    let tol = options.tolerances_for(T::DTYPE);
    let eps = options.rounding_unit();
    let analytic = partials(x);
    if analytic.len() != x.len() {
        return Err(GradcheckError::PartialCount {
            expected: x.len(),
            got: analytic.len(),
        });
    }
    let point: Vec<f64> = x.iter().map(|v| v.to_f64()).collect();
    let center = f(&point);
    let mut total = Evaluations {
        forward: 1,
        backward: 1,
    };
    let mut pairs = Vec::with_capacity(x.len());
    for (i, &xi) in point.iter().enumerate() {
        let mut moved = point.clone();
        let mut along = |v: f64| {
            moved[i] = v;
            f(&moved)
        };
        let mut forward = 0;
        let est = judge_coordinate(
            &mut along,
            xi,
            options.step(xi),
            center,
            analytic[i].to_f64(),
            (&tol, eps),
            &mut forward,
        );
        let mut tally = Tally::new(options.worst_count);
        let place = Place {
            index: Vec::new(),
            output_index: None,
            input_value: Some(xi),
        };
        tally.add(&place, &est);
        total.forward += forward;
        pairs.push(pair_report(
            i,
            format!("x{i}"),
            Mode::Exhaustive,
            options.seed,
            tally,
            Evaluations {
                forward,
                backward: 0,
            },
            None,
        ));
    }
    Ok(scalar_report(
        "function".into(),
        T::DTYPE,
        options.seed,
        tol,
        total,
        pairs,
    ))
}

/// The report of a scalar function's exhaustive check: one pair per input,
/// no structural checks (a scalar has no shape to check).
pub(crate) fn scalar_report(
    name: String,
    dtype: crate::Dtype,
    seed: u64,
    tolerances: Tolerances,
    evaluations: Evaluations,
    pairs: Vec<PairReport>,
) -> Report {
    Report {
        name,
        dtype,
        mode: Mode::Exhaustive,
        seed,
        status: worst_status(pairs.iter().map(|p| p.status)),
        output_shape: Vec::new(),
        evaluations,
        tolerances,
        structure: Structure::unchecked(),
        pairs,
    }
}

/// The most severe of some statuses, `Pass` when there are none.
pub(crate) fn worst_status(statuses: impl IntoIterator<Item = crate::Status>) -> crate::Status {
    statuses.into_iter().max().unwrap_or(crate::Status::Pass)
}

/// Turn a tally into a pair report.
pub(crate) fn pair_report(
    input: usize,
    input_name: String,
    mode: Mode,
    seed: u64,
    tally: Tally,
    evaluations: Evaluations,
    located: Option<crate::report::Located>,
) -> PairReport {
    let worst = tally.worst.first().cloned();
    PairReport {
        input,
        input_name,
        output_name: "output".into(),
        mode,
        seed,
        status: tally.status,
        checked: tally.checked,
        evaluations,
        step: worst.as_ref().map_or(0.0, |w| w.step),
        max_abs_error: tally.max_abs_error,
        max_rel_error: tally.max_rel_error,
        error_estimate: worst.as_ref().map_or(0.0, |w| w.error_estimate),
        worst,
        worst_elements: tally.worst,
        kinks: tally.kinks,
        non_finite: tally.non_finite,
        located,
    }
}
