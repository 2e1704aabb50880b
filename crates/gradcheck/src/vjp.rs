//! Array functions against their claimed vector-Jacobian products.

use std::fmt;
use std::ops::Range;
use std::time::{Duration, Instant};

use ndarray::ArrayD;

use crate::compare::{Estimate, Outcome, Place, Stencil, Tally, estimate};
use crate::report::{
    Block, Evaluations, LocateEnd, LocateMethod, Located, Report, Structure, StructureIssue,
};
use crate::rng::{CheckRng, normal_array, rng};
use crate::scalar::{pair_report, worst_status};
use crate::{Float, GradcheckError, Mode, Options, Status, Tolerances};

/// The upstream gradient (cotangent) a VJP is checked with.
#[derive(Clone, Copy, Debug)]
pub enum Upstream<'a, T> {
    /// Standard normal entries drawn from the check's seed.
    Random,
    /// This array (it must have the forward output's shape).
    Given(&'a ArrayD<T>),
}

/// Check an array function's claimed vector-Jacobian product (backward
/// rule) against central differences of its forward function.
///
/// * `forward` is the oracle: the function in `f64`, given every input.
/// * `vjp` is the rule under test, in `T` (`f32` or `f64`): given the inputs
///   and an upstream gradient `g` shaped like the output, it returns one
///   gradient per input, `gᵀ·∂out/∂input`, shaped like that input.
/// * `upstream`: a given upstream gradient, or a random one from the seed.
///
/// The report holds the structural checks (gradient shapes, zero upstream
/// gives zero gradients, two runs agree) and one pair per input; see
/// [`Mode`] for what each mode compares.
///
/// ```
/// use backprop_gradcheck::{check_vjp, Mode, Options, Upstream};
/// use ndarray::{ArrayD, Ix2};
///
/// // D = W·X with the notebook's rules dW = dD·Xᵀ, dX = Wᵀ·dD.
/// let dot = |a: &ArrayD<f64>, b: &ArrayD<f64>| {
///     let (a, b) = (a.view().into_dimensionality::<Ix2>().unwrap(),
///                   b.view().into_dimensionality::<Ix2>().unwrap());
///     a.dot(&b).into_dyn()
/// };
/// let forward = |x: &[ArrayD<f64>]| dot(&x[0], &x[1]);
/// let vjp = |x: &[ArrayD<f64>], dd: &ArrayD<f64>| {
///     vec![dot(dd, &x[1].t().to_owned()), dot(&x[0].t().to_owned(), dd)]
/// };
/// let w = ArrayD::from_shape_vec(vec![4, 2], (0..8).map(|i| i as f64 / 3.0).collect()).unwrap();
/// let x = ArrayD::from_shape_vec(vec![2, 3], (0..6).map(|i| 1.0 - i as f64).collect()).unwrap();
/// let inputs = [w, x];
///
/// let report = check_vjp(forward, vjp, &inputs, Upstream::Random, &Options::default())?;
/// assert!(report.passed(), "{report}");
/// assert_eq!(report.mode, Mode::Exhaustive); // small: every Jacobian entry
///
/// // Forgetting the transposes is caught (here: the shapes already differ).
/// let wrong = |x: &[ArrayD<f64>], dd: &ArrayD<f64>| vec![dd.clone(), x[1].clone()];
/// let report = check_vjp(forward, wrong, &inputs, Upstream::Random, &Options::default())?;
/// assert!(!report.passed());
/// # Ok::<(), backprop_gradcheck::GradcheckError>(())
/// ```
///
/// # Errors
///
/// [`GradcheckError::NoInputs`], [`GradcheckError::UpstreamShape`],
/// [`GradcheckError::ForwardShapeChanged`], and
/// [`GradcheckError::JacobianTooLarge`] for an exhaustive check above
/// [`Options::max_jacobian_entries`].
pub fn check_vjp<T, F, G>(
    forward: F,
    vjp: G,
    inputs: &[ArrayD<T>],
    upstream: Upstream<'_, T>,
    options: &Options,
) -> Result<Report, GradcheckError>
where
    T: Float,
    F: Fn(&[ArrayD<f64>]) -> ArrayD<f64>,
    G: Fn(&[ArrayD<T>], &ArrayD<T>) -> Vec<ArrayD<T>>,
{
    if inputs.is_empty() {
        return Err(GradcheckError::NoInputs);
    }
    let progress = Progress::new(options.progress_after);
    let tol = options.tolerances_for(T::DTYPE);
    let x64: Vec<ArrayD<f64>> = inputs
        .iter()
        .map(|a| a.map(|v| v.to_f64()).as_standard_layout().into_owned())
        .collect();
    let center_array = forward(&x64);
    let output_shape = center_array.shape().to_vec();
    let mut oracle = Oracle {
        f: &forward,
        shape: output_shape.clone(),
        calls: 1,
        work: x64.clone(),
        progress,
    };
    let mut random = rng(options.seed);
    let upstream_t: ArrayD<T> = match upstream {
        Upstream::Given(g) if g.shape() != output_shape.as_slice() => {
            return Err(GradcheckError::UpstreamShape {
                upstream: g.shape().to_vec(),
                output: output_shape,
            });
        }
        Upstream::Given(g) => g.clone(),
        Upstream::Random => normal_array(&mut random, &output_shape).mapv(T::from_f64),
    };
    let upstream_64: Vec<f64> = upstream_t.iter().map(|v| v.to_f64()).collect();

    let grads = vjp(inputs, &upstream_t);
    let mut backward = 1;
    let (structure, shape_ok, calls) = structural(&vjp, inputs, &upstream_t, &grads, options, &tol);
    backward += calls;
    oracle.progress.backward = backward;
    oracle.progress.tick();

    let n_total: usize = inputs.iter().map(|a| a.len()).sum();
    let m = center_array.len();
    let entries = n_total.saturating_mul(m);
    let mode = match options.mode {
        Mode::Auto if entries <= options.auto_exhaustive_limit => Mode::Exhaustive,
        Mode::Auto => Mode::Fast,
        other => other,
    };
    if mode == Mode::Exhaustive && entries > options.max_jacobian_entries {
        return Err(GradcheckError::JacobianTooLarge {
            outputs: m,
            inputs: n_total,
            entries,
            limit: options.max_jacobian_entries,
        });
    }

    let sweep = Sweep {
        center: center_array.iter().copied().collect(),
        upstream: upstream_64,
        tol,
        eps: options.rounding_unit(),
        options,
    };
    let mut structure = structure;
    let jacobians = if mode == Mode::Exhaustive {
        let (jacobians, calls) = analytic_jacobians(
            &vjp,
            inputs,
            &output_shape,
            &mut structure,
            &mut oracle.progress,
        );
        backward += calls;
        Some(jacobians)
    } else {
        None
    };

    // Compare each input: every element (exhaustive) or one projection
    // (fast). `None` for an input whose gradient came back misshapen.
    let mut compared: Vec<Option<Compared>> = Vec::with_capacity(inputs.len());
    for i in 0..inputs.len() {
        let before = oracle.calls;
        let grad: Option<Vec<f64>> =
            shape_ok[i].then(|| grads[i].iter().map(|v| v.to_f64()).collect());
        let Some(grad) = grad else {
            compared.push(None);
            continue;
        };
        let mut tally = Tally::new(options.worst_count);
        match &jacobians {
            Some(jacobians) => {
                let of = Doing::Elements {
                    input: i,
                    element: 0,
                    of: grad.len(),
                };
                let jacobian = jacobians[i].as_deref();
                sweep.elements(
                    &mut oracle,
                    i,
                    &grad,
                    jacobian,
                    0..grad.len(),
                    &mut tally,
                    of,
                )?;
            }
            None => {
                let est = sweep.project(&mut oracle, &mut random, i, &grad)?;
                tally.add(&Place::default(), &est);
            }
        }
        compared.push(Some(Compared {
            grad,
            tally,
            forward: oracle.calls - before,
            located: None,
        }));
    }

    // Fast mode: locate the wrong elements of the inputs whose projection
    // did not pass, each taking an equal share of the budget left.
    if mode == Mode::Fast {
        let failing: Vec<usize> = (0..inputs.len())
            .filter(|&i| {
                compared[i]
                    .as_ref()
                    .is_some_and(|c| !c.tally.status.is_pass())
            })
            .collect();
        let mut left = options.locate_limit;
        for (k, &i) in failing.iter().enumerate() {
            let share = left / (failing.len() - k);
            let c = compared[i].as_mut().expect("failing inputs were compared");
            let located = sweep.locate(&mut oracle, &mut random, i, &c.grad, share)?;
            left -= located.evaluations.forward;
            c.forward += located.evaluations.forward;
            c.located = Some(located);
        }
    }

    let mut pairs = Vec::with_capacity(inputs.len());
    for (i, c) in compared.into_iter().enumerate() {
        let name = format!("input {i}");
        let Some(c) = c else {
            // Nothing comparable: the structural failure says why.
            let mut tally = Tally::new(options.worst_count);
            tally.status = Status::Fail;
            pairs.push(pair_report(
                i,
                name,
                mode,
                options.seed,
                tally,
                Evaluations::default(),
                None,
            ));
            continue;
        };
        let evaluations = Evaluations {
            forward: c.forward,
            backward: 0,
        };
        pairs.push(pair_report(
            i,
            name,
            mode,
            options.seed,
            c.tally,
            evaluations,
            c.located,
        ));
    }
    let status = worst_status(pairs.iter().map(|p| p.status).chain([structure.status]));
    Ok(Report {
        name: "function".into(),
        dtype: T::DTYPE,
        mode,
        seed: options.seed,
        status,
        output_shape,
        evaluations: Evaluations {
            forward: oracle.calls,
            backward,
        },
        tolerances: tol,
        structure,
        pairs,
    })
}

/// A backward rule: inputs and upstream gradient to one gradient per input.
type VjpFn<'a, T> = dyn Fn(&[ArrayD<T>], &ArrayD<T>) -> Vec<ArrayD<T>> + 'a;

/// One input's comparison, before it becomes a pair report.
struct Compared {
    /// The rule's gradient of this input, in `f64`.
    grad: Vec<f64>,
    /// Every element (exhaustive) or the projection (fast).
    tally: Tally,
    /// Forward evaluations spent on this input, locating included.
    forward: usize,
    /// Fast mode: where locating put the blame.
    located: Option<Located>,
}

/// After the first progress line, how long until the next.
const PROGRESS_EVERY: Duration = Duration::from_secs(5);

/// What a check is busy with, for its progress lines.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Doing {
    /// Evaluating at the point, running the structural checks.
    Starting,
    /// Exhaustive mode: backward runs with one-hot upstreams.
    Jacobian { row: usize, of: usize },
    /// Exhaustive mode: central differences element by element.
    Elements {
        input: usize,
        element: usize,
        of: usize,
    },
    /// Fast mode: the random projection of an input.
    Projection { input: usize },
    /// Locating, every element of an input in turn.
    Sweeping {
        input: usize,
        element: usize,
        of: usize,
    },
    /// Locating by bisection: the block under test and the wrong elements
    /// found so far.
    Bisecting {
        input: usize,
        block: usize,
        found: usize,
    },
}

impl Doing {
    /// The same activity, at element `j` of a sweep.
    fn at(self, j: usize) -> Doing {
        match self {
            Doing::Elements { input, of, .. } => Doing::Elements {
                input,
                element: j,
                of,
            },
            Doing::Sweeping { input, of, .. } => Doing::Sweeping {
                input,
                element: j,
                of,
            },
            other => other,
        }
    }
}

impl fmt::Display for Doing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Doing::Starting => write!(f, "evaluating at the point"),
            Doing::Jacobian { row, of } => {
                write!(
                    f,
                    "exhaustive: backward run {row} of {of} (one-hot upstreams)"
                )
            }
            Doing::Elements { input, element, of } => write!(
                f,
                "exhaustive: central differences of input {input}, element {element} of {of}"
            ),
            Doing::Projection { input } => write!(f, "fast: random projection of input {input}"),
            Doing::Sweeping { input, element, of } => write!(
                f,
                "locating wrong elements of input {input} element by element: element {element} of {of}"
            ),
            Doing::Bisecting {
                input,
                block,
                found,
            } => write!(
                f,
                "locating wrong elements of input {input} by bisection: a block of {block} elements, {found} wrong found"
            ),
        }
    }
}

/// Progress lines on standard error for a check that runs long: none
/// before [`Options::progress_after`], then one every [`PROGRESS_EVERY`].
struct Progress {
    start: Instant,
    /// Elapsed time at which the next line is due; `None`: never.
    next: Option<Duration>,
    doing: Doing,
    forward: usize,
    backward: usize,
}

impl Progress {
    fn new(after: Option<Duration>) -> Progress {
        Progress {
            start: Instant::now(),
            next: after,
            doing: Doing::Starting,
            forward: 1,
            backward: 0,
        }
    }

    /// Print a line if one is due.
    fn tick(&mut self) {
        if self.next.is_some()
            && let Some(line) = self.poll(self.start.elapsed())
        {
            eprintln!("{line}");
        }
    }

    /// The line due at `elapsed`, if any; schedules the next.
    fn poll(&mut self, elapsed: Duration) -> Option<String> {
        let next = self.next?;
        if elapsed < next {
            return None;
        }
        self.next = Some(elapsed + PROGRESS_EVERY);
        Some(format!(
            "gradcheck: {:.1} s, {} forward and {} backward evaluations so far; {}",
            elapsed.as_secs_f64(),
            self.forward,
            self.backward,
            self.doing
        ))
    }
}

/// The forward function with a working copy of the inputs to perturb, and
/// a count of its calls.
struct Oracle<'f> {
    f: &'f dyn Fn(&[ArrayD<f64>]) -> ArrayD<f64>,
    shape: Vec<usize>,
    calls: usize,
    work: Vec<ArrayD<f64>>,
    /// Progress lines for a long check; counts forward evaluations.
    progress: Progress,
}

impl Oracle<'_> {
    /// Evaluate at the working point, flattened; `input` names the input
    /// being perturbed, for the error message.
    fn eval(&mut self, input: usize) -> Result<Vec<f64>, GradcheckError> {
        self.calls += 1;
        self.progress.forward = self.calls;
        self.progress.tick();
        let out = (self.f)(&self.work);
        if out.shape() != self.shape.as_slice() {
            return Err(GradcheckError::ForwardShapeChanged {
                input,
                expected: self.shape.clone(),
                got: out.shape().to_vec(),
            });
        }
        Ok(out.iter().copied().collect())
    }

    /// Evaluate with element `j` of input `i` set to `value`.
    fn eval_with(&mut self, i: usize, j: usize, value: f64) -> Result<Vec<f64>, GradcheckError> {
        let slot = &mut self.work[i].as_slice_mut().expect("standard layout")[j];
        let saved = std::mem::replace(slot, value);
        let out = self.eval(i);
        self.work[i].as_slice_mut().expect("standard layout")[j] = saved;
        out
    }
}

/// Structural checks: gradient count and shapes, repeatability, zero
/// upstream. Returns the report, which inputs have a usable gradient, and
/// the backward calls spent.
fn structural<T: Float>(
    vjp: &VjpFn<'_, T>,
    inputs: &[ArrayD<T>],
    upstream: &ArrayD<T>,
    grads: &[ArrayD<T>],
    options: &Options,
    tol: &Tolerances,
) -> (Structure, Vec<bool>, usize) {
    let mut s = Structure::unchecked();
    if grads.len() != inputs.len() {
        s.issues.push(StructureIssue::GradientCount {
            returned: grads.len(),
            inputs: inputs.len(),
        });
    }
    let shape_ok: Vec<bool> = (0..inputs.len())
        .map(|i| grads.get(i).is_some_and(|g| g.shape() == inputs[i].shape()))
        .collect();
    for (i, g) in grads.iter().enumerate().take(inputs.len()) {
        if !shape_ok[i] {
            s.issues.push(StructureIssue::Shape {
                input: i,
                gradient: g.shape().to_vec(),
                expected: inputs[i].shape().to_vec(),
            });
        }
    }
    s.shapes_match = s.issues.is_empty();
    let mut calls = 0;
    if options.structural {
        calls += 2;
        let again = vjp(inputs, upstream);
        s.repeat_max_difference = max_difference(grads, &again);
        s.repeatable = s.repeat_max_difference <= tol.nondeterminism;
        if !s.repeatable {
            s.issues.push(StructureIssue::NotRepeatable {
                max_difference: s.repeat_max_difference,
                allowed: tol.nondeterminism,
            });
        }
        let zero = upstream.mapv(|_| T::zero());
        let from_zero = vjp(inputs, &zero);
        s.zero_upstream_max = from_zero
            .iter()
            .flat_map(|g| g.iter())
            .map(|v| {
                if v.to_f64().is_nan() {
                    f64::INFINITY
                } else {
                    v.to_f64().abs()
                }
            })
            .fold(0.0, f64::max);
        s.zero_upstream_gives_zero = s.zero_upstream_max == 0.0;
        if !s.zero_upstream_gives_zero {
            s.issues.push(StructureIssue::ZeroUpstream {
                max: s.zero_upstream_max,
            });
        }
    }
    if !s.issues.is_empty() {
        s.status = Status::Fail;
    }
    (s, shape_ok, calls)
}

/// Largest elementwise difference between two runs' gradients; infinite
/// when they differ in count, shape, or NaN-ness.
fn max_difference<T: Float>(a: &[ArrayD<T>], b: &[ArrayD<T>]) -> f64 {
    if a.len() != b.len() {
        return f64::INFINITY;
    }
    let mut worst = 0.0_f64;
    for (x, y) in a.iter().zip(b) {
        if x.shape() != y.shape() {
            return f64::INFINITY;
        }
        for (p, q) in x.iter().zip(y.iter()) {
            let (p, q) = (p.to_f64(), q.to_f64());
            let d = if (p.is_nan() && q.is_nan()) || p == q {
                0.0 // also equal infinities
            } else {
                (p - q).abs()
            };
            worst = worst.max(if d.is_nan() { f64::INFINITY } else { d });
        }
    }
    worst
}

/// The analytic Jacobian of each input, row by row from one-hot upstream
/// gradients: `J_i[k·n_i + j] = ∂out_k/∂x_ij`. `None` for an input whose
/// gradient came back misshapen (recorded in the structure report).
fn analytic_jacobians<T: Float>(
    vjp: &VjpFn<'_, T>,
    inputs: &[ArrayD<T>],
    output_shape: &[usize],
    structure: &mut Structure,
    progress: &mut Progress,
) -> (Vec<Option<Vec<f64>>>, usize) {
    let m: usize = output_shape.iter().product();
    let mut jacobians: Vec<Option<Vec<f64>>> = inputs
        .iter()
        .map(|a| Some(Vec::with_capacity(m * a.len())))
        .collect();
    let mut basis = ArrayD::<T>::from_elem(output_shape, T::zero());
    for k in 0..m {
        progress.doing = Doing::Jacobian { row: k, of: m };
        progress.backward += 1;
        progress.tick();
        let slot = basis.as_slice_mut().expect("standard layout");
        slot[k] = T::one();
        let rows = vjp(inputs, &basis);
        basis.as_slice_mut().expect("standard layout")[k] = T::zero();
        for (i, jac) in jacobians.iter_mut().enumerate() {
            let Some(j) = jac else { continue };
            match rows.get(i) {
                Some(row) if row.shape() == inputs[i].shape() => {
                    j.extend(row.iter().map(|v| v.to_f64()));
                }
                _ => {
                    structure.issues.push(StructureIssue::ShapeAtOneHot {
                        input: i,
                        output_element: k,
                    });
                    structure.status = Status::Fail;
                    *jac = None;
                }
            }
        }
    }
    (jacobians, m)
}

/// Forward values on the stencil of one input element.
struct Column {
    plus: [Vec<f64>; 2],
    minus: [Vec<f64>; 2],
    span: [f64; 2],
    step: f64,
}

/// What every element-by-element comparison shares.
struct Sweep<'o> {
    center: Vec<f64>,
    upstream: Vec<f64>,
    tol: Tolerances,
    eps: f64,
    options: &'o Options,
}

impl Sweep<'_> {
    fn column(
        &self,
        oracle: &mut Oracle<'_>,
        i: usize,
        j: usize,
        x: f64,
        t: f64,
    ) -> Result<Column, GradcheckError> {
        let points = [x + t, x + t / 2.0, x - t, x - t / 2.0];
        let p0 = oracle.eval_with(i, j, points[0])?;
        let p1 = oracle.eval_with(i, j, points[1])?;
        let m0 = oracle.eval_with(i, j, points[2])?;
        let m1 = oracle.eval_with(i, j, points[3])?;
        Ok(Column {
            plus: [p0, p1],
            minus: [m0, m1],
            span: [points[0] - points[2], points[1] - points[3]],
            step: t,
        })
    }

    /// The stencil of output element `k` (Jacobian entry) in a column.
    fn entry_stencil(&self, col: &Column, k: usize, analytic: f64) -> Stencil {
        let values = [
            self.center[k],
            col.plus[0][k],
            col.plus[1][k],
            col.minus[0][k],
            col.minus[1][k],
        ];
        Stencil {
            center: values[0],
            plus: [values[1], values[2]],
            minus: [values[3], values[4]],
            span: col.span,
            analytic: [analytic, analytic],
            magnitude: values.iter().fold(0.0_f64, |m, v| m.max(v.abs())),
            step: col.step,
        }
    }

    /// The stencil of the projection `⟨upstream, out⟩` in a column.
    fn projection_stencil(&self, col: &Column, analytic: f64) -> Stencil {
        let project = |f: &[f64]| -> (f64, f64) {
            f.iter()
                .zip(&self.upstream)
                .fold((0.0, 0.0), |(s, m), (f, v)| (s + f * v, m + (f * v).abs()))
        };
        let c = project(&self.center);
        let p = [project(&col.plus[0]), project(&col.plus[1])];
        let n = [project(&col.minus[0]), project(&col.minus[1])];
        Stencil {
            center: c.0,
            plus: [p[0].0, p[1].0],
            minus: [n[0].0, n[1].0],
            span: col.span,
            analytic: [analytic, analytic],
            magnitude: [c.1, p[0].1, p[1].1, n[0].1, n[1].1]
                .into_iter()
                .fold(0.0, f64::max),
            step: col.step,
        }
    }

    /// Compare the elements `range` of input `i`'s gradient (and, given its
    /// analytic Jacobian, their Jacobian entries) with central differences:
    /// 4 forward evaluations per element, 4 more where a comparison fails.
    /// Returns how many comparisons did not pass.
    #[allow(clippy::too_many_arguments)]
    fn elements(
        &self,
        oracle: &mut Oracle<'_>,
        i: usize,
        grad: &[f64],
        jacobian: Option<&[f64]>,
        range: Range<usize>,
        tally: &mut Tally,
        doing: Doing,
    ) -> Result<usize, GradcheckError> {
        let input_shape = oracle.work[i].shape().to_vec();
        let n = grad.len();
        let m = self.center.len();
        let mut not_passing = 0;
        for j in range {
            oracle.progress.doing = doing.at(j);
            let a = grad[j];
            let x = oracle.work[i].as_slice().expect("standard layout")[j];
            let t = self.options.step(x);
            let col = self.column(oracle, i, j, x, t)?;
            let mut refined: Option<Column> = None;
            let index = unravel(j, &input_shape);
            let mut judge = |oracle: &mut Oracle<'_>,
                             stencil: &dyn Fn(&Column) -> Stencil|
             -> Result<Estimate, GradcheckError> {
                let first = estimate(&stencil(&col), &self.tol, self.eps);
                if first.outcome != Outcome::Fail {
                    return Ok(first);
                }
                if refined.is_none() {
                    refined = Some(self.column(oracle, i, j, x, t / 4.0)?);
                }
                Ok(estimate(
                    &stencil(refined.as_ref().expect("just set")),
                    &self.tol,
                    self.eps,
                ))
            };
            if let Some(jac) = jacobian {
                for k in 0..m {
                    let analytic = jac[k * n + j];
                    let est = judge(oracle, &|c| self.entry_stencil(c, k, analytic))?;
                    let place = Place {
                        index: index.clone(),
                        output_index: Some(unravel(k, &oracle.shape)),
                        input_value: Some(x),
                    };
                    not_passing += usize::from(est.outcome != Outcome::Pass);
                    tally.add(&place, &est);
                }
            }
            let est = judge(oracle, &|c| self.projection_stencil(c, a))?;
            let place = Place {
                index,
                output_index: None,
                input_value: Some(x),
            };
            not_passing += usize::from(est.outcome != Outcome::Pass);
            tally.add(&place, &est);
        }
        Ok(not_passing)
    }

    /// Fast mode for input `i`: one random direction `u` (each element
    /// scaled by `max(|x|, 1)`, the per-element step rule) against the
    /// projected gradient; judged again with a step four times narrower if
    /// it fails. 4 forward evaluations, 8 if the first comparison fails.
    fn project(
        &self,
        oracle: &mut Oracle<'_>,
        random: &mut CheckRng,
        i: usize,
        grad: &[f64],
    ) -> Result<Estimate, GradcheckError> {
        oracle.progress.doing = Doing::Projection { input: i };
        let shape = oracle.work[i].shape().to_vec();
        let x: Vec<f64> = oracle.work[i].iter().copied().collect();
        let u = normal_array(random, &shape);
        let w: Vec<f64> = x
            .iter()
            .zip(u.iter())
            .map(|(x, u)| x.abs().max(1.0) * u)
            .collect();
        let t = self.base_step();
        let first = self.direction(oracle, i, &x, &w, grad, t)?;
        if first.outcome == Outcome::Fail {
            return self.direction(oracle, i, &x, &w, grad, t / 4.0);
        }
        Ok(first)
    }

    /// The step along a direction whose elements are already scaled by
    /// `max(|x|, 1)`: `cbrt(eps)` times [`Options::step_scale`].
    fn base_step(&self) -> f64 {
        self.options.oracle.epsilon().cbrt() * self.options.step_scale
    }

    /// Locate the wrong elements of input `i`, whose projection did not
    /// pass, spending at most `budget` forward evaluations (see
    /// [`Options::locate_limit`]).
    fn locate(
        &self,
        oracle: &mut Oracle<'_>,
        random: &mut CheckRng,
        i: usize,
        grad: &[f64],
        budget: usize,
    ) -> Result<Located, GradcheckError> {
        let n = grad.len();
        let before = oracle.calls;
        let mut tally = Tally::new(self.options.worst_count);
        // Checking one element costs 4 forward evaluations, 8 if it fails;
        // so does a split (two projections of 4, no second look).
        const STEP: usize = 8;
        if n.saturating_mul(STEP) <= budget {
            let doing = Doing::Sweeping {
                input: i,
                element: 0,
                of: n,
            };
            self.elements(oracle, i, grad, None, 0..n, &mut tally, doing)?;
            return Ok(located(
                tally,
                LocateMethod::ElementByElement,
                LocateEnd::Complete,
                budget,
                0,
                None,
                oracle.calls - before,
            ));
        }

        let shape = oracle.work[i].shape().to_vec();
        let x: Vec<f64> = oracle.work[i].iter().copied().collect();
        let t = self.base_step();
        let mut w = vec![0.0; n];
        let mut projections = 0;
        let mut found = 0;
        // Blocks whose projection did not pass, the one to split next on
        // top: depth first, into the worse half first.
        let mut suspects: Vec<Range<usize>> = Vec::new();
        suspects.push(0..n);
        let end = loop {
            let Some(block) = suspects.pop() else {
                break LocateEnd::Complete;
            };
            if found >= self.options.worst_count.max(1) {
                suspects.push(block);
                break LocateEnd::Enough;
            }
            if oracle.calls - before + STEP > budget {
                suspects.push(block);
                break LocateEnd::Budget;
            }
            oracle.progress.doing = Doing::Bisecting {
                input: i,
                block: block.len(),
                found,
            };
            if block.len() == 1 {
                let doing = oracle.progress.doing;
                found += self.elements(oracle, i, grad, None, block, &mut tally, doing)?;
                continue;
            }
            let mid = block.start + block.len() / 2;
            let mut halves = Vec::with_capacity(2);
            for half in [block.start..mid, mid..block.end] {
                let u = normal_array(random, &[half.len()]);
                for (e, u) in half.clone().zip(u.iter()) {
                    w[e] = x[e].abs().max(1.0) * u;
                }
                let est = self.direction(oracle, i, &x, &w, grad, t)?;
                projections += 1;
                w[half.clone()].fill(0.0);
                if est.outcome != Outcome::Pass {
                    halves.push((severity(&est), half));
                }
            }
            // The worse half on top; on a tie, the first half.
            halves.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
            suspects.extend(halves.into_iter().rev().map(|(_, h)| h));
        };
        let suspect = (end == LocateEnd::Budget)
            .then(|| suspects.iter().rev().min_by_key(|b| b.len()))
            .flatten()
            .map(|b| Block {
                first: unravel(b.start, &shape),
                last: unravel(b.end - 1, &shape),
                elements: b.len(),
            });
        Ok(located(
            tally,
            LocateMethod::Bisection,
            end,
            budget,
            projections,
            suspect,
            oracle.calls - before,
        ))
    }

    /// `vᵀ(J·w)` by central differences along `w` with step `t`, against
    /// `(vᵀJ)·Δ/span` over the displacement `Δ` each level really made.
    fn direction(
        &self,
        oracle: &mut Oracle<'_>,
        i: usize,
        x: &[f64],
        w: &[f64],
        grad: &[f64],
        t: f64,
    ) -> Result<Estimate, GradcheckError> {
        let project = |f: &[f64]| -> (f64, f64) {
            f.iter()
                .zip(&self.upstream)
                .fold((0.0, 0.0), |(s, m), (f, v)| (s + f * v, m + (f * v).abs()))
        };
        let mut values = [(0.0, 0.0); 4];
        let mut moved = [
            vec![0.0; x.len()],
            vec![0.0; x.len()],
            vec![0.0; x.len()],
            vec![0.0; x.len()],
        ];
        for (p, tau) in [t, t / 2.0, -t, -t / 2.0].into_iter().enumerate() {
            for (e, slot) in moved[p].iter_mut().enumerate() {
                *slot = x[e] + tau * w[e];
            }
            oracle.work[i]
                .as_slice_mut()
                .expect("standard layout")
                .copy_from_slice(&moved[p]);
            let out = oracle.eval(i);
            oracle.work[i]
                .as_slice_mut()
                .expect("standard layout")
                .copy_from_slice(x);
            values[p] = project(&out?);
        }
        let span = [2.0 * t, t];
        let analytic = [0, 1].map(|l| {
            grad.iter()
                .zip(moved[l].iter().zip(&moved[l + 2]))
                .map(|(a, (p, m))| a * (p - m))
                .sum::<f64>()
                / span[l]
        });
        let c = project(&self.center);
        let stencil = Stencil {
            center: c.0,
            plus: [values[0].0, values[1].0],
            minus: [values[2].0, values[3].0],
            span,
            analytic,
            magnitude: values.iter().map(|v| v.1).fold(c.1, f64::max),
            step: t,
        };
        Ok(estimate(&stencil, &self.tol, self.eps))
    }
}

/// How badly a comparison failed, to search the worse of two halves
/// first: its status, then `|a - n| / allowed`.
fn severity(est: &Estimate) -> (Status, f64) {
    let ratio = (est.analytic - est.numeric).abs() / est.allowed;
    (
        est.outcome.status(),
        if ratio.is_nan() { f64::INFINITY } else { ratio },
    )
}

/// The report of a search for wrong elements.
fn located(
    tally: Tally,
    method: LocateMethod,
    end: LocateEnd,
    budget: usize,
    projections: usize,
    suspect: Option<Block>,
    forward: usize,
) -> Located {
    Located {
        status: tally.status,
        checked: tally.checked,
        worst: tally.worst,
        kinks: tally.kinks,
        non_finite: tally.non_finite,
        evaluations: Evaluations {
            forward,
            backward: 0,
        },
        method,
        end,
        budget,
        projections,
        suspect,
    }
}

/// The multi-index of flat (row-major) position `flat` in `shape`.
pub(crate) fn unravel(mut flat: usize, shape: &[usize]) -> Vec<usize> {
    let mut index = vec![0; shape.len()];
    for (slot, &dim) in index.iter_mut().zip(shape).rev() {
        *slot = flat % dim.max(1);
        flat /= dim.max(1);
    }
    index
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{Doing, Progress, unravel};

    #[test]
    fn progress_lines_start_after_the_delay_then_come_every_five_seconds() {
        let mut p = Progress::new(Some(Duration::from_secs(2)));
        p.forward = 1234;
        p.backward = 3;
        p.doing = Doing::Bisecting {
            input: 0,
            block: 150,
            found: 2,
        };
        // A check that ends within 2 s prints nothing.
        assert_eq!(p.poll(Duration::from_millis(1999)), None);
        let line = p.poll(Duration::from_millis(2500)).expect("due at 2 s");
        assert_eq!(
            line,
            "gradcheck: 2.5 s, 1234 forward and 3 backward evaluations so far; \
             locating wrong elements of input 0 by bisection: a block of 150 elements, 2 wrong found"
        );
        assert_eq!(p.poll(Duration::from_millis(7499)), None);
        assert!(p.poll(Duration::from_millis(7500)).is_some());
        assert_eq!(p.poll(Duration::from_secs(8)), None);
    }

    #[test]
    fn no_progress_lines_when_switched_off() {
        let mut p = Progress::new(None);
        assert_eq!(p.poll(Duration::from_secs(3600)), None);
    }

    #[test]
    fn unravel_is_row_major() {
        assert_eq!(unravel(5, &[2, 3]), vec![1, 2]);
        assert_eq!(unravel(0, &[]), Vec::<usize>::new());
        assert_eq!(unravel(23, &[2, 3, 4]), vec![1, 2, 3]);
    }
}
