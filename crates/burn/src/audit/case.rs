//! One audited configuration of one burn function.

use backprop_gradcheck::Dtype;
use burn_tensor::Tensor;
use ndarray::ArrayD;

use crate::check::{Burn, check_arrays_with_precision};
use crate::{CheckError, CheckOptions, ForwardPrecision, Inputs};
use backprop_audit::{GradientReport, GradientsAt, Reference, describe, forward_at, gradients_at};

/// A check's report, and how burn's `f64` forward falls short of `f64`
/// when it does.
pub type Checked = (GradientReport, Option<ForwardPrecision>);

/// A checked function of any output rank, behind one object type.
trait Runner {
    fn run(
        &self,
        inputs: &[ArrayD<f64>],
        dtype: Dtype,
        options: &CheckOptions,
    ) -> Result<Checked, CheckError>;

    /// burn's forward values in `dtype` at `inputs`.
    fn forward(&self, inputs: &[ArrayD<f64>], dtype: Dtype) -> Result<ArrayD<f64>, String>;

    /// burn's gradients in `dtype` with the upstream gradient a check
    /// seeded with `seed` uses, and that upstream gradient.
    fn gradients(
        &self,
        inputs: &[ArrayD<f64>],
        dtype: Dtype,
        seed: u64,
    ) -> Result<GradientsAt, String>;
}

fn narrow(inputs: &[ArrayD<f64>]) -> Vec<ArrayD<f32>> {
    inputs.iter().map(|a| a.mapv(|v| v as f32)).collect()
}

struct Function<const D: usize, F>(F);

impl<const D: usize, F> Runner for Function<D, F>
where
    F: Fn(&Inputs) -> Result<Tensor<D>, CheckError>,
{
    fn run(
        &self,
        inputs: &[ArrayD<f64>],
        dtype: Dtype,
        options: &CheckOptions,
    ) -> Result<Checked, CheckError> {
        match dtype {
            Dtype::F64 => check_arrays_with_precision(&self.0, inputs, options),
            Dtype::F32 => check_arrays_with_precision(&self.0, &narrow(inputs), options),
        }
    }

    fn forward(&self, inputs: &[ArrayD<f64>], dtype: Dtype) -> Result<ArrayD<f64>, String> {
        forward_at(&Burn { f: &self.0 }, inputs, dtype).map_err(|f| describe(&f))
    }

    fn gradients(
        &self,
        inputs: &[ArrayD<f64>],
        dtype: Dtype,
        seed: u64,
    ) -> Result<GradientsAt, String> {
        gradients_at(&Burn { f: &self.0 }, inputs, dtype, seed).map_err(|f| describe(&f))
    }
}

/// One configuration of one burn function, with the inputs it is checked
/// at.
pub struct Case {
    /// The burn function as called, with its configuration:
    /// `module::conv2d(padding=1, stride=2, dilation=1, groups=2)`.
    pub name: String,
    /// The inputs (in `f64`; an `f32` check rounds them).
    pub inputs: Vec<ArrayD<f64>>,
    /// Their names (`x`, `weight`, ...).
    pub input_names: Vec<String>,
    /// The op written out by its definition, for the ops findings are
    /// about: the second route that confirms them.
    pub reference: Option<Reference>,
    runner: Box<dyn Runner>,
}

impl Case {
    /// A case from its name, named inputs and the function.
    pub fn new<const D: usize, F>(
        name: impl Into<String>,
        inputs: Vec<(&str, ArrayD<f64>)>,
        f: F,
    ) -> Case
    where
        F: Fn(&Inputs) -> Result<Tensor<D>, CheckError> + 'static,
    {
        let (input_names, inputs) = inputs.into_iter().map(|(n, a)| (n.to_string(), a)).unzip();
        Case {
            name: name.into(),
            inputs,
            input_names,
            reference: None,
            runner: Box::new(Function::<D, F>(f)),
        }
    }

    /// The case with its naive reference.
    pub fn with_reference(mut self, reference: Reference) -> Case {
        self.reference = Some(reference);
        self
    }

    /// burn's forward values in `dtype` at the case's inputs.
    ///
    /// # Errors
    ///
    /// burn's panic or the function's error, in words.
    pub fn forward(&self, dtype: Dtype) -> Result<ArrayD<f64>, String> {
        self.runner.forward(&self.inputs, dtype)
    }

    /// burn's forward values in `dtype` at `values` (the case's inputs as
    /// a check had them).
    ///
    /// # Errors
    ///
    /// burn's panic or the function's error, in words.
    pub fn forward_at(&self, values: &[ArrayD<f64>], dtype: Dtype) -> Result<ArrayD<f64>, String> {
        self.runner.forward(values, dtype)
    }

    /// burn's gradients in `dtype` at the case's inputs with the upstream
    /// gradient of a check seeded with `seed`, and that upstream gradient.
    ///
    /// # Errors
    ///
    /// burn's panic or the function's error, in words.
    #[allow(clippy::type_complexity)]
    pub fn gradients(
        &self,
        dtype: Dtype,
        seed: u64,
    ) -> Result<(Vec<Option<ArrayD<f64>>>, ArrayD<f64>), String> {
        self.runner.gradients(&self.inputs, dtype, seed)
    }

    /// The case's name with the type, as reports list it:
    /// `Tensor::exp [f32]`.
    pub fn qualified_name(&self, dtype: Dtype) -> String {
        format!("{} [{dtype}]", self.name)
    }

    /// Check burn's gradient of this case in `dtype`.
    ///
    /// # Errors
    ///
    /// As [`check_arrays`](crate::check_arrays): a broken case (its function refusing its own
    /// inputs), never a finding about burn.
    pub fn check(&self, dtype: Dtype, options: &CheckOptions) -> Result<Checked, CheckError> {
        let options = CheckOptions {
            name: self.qualified_name(dtype),
            input_names: self.input_names.clone(),
            ..options.clone()
        };
        self.runner.run(&self.inputs, dtype, &options)
    }
}
