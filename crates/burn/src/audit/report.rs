//! The audit as a `backprop-report` report: `report.json`, `junit.xml`,
//! `report.md` and `report.html`.

use backprop_audit::{Audit, CaseEntry, case_message, checked_verdict};
use backprop_gradcheck::Dtype;
use backprop_report::{CheckResult, Report, Status as ReportStatus};

use super::run::{CaseResult, Outcome};
use crate::BURN_VERSION;

/// The name of the check that burn's `f64` forward pass of a case really
/// computes in `f64`.
pub fn precision_check_name(case_name: &str) -> String {
    format!("{case_name} [f64] forward precision")
}

impl CaseResult {
    /// One line saying what was found: the verdict and every note.
    pub fn message(&self) -> String {
        let message = match &self.outcome {
            Outcome::Checked { report, .. } => report.message_with_notes(),
            Outcome::NotRun { reason } => reason.clone(),
        };
        case_message(
            "burn",
            message,
            self.forward.as_ref(),
            self.confirmation.as_ref(),
        )
    }

    /// Whether burn's forward pass disagrees with the naive loop.
    pub fn forward_disagrees(&self) -> bool {
        self.forward.as_ref().is_some_and(|f| !f.agrees)
    }

    /// This check as report entries (suite = the package): the gradient
    /// check, and for an `f64` forward that computes in lower precision, a
    /// second, failing check of the forward pass itself.
    pub fn to_check_results(&self) -> Vec<CheckResult> {
        let (status, rel, location) = match &self.outcome {
            Outcome::Checked { report, .. } => {
                checked_verdict(report, self.forward.as_ref(), report.worst_location())
            }
            Outcome::NotRun { .. } => (ReportStatus::Fail, None, None),
        };
        // Every figure for a failure; for a pass the verdicts without the
        // numerical comparison's element lists.
        let details = if status.is_ok() {
            let mut lean = self.clone();
            if let Outcome::Checked { report, .. } = &mut lean.outcome {
                report.gradcheck = None;
            }
            serde_json::to_value(&lean)
        } else {
            serde_json::to_value(self)
        };
        let check = CaseEntry {
            package: self.package,
            name: &self.name,
            function: &self.function,
            dtype: self.dtype,
            status,
            message: self.message(),
            rel,
            location,
            worst: match &self.outcome {
                Outcome::Checked { report, .. } => report.worst_elements(),
                _ => Vec::new(),
            },
            details: details.unwrap_or_default(),
        }
        .into_check();
        let mut checks = vec![check];
        if let Outcome::Checked {
            report,
            low_precision: Some(forward),
        } = &self.outcome
            && self.dtype == Dtype::F64
        {
            let case = self.name.strip_suffix(" [f64]").unwrap_or(&self.name);
            checks.push(
                CheckResult::new(
                    self.package,
                    precision_check_name(case),
                    ReportStatus::Fail,
                    format!(
                        "{}{}; the gradient, judged at that precision: {}",
                        forward.message,
                        self.precision
                            .as_ref()
                            .map(|p| format!(
                                "; against the f64 definition out{:?} is {:e}, not {:e} (relative difference {:.1e})",
                                p.index, p.framework, p.naive, p.error
                            ))
                            .unwrap_or_default(),
                        report.status
                    ),
                )
                .with_rule(self.function.clone())
                .with_dtype("f64")
                .with_rel_error(forward.noise)
                .with_details(serde_json::to_value(forward).unwrap_or_default()),
            );
        }
        checks
    }
}

/// The report of the audit: every check, the known findings whose checks
/// ran, and the run's facts (burn's versions, backend, oracle).
pub fn audit_report(audit: &Audit) -> Report {
    audit.to_report(
        "burn gradient audit",
        &[
            ("burn-tensor", BURN_VERSION),
            ("burn-nn", BURN_VERSION),
            ("backend", "ndarray (CPU), autodiff"),
            (
                "oracle",
                "central differences of burn's forward in f64 (f32 where burn's f64 forward is not f64)",
            ),
        ],
    )
}
