//! The generic check: a framework's gradient of one function against finite
//! differences of the framework's own forward pass. A framework takes part
//! by implementing [`Framework`] (make its tensors, run forward, run
//! backward); everything else (the oracle's dtype, the forward-precision
//! measurement, the probe backward run, the numerical check, the verdict
//! per input) is here, once.

use std::cell::RefCell;
use std::fmt;

use backprop_gradcheck::{Dtype, Float, GradcheckError, Options, Tolerances, Upstream, check_vjp};
use ndarray::ArrayD;
use ndarray_rand::rand_distr::StandardNormal;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use thiserror::Error;

use crate::precision::{ForwardPrecision, forward_noise};
use crate::{Fault, GradientReport, GradientsAt, Observed, Phase, Status, guarded};

/// How far two backward runs of a function computed in `f32` may differ
/// (16 `f32` epsilons, absolute): a parallel reduction in `f32` may add in
/// a different order each run.
pub const F32_RUN_TO_RUN: f64 = 16.0 * f32::EPSILON as f64;

/// One function of a framework, made checkable: the only part of a check
/// that needs the framework. The inputs arrive as `f64` arrays and a dtype;
/// the implementation makes its tensors from them (in its layout: views,
/// strides), runs the function, and answers in `f64` arrays. Panics need no
/// care: the engine catches them (see [`guarded`]).
///
/// ```
/// use backprop_audit::{CheckOptions, Framework, InputGradient, Output, Status, check_framework};
/// use backprop_gradcheck::Dtype;
/// use ndarray::{arr1, ArrayD};
///
/// /// A "framework" computing `exp` with a backward rule that forgets the
/// /// upstream gradient.
/// struct Exp;
///
/// impl Framework for Exp {
///     type Error = String;
///     type Recording = ArrayD<f64>;
///     fn name(&self) -> &str {
///         "toy"
///     }
///     fn forward(&self, x: &[ArrayD<f64>], dtype: Dtype) -> Result<Output, String> {
///         Ok(Output::new(x[0].mapv(f64::exp), dtype))
///     }
///     fn record(&self, x: &[ArrayD<f64>], dtype: Dtype) -> Result<(ArrayD<f64>, Output), String> {
///         Ok((x[0].clone(), self.forward(x, dtype)?))
///     }
///     fn backward(&self, x: &ArrayD<f64>, _upstream: &ArrayD<f64>) -> Result<Vec<InputGradient>, String> {
///         Ok(vec![InputGradient::new(x.mapv(f64::exp))]) // should be upstream ⊙ exp(x)
///     }
/// }
///
/// let x = arr1(&[0.5, -1.0, 2.0]).into_dyn();
/// let checked = check_framework(&Exp, &[x], Dtype::F64, &CheckOptions::default())?;
/// assert_eq!(checked.report.status, Status::WrongValue);
/// # Ok::<(), backprop_audit::CheckFailure<String>>(())
/// ```
pub trait Framework {
    /// What the framework's calls return on failure.
    type Error: fmt::Display;
    /// A forward pass recorded for backward runs. A framework whose graph
    /// survives `backward` keeps it here and every backward run reuses it;
    /// one whose graph is consumed keeps the inputs and records again in
    /// [`backward`](Framework::backward).
    type Recording;

    /// The framework's name in messages and reports (`"candle"`).
    fn name(&self) -> &str;

    /// The function at `values`, its inputs made in `dtype` and not
    /// tracked for gradients.
    ///
    /// # Errors
    ///
    /// The framework's error, when the function fails.
    fn forward(&self, values: &[ArrayD<f64>], dtype: Dtype) -> Result<Output, Self::Error>;

    /// The function at `values` with its inputs made in `dtype` and tracked
    /// for gradients: the recording backward runs start from, and the
    /// output.
    ///
    /// # Errors
    ///
    /// The framework's error, when the function fails.
    fn record(
        &self,
        values: &[ArrayD<f64>],
        dtype: Dtype,
    ) -> Result<(Self::Recording, Output), Self::Error>;

    /// The framework's gradients of `sum(output ⊙ upstream)`, one per input
    /// in order, in the inputs' logical shapes.
    ///
    /// # Errors
    ///
    /// The framework's error, when its backward pass fails.
    fn backward(
        &self,
        recording: &Self::Recording,
        upstream: &ArrayD<f64>,
    ) -> Result<Vec<InputGradient>, Self::Error>;

    /// The verdict on an error from the backward pass: by default
    /// [`Status::BackwardError`] with the framework's message. An adapter
    /// that can tell a misshapen gradient from the error's type says
    /// [`Status::WrongShape`].
    fn backward_error(&self, error: &Self::Error) -> (Status, String) {
        (
            Status::BackwardError,
            format!("{}'s backward pass failed: {error}", self.name()),
        )
    }

    /// A note that explains a panic of the framework in a check of
    /// `dtype` (none by default).
    fn panic_note(&self, _dtype: Dtype, _message: &str) -> Option<String> {
        None
    }

    /// The note when the framework cannot run the function in `f64` and
    /// an `f32` check falls back to an `f32` oracle.
    fn f64_unavailable_note(&self, fault: &Fault<Self::Error>) -> String {
        format!(
            "{} cannot run this function in f64 ({}); the finite differences use {}'s f32 forward, with f32 steps",
            self.name(),
            describe(fault),
            self.name()
        )
    }

    /// Whether the engine measures the rounding noise of the `f64` forward
    /// before it serves as the oracle ([`forward_noise`]): for a framework
    /// whose `f64` ops may compute in `f32` inside. Off by default.
    fn measures_forward_precision(&self) -> bool {
        false
    }
}

/// A forward pass's output: its values, and its element type.
#[derive(Clone, Debug, PartialEq)]
pub struct Output {
    /// The values, as `f64`.
    pub values: ArrayD<f64>,
    /// The element type, when it is one the checker takes.
    pub dtype: Option<Dtype>,
    /// The element type as the framework names it (`"f64"`, `"bf16"`).
    pub type_name: String,
}

impl Output {
    /// An output of a checked float type.
    pub fn new(values: ArrayD<f64>, dtype: Dtype) -> Output {
        Output {
            values,
            dtype: Some(dtype),
            type_name: dtype.name().to_string(),
        }
    }

    /// An output of another element type (`bf16`, an integer type).
    pub fn other(values: ArrayD<f64>, type_name: impl Into<String>) -> Output {
        Output {
            values,
            dtype: None,
            type_name: type_name.into(),
        }
    }
}

/// The framework's gradient of one input, as one backward run gave it.
#[derive(Clone, Debug, PartialEq)]
pub struct InputGradient {
    /// The values in the input's logical shape (`None`: the framework gave
    /// no gradient). A misshapen gradient is given as it is; the numerical
    /// check then sees its shape.
    pub values: Option<ArrayD<f64>>,
    /// The shape of the framework's gradient tensor, for the report.
    pub shape: Option<Vec<usize>>,
    /// What is wrong with the gradient whatever its values (a wrong shape
    /// or element type, values on elements a strided view skips): the
    /// verdict and its message.
    pub defect: Option<(Status, String)>,
}

impl InputGradient {
    /// A gradient of the input's shape.
    pub fn new(values: ArrayD<f64>) -> InputGradient {
        InputGradient {
            shape: Some(values.shape().to_vec()),
            values: Some(values),
            defect: None,
        }
    }

    /// No gradient for the input.
    pub fn missing() -> InputGradient {
        InputGradient {
            values: None,
            shape: None,
            defect: None,
        }
    }

    /// The gradient with a defect the values do not show.
    pub fn with_defect(mut self, status: Status, message: impl Into<String>) -> InputGradient {
        self.defect = Some((status, message.into()));
        self
    }

    /// What classification sees.
    fn observed(&self) -> Observed {
        match (&self.defect, &self.values) {
            (Some((status, message)), _) => Observed::Wrong {
                status: *status,
                message: message.clone(),
            },
            (None, None) => Observed::Missing,
            (None, Some(values)) => Observed::Gradient(values.clone()),
        }
    }
}

/// What to check and how strictly: what every adapter's options hold.
///
/// ```
/// use backprop_audit::CheckOptions;
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

/// A check's outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct Checked {
    /// The verdict per input and for the check.
    pub report: GradientReport,
    /// How the framework's `f64` forward falls short of `f64`, when it was
    /// measured ([`Framework::measures_forward_precision`]) and does.
    pub precision: Option<ForwardPrecision>,
}

/// Why a check could not be carried out (as opposed to a verdict on the
/// framework's gradient, which is in the report).
#[derive(Debug, Error)]
pub enum CheckFailure<E: fmt::Display> {
    /// The function returned an error (not a panic) on its inputs.
    #[error("the function failed on its inputs ({dtype}): {error}")]
    Forward {
        /// The dtype of the failing run.
        dtype: Dtype,
        /// The framework's error.
        error: E,
    },
    /// The function's output is not of a float type the checker takes.
    #[error("the function returned a {type_name} tensor; it must return f32 or f64")]
    OutputType {
        /// The output's element type as the framework names it.
        type_name: String,
    },
    /// The `f64` forward gives another shape than the checked one.
    #[error("the f64 forward returns shape {f64:?}, the {dtype} forward {checked:?}")]
    OracleShape {
        /// The checked dtype.
        dtype: Dtype,
        /// The checked run's output shape.
        checked: Vec<usize>,
        /// The `f64` run's output shape.
        f64: Vec<usize>,
    },
    /// The function failed at a perturbed input of the numerical check.
    #[error("the function failed at a perturbed input of the numerical check: {}", describe(.0))]
    ForwardAtPerturbation(Fault<E>),
    /// The numerical checker refused the inputs.
    #[error(transparent)]
    Gradcheck(#[from] GradcheckError),
}

/// A fault as one line: the error's message, or `panic: ` and the panic's.
pub fn describe<E: fmt::Display>(fault: &Fault<E>) -> String {
    match fault {
        Fault::Error(e) => e.to_string(),
        Fault::Panic(m) => format!("panic: {m}"),
    }
}

/// The upstream gradient every check with `seed` uses: standard normal.
///
/// ```
/// let u = backprop_audit::random_upstream(7, &[2, 3]);
/// assert_eq!(u.shape(), &[2, 3]);
/// assert_eq!(u, backprop_audit::random_upstream(7, &[2, 3]));
/// ```
pub fn random_upstream(seed: u64, shape: &[usize]) -> ArrayD<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    ArrayD::from_shape_simple_fn(shape, || rng.sample::<f64, _>(StandardNormal))
}

/// Check the framework's gradient of its function at `values` in `dtype`
/// against central differences of its own forward pass.
///
/// * The **analytic side** is the framework's backward of
///   `sum(f(x) ⊙ u)`, recorded once in `dtype`: first with the check's
///   random upstream `u` (a probe that shows errors, panics, missing and
///   misshapen gradients), then with each upstream gradient the numerical
///   check asks for.
/// * The **numerical side** runs the framework's forward in `f64`, so an
///   `f32` gradient is judged against an `f64` oracle. When the framework
///   cannot run the function in `f64` (an `f32` check only), or its `f64`
///   forward is measured to compute in lower precision, the oracle runs in
///   `f32` with `f32` steps and tolerances, and the report says so.
///
/// # Errors
///
/// [`CheckFailure`] when the check cannot be carried out: the function
/// fails (not panics) on its own inputs or at a perturbed input, returns a
/// non-float tensor, or the numerical checker refuses the inputs.
pub fn check_framework<F: Framework>(
    framework: &F,
    values: &[ArrayD<f64>],
    dtype: Dtype,
    options: &CheckOptions,
) -> Result<Checked, CheckFailure<F::Error>> {
    match dtype {
        Dtype::F64 => run::<f64, F>(framework, values, options),
        Dtype::F32 => run::<f32, F>(framework, values, options),
    }
}

/// The framework's forward at `values` in `dtype`, untracked, as `f64`; or
/// what went wrong (its error, or its panic, caught).
///
/// # Errors
///
/// The fault of the forward run.
pub fn forward_at<F: Framework>(
    framework: &F,
    values: &[ArrayD<f64>],
    dtype: Dtype,
) -> Result<ArrayD<f64>, Fault<F::Error>> {
    guarded(|| framework.forward(values, dtype)).map(|out| out.values)
}

/// The framework's gradients at `values` in `dtype` for the upstream
/// gradient a check seeded with `seed` uses (`None` where it gives none),
/// and that upstream gradient as the check had it (rounded to `dtype`):
/// for confirming a finding by another route.
///
/// # Errors
///
/// The fault of the forward or backward run.
pub fn gradients_at<F: Framework>(
    framework: &F,
    values: &[ArrayD<f64>],
    dtype: Dtype,
    seed: u64,
) -> Result<GradientsAt, Fault<F::Error>> {
    let (recording, output) = guarded(|| framework.record(values, dtype))?;
    let upstream = random_upstream(seed, output.values.shape()).mapv(|v| round_to(dtype, v));
    let grads = guarded(|| framework.backward(&recording, &upstream))?;
    Ok((grads.into_iter().map(|g| g.values).collect(), upstream))
}

fn round_to(dtype: Dtype, v: f64) -> f64 {
    match dtype {
        Dtype::F64 => v,
        Dtype::F32 => f64::from(v as f32),
    }
}

/// The report of a panic, with the framework's note on it.
fn panicked<F: Framework>(
    framework: &F,
    report: GradientReport,
    phase: Phase,
    message: &str,
) -> GradientReport {
    let dtype = report.dtype;
    let mut report = report.panicked(phase, message);
    if let Some(note) = framework.panic_note(dtype, message) {
        report.notes.push(note);
    }
    report
}

/// The report of a backward pass that failed or panicked.
fn faulted<F: Framework>(
    framework: &F,
    report: GradientReport,
    fault: &Fault<F::Error>,
) -> GradientReport {
    match fault {
        Fault::Panic(message) => panicked(framework, report, Phase::Backward, message),
        Fault::Error(e) => {
            let (status, message) = framework.backward_error(e);
            report.stopped(status, message)
        }
    }
}

/// The forward pass the finite differences run through, in the oracle's
/// dtype. A failure is kept (the first one) and answered with NaNs, so the
/// numerical check goes on and the caller reports it.
struct Oracle<'f, F: Framework> {
    framework: &'f F,
    dtype: Dtype,
    out_shape: Vec<usize>,
    failure: RefCell<Option<Fault<F::Error>>>,
}

impl<F: Framework> Oracle<'_, F> {
    fn eval(&self, x: &[ArrayD<f64>]) -> ArrayD<f64> {
        match forward_at(self.framework, x, self.dtype) {
            Ok(values) => values,
            Err(fault) => {
                self.failure.borrow_mut().get_or_insert(fault);
                ArrayD::from_elem(self.out_shape.as_slice(), f64::NAN)
            }
        }
    }
}

fn run<T: Float, F: Framework>(
    framework: &F,
    values: &[ArrayD<f64>],
    options: &CheckOptions,
) -> Result<Checked, CheckFailure<F::Error>> {
    let dtype = T::DTYPE;
    let shapes: Vec<Vec<usize>> = values.iter().map(|v| v.shape().to_vec()).collect();
    let mut report = GradientReport::new(
        framework.name(),
        options.name.clone(),
        dtype,
        options.gradcheck.seed,
        &options.input_names,
        &shapes,
    );
    let unmeasured = |report| {
        Ok(Checked {
            report,
            precision: None,
        })
    };

    // The function in the checked dtype must run at all.
    let (recording, output) = match guarded(|| framework.record(values, dtype)) {
        Ok(v) => v,
        Err(Fault::Panic(m)) => return unmeasured(panicked(framework, report, Phase::Forward, &m)),
        Err(Fault::Error(error)) => return Err(CheckFailure::Forward { dtype, error }),
    };
    match output.dtype {
        None => {
            return Err(CheckFailure::OutputType {
                type_name: output.type_name,
            });
        }
        Some(d) if d != dtype => report.notes.push(format!(
            "{}'s forward returns {} for {dtype} inputs",
            framework.name(),
            output.type_name
        )),
        Some(_) => {}
    }
    let out_shape = output.values.shape().to_vec();

    // The oracle: the forward in f64, or in f32 where the framework cannot
    // run the function in f64.
    let mut oracle = Oracle {
        framework,
        dtype: Dtype::F64,
        out_shape: out_shape.clone(),
        failure: RefCell::new(None),
    };
    let mut returned = None;
    match guarded(|| framework.forward(values, Dtype::F64)) {
        Ok(out) if out.values.shape() != out_shape.as_slice() => {
            return Err(CheckFailure::OracleShape {
                dtype,
                checked: out_shape,
                f64: out.values.shape().to_vec(),
            });
        }
        Ok(out) => returned = Some(out),
        Err(fault) if dtype == Dtype::F32 => {
            report.notes.push(framework.f64_unavailable_note(&fault));
            oracle.dtype = Dtype::F32;
        }
        Err(Fault::Panic(m)) => {
            let message = format!("(in f64) {m}");
            return unmeasured(panicked(framework, report, Phase::Forward, &message));
        }
        Err(Fault::Error(error)) => {
            return Err(CheckFailure::Forward {
                dtype: Dtype::F64,
                error,
            });
        }
    }

    // Is the f64 forward really f64? Judge the gradient at the precision
    // the forward has, and say so.
    let mut gradcheck_options = options.gradcheck.clone();
    let mut precision = None;
    if let Some(out) = returned.filter(|_| framework.measures_forward_precision()) {
        let noise = forward_noise(
            &|x: &[ArrayD<f64>]| oracle.eval(x),
            values,
            options.gradcheck.seed,
        );
        let lower_type = out.dtype != Some(Dtype::F64);
        if lower_type || noise.is_low_precision() {
            let seen = if lower_type {
                format!("it returns {} for f64 inputs", out.type_name)
            } else {
                format!(
                    "a quarter of its outputs carry rounding noise above {:.1e} relative (f64 rounding is ~1e-16)",
                    noise.upper_quartile
                )
            };
            let message = format!(
                "{}'s f64 forward computes in lower precision than f64: {seen}",
                framework.name()
            );
            report.notes.push(format!(
                "{message}; the finite differences use f32 steps and the gradient is held to f32 tolerances (two backward runs may differ by f32 rounding)"
            ));
            precision = Some(ForwardPrecision {
                noise: noise.upper_quartile,
                returned: lower_type.then(|| out.type_name.clone()),
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

    // One backward run with the check's upstream gradient first: errors,
    // panics and missing or misshapen gradients show here.
    let upstream = random_upstream(options.gradcheck.seed, &out_shape).mapv(T::from_f64);
    let upstream64 = upstream.mapv(|v| v.to_f64());
    let probe = match guarded(|| framework.backward(&recording, &upstream64)) {
        Ok(g) => g,
        Err(fault) => {
            return Ok(Checked {
                report: faulted(framework, report, &fault),
                precision,
            });
        }
    };

    let fault: RefCell<Option<Fault<F::Error>>> = RefCell::new(None);
    let vjp = |_: &[ArrayD<T>], g: &ArrayD<T>| -> Vec<ArrayD<T>> {
        if fault.borrow().is_some() {
            return Vec::new();
        }
        match guarded(|| framework.backward(&recording, &g.mapv(|v| v.to_f64()))) {
            Ok(grads) => grads
                .into_iter()
                .zip(values)
                .map(|(g, x)| match g.values {
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
    let inputs: Vec<ArrayD<T>> = values.iter().map(|v| v.mapv(T::from_f64)).collect();
    let checked = check_vjp(
        |x: &[ArrayD<f64>]| oracle.eval(x),
        vjp,
        &inputs,
        Upstream::Given(&upstream),
        &gradcheck_options,
    )?;
    if let Some(fault) = oracle.failure.into_inner() {
        return Err(CheckFailure::ForwardAtPerturbation(fault));
    }
    if let Some(fault) = fault.into_inner() {
        return Ok(Checked {
            report: faulted(framework, report, &fault),
            precision,
        });
    }
    let checked = checked
        .with_name(report.name.clone())
        .with_input_names(&report.input_names());
    let observed: Vec<Observed> = probe.iter().map(InputGradient::observed).collect();
    for (input, gradient) in report.inputs.iter_mut().zip(&probe) {
        input.gradient_shape.clone_from(&gradient.shape);
    }
    report.classify(&observed, checked);
    Ok(Checked { report, precision })
}
