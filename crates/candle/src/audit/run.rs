//! Running the catalog: every case in f64 and f32, confirmation of
//! failures, known findings, progress.

use std::time::Instant;

use backprop_gradcheck::Dtype;
use candle_core::DType;
use serde::Serialize;

use super::case::{Case, Package};
use super::catalog::catalog;
use super::confirm::{Confirmation, ForwardCheck, confirm, forward_check};
use super::findings::{Finding, FindingError, claim, known_findings};
use crate::check::candle_forward;
use crate::{CandleReport, CheckError, CheckOptions, Status, check};

/// What to audit.
#[derive(Clone, Debug, Default)]
pub struct AuditOptions {
    /// Seed of every random input, upstream gradient and direction.
    pub seed: u64,
    /// Only checks whose name contains this text (case-insensitive).
    pub filter: Option<String>,
}

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

/// One check of the audit: a case in one dtype.
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
    /// The id of the known finding it reproduces, if any.
    pub known: Option<String>,
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
        let mut message = match &self.outcome {
            Outcome::Checked { report } => {
                let mut m = report.message.clone();
                for note in &report.notes {
                    m.push_str(" | ");
                    m.push_str(note);
                }
                m
            }
            Outcome::Skipped { reason } | Outcome::NotRun { reason } => reason.clone(),
        };
        if let Some(f) = self.forward.as_ref().filter(|f| !f.agrees) {
            message = format!("{} | gradient check: {message}", f.describe());
        }
        if let Some(c) = &self.confirmation {
            message.push_str(" | ");
            message.push_str(&c.summary);
        }
        message
    }
}

/// Progress, once per function of the catalog.
#[derive(Clone, Debug)]
pub struct Progress<'a> {
    /// The function just audited.
    pub function: &'a str,
    /// Its position among the functions, from 1.
    pub index: usize,
    /// How many functions there are.
    pub functions: usize,
    /// Its checks.
    pub results: &'a [CaseResult],
}

/// The whole audit.
#[derive(Clone, Debug)]
pub struct Audit {
    /// The options it ran with.
    pub options: AuditOptions,
    /// Every check, in catalog order.
    pub results: Vec<CaseResult>,
    /// The known findings whose checks ran.
    pub findings: Vec<Finding>,
    /// Wall time.
    pub seconds: f64,
}

/// The cases a filter selects (on the case name of either dtype).
fn selected(case: &Case, filter: Option<&str>) -> bool {
    match filter {
        None => true,
        Some(f) => {
            let f = f.to_lowercase();
            Dtype::ALL
                .iter()
                .any(|&d| case.name(d).to_lowercase().contains(&f))
        }
    }
}

/// Run one case in one dtype.
fn run_case(case: &Case, dtype: Dtype, seed: u64) -> CaseResult {
    let start = Instant::now();
    let name = case.name(dtype);
    let values = case.values(seed);
    let candle_dtype = match dtype {
        Dtype::F64 => DType::F64,
        Dtype::F32 => DType::F32,
    };
    let mut options = CheckOptions {
        layout: case.layout,
        name: case.base_name(),
        input_names: case.input_names(),
        ..CheckOptions::default()
    };
    options.gradcheck.seed = backprop_gradcheck::entry_seed(seed, &name);
    options.gradcheck.mode = case.mode;
    let inputs: Result<Vec<_>, _> = values
        .iter()
        .map(|v| crate::from_array(v, candle_dtype))
        .collect();
    let outcome = match inputs
        .map_err(CheckError::from)
        .and_then(|inputs| check(&*case.f, &inputs, &options))
    {
        Ok(report) => Outcome::Checked {
            report: Box::new(report),
        },
        Err(CheckError::Forward {
            dtype: "f64",
            message,
        }) if dtype == Dtype::F64
            && candle_forward(&*case.f, &values, DType::F32, case.layout).is_ok() =>
        {
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
    if let (Some(reference), Outcome::Checked { report }) = (&case.reference, &outcome) {
        forward = forward_check(case, reference, &values, report.oracle).ok();
        if !report.status.is_ok() || forward.as_ref().is_some_and(|f| !f.agrees) {
            confirmation = Some(confirm(case, reference, &values, report));
        }
    }
    CaseResult {
        package: case.package.name(),
        function: case.function,
        name,
        dtype,
        outcome,
        forward,
        confirmation,
        known: None,
        seconds: start.elapsed().as_secs_f64(),
    }
}

/// Run the audit: every selected case in f64 and f32, grouped by function,
/// reporting progress after each function.
///
/// # Errors
///
/// A finding file that cannot be read.
pub fn run_audit(
    options: &AuditOptions,
    progress: &mut dyn FnMut(&Progress<'_>),
) -> Result<Audit, FindingError> {
    let start = Instant::now();
    let all = known_findings()?;
    let cases: Vec<Case> = catalog()
        .into_iter()
        .filter(|c| selected(c, options.filter.as_deref()))
        .collect();
    // Functions in order of first appearance.
    let mut functions: Vec<(Package, &'static str)> = Vec::new();
    for c in &cases {
        if !functions.iter().any(|&(_, f)| f == c.function) {
            functions.push((c.package, c.function));
        }
    }
    let mut results = Vec::new();
    for (index, &(_, function)) in functions.iter().enumerate() {
        let first = results.len();
        for case in cases.iter().filter(|c| c.function == function) {
            for &dtype in &case.dtypes {
                let name = case.name(dtype);
                if options
                    .filter
                    .as_deref()
                    .is_some_and(|f| !name.to_lowercase().contains(&f.to_lowercase()))
                {
                    continue;
                }
                let mut result = run_case(case, dtype, options.seed);
                // A skipped check reproduces nothing (and would count as
                // not reproducing).
                if !matches!(result.outcome, Outcome::Skipped { .. }) {
                    result.known = claim(&all, &result.name).map(|f| f.advisory.id.clone());
                }
                results.push(result);
            }
        }
        progress(&Progress {
            function,
            index: index + 1,
            functions: functions.len(),
            results: &results[first..],
        });
    }
    // Without a filter every finding must be reproduced by some check (a
    // finding no check claims fails the run as not checked); under a filter
    // only those whose checks ran are listed.
    let findings = all
        .into_iter()
        .filter(|f| {
            options.filter.is_none()
                || results
                    .iter()
                    .any(|r| r.known.as_deref() == Some(f.advisory.id.as_str()))
        })
        .collect();
    Ok(Audit {
        options: options.clone(),
        results,
        findings,
        seconds: start.elapsed().as_secs_f64(),
    })
}
