//! One audited configuration of one burn function.

use backprop_gradcheck::Dtype;
use burn_tensor::Tensor;
use ndarray::ArrayD;

use crate::{BurnReport, CheckError, CheckOptions, Inputs, check_arrays};

/// A checked function of any output rank, behind one object type.
trait Runner {
    fn run(
        &self,
        inputs: &[ArrayD<f64>],
        dtype: Dtype,
        options: &CheckOptions,
    ) -> Result<BurnReport, CheckError>;
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
    ) -> Result<BurnReport, CheckError> {
        match dtype {
            Dtype::F64 => check_arrays(&self.0, inputs, options),
            Dtype::F32 => {
                let inputs: Vec<ArrayD<f32>> = inputs.iter().map(|a| a.mapv(|v| v as f32)).collect();
                check_arrays(&self.0, &inputs, options)
            }
        }
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
    runner: Box<dyn Runner>,
}

impl Case {
    /// A case from its name, named inputs and the function.
    pub fn new<const D: usize, F>(name: impl Into<String>, inputs: Vec<(&str, ArrayD<f64>)>, f: F) -> Case
    where
        F: Fn(&Inputs) -> Result<Tensor<D>, CheckError> + 'static,
    {
        let (input_names, inputs) = inputs
            .into_iter()
            .map(|(n, a)| (n.to_string(), a))
            .unzip();
        Case {
            name: name.into(),
            inputs,
            input_names,
            runner: Box::new(Function::<D, F>(f)),
        }
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
    /// As [`check_arrays`]: a broken case (its function refusing its own
    /// inputs), never a finding about burn.
    pub fn check(&self, dtype: Dtype, options: &CheckOptions) -> Result<BurnReport, CheckError> {
        let options = CheckOptions {
            name: self.qualified_name(dtype),
            input_names: self.input_names.clone(),
            ..options.clone()
        };
        self.runner.run(&self.inputs, dtype, &options)
    }
}
