//! A check of the audit as a `backprop-report` entry, and the audit's
//! report (`report.json`, `junit.xml`, `report.md`, `report.html`).

use backprop_audit::{Audit, CaseEntry, checked_verdict};
use backprop_report::{CheckResult, Location, Report, Status as ReportStatus};

use super::run::{CaseResult, Outcome};
use crate::{CANDLE_VERSION, CandleReport};

/// Where a check puts the blame: the worst element of the numerical
/// comparison, else the naive loop's gap.
fn location(result: &CaseResult, report: &CandleReport) -> Option<Location> {
    if report.status.is_ok() {
        return None;
    }
    report.worst_location().or_else(|| {
        let gap = result.confirmation.as_ref()?.gap.as_ref()?;
        let at = Location::new(gap.input.clone(), gap.index.clone());
        Some(match gap.framework {
            Some(c) => at.with_values(c, gap.naive),
            None => at,
        })
    })
}

impl CaseResult {
    /// This check as a report entry: suite = the package, rule = the
    /// function, name = the check's name, the whole result as details.
    pub fn to_check_result(&self) -> CheckResult {
        let message = self.message();
        let (status, rel, location) = match &self.outcome {
            Outcome::Checked { report } => {
                checked_verdict(report, self.forward.as_ref(), location(self, report))
            }
            Outcome::Skipped { .. } => (ReportStatus::Skipped, None, None),
            Outcome::NotRun { .. } => (ReportStatus::Fail, None, None),
        };
        // Every figure for a failure; for a pass the verdicts without the
        // numerical comparison's element lists (they would make the report
        // tens of megabytes).
        let details = if status.is_ok() {
            let mut lean = self.clone();
            if let Outcome::Checked { report } = &mut lean.outcome {
                report.gradcheck = None;
            }
            serde_json::to_value(&lean)
        } else {
            serde_json::to_value(self)
        };
        CaseEntry {
            package: self.package,
            name: &self.name,
            function: self.function,
            dtype: self.dtype,
            status,
            message,
            rel,
            location,
            worst: match &self.outcome {
                Outcome::Checked { report } => report.worst_elements(),
                _ => Vec::new(),
            },
            details: details.unwrap_or_default(),
        }
        .into_check()
    }
}

/// The report of a candle audit: every check, the known findings, the
/// candle version, device, oracle and CPU.
pub fn audit_report(audit: &Audit) -> Report {
    audit.to_report(
        "candle gradient audit",
        &[
            ("candle-core", CANDLE_VERSION),
            ("candle-nn", CANDLE_VERSION),
            ("device", "cpu"),
            (
                "oracle",
                "central differences of candle's forward in f64 (f32 where candle has no f64)",
            ),
        ],
    )
}
