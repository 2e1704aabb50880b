//! The verification report and its four renderings: `report.json`,
//! `junit.xml`, `report.md` and a self-contained `report.html`.
//!
//! Moved out of `xtask` so any crate can publish the same report.

mod chart;
mod html;
mod junit;
mod markdown;

use std::fs;
use std::io;
use std::path::Path;

use serde::Serialize;

/// Outcome of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Matched within tolerance.
    Pass,
    /// Did not match.
    Fail,
    /// At a point where the derivative jumps: reported, not failed.
    Kink,
    /// A NaN or infinity where a finite number was expected.
    NonFinite,
}

impl Status {
    /// Whether this status lets the run succeed.
    pub fn is_ok(self) -> bool {
        matches!(self, Status::Pass | Status::Kink)
    }

    /// Lower-case label as used in every output.
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Kink => "kink",
            Status::NonFinite => "non-finite",
        }
    }
}

/// A replayed notebook cell compared with its committed snapshot.
#[derive(Clone, Debug, Serialize)]
pub struct CellResult {
    /// The cell's number, as in `In [8]:`.
    pub number: u32,
    /// What the cell shows.
    pub title: String,
    /// Pass when the replay equals the snapshot byte for byte.
    pub status: Status,
    /// The replay's output.
    pub output: String,
    /// Expected-versus-actual line diff when they differ.
    pub diff: Option<String>,
    /// The circuit diagram (SVG) of the cell's graph, for gradient cells.
    #[serde(skip)]
    pub diagram_svg: Option<String>,
}

/// One numerical check (a catalog entry or a cross-check).
#[derive(Clone, Debug, Serialize)]
pub struct CheckResult {
    /// Which group it belongs to (`gates`, `tensor`, `cross-check`, ...).
    pub suite: String,
    /// The check's name, unique within its suite (the rule plus its type).
    pub name: String,
    /// The rule or function checked (several checks share it, one per type).
    pub rule: String,
    /// The float type the rule computed in, if it is a typed check.
    pub dtype: Option<String>,
    /// Its outcome.
    pub status: Status,
    /// CS231n relative error of the worst element, if computed.
    pub worst_rel_error: Option<f64>,
    /// One line saying what was found (the worst element on failure).
    pub message: String,
    /// Every figure the checker reported, as it serialised them.
    pub details: serde_json::Value,
}

/// Counts over every cell and check.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// Cells plus checks.
    pub total: usize,
    /// Passed.
    pub passed: usize,
    /// Failed (including non-finite).
    pub failed: usize,
    /// Reported as kinks.
    pub kinks: usize,
    /// Non-finite (also counted in `failed`).
    pub non_finite: usize,
    /// Per float type, the check with the largest relative error.
    pub worst: Vec<WorstError>,
    /// Wall time of the run in seconds.
    pub seconds: f64,
}

/// The largest relative error among the checks of one float type.
#[derive(Clone, Debug, Serialize)]
pub struct WorstError {
    /// `f64` or `f32`.
    pub dtype: String,
    /// `suite/name` of the check.
    pub check: String,
    /// Its CS231n relative error.
    pub rel_error: f64,
}

/// Everything one `cargo xtask verify` run found.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The seed that reproduces this run.
    pub seed: u64,
    /// The `--filter` in effect, if any.
    pub filter: Option<String>,
    /// Totals.
    pub summary: Summary,
    /// The notebook cells.
    pub notebook: Vec<CellResult>,
    /// The numerical checks.
    pub checks: Vec<CheckResult>,
}

impl Report {
    /// Computes the summary from the cells and checks.
    pub fn summarize(&mut self, seconds: f64) {
        let statuses = self
            .notebook
            .iter()
            .map(|c| c.status)
            .chain(self.checks.iter().map(|c| c.status));
        let mut s = Summary {
            seconds,
            ..Summary::default()
        };
        for status in statuses {
            s.total += 1;
            match status {
                Status::Pass => s.passed += 1,
                Status::Kink => s.kinks += 1,
                Status::Fail => s.failed += 1,
                Status::NonFinite => {
                    s.failed += 1;
                    s.non_finite += 1;
                }
            }
        }
        for c in &self.checks {
            let (Some(dtype), Some(e)) = (&c.dtype, c.worst_rel_error) else {
                continue;
            };
            if !e.is_finite() {
                continue;
            }
            match s.worst.iter_mut().find(|w| &w.dtype == dtype) {
                Some(w) if w.rel_error >= e => {}
                Some(w) => {
                    *w = WorstError {
                        dtype: dtype.clone(),
                        check: c.qualified_name(),
                        rel_error: e,
                    }
                }
                None => s.worst.push(WorstError {
                    dtype: dtype.clone(),
                    check: c.qualified_name(),
                    rel_error: e,
                }),
            }
        }
        self.summary = s;
    }

    /// Whether every cell and check passed (kinks included).
    pub fn all_ok(&self) -> bool {
        self.notebook.iter().all(|c| c.status.is_ok())
            && self.checks.iter().all(|c| c.status.is_ok())
    }
}

impl CheckResult {
    /// `suite/name`.
    pub fn qualified_name(&self) -> String {
        format!("{}/{}", self.suite, self.name)
    }
}

/// Writes `report.json`, `junit.xml`, `report.md` and `report.html` into
/// `dir`, creating it if needed.
pub fn write_all(dir: &Path, report: &Report) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    let json = serde_json::to_string_pretty(report).map_err(io::Error::other)?;
    fs::write(dir.join("report.json"), json + "\n")?;
    fs::write(dir.join("junit.xml"), junit::render(report)?)?;
    fs::write(dir.join("report.md"), markdown::render(report))?;
    fs::write(dir.join("report.html"), html::render(report))?;
    Ok(())
}

/// `f64 2.1e-8 (gates/exp [f64]), f32 3.7e-3 (...)`, or `-`.
pub fn format_worst(worst: &[WorstError]) -> String {
    if worst.is_empty() {
        return "-".into();
    }
    let parts: Vec<String> = worst
        .iter()
        .map(|w| {
            format!(
                "{} {} ({})",
                w.dtype,
                format_error(Some(w.rel_error)),
                w.check
            )
        })
        .collect();
    parts.join(", ")
}

/// Formats a relative error for people: `3.2e-11`, or `-` when absent.
pub fn format_error(e: Option<f64>) -> String {
    match e {
        Some(0.0) => "0".into(),
        Some(e) => format!("{e:.1e}"),
        None => "-".into(),
    }
}

#[cfg(test)]
mod tests;
