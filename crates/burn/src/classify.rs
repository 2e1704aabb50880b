//! What one backward run gave, as `backprop-audit` classifies it: burn's
//! side of [`GradientReport::classify`].

use backprop_audit::{GradientReport, Observed, Status};
use backprop_gradcheck::Report;
use ndarray::ArrayD;

/// What one backward run with the check's upstream gradient returned, per
/// input: the gradient (as `f64`), its shape, and its float type when that
/// is not the input's.
pub(crate) struct Gradients {
    pub grads: Vec<Option<ArrayD<f64>>>,
    pub shapes: Vec<Option<Vec<usize>>>,
    pub foreign_dtype: Vec<Option<String>>,
}

/// What burn gave for input `i`: a gradient of another shape or float type
/// than the input's is wrong whatever its values.
fn observed(report: &GradientReport, probe: &Gradients, i: usize) -> Observed {
    let input = &report.inputs[i];
    match (&probe.grads[i], &probe.shapes[i], &probe.foreign_dtype[i]) {
        (_, Some(shape), _) if *shape != input.shape => Observed::Wrong {
            status: Status::WrongShape,
            message: format!(
                "burn's gradient has shape {shape:?}, but the input has shape {:?}",
                input.shape
            ),
        },
        (_, _, Some(dtype)) => Observed::Wrong {
            status: Status::WrongShape,
            message: format!(
                "burn's gradient is {dtype}, but the input is {}",
                report.dtype
            ),
        },
        (None, _, _) => Observed::Missing,
        (Some(grad), _, _) => Observed::Gradient(grad.clone()),
    }
}

/// Fill in each input's gradient shape, status and message, and the
/// report's, from the backward run `probe` and the comparison `checked`.
pub(crate) fn classify(report: &mut GradientReport, probe: &Gradients, checked: Report) {
    let observed: Vec<Observed> = (0..report.inputs.len())
        .map(|i| observed(report, probe, i))
        .collect();
    for (input, shape) in report.inputs.iter_mut().zip(&probe.shapes) {
        input.gradient_shape = shape.clone();
    }
    report.classify(&observed, checked);
}
