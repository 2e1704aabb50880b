//! Running the catalog: every case in one float type per process, the
//! results as report checks, known findings, progress.

use std::time::Instant;

use backprop_gradcheck::Dtype;
use backprop_report::CheckResult;
use serde::Serialize;

use super::catalog;
use super::confirm::{Confirmation, ForwardCheck, confirm, forward_check};
use super::findings::{Finding, claim};
use crate::{BurnReport, CheckOptions};

/// What to audit.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AuditOptions {
    /// Seed of every random input, upstream gradient and direction.
    pub seed: u64,
    /// Only checks whose name contains this text (case-insensitive).
    pub filter: Option<String>,
}

impl AuditOptions {
    /// Whether the check named `name` is selected.
    pub fn selects(&self, name: &str) -> bool {
        self.filter
            .as_deref()
            .is_none_or(|f| name.to_lowercase().contains(&f.to_lowercase()))
    }
}

/// How one check came out.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Outcome {
    /// The gradient check ran.
    Checked {
        /// Its report.
        report: Box<BurnReport>,
    },
    /// The audit could not run the case (a mistake in the catalog).
    NotRun {
        /// Why.
        reason: String,
    },
}

/// One check of the audit: a case in one float type.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CaseResult {
    /// `burn-tensor` or `burn-nn`.
    pub package: &'static str,
    /// The function as called (the report's rule): `module::conv2d`.
    pub function: String,
    /// The check's name: call, configuration, shapes, type.
    pub name: String,
    /// The type checked.
    pub dtype: Dtype,
    /// What happened.
    pub outcome: Outcome,
    /// burn's forward pass against the naive loop's (at the precision of
    /// the check's oracle), when the case has a naive reference; a
    /// disagreement fails the check.
    pub forward: Option<ForwardCheck>,
    /// For an `f64` forward in lower precision: burn's forward against the
    /// naive loop's at `f64` precision.
    pub precision: Option<ForwardCheck>,
    /// For a failure with a naive reference: what the naive loop says.
    pub confirmation: Option<Confirmation>,
    /// Wall time of the check.
    pub seconds: f64,
}

/// The function part of a case name: `module::conv2d` of
/// `module::conv2d(padding=1, ...) x=[...]`.
pub fn function_of(name: &str) -> &str {
    let end = name.find(['(', ' ', '[']).unwrap_or(name.len());
    &name[..end]
}

/// The crate a case's function belongs to.
pub fn package_of(name: &str) -> &'static str {
    if name.starts_with("nn::") {
        "burn-nn"
    } else {
        "burn-tensor"
    }
}

/// Run every selected case of the catalog in `dtype`, in this process,
/// calling `emit` with each result as it is ready.
///
/// Run it where [`device()`](crate::device)'s default float type is `dtype`
/// ([`configure_device`](crate::configure_device)), as a burn user
/// computing in that type would: the binary runs one process per type.
pub fn run_dtype(options: &AuditOptions, dtype: Dtype, emit: &mut dyn FnMut(CaseResult)) {
    for case in catalog(options.seed) {
        let name = case.qualified_name(dtype);
        if !options.selects(&name) {
            continue;
        }
        let start = Instant::now();
        let mut check = CheckOptions::default();
        check.gradcheck.seed = backprop_gradcheck::entry_seed(options.seed, &case.name);
        let outcome = match case.check(dtype, &check) {
            Ok(report) => Outcome::Checked {
                report: Box::new(report),
            },
            Err(e) => Outcome::NotRun {
                reason: format!("the audit could not run this case: {e}"),
            },
        };
        let (mut forward, mut precision, mut confirmation) = (None, None, None);
        if let (Some(reference), Outcome::Checked { report }) = (&case.reference, &outcome) {
            forward = forward_check(&case, reference, dtype, report.oracle.min(dtype)).ok();
            if report.forward.is_some() && dtype == Dtype::F64 {
                precision = forward_check(&case, reference, Dtype::F64, Dtype::F64).ok();
            }
            if !report.status.is_ok() || forward.as_ref().is_some_and(|f| !f.agrees) {
                confirmation = Some(confirm(&case, reference, report));
            }
        }
        emit(CaseResult {
            package: package_of(&case.name),
            function: function_of(&case.name).to_string(),
            name,
            dtype,
            outcome,
            forward,
            precision,
            confirmation,
            seconds: start.elapsed().as_secs_f64(),
        });
    }
}

/// The whole audit, as report checks.
#[derive(Clone, Debug)]
pub struct Audit {
    /// The options it ran with.
    pub options: AuditOptions,
    /// Every check, in catalog order, known findings claimed.
    pub checks: Vec<CheckResult>,
    /// The known findings whose checks ran (all of them without a filter).
    pub findings: Vec<Finding>,
    /// Wall time.
    pub seconds: f64,
}

impl Audit {
    /// The audit of `checks` (in any order: they are put in catalog order,
    /// `f64` before `f32`), each claimed by the known finding whose
    /// pattern matches it best.
    pub fn new(
        options: &AuditOptions,
        mut checks: Vec<CheckResult>,
        all: Vec<Finding>,
        seconds: f64,
    ) -> Audit {
        let order: Vec<String> = catalog(options.seed).into_iter().map(|c| c.name).collect();
        let rank = |c: &CheckResult| {
            let case = order.iter().position(|n| c.name.starts_with(n.as_str()));
            let dtype = c.dtype.as_deref() == Some("f32");
            (case.unwrap_or(usize::MAX), dtype, c.name.clone())
        };
        checks.sort_by_cached_key(rank);
        for c in &mut checks {
            c.known = claim(&all, &c.name).map(|f| f.advisory.id.clone());
        }
        // Without a filter every finding must be reproduced by some check (a
        // finding no check claims fails the run as not checked); under a
        // filter only those whose checks ran are listed.
        let findings = all
            .into_iter()
            .filter(|f| {
                options.filter.is_none()
                    || checks
                        .iter()
                        .any(|c| c.known.as_deref() == Some(f.advisory.id.as_str()))
            })
            .collect();
        Audit {
            options: options.clone(),
            checks,
            findings,
            seconds,
        }
    }
}
