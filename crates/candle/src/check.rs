//! Checking any candle function: candle's autograd against finite
//! differences of candle's own forward pass.

use backprop_audit::{CheckFailure, Fault, Framework, InputGradient, Output, check_framework};
use backprop_gradcheck::{Dtype, Options};
use candle_core::{DType, Device, Tensor};
use ndarray::ArrayD;

use crate::classify::backward_error;
use crate::error::candle_message;
use crate::{CandleReport, CheckError, InputLayout, Status, to_array};

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

/// One function of candle in one input layout, as the audit engine checks
/// it: inputs made as `Var`s in the checked dtype, the function called on
/// their views.
pub(crate) struct Candle<'f, F: ?Sized> {
    /// The function under check.
    pub f: &'f F,
    /// How it sees its inputs in memory.
    pub layout: InputLayout,
}

/// A recorded forward pass: the inputs' storage tensors (`Var`s), their
/// logical ranks, and the output, kept so every backward run reuses
/// candle's graph.
pub(crate) struct Recording {
    storages: Vec<Tensor>,
    ranks: Vec<usize>,
    output: Tensor,
}

impl<F> Candle<'_, F>
where
    F: Fn(&[Tensor]) -> candle_core::Result<Tensor> + ?Sized,
{
    /// Build the inputs in `dtype` and the layout and call `f` on their
    /// views.
    fn call(
        &self,
        values: &[ArrayD<f64>],
        dtype: Dtype,
        var: bool,
    ) -> candle_core::Result<(Vec<Tensor>, Tensor)> {
        let dtype = candle_dtype(dtype);
        let storages = values
            .iter()
            .map(|v| self.layout.storage(v, dtype, var))
            .collect::<candle_core::Result<Vec<_>>>()?;
        let views = storages
            .iter()
            .zip(values)
            .map(|(s, v)| self.layout.view(s, v.ndim()))
            .collect::<candle_core::Result<Vec<_>>>()?;
        let out = (self.f)(&views)?;
        Ok((storages, out))
    }
}

/// candle's dtype for a checked dtype.
pub(crate) fn candle_dtype(dtype: Dtype) -> DType {
    match dtype {
        Dtype::F64 => DType::F64,
        Dtype::F32 => DType::F32,
    }
}

/// An output tensor as the engine takes it.
fn output(out: &Tensor) -> candle_core::Result<Output> {
    let values = to_array(out)?;
    Ok(match out.dtype() {
        DType::F64 => Output::new(values, Dtype::F64),
        DType::F32 => Output::new(values, Dtype::F32),
        other => Output::other(values, format!("{other:?}").to_lowercase()),
    })
}

impl<F> Framework for Candle<'_, F>
where
    F: Fn(&[Tensor]) -> candle_core::Result<Tensor> + ?Sized,
{
    type Error = candle_core::Error;
    type Recording = Recording;

    fn name(&self) -> &str {
        "candle"
    }

    fn forward(&self, values: &[ArrayD<f64>], dtype: Dtype) -> candle_core::Result<Output> {
        let (_, out) = self.call(values, dtype, false)?;
        output(&out)
    }

    fn record(
        &self,
        values: &[ArrayD<f64>],
        dtype: Dtype,
    ) -> candle_core::Result<(Recording, Output)> {
        let (storages, out) = self.call(values, dtype, true)?;
        let output = output(&out)?;
        let recording = Recording {
            storages,
            ranks: values.iter().map(|v| v.ndim()).collect(),
            output: out,
        };
        Ok((recording, output))
    }

    /// candle's gradients of `sum(output ⊙ upstream)` with respect to
    /// each input, in the logical shapes; a gradient of another shape than
    /// the input's storage, or one that reaches elements a strided view
    /// skips, carries its defect.
    fn backward(
        &self,
        recording: &Recording,
        upstream: &ArrayD<f64>,
    ) -> candle_core::Result<Vec<InputGradient>> {
        let up = crate::from_array(upstream, recording.output.dtype())?;
        let store = (&recording.output * &up)?.sum_all()?.backward()?;
        recording
            .storages
            .iter()
            .zip(&recording.ranks)
            .map(|(storage, &rank)| {
                let Some(g) = store.get(storage) else {
                    return Ok(InputGradient::missing());
                };
                let shape = g.dims().to_vec();
                if g.dims() != storage.dims() {
                    let gradient = InputGradient {
                        values: Some(to_array(g)?),
                        shape: Some(shape.clone()),
                        defect: None,
                    };
                    return Ok(gradient.with_defect(
                        Status::WrongShape,
                        format!(
                            "candle's gradient has shape {shape:?}, but the input (as stored) has shape {:?}",
                            storage.dims()
                        ),
                    ));
                }
                let (grad, skipped) = self.layout.logical_gradient(g, rank)?;
                let gradient = InputGradient {
                    values: Some(grad),
                    shape: Some(shape),
                    defect: None,
                };
                Ok(if skipped > 0.0 {
                    gradient.with_defect(
                        Status::WrongValue,
                        format!(
                            "candle's gradient reaches elements the strided view does not use (up to {skipped:e})"
                        ),
                    )
                } else {
                    gradient
                })
            })
            .collect()
    }

    fn backward_error(&self, error: &candle_core::Error) -> (Status, String) {
        backward_error(error)
    }

    fn f64_unavailable_note(&self, fault: &Fault<candle_core::Error>) -> String {
        format!(
            "candle cannot run this function in f64 ({}); the finite differences use candle's f32 forward, with f32 steps",
            describe_fault(fault)
        )
    }
}

/// A fault of candle as one line: candle's message without its backtrace,
/// or `panic: ` and the panic's message.
pub(crate) fn describe_fault(fault: &Fault<candle_core::Error>) -> String {
    match fault {
        Fault::Error(e) => candle_message(e),
        Fault::Panic(m) => format!("panic: {m}"),
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
    let dtype = match dtype {
        DType::F64 => Dtype::F64,
        _ => Dtype::F32,
    };
    run(&f, &values, dtype, options)
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

/// Run the engine on candle's function and translate what it could not do
/// into [`CheckError`].
fn run<F>(
    f: &F,
    values: &[ArrayD<f64>],
    dtype: Dtype,
    options: &CheckOptions,
) -> Result<CandleReport, CheckError>
where
    F: Fn(&[Tensor]) -> candle_core::Result<Tensor> + ?Sized,
{
    let framework = Candle {
        f,
        layout: options.layout,
    };
    let engine_options = backprop_audit::CheckOptions {
        gradcheck: options.gradcheck.clone(),
        name: options.name.clone(),
        input_names: options.input_names.clone(),
    };
    let mut report = check_framework(&framework, values, dtype, &engine_options)
        .map_err(|failure| match failure {
            CheckFailure::Forward { dtype, error } => CheckError::Forward {
                dtype,
                message: candle_message(&error),
            },
            CheckFailure::OutputType { type_name } => CheckError::OutputDtype { type_name },
            CheckFailure::OracleShape { .. } => CheckError::Candle(failure.to_string()),
            CheckFailure::ForwardAtPerturbation(fault) => CheckError::ForwardAtPerturbation {
                message: describe_fault(&fault),
            },
            CheckFailure::Gradcheck(e) => CheckError::Gradcheck(e),
        })?
        .report;
    report.layout = Some(options.layout.name().to_string());
    Ok(report)
}
