//! Checking any burn function: burn's autodiff against finite differences
//! of burn's own forward pass, through `backprop-audit`'s engine.

use backprop_audit::{CheckFailure, Fault, Framework, InputGradient, Output, check_framework};
use backprop_gradcheck::Dtype;
use burn_tensor::{DType, Tensor, TensorData};
use ndarray::{ArrayD, IxDyn};

use crate::convert::{float_tensor, to_f64_array, with_rank};
use crate::{BurnFloat, CheckError, Inputs, MAX_RANK, Status, device, device_default};
use backprop_audit::ForwardPrecision;
use backprop_audit::GradientReport;

/// What to check and how strictly: `backprop-audit`'s options, the same
/// for every adapter.
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
pub use backprop_audit::CheckOptions;

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
) -> Result<(Inputs, Tensor<D>), CheckError> {
    let inputs = Inputs::new(values, &device(), track).ok_or_else(|| {
        let (index, a) = values
            .iter()
            .enumerate()
            .find(|(_, a)| a.ndim() == 0 || a.ndim() > MAX_RANK)
            .unwrap_or((0, &values[0]));
        CheckError::UnsupportedRank {
            index,
            shape: a.shape().to_vec(),
        }
    })?;
    let out = f(&inputs)?;
    Ok((inputs, out))
}

/// One analytic run: record `f` on tracked leaves in `T`, backpropagate
/// `sum(f ⊙ upstream)`, read every input's gradient (with its defect: a
/// shape or float type other than the input's).
fn backward<const D: usize, T: BurnFloat>(
    f: &Function<'_, D>,
    values: &[ArrayD<T>],
    upstream: &ArrayD<T>,
) -> Result<Vec<InputGradient>, CheckError> {
    let (inputs, out) = call(f, values, true)?;
    let up = float_tensor::<T, D>(upstream, inputs.device());
    let grads = (out * up).sum().backward();
    let mut result = Vec::with_capacity(values.len());
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
        result.push(match grad {
            None => InputGradient::missing(),
            Some((g, shape, dtype)) => {
                let gradient = InputGradient {
                    values: Some(g),
                    shape: Some(shape.clone()),
                    defect: None,
                };
                if shape != v.shape() {
                    gradient.with_defect(
                        Status::WrongShape,
                        format!(
                            "burn's gradient has shape {shape:?}, but the input has shape {:?}",
                            v.shape()
                        ),
                    )
                } else if dtype != T::BURN {
                    gradient.with_defect(
                        Status::WrongShape,
                        format!(
                            "burn's gradient is {}, but the input is {}",
                            format!("{dtype:?}").to_lowercase(),
                            T::DTYPE
                        ),
                    )
                } else {
                    gradient
                }
            }
        });
    }
    Ok(result)
}

/// `values` in `dtype`'s float type.
fn narrow(values: &[ArrayD<f64>]) -> Vec<ArrayD<f32>> {
    values.iter().map(|a| a.mapv(|v| v as f32)).collect()
}

/// One burn function of output rank `D`, as the audit engine checks it:
/// its inputs made as leaves of burn's autodiff graph on
/// [`device()`](crate::device).
pub(crate) struct Burn<'f, const D: usize> {
    /// The function under check.
    pub f: &'f Function<'f, D>,
}

/// burn consumes its graph on `backward`: a recording is the inputs, and
/// every backward run records the function anew.
pub(crate) struct Recording {
    values: Vec<ArrayD<f64>>,
    dtype: Dtype,
}

/// An output tensor as the engine takes it.
fn output<const D: usize>(out: Tensor<D>) -> Output {
    let dtype = out.dtype();
    let values = to_f64_array(out);
    match dtype {
        DType::F64 => Output::new(values, Dtype::F64),
        DType::F32 => Output::new(values, Dtype::F32),
        other => Output::other(values, format!("{other:?}").to_lowercase()),
    }
}

impl<const D: usize> Framework for Burn<'_, D> {
    type Error = CheckError;
    type Recording = Recording;

    fn name(&self) -> &str {
        "burn"
    }

    fn forward(&self, values: &[ArrayD<f64>], dtype: Dtype) -> Result<Output, CheckError> {
        let (_, out) = match dtype {
            Dtype::F64 => call::<D, f64>(self.f, values, false)?,
            Dtype::F32 => call::<D, f32>(self.f, &narrow(values), false)?,
        };
        Ok(output(out))
    }

    fn record(
        &self,
        values: &[ArrayD<f64>],
        dtype: Dtype,
    ) -> Result<(Recording, Output), CheckError> {
        let output = self.forward(values, dtype)?;
        let recording = Recording {
            values: values.to_vec(),
            dtype,
        };
        Ok((recording, output))
    }

    fn backward(
        &self,
        recording: &Recording,
        upstream: &ArrayD<f64>,
    ) -> Result<Vec<InputGradient>, CheckError> {
        match recording.dtype {
            Dtype::F64 => backward::<D, f64>(self.f, &recording.values, upstream),
            Dtype::F32 => backward::<D, f32>(
                self.f,
                &narrow(&recording.values),
                &upstream.mapv(|v| v as f32),
            ),
        }
    }

    /// Explain a panic about mixed float types when the check's type is
    /// not the device's default: burn ops that create tensors of the
    /// default type then meet the inputs' type. burn reports this only as
    /// a panic, so its message is all there is to go by, for a note.
    fn panic_note(&self, dtype: Dtype, message: &str) -> Option<String> {
        let default = device_default();
        (message.contains("type mismatch") && dtype != default).then(|| {
            format!(
                "the inputs are {dtype} but the device's default float type is {default}: ops that create tensors of the default type mix the two; run the check where the default is {dtype} (configure_device)"
            )
        })
    }

    fn f64_unavailable_note(&self, fault: &Fault<CheckError>) -> String {
        format!(
            "burn cannot run this function in f64 on a device whose default float type is {} ({}); the finite differences use burn's f32 forward, with f32 steps",
            device_default(),
            backprop_audit::describe(fault)
        )
    }

    fn measures_forward_precision(&self) -> bool {
        true
    }
}

fn run<const D: usize, T: BurnFloat>(
    f: &Function<'_, D>,
    values: &[ArrayD<T>],
    options: &CheckOptions,
) -> Result<(GradientReport, Option<ForwardPrecision>), CheckError> {
    let values64: Vec<ArrayD<f64>> = values.iter().map(|v| v.mapv(|x| x.to_f64())).collect();
    let checked = check_framework(&Burn { f }, &values64, T::DTYPE, options).map_err(
        |failure| match failure {
            CheckFailure::Forward { error, .. } => error,
            CheckFailure::ForwardAtPerturbation(fault) => CheckError::ForwardAtPerturbation {
                message: backprop_audit::describe(&fault),
            },
            CheckFailure::Gradcheck(e) => CheckError::Gradcheck(e),
            other @ (CheckFailure::OutputType { .. } | CheckFailure::OracleShape { .. }) => {
                CheckError::Function(other.to_string())
            }
        },
    )?;
    Ok((checked.report, checked.precision))
}

/// The array of `f64` values of a tensor, whatever its float type; used by
/// the audit's reference comparisons.
pub fn tensor_values<const D: usize>(tensor: Tensor<D>) -> ArrayD<f64> {
    to_f64_array(tensor)
}
