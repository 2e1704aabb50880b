//! Checking any burn function: burn's autodiff against finite differences
//! of burn's own forward pass.

use std::cell::RefCell;

use backprop_gradcheck::{Dtype, Options, Tolerances, Upstream, check_vjp};
use burn_tensor::{DType, Tensor, TensorData};
use ndarray::{ArrayD, IxDyn};
use ndarray_rand::rand_distr::StandardNormal;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::classify::{Gradients, classify};
use crate::convert::{float_tensor, to_f64_array, with_rank};
use crate::precision::ForwardPrecision;
use crate::precision::forward_noise;
use crate::{BurnFloat, CheckError, Inputs, MAX_RANK, Phase, device, device_default};
use backprop_audit::{GradientReport, guarded};

/// How far two backward runs of a function computed in `f32` may differ
/// (16 `f32` epsilons, absolute): a parallel reduction in `f32` may add in
/// a different order each run.
pub const F32_RUN_TO_RUN: f64 = 16.0 * f32::EPSILON as f64;

/// What to check and how strictly.
///
/// ```
/// use backprop_burn::CheckOptions;
/// use backprop_gradcheck::Mode;
///
/// let mut options = CheckOptions::default();
/// options.gradcheck.mode = Mode::Fast;
/// options.name = "my_op".into();
/// assert_eq!(options.gradcheck.seed, 0);
/// ```
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// The numerical check: mode (exhaustive, fast, auto), seed of the
    /// random upstream gradient and directions, tolerances (default: those
    /// of the checked dtype).
    pub gradcheck: Options,
    /// Name of the check, for the report (default `"function"`).
    pub name: String,
    /// Names of the inputs, in order (default `"input 0"`, ...).
    pub input_names: Vec<String>,
}

/// What went wrong in one call into burn: its error, or its panic's
/// message.
type Fault = backprop_audit::Fault<CheckError>;

/// An input's values as an array of `T`, or why they are not usable.
fn input_array<T: BurnFloat>(index: usize, data: &TensorData) -> Result<ArrayD<T>, CheckError> {
    let shape = data.shape().to_vec();
    if shape.is_empty() || shape.len() > MAX_RANK {
        return Err(CheckError::UnsupportedRank { index, shape });
    }
    let values = data
        .as_slice::<T>()
        .map_err(|_| CheckError::MixedDtypes {
            index,
            dtype: format!("{:?}", data.dtype()),
            first: T::DTYPE.name(),
        })?
        .to_vec();
    Ok(ArrayD::from_shape_vec(IxDyn(&shape), values).expect("TensorData's shape fits its values"))
}

/// Check burn's gradient of `f` at `inputs` against finite differences of
/// burn's own forward pass.
///
/// * `inputs` are [`TensorData`] of one float type, `f32` or `f64` (any
///   rank from 1 to [`MAX_RANK`]); take them from tensors with
///   `tensor.to_data()`. The check runs in that type.
/// * `f` receives them as leaves of burn's autodiff graph on
///   [`device()`](crate::device) (each asked for at the rank it needs:
///   `x.tensor::<4>(0)?`) and returns one float tensor. What is not
///   differentiated (indices, masks, options) lives in the closure; make
///   constants with [`Inputs::int`], [`Inputs::bool`] and [`Inputs::float`].
/// * The **analytic side** is burn's autodiff: the inputs marked
///   `require_grad`, `sum(f(inputs) ⊙ v).backward()` with an upstream
///   gradient `v` (random normal from the seed, or one-hot rows in
///   exhaustive mode), each input's `grad`. burn does not keep a graph
///   after `backward`, so every backward run records the function anew.
/// * The **numerical side** is `backprop-gradcheck`: central differences
///   of the same `f` run by burn in `f64` (on the autodiff device, inputs
///   not tracked), so an `f32` gradient is judged against an `f64` oracle.
///   If burn's `f64` forward turns out to compute in lower precision (its
///   output is not `f64`, or its values carry more rounding noise than
///   `f64` can, see [`forward_noise`](crate::forward_noise)), the
///   finite differences use `f32` steps, the gradient is held to `f32`
///   tolerances, and the report says so in its notes instead of calling a
///   correct gradient wrong.
///
/// The report's [`Status`](crate::Status) tells a wrong value from a
/// missing, silently zero or misshapen gradient and a panic (caught, in
/// forward or backward).
///
/// ```
/// use backprop_burn::{check, device, CheckOptions, Status};
/// use burn_tensor::{Tensor, TensorData};
///
/// let x = TensorData::new(vec![0.3f64, -1.2, 2.0, 0.5, 0.1, -0.7], [2, 3]);
/// let w = TensorData::new(vec![1.5f64, -0.4, 0.8], [3, 1]);
/// let report = check(
///     |t| Ok(t.tensor::<2>(0)?.matmul(t.tensor::<2>(1)?).tanh()),
///     &[x, w],
///     &CheckOptions::default(),
/// )?;
/// assert_eq!(report.status, Status::Pass, "{report}");
/// # Ok::<(), backprop_burn::CheckError>(())
/// ```
///
/// # Errors
///
/// [`CheckError`] when the check cannot be carried out: no inputs, inputs
/// of a rank or float type it does not take, or `f` returning an error of
/// its own (a rank mismatch, say) rather than panicking.
pub fn check<const D: usize, F>(
    f: F,
    inputs: &[TensorData],
    options: &CheckOptions,
) -> Result<GradientReport, CheckError>
where
    F: Fn(&Inputs) -> Result<Tensor<D>, CheckError>,
{
    let first = inputs.first().ok_or(CheckError::NoInputs)?.dtype();
    match first {
        DType::F64 => {
            let values = inputs
                .iter()
                .enumerate()
                .map(|(i, d)| input_array::<f64>(i, d))
                .collect::<Result<Vec<_>, _>>()?;
            check_arrays(f, &values, options)
        }
        DType::F32 => {
            let values = inputs
                .iter()
                .enumerate()
                .map(|(i, d)| input_array::<f32>(i, d))
                .collect::<Result<Vec<_>, _>>()?;
            check_arrays(f, &values, options)
        }
        dtype => Err(CheckError::UnsupportedDtype {
            index: 0,
            dtype: format!("{dtype:?}"),
        }),
    }
}

/// [`check`] with the inputs as `ndarray` arrays of `T` (`f32` or `f64`).
///
/// # Errors
///
/// As [`check`].
pub fn check_arrays<const D: usize, T, F>(
    f: F,
    inputs: &[ArrayD<T>],
    options: &CheckOptions,
) -> Result<GradientReport, CheckError>
where
    T: BurnFloat,
    F: Fn(&Inputs) -> Result<Tensor<D>, CheckError>,
{
    check_arrays_with_precision(f, inputs, options).map(|(report, _)| report)
}

/// [`check_arrays`], with how burn's `f64` forward falls short of `f64`
/// when it does (the audit reports that as a check of its own).
pub(crate) fn check_arrays_with_precision<const D: usize, T, F>(
    f: F,
    inputs: &[ArrayD<T>],
    options: &CheckOptions,
) -> Result<(GradientReport, Option<ForwardPrecision>), CheckError>
where
    T: BurnFloat,
    F: Fn(&Inputs) -> Result<Tensor<D>, CheckError>,
{
    validate(inputs)?;
    run::<D, T>(&f, inputs, options)
}

/// Inputs the checker takes: at least one, each of rank 1 to [`MAX_RANK`].
fn validate<T>(inputs: &[ArrayD<T>]) -> Result<(), CheckError> {
    if inputs.is_empty() {
        return Err(CheckError::NoInputs);
    }
    for (index, a) in inputs.iter().enumerate() {
        if a.ndim() == 0 || a.ndim() > MAX_RANK {
            return Err(CheckError::UnsupportedRank {
                index,
                shape: a.shape().to_vec(),
            });
        }
    }
    Ok(())
}

/// The checked function behind a reference: every check of one output rank
/// and float type shares one compiled copy of the checker.
pub(crate) type Function<'f, const D: usize> =
    dyn Fn(&Inputs) -> Result<Tensor<D>, CheckError> + 'f;

/// Build the inputs and call `f`: tracked leaves in `T`, or untracked
/// inputs for the oracle.
fn call<const D: usize, T: BurnFloat>(
    f: &Function<'_, D>,
    values: &[ArrayD<T>],
    track: bool,
) -> Result<(Inputs, Tensor<D>), Fault> {
    guarded(|| {
        let inputs = Inputs::new(values, &device(), track).expect("ranks were validated");
        let out = f(&inputs)?;
        Ok((inputs, out))
    })
}

/// One analytic run: record `f` on tracked leaves, backpropagate
/// `sum(f ⊙ upstream)`, read every input's gradient.
fn backward<const D: usize, T: BurnFloat>(
    f: &Function<'_, D>,
    values: &[ArrayD<T>],
    upstream: &ArrayD<T>,
) -> Result<Gradients, Fault> {
    let (inputs, out) = call(f, values, true)?;
    guarded(|| {
        let up = float_tensor::<T, D>(upstream, inputs.device());
        let grads = (out * up).sum().backward();
        let mut result = Gradients {
            grads: Vec::with_capacity(values.len()),
            shapes: Vec::with_capacity(values.len()),
            foreign_dtype: Vec::with_capacity(values.len()),
        };
        for (i, v) in values.iter().enumerate() {
            let leaf = inputs.leaf(i)?;
            let grad = with_rank!(v.ndim(), R => {
                leaf.get::<R>()
                    .expect("the leaf has its array's rank")
                    .grad(&grads)
                    .map(|g| {
                        let dtype = g.dtype();
                        let shape = g.dims().to_vec();
                        (to_f64_array(g), shape, dtype)
                    })
            }, _ => unreachable!("ranks were validated"));
            match grad {
                None => {
                    result.grads.push(None);
                    result.shapes.push(None);
                    result.foreign_dtype.push(None);
                }
                Some((g, shape, dtype)) => {
                    result.grads.push(Some(g));
                    result.shapes.push(Some(shape));
                    result
                        .foreign_dtype
                        .push((dtype != T::BURN).then(|| format!("{dtype:?}").to_lowercase()));
                }
            }
        }
        Ok(result)
    })
}

/// The upstream gradient every check uses: standard normal from the seed.
pub(crate) fn random_upstream(seed: u64, shape: &[usize]) -> ArrayD<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    ArrayD::from_shape_simple_fn(shape, || rng.sample::<f64, _>(StandardNormal))
}

fn run<const D: usize, T: BurnFloat>(
    f: &Function<'_, D>,
    values: &[ArrayD<T>],
    options: &CheckOptions,
) -> Result<(GradientReport, Option<ForwardPrecision>), CheckError> {
    let shapes: Vec<Vec<usize>> = values.iter().map(|v| v.shape().to_vec()).collect();
    let mut report = GradientReport::new(
        "burn",
        options.name.clone(),
        T::DTYPE,
        options.gradcheck.seed,
        &options.input_names,
        &shapes,
    );
    let mut precision = None;
    let values64: Vec<ArrayD<f64>> = values.iter().map(|v| v.mapv(|x| x.to_f64())).collect();

    // The function in the checked type must run at all.
    let out_shape = match call(f, values, true) {
        Ok((_, out)) => {
            if out.dtype() != T::BURN {
                report.notes.push(format!(
                    "burn's forward returns {:?} for {} inputs",
                    out.dtype(),
                    T::DTYPE
                ));
            }
            out.dims().to_vec()
        }
        Err(Fault::Panic(message)) => {
            let mut report = report.panicked(Phase::Forward, &message);
            mixed_types_note(&mut report, &message);
            return Ok((report, None));
        }
        Err(Fault::Error(e)) => return Err(e),
    };

    // The oracle: burn's forward in f64 (on the autodiff device, inputs
    // untracked); in f32 when burn cannot run the function in f64 here.
    let mut oracle = Oracle {
        f,
        dtype: Dtype::F64,
        out_shape: out_shape.clone(),
        failure: RefCell::new(None),
        returned: RefCell::new(None),
    };
    let oracle_shape = oracle.eval(&values64).shape().to_vec();
    if let Some(fault) = oracle.failure.borrow_mut().take() {
        match fault {
            backprop_audit::Fault::Panic(m) if T::DTYPE == Dtype::F32 => {
                report.notes.push(format!(
                    "burn cannot run this function in f64 on a device whose default float type is {} ({m}); the finite differences use burn's f32 forward, with f32 steps",
                    device_default()
                ));
                oracle.dtype = Dtype::F32;
            }
            backprop_audit::Fault::Panic(m) => {
                let report = report.panicked(Phase::Forward, &format!("(in f64) {m}"));
                return Ok((report, None));
            }
            backprop_audit::Fault::Error(message) => return Err(CheckError::Function(message)),
        }
    } else if oracle_shape != out_shape {
        return Err(CheckError::Function(format!(
            "the f64 forward returns shape {oracle_shape:?}, the {} forward {out_shape:?}",
            T::DTYPE
        )));
    }

    // Is the f64 forward really f64? Judge the gradient at the precision
    // the forward has, and say so.
    let mut gradcheck_options = options.gradcheck.clone();
    if oracle.dtype == Dtype::F64 {
        let returned = oracle.returned.borrow().unwrap_or(DType::F64);
        let noise = forward_noise(
            &|x: &[ArrayD<f64>]| oracle.eval(x),
            &values64,
            options.gradcheck.seed,
        );
        if returned != DType::F64 || noise.is_low_precision() {
            let seen = if returned != DType::F64 {
                format!("it returns {returned:?} for f64 inputs")
            } else {
                format!(
                    "a quarter of its outputs carry rounding noise above {:.1e} relative (f64 rounding is ~1e-16)",
                    noise.upper_quartile
                )
            };
            let message =
                format!("burn's f64 forward computes in lower precision than f64: {seen}");
            report.notes.push(format!(
                "{message}; the finite differences use f32 steps and the gradient is held to f32 tolerances (two backward runs may differ by f32 rounding)"
            ));
            precision = Some(ForwardPrecision {
                noise: noise.upper_quartile,
                returned: (returned != DType::F64).then(|| format!("{returned:?}").to_lowercase()),
                message,
            });
            oracle.dtype = Dtype::F32;
            if gradcheck_options.tolerances.is_none() {
                // A computation in f32 may also accumulate in a different
                // order from run to run (threads): allow that much.
                gradcheck_options.tolerances = Some(Tolerances {
                    nondeterminism: F32_RUN_TO_RUN,
                    ..Tolerances::for_dtype(Dtype::F32)
                });
            }
        }
    }
    report.oracle = oracle.dtype;
    gradcheck_options.oracle = oracle.dtype;
    let forward = |x: &[ArrayD<f64>]| oracle.eval(x);

    // One backward run with the check's upstream gradient first: panics and
    // missing or misshapen gradients show here.
    let upstream = random_upstream(options.gradcheck.seed, &out_shape).mapv(T::from_f64);
    let probe = match backward(f, values, &upstream) {
        Ok(g) => g,
        Err(Fault::Panic(message)) => {
            let mut report = report.panicked(Phase::Backward, &message);
            mixed_types_note(&mut report, &message);
            return Ok((report, precision));
        }
        Err(Fault::Error(e)) => return Err(e),
    };

    let fault: RefCell<Option<Fault>> = RefCell::new(None);
    let vjp = |_: &[ArrayD<T>], g: &ArrayD<T>| -> Vec<ArrayD<T>> {
        if fault.borrow().is_some() {
            return Vec::new();
        }
        match backward(f, values, g) {
            Ok(grads) => grads
                .grads
                .into_iter()
                .zip(values)
                .map(|(g, x)| match g {
                    Some(g) => g.mapv(T::from_f64),
                    None => ArrayD::from_elem(x.shape(), T::zero()),
                })
                .collect(),
            Err(e) => {
                *fault.borrow_mut() = Some(e);
                Vec::new()
            }
        }
    };
    let checked = check_vjp(
        forward,
        vjp,
        values,
        Upstream::Given(&upstream),
        &gradcheck_options,
    )?;
    if let Some(fault) = oracle.failure.into_inner() {
        let message = match fault {
            backprop_audit::Fault::Error(e) => e,
            backprop_audit::Fault::Panic(m) => format!("panic: {m}"),
        };
        return Err(CheckError::ForwardAtPerturbation { message });
    }
    match fault.into_inner() {
        Some(Fault::Panic(message)) => {
            return Ok((report.panicked(Phase::Backward, &message), precision));
        }
        Some(Fault::Error(e)) => return Err(e),
        None => {}
    }
    let checked = checked
        .with_name(report.name.clone())
        .with_input_names(&report.input_names());
    classify(&mut report, &probe, checked);
    Ok((report, precision))
}

/// `f`'s forward values at `values` in `T` (untracked), as `f64`; or
/// what went wrong.
#[cfg(feature = "audit")]
pub(crate) fn forward_values<const D: usize, T: BurnFloat>(
    f: &Function<'_, D>,
    values: &[ArrayD<T>],
) -> Result<ArrayD<f64>, String> {
    match call::<D, T>(f, values, false) {
        Ok((_, out)) => Ok(to_f64_array(out)),
        Err(Fault::Error(e)) => Err(e.to_string()),
        Err(Fault::Panic(m)) => Err(format!("panic: {m}")),
    }
}

/// burn's gradients of `sum(f ⊙ upstream)` at `values` in `T` (`None`
/// where burn gives none), as `f64`; or what went wrong.
#[cfg(feature = "audit")]
pub(crate) fn gradient_values<const D: usize, T: BurnFloat>(
    f: &Function<'_, D>,
    values: &[ArrayD<T>],
    upstream: &ArrayD<T>,
) -> Result<Vec<Option<ArrayD<f64>>>, String> {
    match backward(f, values, upstream) {
        Ok(g) => Ok(g.grads),
        Err(Fault::Error(e)) => Err(e.to_string()),
        Err(Fault::Panic(m)) => Err(format!("panic: {m}")),
    }
}

/// The forward pass the finite differences run through: `f` on untracked
/// inputs in `dtype`, its output as `f64`. A failure is kept (the first
/// one) and answered with NaNs, so the checker goes on and the caller can
/// report it.
struct Oracle<'f, const D: usize> {
    f: &'f Function<'f, D>,
    dtype: Dtype,
    out_shape: Vec<usize>,
    /// The first failure: burn's error (as text) or its panic.
    failure: RefCell<Option<backprop_audit::Fault<String>>>,
    returned: RefCell<Option<DType>>,
}

impl<const D: usize> Oracle<'_, D> {
    fn eval(&self, x: &[ArrayD<f64>]) -> ArrayD<f64> {
        let result = match self.dtype {
            Dtype::F64 => call::<D, f64>(self.f, x, false),
            Dtype::F32 => {
                let x32: Vec<ArrayD<f32>> = x.iter().map(|a| a.mapv(|v| v as f32)).collect();
                call::<D, f32>(self.f, &x32, false)
            }
        };
        match result {
            Ok((_, out)) => {
                self.returned.borrow_mut().get_or_insert(out.dtype());
                to_f64_array(out)
            }
            Err(fault) => {
                let fault = match fault {
                    Fault::Error(e) => backprop_audit::Fault::Error(e.to_string()),
                    Fault::Panic(m) => backprop_audit::Fault::Panic(m),
                };
                self.failure.borrow_mut().get_or_insert(fault);
                ArrayD::from_elem(self.out_shape.as_slice(), f64::NAN)
            }
        }
    }
}

/// Explain a panic about mixed float types when the check's type is not
/// the device's default: burn ops that create tensors of the default type
/// then meet the inputs' type.
fn mixed_types_note(report: &mut GradientReport, message: &str) {
    let default = device_default();
    if message.contains("type mismatch") && report.dtype != default {
        report.notes.push(format!(
            "the inputs are {} but the device's default float type is {default}: ops that create tensors of the default type mix the two; run the check where the default is {} (configure_device)",
            report.dtype, report.dtype
        ));
    }
}

/// The array of `f64` values of a tensor, whatever its float type; used by
/// the audit's reference comparisons.
pub fn tensor_values<const D: usize>(tensor: Tensor<D>) -> ArrayD<f64> {
    to_f64_array(tensor)
}
