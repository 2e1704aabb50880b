//! From a numerical comparison and one backward run to a [`Status`] and a
//! message per input: which way the framework is wrong, if it is.

use backprop_gradcheck::{Element, Finding, PairReport, Report, Status as Verdict, StructureIssue};
use ndarray::ArrayD;

use crate::{GradientReport, Status};

/// What one backward run with the check's upstream gradient gave for one
/// input, as the adapter saw it.
#[derive(Clone, Debug, PartialEq)]
pub enum Observed {
    /// No gradient (candle's `GradStore::get` or burn's `Tensor::grad`
    /// returned `None`).
    Missing,
    /// A gradient with the input's logical shape, as `f64`.
    Gradient(ArrayD<f64>),
    /// A gradient the adapter already knows is wrong whatever its values:
    /// a shape or float type that is not the input's, values on elements a
    /// strided view does not use.
    Wrong {
        /// [`Status::WrongShape`] or [`Status::WrongValue`], usually.
        status: Status,
        /// What is wrong, in one line.
        message: String,
    },
}

/// Where an element is, in the input's name: `∂out[0, 1]/∂x[1, 2]` for a
/// Jacobian entry, `uᵀJ at x[1, 2]` for an entry of the upstream-weighted
/// gradient, `a projection onto a random direction` for fast mode's.
fn place(e: &Element, input: &str) -> String {
    // A default name such as `input 0` keeps a space before the index.
    let input = if input.contains(' ') {
        format!("{input} ")
    } else {
        input.to_string()
    };
    match &e.output_index {
        Some(out) => format!("∂out{out:?}/∂{input}{:?}", e.index),
        None if e.index.is_empty() => "a projection onto a random direction".to_string(),
        None => format!("uᵀJ at {input}{:?}", e.index),
    }
}

fn first_finding(pair: &PairReport, kinks: bool) -> Option<&Finding> {
    let own = if kinks { &pair.kinks } else { &pair.non_finite };
    let located = pair
        .located
        .as_ref()
        .map(|l| if kinks { &l.kinks } else { &l.non_finite });
    own.first
        .first()
        .or_else(|| located.and_then(|l| l.first.first()))
}

/// The blamed finite-difference element of a pair, to show that the output
/// depends on an input the framework gives a zero or no gradient for.
fn dependence(framework: &str, pair: &PairReport) -> String {
    match pair.blamed() {
        Some(e) => format!(
            "finite differences give {:e} at {} where {framework} has 0",
            e.numeric,
            place(e, &pair.input_name)
        ),
        None => "the finite differences are non-zero".to_string(),
    }
}

/// The status and message of one input: `gradient` is what the backward
/// run gave, `pair` the numerical comparison of that input (`None` when it
/// was not compared). A third value is a note that is not a failure.
///
/// ```
/// use backprop_audit::{classify_input, Observed, Status};
///
/// let (status, message, _) = classify_input("candle", &Observed::Missing, None);
/// assert_eq!((status, message.as_str()), (Status::Pass, ""));
/// ```
pub fn classify_input(
    framework: &str,
    gradient: &Observed,
    pair: Option<&PairReport>,
) -> (Status, String, Option<String>) {
    let pass = (Status::Pass, String::new(), None);
    let (grad, pair) = match (gradient, pair) {
        (Observed::Wrong { status, message }, _) => return (*status, message.clone(), None),
        (_, None) => return pass,
        (Observed::Missing, Some(pair))
            if pair.status.is_pass() || pair.status == Verdict::Kink =>
        {
            let note = format!("{framework} gives no gradient here; its true gradient is zero");
            return (Status::Pass, String::new(), Some(note));
        }
        (Observed::Missing, Some(pair)) => {
            return (
                Status::MissingGradient,
                format!(
                    "{framework} returns no gradient, but the output depends on this input: {}",
                    dependence(framework, pair)
                ),
                None,
            );
        }
        (Observed::Gradient(grad), Some(pair)) => (grad, pair),
    };
    let (status, message) = match pair.status {
        Verdict::Pass => return pass,
        Verdict::Kink => (
            Status::Kink,
            match first_finding(pair, true) {
                Some(k) => format!("kink at {:?}: no derivative to compare there", k.index),
                None => "kink: no derivative to compare".to_string(),
            },
        ),
        Verdict::NonFinite => (
            Status::NonFinite,
            match first_finding(pair, false) {
                Some(n) => format!(
                    "non-finite value {} on the {} side at {:?}",
                    n.value.as_deref().unwrap_or("?"),
                    n.side
                        .map(|s| format!("{s:?}").to_lowercase())
                        .unwrap_or_else(|| "?".into()),
                    n.index
                ),
                None => "non-finite value".to_string(),
            },
        ),
        Verdict::Fail if grad.iter().all(|&v| v == 0.0) => (
            Status::SilentZero,
            format!(
                "{framework}'s gradient is exactly zero, but the output depends on this input: {}",
                dependence(framework, pair)
            ),
        ),
        Verdict::Fail => (
            Status::WrongValue,
            match pair.blamed() {
                Some(e) => format!(
                    "wrong gradient: at {} {framework} gives {:e}, finite differences give {:e} (|a-n| {:.2e}, allowed {:.2e}, relative error {:.2e})",
                    place(e, &pair.input_name),
                    e.analytic,
                    e.numeric,
                    e.abs_error,
                    e.allowed,
                    e.rel_error
                ),
                None => "wrong gradient".to_string(),
            },
        ),
    };
    (status, message, None)
}

impl GradientReport {
    /// Fill in each input's status and message, and the report's, from
    /// what the backward run gave (`observed`, one per input) and the
    /// numerical comparison `checked`. A structural failure the per-input
    /// comparison did not show (a gradient that does not scale with the
    /// upstream gradient, say) still fails the check as a wrong value.
    pub fn classify(&mut self, observed: &[Observed], checked: Report) {
        // The messages name elements by the report's input names.
        let checked = checked.with_input_names(&self.input_names());
        self.mode = Some(checked.mode);
        for (i, input) in self.inputs.iter_mut().enumerate() {
            let gradient = observed.get(i).unwrap_or(&Observed::Missing);
            let (status, message, note) =
                classify_input(&self.framework, gradient, checked.pair(i));
            if let Some(note) = note {
                self.notes.push(format!("{}: {note}", input.name));
            }
            input.status = status;
            input.message = message;
        }
        self.summarise();
        // Shape issues are already each input's verdict (wrong shape); the
        // others fail the check as a whole.
        let structural: Vec<&StructureIssue> = checked
            .structure
            .issues
            .iter()
            .filter(|issue| !issue.is_shape())
            .collect();
        if self.status.is_ok() && !structural.is_empty() {
            self.status = Status::WrongValue;
            self.message = format!("structure: {}", structural[0]);
        }
        for issue in structural {
            self.notes.push(format!("structure: {issue}"));
        }
        self.gradcheck = Some(checked);
    }
}
