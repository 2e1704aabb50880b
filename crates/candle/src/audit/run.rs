//! Running one case of the catalog in one dtype (the adapter's half of
//! [`AuditCase`]), and the whole audit through `backprop-audit`.

use std::time::Instant;

use backprop_audit::{
    Audit, AuditCase, AuditOptions, Confirmation, FindingError, ForwardCheck, Progress,
    case_message, confirm, forward_at, forward_check, gradients_at,
};
use backprop_gradcheck::Dtype;
use backprop_report::CheckResult;
use serde::Serialize;

use super::case::Case;
use super::catalog::catalog;
use super::findings::known_findings;
use crate::check::{Candle, candle_dtype, describe_fault};
use crate::{CandleReport, CheckError, CheckOptions, Status, check};

/// How one check came out.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Outcome {
    /// The gradient check ran.
    Checked {
        /// Its report.
        report: Box<CandleReport>,
    },
    /// Not run: candle has no version of the op in this dtype (the other
    /// dtype is checked instead).
    Skipped {
        /// Why.
        reason: String,
    },
    /// The audit could not run the case (a mistake in the catalog).
    NotRun {
        /// Why.
        reason: String,
    },
}

/// One check of the audit in full: a case in one dtype, with candle's
/// report and the naive loop's word on it. Its report entry
/// ([`to_check_result`](CaseResult::to_check_result)) carries it as
/// details.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CaseResult {
    /// `candle-core` or `candle-nn`.
    pub package: &'static str,
    /// The function as called (the report's rule).
    pub function: &'static str,
    /// The check's name: call, shapes, layout, variant, dtype.
    pub name: String,
    /// The dtype checked.
    pub dtype: Dtype,
    /// What happened.
    pub outcome: Outcome,
    /// candle's forward pass against the naive loop's (in the layout and
    /// the oracle's dtype of the check), when the case has a naive
    /// reference; a disagreement fails the check.
    pub forward: Option<ForwardCheck>,
    /// For a failure with a naive reference: what the naive loop says.
    pub confirmation: Option<Confirmation>,
    /// Wall time of the check.
    pub seconds: f64,
}

impl CaseResult {
    /// The gradient check's status, when it ran.
    pub fn status(&self) -> Option<Status> {
        match &self.outcome {
            Outcome::Checked { report } => Some(report.status),
            Outcome::Skipped { .. } | Outcome::NotRun { .. } => None,
        }
    }

    /// Whether candle's forward pass disagrees with the naive loop.
    pub fn forward_disagrees(&self) -> bool {
        self.forward.as_ref().is_some_and(|f| !f.agrees)
    }

    /// Whether this check fails (before known findings are considered): a
    /// gradient that is not acceptable, a forward pass that disagrees with
    /// its definition, or a case the audit could not run.
    pub fn failed(&self) -> bool {
        match &self.outcome {
            Outcome::Checked { report } => !report.status.is_ok() || self.forward_disagrees(),
            Outcome::Skipped { .. } => false,
            Outcome::NotRun { .. } => true,
        }
    }

    /// One line saying what was found.
    pub fn message(&self) -> String {
        let message = match &self.outcome {
            Outcome::Checked { report } => report.message_with_notes(),
            Outcome::Skipped { reason } | Outcome::NotRun { reason } => reason.clone(),
        };
        case_message(
            "candle",
            message,
            self.forward.as_ref(),
            self.confirmation.as_ref(),
        )
    }
}

impl Case {
    /// Check candle's gradient of this case in `dtype` with the audit's
    /// `seed`, and confirm a failure by the naive loop.
    pub fn run(&self, dtype: Dtype, seed: u64) -> CaseResult {
        let start = Instant::now();
        let name = self.name(dtype);
        let values = self.values(seed);
        let mut options = CheckOptions {
            layout: self.layout,
            name: self.base_name(),
            input_names: self.input_names(),
            ..CheckOptions::default()
        };
        options.gradcheck.seed = backprop_gradcheck::entry_seed(seed, &name);
        options.gradcheck.mode = self.mode;
        let inputs: Result<Vec<_>, _> = values
            .iter()
            .map(|v| crate::from_array(v, candle_dtype(dtype)))
            .collect();
        let framework = Candle {
            f: &*self.f,
            layout: self.layout,
        };
        let outcome = match inputs
            .map_err(CheckError::from)
            .and_then(|inputs| check(&*self.f, &inputs, &options))
        {
            Ok(report) => Outcome::Checked {
                report: Box::new(report),
            },
            Err(CheckError::Forward {
                dtype: Dtype::F64,
                message,
            }) if dtype == Dtype::F64 && forward_at(&framework, &values, Dtype::F32).is_ok() => {
                Outcome::Skipped {
                    reason: format!(
                        "candle has no f64 version of this call ({message}); it is checked in f32 against an f32 oracle"
                    ),
                }
            }
            Err(e) => Outcome::NotRun {
                reason: format!("the audit could not run this case: {e}"),
            },
        };
        let mut forward = None;
        let mut confirmation = None;
        if let (Some(reference), Outcome::Checked { report }) = (&self.reference, &outcome) {
            let candle_out =
                || forward_at(&framework, &values, report.oracle).map_err(|f| describe_fault(&f));
            forward = candle_out()
                .and_then(|out| forward_check(&out, &(reference.forward)(&values), report.oracle))
                .ok();
            if !report.status.is_ok() || forward.as_ref().is_some_and(|f| !f.agrees) {
                let gradients = gradients_at(&framework, &values, report.dtype, report.seed)
                    .map_err(|f| describe_fault(&f));
                confirmation = Some(confirm(report, reference, &values, candle_out(), gradients));
            }
        }
        CaseResult {
            package: self.package.name(),
            function: self.function,
            name,
            dtype,
            outcome,
            forward,
            confirmation,
            seconds: start.elapsed().as_secs_f64(),
        }
    }
}

impl AuditCase for Case {
    fn function(&self) -> &str {
        self.function
    }

    fn name(&self, dtype: Dtype) -> String {
        Case::name(self, dtype)
    }

    fn dtypes(&self) -> Vec<Dtype> {
        self.dtypes.clone()
    }

    fn check(&self, dtype: Dtype, seed: u64) -> CheckResult {
        self.run(dtype, seed).to_check_result()
    }
}

/// Run the audit: every selected case of the [`catalog`] in f64 and f32,
/// grouped by function, reporting progress after each function, each check
/// claimed by the known finding it reproduces.
///
/// # Errors
///
/// A finding file that cannot be read.
pub fn run_audit(
    options: &AuditOptions,
    progress: &mut dyn FnMut(&Progress<'_>),
) -> Result<Audit, FindingError> {
    Ok(Audit::run(&catalog(), options, known_findings()?, progress))
}
