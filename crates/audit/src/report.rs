//! The result of checking one function of a framework: a verdict per
//! input and for the whole check.

use std::fmt;

use backprop_gradcheck::{Dtype, Mode, Report};
use backprop_report::{Location, WorstElement};
use serde::Serialize;

use crate::{Phase, Status};

/// The verdict on one input's gradient.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InputResult {
    /// Position of the input.
    pub index: usize,
    /// Its name.
    pub name: String,
    /// Its shape.
    pub shape: Vec<usize>,
    /// The shape of the framework's gradient (for a transposed or strided
    /// input in candle, of its storage); `None` when the framework gave no
    /// gradient or the backward pass failed.
    pub gradient_shape: Option<Vec<usize>>,
    /// How the framework's gradient came out.
    pub status: Status,
    /// What is wrong, in one line; empty for a pass.
    pub message: String,
}

/// A framework's gradient of one function against finite differences of
/// its forward pass: what an adapter's `check` returns.
///
/// `Display` prints one line per input and, for anything wrong, the worst
/// few elements (never a whole tensor).
///
/// ```
/// use backprop_audit::{GradientReport, Phase, Status};
/// use backprop_gradcheck::Dtype;
///
/// let report = GradientReport::new("candle", "exp", Dtype::F32, 0, &["x".into()], &[vec![2, 3]]);
/// assert!(report.passed());
/// let report = report.panicked(Phase::Backward, "index out of bounds");
/// assert_eq!(report.status, Status::Panic);
/// assert_eq!(report.message, "candle panicked in backward: index out of bounds");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GradientReport {
    /// The framework checked (`"candle"`, `"burn"`): the subject of every
    /// message.
    pub framework: String,
    /// Name of the check.
    pub name: String,
    /// The dtype the framework computed the gradient in.
    pub dtype: Dtype,
    /// The precision of the forward pass the finite differences ran
    /// through (`f64` unless the framework has no true `f64` version).
    pub oracle: Dtype,
    /// How the inputs were laid out in memory, for frameworks that present
    /// them several ways (candle: `transposed`, `strided`); `None` for
    /// plain contiguous inputs.
    pub layout: Option<String>,
    /// Seed of the upstream gradient and random directions.
    pub seed: u64,
    /// Mode of the numerical comparison actually run; `None` when the check
    /// stopped before comparing (a backward error or a panic).
    pub mode: Option<Mode>,
    /// The most severe status over the inputs.
    pub status: Status,
    /// What is wrong with the worst input, in one line; `"pass"` otherwise.
    pub message: String,
    /// One verdict per input.
    pub inputs: Vec<InputResult>,
    /// The numerical comparison in full (worst elements, error estimates,
    /// structural checks), when it ran.
    pub gradcheck: Option<Report>,
    /// Remarks that are not failures (e.g. an oracle in `f32`, an input
    /// the framework gives no gradient for whose true gradient is zero).
    pub notes: Vec<String>,
}

impl GradientReport {
    /// A report with every input passing, to be filled in: `names` (missing
    /// ones become `"input N"`) and `shapes` of the inputs.
    pub fn new(
        framework: impl Into<String>,
        name: impl Into<String>,
        dtype: Dtype,
        seed: u64,
        names: &[String],
        shapes: &[Vec<usize>],
    ) -> GradientReport {
        let inputs = shapes
            .iter()
            .enumerate()
            .map(|(index, shape)| InputResult {
                index,
                name: names
                    .get(index)
                    .cloned()
                    .unwrap_or_else(|| format!("input {index}")),
                shape: shape.clone(),
                gradient_shape: None,
                status: Status::Pass,
                message: String::new(),
            })
            .collect();
        let name = name.into();
        GradientReport {
            framework: framework.into(),
            name: if name.is_empty() {
                "function".into()
            } else {
                name
            },
            dtype,
            oracle: Dtype::F64,
            layout: None,
            seed,
            mode: None,
            status: Status::Pass,
            message: "pass".into(),
            inputs,
            gradcheck: None,
            notes: Vec::new(),
        }
    }

    /// The inputs' names, in order.
    pub fn input_names(&self) -> Vec<String> {
        self.inputs.iter().map(|i| i.name.clone()).collect()
    }

    /// Whether the gradient is acceptable for every input (pass or kink).
    pub fn passed(&self) -> bool {
        self.status.is_ok()
    }

    /// The result for input `index`.
    pub fn input(&self, index: usize) -> Option<&InputResult> {
        self.inputs.get(index)
    }

    /// Set the overall status and message from the inputs' (the most
    /// severe input speaks for the check; the first on a tie).
    pub fn summarise(&mut self) {
        let worst = self
            .inputs
            .iter()
            .max_by_key(|i| (i.status, std::cmp::Reverse(i.index)));
        match worst {
            Some(w) if w.status != Status::Pass => {
                self.status = w.status;
                self.message = format!("{}: {}", w.name, w.message);
            }
            _ => {
                self.status = Status::Pass;
                self.message = "pass".into();
            }
        }
    }

    /// The report of a check that stopped at a failure with no gradient to
    /// compare (a backward error, a gradient shape the backward pass itself
    /// rejected): every input gets `status` and `message`.
    pub fn stopped(mut self, status: Status, message: impl Into<String>) -> GradientReport {
        self.status = status;
        self.message = message.into();
        for input in &mut self.inputs {
            input.status = status;
            input.message.clone_from(&self.message);
            input.gradient_shape = None;
        }
        self
    }

    /// The report of a check that stopped at a panic (caught) in `phase`.
    pub fn panicked(self, phase: Phase, message: &str) -> GradientReport {
        let text = format!("{} panicked in {phase}: {message}", self.framework);
        self.stopped(Status::Panic, text)
    }

    /// Where a failing check puts the blame in a report: the worst element
    /// of the numerical comparison, with both values; `None` when the check
    /// passed or made no comparison.
    pub fn worst_location(&self) -> Option<Location> {
        if self.status.is_ok() {
            return None;
        }
        let (input, e) = self.gradcheck.as_ref()?.worst()?;
        let name = self.inputs.get(input).map(|i| i.name.clone());
        let mut at = Location::new(name.unwrap_or_default(), e.index.clone())
            .with_values(e.analytic, e.numeric);
        at.output_index = e.output_index.clone();
        at.input_value = e.input_value;
        Some(at)
    }
}

impl GradientReport {
    /// The worst elements of the numerical comparison, worst first, under
    /// the inputs' names ([`WorstElement::of`]): what a report tabulates
    /// under a failing check (`CheckResult::with_worst_elements`). Empty
    /// when the check passed or made no comparison.
    pub fn worst_elements(&self) -> Vec<WorstElement> {
        if self.status.is_ok() {
            return Vec::new();
        }
        self.gradcheck.as_ref().map_or_else(Vec::new, |g| {
            WorstElement::of(&g.clone().with_input_names(&self.input_names()))
        })
    }
}

impl fmt::Display for GradientReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mode = self
            .mode
            .map(|m| format!("{m:?}").to_lowercase())
            .unwrap_or_else(|| "no comparison".into());
        let layout = self
            .layout
            .as_deref()
            .map(|l| format!("{l}, "))
            .unwrap_or_default();
        writeln!(
            f,
            "{} [{}, oracle {}, {layout}{mode}, seed {}]: {}",
            self.name, self.dtype, self.oracle, self.seed, self.status
        )?;
        for input in &self.inputs {
            if input.message.is_empty() {
                writeln!(f, "  {} {:?}: {}", input.name, input.shape, input.status)?;
            } else {
                writeln!(
                    f,
                    "  {} {:?}: {} — {}",
                    input.name, input.shape, input.status, input.message
                )?;
            }
        }
        for note in &self.notes {
            writeln!(f, "  note: {note}")?;
        }
        if !self.status.is_ok()
            && let Some(g) = &self.gradcheck
        {
            write!(f, "{g}")?;
        }
        Ok(())
    }
}
