//! Gradient-check reports for people and CI: `report.json`, `junit.xml`,
//! `report.md` (a CI job summary) and a self-contained `report.html` with a
//! log-scale chart of the worst relative error per rule.
//!
//! The same report serves `cargo xtask verify` of the `backprop` project,
//! audits of other frameworks' autodiff, and any crate's own tests: a
//! [`Report`] is a list of [`CheckResult`]s, each with a free-text name
//! (`conv1d(padding=1, stride=1, dilation=1, groups=1) [f64]`), a
//! [`Status`] that says how a backward pass went wrong (a wrong value, a
//! non-finite value, a missing or silently zero gradient, a wrong shape, an
//! error from backward, a panic) and where ([`Location`]); known findings
//! ([`KnownFinding`]) are shown as known and counted apart, and the verdict
//! is "no new failure and every known finding still reproduces".
//!
//! # From a test: `BACKPROP_REPORT_DIR`
//!
//! ```
//! use backprop_gradcheck::{check_derivative, Options};
//!
//! // d/dx x·sin(x) = sin(x) + x·cos(x)
//! let f = |x: f64| x * x.sin();
//! let report = check_derivative(f, |x: f64| x.sin() + x * x.cos(), 0.8, &Options::default());
//! // Does nothing unless BACKPROP_REPORT_DIR is set; then the check joins
//! // the report folder, which is rendered again from every check recorded.
//! backprop_report::record("x·sin(x)", &report);
//! assert!(report.passed(), "{report}");
//! ```
//!
//! `BACKPROP_REPORT_DIR=$PWD/target/gradcheck cargo test` then leaves the
//! four files in `target/gradcheck/`, across every test thread and test
//! binary ([`record`] explains how, and what happens when the folder
//! cannot be written).
//!
//! # Building a report yourself
//!
//! ```
//! use backprop_report::{CheckResult, KnownFinding, Location, Report, Status};
//!
//! let mut report = Report::new("candle audit")
//!     .with_seed(0)
//!     .with_property("candle-core", "0.9.1")
//!     .with_known_findings(vec![KnownFinding::new("CANDLE-0001", "conv_transpose1d: wrong gradient")]);
//! report.push(
//!     CheckResult::new("candle", "conv_transpose1d(padding=0, stride=2) [f64]", Status::Fail, "wrong value")
//!         .with_location(Location::new("kernel", vec![0, 1, 2]).with_values(3.0, 2.5))
//!         .known_as("CANDLE-0001"),
//! );
//! report.push(CheckResult::new("candle", "exp [f64]", Status::Pass, "max rel 1e-12"));
//! assert!(report.passed(), "a known finding that reproduces does not fail the run");
//! let dir = tempfile::tempdir()?;
//! report.write_all(dir.path())?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod chart;
mod check;
mod error;
mod format;
mod gradcheck;
mod html;
mod json;
mod junit;
mod markdown;
mod record;
mod report;
mod status;
mod summary;
mod write;

pub use check::{CheckResult, Location, Source, WorstElement};
pub use error::ReportError;
pub use format::{format_error, format_message, format_shortest, format_significant, format_worst};
pub use gradcheck::ToCheckResult;
pub use record::{
    DEFAULT_TITLE, FRAGMENTS_DIR, REPORT_DIR_ENV, REPORT_TITLE_ENV, Recorder, record, record_check,
};
pub use report::{CellResult, FindingState, KnownFinding, Property, Report, Reproduction};
pub use status::{Outcome, Status};
pub use summary::{Summary, WorstError};
pub use write::REPORT_FILES;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeExamples;

#[cfg(test)]
mod tests;
