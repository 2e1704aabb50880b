//! Running the catalog: every case in one float type per process, the
//! results as report checks, known findings, progress.

use std::time::Instant;

use backprop_gradcheck::Dtype;
use backprop_report::CheckResult;
use serde::Serialize;

use super::catalog;
use super::confirm::{confirm, forward_check};
use crate::{CheckOptions, ForwardPrecision};
use backprop_audit::{Audit, AuditOptions, Confirmation, Finding, ForwardCheck, GradientReport};

/// How one check came out.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Outcome {
    /// The gradient check ran.
    Checked {
        /// Its report.
        report: Box<GradientReport>,
        /// How burn's `f64` forward falls short of `f64`, when it does (a
        /// failing check of its own, `... [f64] forward precision`).
        low_precision: Option<ForwardPrecision>,
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
        if !options.selects(&name, dtype) {
            continue;
        }
        let start = Instant::now();
        let mut check = CheckOptions::default();
        check.gradcheck.seed = backprop_gradcheck::entry_seed(options.seed, &case.name);
        let outcome = match case.check(dtype, &check) {
            Ok((report, low_precision)) => Outcome::Checked {
                report: Box::new(report),
                low_precision,
            },
            Err(e) => Outcome::NotRun {
                reason: format!("the audit could not run this case: {e}"),
            },
        };
        let (mut forward, mut precision, mut confirmation) = (None, None, None);
        if let (
            Some(reference),
            Outcome::Checked {
                report,
                low_precision,
            },
        ) = (&case.reference, &outcome)
        {
            forward = forward_check(&case, reference, dtype, report.oracle.min(dtype)).ok();
            if low_precision.is_some() && dtype == Dtype::F64 {
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

/// The audit of `checks` run in the per-type processes (in any order: they
/// are put in catalog order, `f64` before `f32`), each claimed by the known
/// finding whose pattern matches it best ([`Audit::new`]).
pub fn collect_audit(
    options: &AuditOptions,
    mut checks: Vec<CheckResult>,
    findings: Vec<Finding>,
    seconds: f64,
) -> Audit {
    let order: Vec<String> = catalog(options.seed).into_iter().map(|c| c.name).collect();
    let rank = |c: &CheckResult| {
        let case = order.iter().position(|n| c.name.starts_with(n.as_str()));
        let dtype = c.dtype.as_deref() == Some("f32");
        (case.unwrap_or(usize::MAX), dtype, c.name.clone())
    };
    checks.sort_by_cached_key(rank);
    Audit::new(options, checks, findings, seconds)
}
