//! Array functions against their claimed vector-Jacobian products.

use ndarray::ArrayD;

use crate::compare::{Estimate, Outcome, Place, Stencil, Tally, estimate};
use crate::report::{Evaluations, Located, Report, Structure, StructureIssue};
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
        let (jacobians, calls) = analytic_jacobians(&vjp, inputs, &output_shape, &mut structure);
        backward += calls;
        Some(jacobians)
    } else {
        None
    };

    let mut pairs = Vec::with_capacity(inputs.len());
    for i in 0..inputs.len() {
        let before = oracle.calls;
        let name = format!("input {i}");
        let grad: Option<Vec<f64>> =
            shape_ok[i].then(|| grads[i].iter().map(|v| v.to_f64()).collect());
        let Some(grad) = grad else {
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
        let (tally, located) = match &jacobians {
            Some(jacobians) => {
                let mut tally = Tally::new(options.worst_count);
                sweep.elements(&mut oracle, i, &grad, jacobians[i].as_deref(), &mut tally)?;
                (tally, None)
            }
            None => sweep.fast(&mut oracle, &mut random, i, &grad)?,
        };
        let evaluations = Evaluations {
            forward: oracle.calls - before,
            backward: 0,
        };
        pairs.push(pair_report(
            i,
            name,
            mode,
            options.seed,
            tally,
            evaluations,
            located,
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

/// The forward function with a working copy of the inputs to perturb, and
/// a count of its calls.
struct Oracle<'f> {
    f: &'f dyn Fn(&[ArrayD<f64>]) -> ArrayD<f64>,
    shape: Vec<usize>,
    calls: usize,
    work: Vec<ArrayD<f64>>,
}

impl Oracle<'_> {
    /// Evaluate at the working point, flattened; `input` names the input
    /// being perturbed, for the error message.
    fn eval(&mut self, input: usize) -> Result<Vec<f64>, GradcheckError> {
        self.calls += 1;
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
) -> (Vec<Option<Vec<f64>>>, usize) {
    let m: usize = output_shape.iter().product();
    let mut jacobians: Vec<Option<Vec<f64>>> = inputs
        .iter()
        .map(|a| Some(Vec::with_capacity(m * a.len())))
        .collect();
    let mut basis = ArrayD::<T>::from_elem(output_shape, T::zero());
    for k in 0..m {
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

    /// Compare every element of input `i`'s gradient (and, given its
    /// analytic Jacobian, every Jacobian entry) with central differences.
    fn elements(
        &self,
        oracle: &mut Oracle<'_>,
        i: usize,
        grad: &[f64],
        jacobian: Option<&[f64]>,
        tally: &mut Tally,
    ) -> Result<(), GradcheckError> {
        let input_shape = oracle.work[i].shape().to_vec();
        let n = grad.len();
        let m = self.center.len();
        for (j, &a) in grad.iter().enumerate() {
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
                    tally.add(&place, &est);
                }
            }
            let est = judge(oracle, &|c| self.projection_stencil(c, a))?;
            let place = Place {
                index,
                output_index: None,
                input_value: Some(x),
            };
            tally.add(&place, &est);
        }
        Ok(())
    }

    /// Fast mode for input `i`: one random direction against the projected
    /// gradient; on anything but a pass, locate element by element.
    fn fast(
        &self,
        oracle: &mut Oracle<'_>,
        random: &mut CheckRng,
        i: usize,
        grad: &[f64],
    ) -> Result<(Tally, Option<Located>), GradcheckError> {
        let shape = oracle.work[i].shape().to_vec();
        let x: Vec<f64> = oracle.work[i].iter().copied().collect();
        let u = normal_array(random, &shape);
        // Each element moves by t·max(|x|, 1)·u: the per-element step rule
        // along a random direction.
        let w: Vec<f64> = x
            .iter()
            .zip(u.iter())
            .map(|(x, u)| x.abs().max(1.0) * u)
            .collect();
        let t = self.options.oracle.epsilon().cbrt() * self.options.step_scale;
        let mut first = self.direction(oracle, i, &x, &w, grad, t)?;
        if first.outcome == Outcome::Fail {
            first = self.direction(oracle, i, &x, &w, grad, t / 4.0)?;
        }
        let mut tally = Tally::new(self.options.worst_count);
        tally.add(&Place::default(), &first);
        let locate = first.outcome != Outcome::Pass
            && self.options.locate_limit > 0
            && grad.len() <= self.options.locate_limit;
        if !locate {
            return Ok((tally, None));
        }
        let before = oracle.calls;
        let mut by_element = Tally::new(self.options.worst_count);
        self.elements(oracle, i, grad, None, &mut by_element)?;
        let located = Located {
            status: by_element.status,
            checked: by_element.checked,
            worst: by_element.worst,
            kinks: by_element.kinks,
            non_finite: by_element.non_finite,
            evaluations: Evaluations {
                forward: oracle.calls - before,
                backward: 0,
            },
        };
        Ok((tally, Some(located)))
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
    use super::unravel;

    #[test]
    fn unravel_is_row_major() {
        assert_eq!(unravel(5, &[2, 3]), vec![1, 2]);
        assert_eq!(unravel(0, &[]), Vec::<usize>::new());
        assert_eq!(unravel(23, &[2, 3, 4]), vec![1, 2, 3]);
    }
}
