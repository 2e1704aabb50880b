//! The audit as a `backprop-report` report: `report.json`, `junit.xml`,
//! `report.md` and `report.html`.

use backprop_report::{CheckResult, KnownFinding, Location, Report, Status as ReportStatus};

use super::run::{Audit, CaseResult, Outcome};
use crate::{CANDLE_VERSION, CandleReport, Status};

/// The report status of a check's status.
pub fn report_status(status: Status) -> ReportStatus {
    match status {
        Status::Pass => ReportStatus::Pass,
        Status::Kink => ReportStatus::Kink,
        Status::NonFinite => ReportStatus::NonFinite,
        Status::WrongValue => ReportStatus::Fail,
        Status::SilentZero => ReportStatus::SilentZero,
        Status::MissingGradient => ReportStatus::MissingGradient,
        Status::WrongShape => ReportStatus::WrongShape,
        Status::BackwardError => ReportStatus::BackwardError,
        Status::Panic => ReportStatus::Panic,
    }
}

/// Where a check puts the blame: the worst element of the numerical
/// comparison, else the naive loop's gap.
fn location(result: &CaseResult, report: &CandleReport) -> Option<Location> {
    if report.status.is_ok() {
        return None;
    }
    let from_gradcheck = report.gradcheck.as_ref().and_then(|g| {
        g.worst().map(|(input, e)| {
            let mut at = Location::new(
                report
                    .inputs
                    .get(input)
                    .map(|i| i.name.clone())
                    .unwrap_or_default(),
                e.index.clone(),
            )
            .with_values(e.analytic, e.numeric);
            at.output_index = e.output_index.clone();
            at.input_value = e.input_value;
            at
        })
    });
    from_gradcheck.or_else(|| {
        let gap = result.confirmation.as_ref()?.gap.as_ref()?;
        let at = Location::new(gap.input.clone(), gap.index.clone());
        Some(match gap.candle {
            Some(c) => at.with_values(c, gap.naive),
            None => at,
        })
    })
}

impl CaseResult {
    /// This check as a report entry (suite = the package).
    pub fn to_check_result(&self) -> CheckResult {
        let message = self.message();
        let (status, rel, location) = match &self.outcome {
            Outcome::Checked { report } => {
                let rel = report.gradcheck.as_ref().map(|g| g.max_rel_error());
                let status = match self.forward.as_ref().filter(|f| !f.agrees) {
                    Some(f) => {
                        let at =
                            Location::new("out", f.index.clone()).with_values(f.candle, f.naive);
                        return self.finish(ReportStatus::Fail, message, rel, Some(at));
                    }
                    None => report_status(report.status),
                };
                (status, rel, location(self, report))
            }
            Outcome::Skipped { .. } => (ReportStatus::Skipped, None, None),
            Outcome::NotRun { .. } => (ReportStatus::Fail, None, None),
        };
        self.finish(status, message, rel, location)
    }

    fn finish(
        &self,
        status: ReportStatus,
        message: String,
        rel: Option<f64>,
        location: Option<Location>,
    ) -> CheckResult {
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
        let mut check = CheckResult::new(self.package, self.name.clone(), status, message)
            .with_rule(self.function)
            .with_dtype(self.dtype.name())
            .with_details(details.unwrap_or_default());
        if let Some(rel) = rel {
            check = check.with_rel_error(rel);
        }
        if let Some(at) = location {
            check = check.with_location(at);
        }
        if let Some(id) = &self.known {
            check = check.known_as(id.clone());
        }
        check
    }
}

/// The CPU model, for the report's properties.
fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string())
}

impl Audit {
    /// The report of the audit, with every check, the known findings whose
    /// checks ran, and the run's facts.
    pub fn to_report(&self) -> Report {
        let mut report = Report::new("candle gradient audit")
            .with_seed(self.options.seed)
            .with_filter(self.options.filter.clone())
            .with_property("candle-core", CANDLE_VERSION)
            .with_property("candle-nn", CANDLE_VERSION)
            .with_property("device", "cpu")
            .with_property(
                "oracle",
                "central differences of candle's forward in f64 (f32 where candle has no f64)",
            )
            .with_property("cpu", cpu_model())
            .with_seconds(self.seconds)
            .with_known_findings(
                self.findings
                    .iter()
                    .map(|f| {
                        KnownFinding::new(f.advisory.id.clone(), f.advisory.title.clone())
                            .with_reference(f.path())
                    })
                    .collect(),
            );
        for r in &self.results {
            report.push(r.to_check_result());
        }
        report
    }

    /// The verdict: no new failure and every known finding reproduced.
    pub fn passed(&self) -> bool {
        self.to_report().passed()
    }
}
