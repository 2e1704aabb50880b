//! The result of checking one candle function.

use std::fmt;

use backprop_gradcheck::{Dtype, Mode, Report};
use ndarray::ArrayD;
use serde::Serialize;

use crate::{CheckOptions, InputLayout, Status};

/// The verdict on one input's gradient.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InputResult {
    /// Position of the input.
    pub index: usize,
    /// Its name.
    pub name: String,
    /// Its shape.
    pub shape: Vec<usize>,
    /// The shape of candle's gradient (of the storage tensor; for a
    /// transposed or strided layout it differs from `shape`); `None` when
    /// candle gave no gradient or the backward pass failed.
    pub gradient_shape: Option<Vec<usize>>,
    /// How candle's gradient came out.
    pub status: Status,
    /// What is wrong, in one line; empty for a pass.
    pub message: String,
}

/// The result of [`check`](crate::check): candle's gradient of one function
/// against finite differences of its forward pass.
///
/// `Display` prints one line per input and, for anything wrong, the worst
/// few elements (never a whole tensor).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CandleReport {
    /// Name of the check.
    pub name: String,
    /// The dtype candle computed the gradient in.
    pub dtype: Dtype,
    /// The dtype of the forward pass the finite differences ran through
    /// (`f64` unless candle lacks an `f64` version).
    pub oracle: Dtype,
    /// The inputs' memory layout.
    pub layout: InputLayout,
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
    /// candle gives no gradient for whose true gradient is zero).
    pub notes: Vec<String>,
}

impl CandleReport {
    /// A report with every input passing, to be filled in.
    pub(crate) fn new(
        name: String,
        dtype: Dtype,
        options: &CheckOptions,
        values: &[ArrayD<f64>],
    ) -> CandleReport {
        let inputs = values
            .iter()
            .enumerate()
            .map(|(index, v)| InputResult {
                index,
                name: options
                    .input_names
                    .get(index)
                    .cloned()
                    .unwrap_or_else(|| format!("input {index}")),
                shape: v.shape().to_vec(),
                gradient_shape: None,
                status: Status::Pass,
                message: String::new(),
            })
            .collect();
        CandleReport {
            name,
            dtype,
            oracle: Dtype::F64,
            layout: options.layout,
            seed: options.gradcheck.seed,
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

    /// Whether candle's gradient is acceptable for every input (pass or
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
}

impl fmt::Display for CandleReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mode = self
            .mode
            .map(|m| format!("{m:?}").to_lowercase())
            .unwrap_or_else(|| "no comparison".into());
        writeln!(
            f,
            "{} [{}, oracle {}, {}, {mode}, seed {}]: {}",
            self.name,
            self.dtype,
            self.oracle,
            self.layout.name(),
            self.seed,
            self.status
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
