//! The tensor operations of `backprop-tensor`, each checked through its
//! real backward pass on a tensor graph.

use backprop_gradcheck::{
    Float, GradcheckError, Mode, Options, Report, Status, StructureIssue, Upstream, check_vjp,
};
use backprop_tensor::{Element, OpCase};
use ndarray::ArrayD;

/// Check one tensor operation case in type `T` (`f32` or `f64`): its VJP in
/// `T` against central differences of its forward pass in `f64`, at the
/// case's own inputs (rounded to `T`), in the given mode.
///
/// ```
/// use backprop_gradcheck::{Mode, Options};
/// use backprop_selfcheck::check_op_case;
/// use backprop_tensor::op_catalog;
///
/// let case = op_catalog().into_iter().find(|c| c.name.starts_with("matmul")).unwrap();
/// let report = check_op_case::<f32>(&case, Mode::Exhaustive, &Options::default())?;
/// assert!(report.passed(), "{report}");
/// # Ok::<(), backprop_gradcheck::GradcheckError>(())
/// ```
///
/// # Errors
///
/// As [`check_vjp`]. If the op itself refuses its inputs (a broken case),
/// the report fails with the op's error among its structural issues.
pub fn check_op_case<T: Float + Element>(
    case: &OpCase,
    mode: Mode,
    options: &Options,
) -> Result<Report, GradcheckError> {
    let inputs: Vec<ArrayD<T>> = case.inputs.iter().map(|a| a.mapv(T::from_f64)).collect();
    let options = Options {
        mode,
        ..options.clone()
    };
    // The same shapes the case was built for, so the forward pass cannot
    // refuse the perturbed inputs once it accepted the case's own.
    let refused = case.forward::<f64>(&case.inputs).err();
    let forward = |x: &[ArrayD<f64>]| {
        case.forward::<f64>(x)
            .unwrap_or_else(|_| ArrayD::from_elem(vec![0; x.len()], f64::NAN))
    };
    // A refused backward call returns no gradients, which the structural
    // checks report as a failure.
    let vjp = |x: &[ArrayD<T>], g: &ArrayD<T>| case.vjp::<T>(x, g).unwrap_or_default();
    let mut report = check_vjp(forward, vjp, &inputs, Upstream::Random, &options)?;
    if let Some(e) = refused {
        report
            .structure
            .issues
            .push(StructureIssue::ForwardRefused {
                message: e.to_string(),
            });
        report.structure.status = Status::Fail;
        report.status = Status::Fail;
    }
    Ok(report.with_name(case.name.clone()))
}
