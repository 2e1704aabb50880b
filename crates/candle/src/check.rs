//! Checking any candle function: candle's autograd against finite
//! differences of candle's own forward pass.

use std::cell::RefCell;

use backprop_audit::guarded;
use backprop_gradcheck::{Dtype, Float, Options, Upstream, check_vjp};
use candle_core::{DType, Device, Tensor};
use ndarray::ArrayD;
use ndarray_rand::rand_distr::StandardNormal;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::classify::{backward_error, observe};
use crate::error::candle_message;
use crate::{CandleReport, CheckError, InputLayout, Phase, to_array};

/// What to check and how strictly.
///
/// ```
/// use backprop_candle::{CheckOptions, InputLayout};
/// use backprop_gradcheck::Mode;
///
/// let mut options = CheckOptions::default();
/// options.gradcheck.mode = Mode::Fast;
/// options.layout = InputLayout::Transposed;
/// options.name = "my_op".into();
/// assert_eq!(options.gradcheck.seed, 0);
/// ```
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// The numerical check: mode (exhaustive, fast, auto), seed of the
    /// random upstream gradient and directions, tolerances (default: those
    /// of the checked dtype).
    pub gradcheck: Options,
    /// How the function sees its inputs in memory.
    pub layout: InputLayout,
    /// Name of the check, for the report (default `"function"`).
    pub name: String,
    /// Names of the inputs, in order (default `"input 0"`, ...).
    pub input_names: Vec<String>,
}

/// What went wrong in one call into candle: its error, or its panic's
/// message.
pub(crate) type Fault = backprop_audit::Fault<candle_core::Error>;

/// The checked function: its inputs as storage tensors (`Var`s) in the
/// checked dtype, the views it receives, and its output, kept so every
/// backward run reuses the same graph.
struct Analytic {
    storages: Vec<Tensor>,
    ranks: Vec<usize>,
    layout: InputLayout,
    output: Tensor,
}

/// One backward run's gradients in the logical shapes: `None` where candle
/// gave none; with the largest gradient magnitude on elements a strided
/// view skips, and the shape candle's gradient had.
pub(crate) struct Gradients {
    pub grads: Vec<Option<ArrayD<f64>>>,
    pub shapes: Vec<Option<Vec<usize>>>,
    pub skipped: Vec<f64>,
}

impl Analytic {
    /// candle's gradients of `sum(output ⊙ upstream)` with respect to each
    /// input.
    fn backward(&self, upstream: &ArrayD<f64>) -> Result<Gradients, Fault> {
        let dtype = self.output.dtype();
        guarded(|| {
            let up = crate::from_array(upstream, dtype)?;
            let loss = (&self.output * &up)?.sum_all()?;
            loss.backward()
        })
        .and_then(|store| {
            let mut out = Gradients {
                grads: Vec::with_capacity(self.storages.len()),
                shapes: Vec::with_capacity(self.storages.len()),
                skipped: Vec::with_capacity(self.storages.len()),
            };
            for (storage, &rank) in self.storages.iter().zip(&self.ranks) {
                match store.get(storage) {
                    None => {
                        out.grads.push(None);
                        out.shapes.push(None);
                        out.skipped.push(0.0);
                    }
                    Some(g) => {
                        out.shapes.push(Some(g.dims().to_vec()));
                        if g.dims() != storage.dims() {
                            out.grads.push(Some(to_array(g).map_err(Fault::Error)?));
                            out.skipped.push(0.0);
                        } else {
                            let (grad, skipped) = self
                                .layout
                                .logical_gradient(g, rank)
                                .map_err(Fault::Error)?;
                            out.grads.push(Some(grad));
                            out.skipped.push(skipped);
                        }
                    }
                }
            }
            Ok(out)
        })
    }
}

/// Build the inputs in `dtype` and `layout` and call `f` on their views.
fn call<F>(
    f: &F,
    values: &[ArrayD<f64>],
    dtype: DType,
    layout: InputLayout,
    var: bool,
) -> Result<(Vec<Tensor>, Tensor), Fault>
where
    F: Fn(&[Tensor]) -> candle_core::Result<Tensor> + ?Sized,
{
    guarded(|| {
        let storages = values
            .iter()
            .map(|v| layout.storage(v, dtype, var))
            .collect::<candle_core::Result<Vec<_>>>()?;
        let views = storages
            .iter()
            .zip(values)
            .map(|(s, v)| layout.view(s, v.ndim()))
            .collect::<candle_core::Result<Vec<_>>>()?;
        let out = f(&views)?;
        Ok((storages, out))
    })
}

/// The checked float type of a candle dtype (`validate` admits only these
/// two).
fn checked_dtype(dtype: DType) -> Dtype {
    match dtype {
        DType::F64 => Dtype::F64,
        _ => Dtype::F32,
    }
}

/// Check candle's gradient of `f` at `inputs` against finite differences
/// of candle's own forward pass.
///
/// * `f` receives the inputs (in the layout of [`CheckOptions::layout`])
///   and returns one tensor; anything that is not differentiated (index
///   tensors, constants, shapes) lives in the closure.
/// * The **analytic side** is candle's autograd: the inputs become `Var`s in
///   their own dtype, and `sum(f(inputs) ⊙ v).backward()` with an upstream
///   gradient `v` (random normal from the seed, or one-hot rows in
///   exhaustive mode) gives `vᵀ·J` from candle's `GradStore`.
/// * The **numerical side** is `backprop-gradcheck`: central differences of
///   the same `f` run by candle in `f64`, so an `f32` gradient is judged
///   against an `f64` oracle. If candle cannot run `f` in `f64`, the oracle
///   runs in `f32` (with `f32` steps and tolerances) and the report says
///   so in its notes.
///
/// The report's [`Status`](crate::Status) tells a wrong value from a missing, silently zero
/// or misshapen gradient, an error from backward, and a panic (caught).
///
/// ```
/// use backprop_candle::{check, CheckOptions, Status};
/// use candle_core::{Device, Tensor};
///
/// let x = Tensor::new(&[[0.3f64, -1.2, 2.0], [0.5, 0.1, -0.7]], &Device::Cpu)?;
/// let w = Tensor::new(&[[1.5f64], [-0.4], [0.8]], &Device::Cpu)?;
/// let report = check(|t| t[0].matmul(&t[1])?.tanh(), &[x, w], &CheckOptions::default())?;
/// assert_eq!(report.status, Status::Pass, "{report}");
/// # Ok::<(), backprop_candle::CheckError>(())
/// ```
///
/// # Errors
///
/// [`CheckError`] when the check cannot be carried out: no inputs, inputs
/// that are not `f32`/`f64` CPU tensors of one dtype, a layout the inputs'
/// rank does not allow, or `f` failing (not panicking) on its own inputs.
pub fn check<F>(f: F, inputs: &[Tensor], options: &CheckOptions) -> Result<CandleReport, CheckError>
where
    F: Fn(&[Tensor]) -> candle_core::Result<Tensor>,
{
    let dtype = validate(inputs, options.layout)?;
    let values = inputs
        .iter()
        .map(to_array)
        .collect::<candle_core::Result<Vec<_>>>()?;
    match dtype {
        DType::F64 => run::<f64, F>(&f, &values, options),
        _ => run::<f32, F>(&f, &values, options),
    }
}

fn validate(inputs: &[Tensor], layout: InputLayout) -> Result<DType, CheckError> {
    let first = inputs.first().ok_or(CheckError::NoInputs)?.dtype();
    for (index, t) in inputs.iter().enumerate() {
        if !matches!(t.device(), Device::Cpu) {
            return Err(CheckError::NotCpu { index });
        }
        let dtype = t.dtype();
        if !matches!(dtype, DType::F32 | DType::F64) {
            return Err(CheckError::UnsupportedDtype { index, dtype });
        }
        if dtype != first {
            return Err(CheckError::MixedDtypes {
                index,
                dtype,
                first,
            });
        }
        if layout == InputLayout::Transposed && t.rank() < 2 {
            return Err(CheckError::LayoutNeedsRank {
                index,
                rank: t.rank(),
            });
        }
    }
    Ok(first)
}

/// The upstream gradient every check uses: standard normal from the seed.
fn random_upstream(seed: u64, shape: &[usize]) -> ArrayD<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    ArrayD::from_shape_simple_fn(shape, || rng.sample::<f64, _>(StandardNormal))
}

fn run<T, F>(
    f: &F,
    values: &[ArrayD<f64>],
    options: &CheckOptions,
) -> Result<CandleReport, CheckError>
where
    T: Float,
    F: Fn(&[Tensor]) -> candle_core::Result<Tensor>,
{
    let dtype = match T::DTYPE {
        Dtype::F64 => DType::F64,
        Dtype::F32 => DType::F32,
    };
    let shapes: Vec<Vec<usize>> = values.iter().map(|v| v.shape().to_vec()).collect();
    let mut report = CandleReport::new(
        "candle",
        options.name.clone(),
        T::DTYPE,
        options.gradcheck.seed,
        &options.input_names,
        &shapes,
    );
    report.layout = Some(options.layout.name().to_string());
    let (storages, output) = match call(f, values, dtype, options.layout, true) {
        Ok(v) => v,
        Err(Fault::Panic(message)) => return Ok(report.panicked(Phase::Forward, &message)),
        Err(Fault::Error(e)) => {
            return Err(CheckError::Forward {
                dtype: checked_dtype(dtype),
                message: candle_message(&e),
            });
        }
    };
    if !matches!(output.dtype(), DType::F32 | DType::F64) {
        return Err(CheckError::OutputDtype {
            dtype: output.dtype(),
        });
    }
    let analytic = Analytic {
        storages,
        ranks: values.iter().map(|v| v.ndim()).collect(),
        layout: options.layout,
        output,
    };

    // The oracle: candle's forward in f64, or in f32 where candle has no
    // f64 version of the function.
    let oracle = match call(f, values, DType::F64, options.layout, false) {
        Ok(_) => DType::F64,
        Err(Fault::Panic(message)) => return Ok(report.panicked(Phase::Forward, &message)),
        Err(Fault::Error(e)) if dtype == DType::F32 => {
            report.notes.push(format!(
                "candle cannot run this function in f64 ({}); the finite differences use candle's f32 forward, with f32 steps",
                candle_message(&e)
            ));
            DType::F32
        }
        Err(Fault::Error(e)) => {
            return Err(CheckError::Forward {
                dtype: Dtype::F64,
                message: candle_message(&e),
            });
        }
    };
    report.oracle = if oracle == DType::F64 {
        Dtype::F64
    } else {
        Dtype::F32
    };

    // One backward run with the check's upstream gradient first: errors,
    // panics and missing or misshapen gradients show here.
    let upstream = random_upstream(options.gradcheck.seed, analytic.output.dims());
    let probe = match analytic.backward(&upstream) {
        Ok(g) => g,
        Err(fault) => return Ok(faulted(report, Phase::Backward, &fault)),
    };

    let fault: RefCell<Option<Fault>> = RefCell::new(None);
    let forward_failure: RefCell<Option<String>> = RefCell::new(None);
    let out_shape = analytic.output.dims().to_vec();
    let forward = |x: &[ArrayD<f64>]| -> ArrayD<f64> {
        match call(f, x, oracle, options.layout, false)
            .and_then(|(_, out)| guarded(|| to_array(&out)))
        {
            Ok(a) => a,
            Err(fault) => {
                let message = match fault {
                    Fault::Error(e) => candle_message(&e),
                    Fault::Panic(m) => format!("panic: {m}"),
                };
                forward_failure.borrow_mut().get_or_insert(message);
                ArrayD::from_elem(out_shape.as_slice(), f64::NAN)
            }
        }
    };
    let vjp = |_: &[ArrayD<T>], g: &ArrayD<T>| -> Vec<ArrayD<T>> {
        if fault.borrow().is_some() {
            return Vec::new();
        }
        match analytic.backward(&g.mapv(|v| v.to_f64())) {
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
    let inputs_t: Vec<ArrayD<T>> = values.iter().map(|v| v.mapv(T::from_f64)).collect();
    let upstream_t = upstream.mapv(T::from_f64);
    let mut gradcheck_options = options.gradcheck.clone();
    gradcheck_options.oracle = report.oracle;
    let checked = check_vjp(
        forward,
        vjp,
        &inputs_t,
        Upstream::Given(&upstream_t),
        &gradcheck_options,
    )?;
    if let Some(message) = forward_failure.into_inner() {
        return Err(CheckError::ForwardAtPerturbation { message });
    }
    if let Some(fault) = fault.into_inner() {
        return Ok(faulted(report, Phase::Backward, &fault));
    }
    let checked = checked
        .with_name(report.name.clone())
        .with_input_names(&report.input_names());
    let storage_shapes: Vec<Vec<usize>> = analytic
        .storages
        .iter()
        .map(|s| s.dims().to_vec())
        .collect();
    for (input, shape) in report.inputs.iter_mut().zip(&probe.shapes) {
        input.gradient_shape.clone_from(shape);
    }
    report.classify(&observe(&probe, &storage_shapes), checked);
    Ok(report)
}

/// A report for a backward pass that failed or panicked.
fn faulted(report: CandleReport, phase: Phase, fault: &Fault) -> CandleReport {
    match fault {
        Fault::Panic(message) => report.panicked(phase, message),
        Fault::Error(e) => backward_error(report, e),
    }
}

/// candle's gradient of each input (`None` where it gives none) and the
/// upstream gradient it was computed for.
#[cfg(feature = "audit")]
pub(crate) type GradientsAt = (Vec<Option<ArrayD<f64>>>, ArrayD<f64>);

/// candle's gradients of `f` at `values` (logical shapes; `None` where
/// candle gives none) for the upstream gradient a check with `seed` uses,
/// and that upstream gradient. For confirming a finding by another route.
#[cfg(feature = "audit")]
pub(crate) fn candle_gradients<F>(
    f: &F,
    values: &[ArrayD<f64>],
    dtype: DType,
    layout: InputLayout,
    seed: u64,
) -> Result<GradientsAt, String>
where
    F: Fn(&[Tensor]) -> candle_core::Result<Tensor> + ?Sized,
{
    let describe = |fault: Fault| match fault {
        Fault::Error(e) => candle_message(&e),
        Fault::Panic(m) => format!("panic: {m}"),
    };
    let (storages, output) = call(f, values, dtype, layout, true).map_err(describe)?;
    let analytic = Analytic {
        storages,
        ranks: values.iter().map(|v| v.ndim()).collect(),
        layout,
        output,
    };
    let upstream = random_upstream(seed, analytic.output.dims());
    let grads = analytic.backward(&upstream).map_err(describe)?;
    Ok((grads.grads, upstream))
}

/// `f` at `values` in `dtype` and `layout`, as an `f64` array.
#[cfg(feature = "audit")]
pub(crate) fn candle_forward<F>(
    f: &F,
    values: &[ArrayD<f64>],
    dtype: DType,
    layout: InputLayout,
) -> Result<ArrayD<f64>, String>
where
    F: Fn(&[Tensor]) -> candle_core::Result<Tensor> + ?Sized,
{
    call(f, values, dtype, layout, false)
        .and_then(|(_, out)| guarded(|| to_array(&out)))
        .map_err(|fault| match fault {
            Fault::Error(e) => candle_message(&e),
            Fault::Panic(m) => format!("panic: {m}"),
        })
}
