//! Counts over a report, the worst errors, and the verdict in words.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Outcome, Report, Reproduction};

/// Counts over every notebook cell and check, computed by
/// [`Report::summary`].
///
/// `passed + failed + kinks + skipped + known + not_reproduced == total`:
/// each cell and check is counted once, by its [`Outcome`].
///
/// ```
/// use backprop_report::{CheckResult, KnownFinding, Report, Status};
///
/// let report = Report::new("audit")
///     .with_known_findings(vec![KnownFinding::new("F-1", "conv1d: wrong gradient")]);
/// let mut report = report;
/// report.push(CheckResult::new("ops", "conv1d [f64]", Status::Fail, "wrong").known_as("F-1"));
/// report.push(CheckResult::new("ops", "exp [f64]", Status::Pass, "ok"));
/// report.push(CheckResult::new("ops", "erf [f32]", Status::SilentZero, "all zero"));
/// let s = report.summary();
/// assert_eq!((s.total, s.passed, s.known, s.failed), (3, 1, 1, 1));
/// assert_eq!(s.by_status["silent-zero"], 1);
/// assert!(!s.is_success());
/// assert_eq!(s.verdict(), "some checks failed");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Cells plus checks.
    pub total: usize,
    /// Passed.
    pub passed: usize,
    /// New failures of any kind (wrong value, non-finite, missing or zero
    /// gradient, wrong shape, backward error, panic).
    pub failed: usize,
    /// Reported as kinks.
    pub kinks: usize,
    /// New non-finite results (also counted in `failed`).
    pub non_finite: usize,
    /// Not run.
    pub skipped: usize,
    /// Known findings that still reproduce (not counted in `failed`).
    pub known: usize,
    /// Checks marked as a known finding that passed.
    pub not_reproduced: usize,
    /// Listed known findings that no check referred to.
    pub findings_not_checked: usize,
    /// Cells and checks per status label, known findings included (only
    /// statuses that occur).
    pub by_status: BTreeMap<String, usize>,
    /// Per float type, the check with the largest relative error.
    pub worst: Vec<WorstError>,
    /// Wall time of the run in seconds, if measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds: Option<f64>,
}

/// The largest relative error among the checks of one float type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorstError {
    /// `f64` or `f32`.
    pub dtype: String,
    /// `suite/name` of the check.
    pub check: String,
    /// Its CS231n relative error.
    pub rel_error: f64,
}

impl Summary {
    pub(crate) fn of(r: &Report) -> Summary {
        let mut s = Summary {
            seconds: r.seconds,
            ..Summary::default()
        };
        let outcomes = r
            .cells()
            .iter()
            .map(|c| (c.status, Outcome::of(c.status, false)))
            .chain(r.checks.iter().map(|c| (c.status, c.outcome())));
        for (status, outcome) in outcomes {
            s.total += 1;
            *s.by_status.entry(status.label().to_owned()).or_default() += 1;
            match outcome {
                Outcome::Passed => s.passed += 1,
                Outcome::Kink => s.kinks += 1,
                Outcome::Skipped => s.skipped += 1,
                Outcome::Known => s.known += 1,
                Outcome::NotReproduced => s.not_reproduced += 1,
                Outcome::Failed => {
                    s.failed += 1;
                    if status == crate::Status::NonFinite {
                        s.non_finite += 1;
                    }
                }
            }
        }
        s.findings_not_checked = r
            .finding_states()
            .iter()
            .filter(|f| f.reproduction() == Reproduction::NotChecked)
            .count();
        s.worst = worst_per_dtype(r);
        s
    }

    /// The verdict: no new failure, every check marked as a known finding
    /// still failing, and every listed known finding checked.
    pub fn is_success(&self) -> bool {
        self.failed == 0 && self.not_reproduced == 0 && self.findings_not_checked == 0
    }

    /// The verdict in words: `"all checks passed"`, `"no new findings;
    /// every known finding still reproduces"`, `"some checks failed"`, or
    /// what else went wrong.
    pub fn verdict(&self) -> String {
        if self.is_success() {
            return if self.known == 0 {
                "all checks passed".into()
            } else {
                "no new findings; every known finding still reproduces".into()
            };
        }
        let mut parts = Vec::new();
        if self.failed > 0 {
            parts.push("some checks failed".to_owned());
        }
        if self.not_reproduced > 0 {
            parts.push(format!(
                "{} known finding check(s) no longer reproduce",
                self.not_reproduced
            ));
        }
        if self.findings_not_checked > 0 {
            parts.push(format!(
                "{} known finding(s) not checked",
                self.findings_not_checked
            ));
        }
        parts.join("; ")
    }
}

fn worst_per_dtype(r: &Report) -> Vec<WorstError> {
    let mut worst: Vec<WorstError> = Vec::new();
    for c in &r.checks {
        let (Some(dtype), Some(e)) = (&c.dtype, c.worst_rel_error) else {
            continue;
        };
        if !e.is_finite() {
            continue;
        }
        match worst.iter_mut().find(|w| &w.dtype == dtype) {
            Some(w) if w.rel_error >= e => {}
            Some(w) => {
                w.check = c.qualified_name();
                w.rel_error = e;
            }
            None => worst.push(WorstError {
                dtype: dtype.clone(),
                check: c.qualified_name(),
                rel_error: e,
            }),
        }
    }
    worst
}
