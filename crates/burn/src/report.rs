//! The result of checking one burn function.

use std::fmt;

use backprop_gradcheck::{Dtype, Mode, Report};
use serde::Serialize;

use crate::{CheckOptions, Phase, Status};

/// The verdict on one input's gradient.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InputResult {
    /// Position of the input.
    pub index: usize,
    /// Its name.
    pub name: String,
    /// Its shape.
    pub shape: Vec<usize>,
    /// The shape of burn's gradient; `None` when burn gave no gradient or
    /// the backward pass failed.
    pub gradient_shape: Option<Vec<usize>>,
    /// How burn's gradient came out.
    pub status: Status,
    /// What is wrong, in one line; empty for a pass.
    pub message: String,
}

/// How burn's `f64` forward falls short of `f64`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ForwardPrecision {
    /// The relative rounding noise a quarter of the outputs exceed (see
    /// [`forward_noise`](crate::forward_noise)).
    pub noise: f64,
    /// The float type the forward returns, when it is not `f64`.
    pub returned: Option<String>,
    /// What was seen, in one line.
    pub message: String,
}

/// The result of [`check`](crate::check): burn's gradient of one function
/// against finite differences of its forward pass.
///
/// `Display` prints one line per input and, for anything wrong, the worst
/// few elements (never a whole tensor).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BurnReport {
    /// Name of the check.
    pub name: String,
    /// The float type burn computed the gradient in.
    pub dtype: Dtype,
    /// The precision of the forward pass the finite differences ran
    /// through: `f64`, or `f32` when burn's `f64` forward computes in lower
    /// precision (the notes say how that was seen).
    pub oracle: Dtype,
    /// Seed of the upstream gradient and random directions.
    pub seed: u64,
    /// Mode of the numerical comparison actually run; `None` when the check
    /// stopped before comparing (a panic).
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
    /// Set when burn's `f64` forward computes in lower precision than
    /// `f64` (the gradient is then judged at the precision it has).
    pub forward: Option<ForwardPrecision>,
    /// Remarks that are not failures (e.g. a lower-precision forward, an
    /// input burn gives no gradient for whose true gradient is zero).
    pub notes: Vec<String>,
}

impl BurnReport {
    /// A report with every input passing, to be filled in.
    pub(crate) fn new(
        name: String,
        dtype: Dtype,
        options: &CheckOptions,
        shapes: &[Vec<usize>],
    ) -> BurnReport {
        let inputs = shapes
            .iter()
            .enumerate()
            .map(|(index, shape)| InputResult {
                index,
                name: options
                    .input_names
                    .get(index)
                    .cloned()
                    .unwrap_or_else(|| format!("input {index}")),
                shape: shape.clone(),
                gradient_shape: None,
                status: Status::Pass,
                message: String::new(),
            })
            .collect();
        BurnReport {
            name,
            dtype,
            oracle: Dtype::F64,
            seed: options.gradcheck.seed,
            mode: None,
            status: Status::Pass,
            message: "pass".into(),
            inputs,
            gradcheck: None,
            forward: None,
            notes: Vec::new(),
        }
    }

    /// The inputs' names, in order.
    pub fn input_names(&self) -> Vec<String> {
        self.inputs.iter().map(|i| i.name.clone()).collect()
    }

    /// Whether burn's gradient is acceptable for every input (pass or
    /// kink).
    pub fn passed(&self) -> bool {
        self.status.is_ok()
    }

    /// The result for input `index`.
    pub fn input(&self, index: usize) -> Option<&InputResult> {
        self.inputs.get(index)
    }

    /// Set the overall status and message from the inputs' (the most
    /// severe input speaks for the check).
    pub(crate) fn summarise(&mut self) {
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

    /// A report for a check that stopped at a panic: every input gets it.
    pub(crate) fn panicked(mut self, phase: Phase, message: &str) -> BurnReport {
        self.status = Status::Panic;
        self.message = format!("burn panicked in {phase}: {message}");
        for input in &mut self.inputs {
            input.status = Status::Panic;
            input.message.clone_from(&self.message);
            input.gradient_shape = None;
        }
        self
    }
}

impl fmt::Display for BurnReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mode = self
            .mode
            .map(|m| format!("{m:?}").to_lowercase())
            .unwrap_or_else(|| "no comparison".into());
        writeln!(
            f,
            "{} [{}, oracle {}, {mode}, seed {}]: {}",
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
