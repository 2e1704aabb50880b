//! One audited case as a report entry: what both adapters' case results
//! share (the verdict of the gradient check, the forward pass against the
//! naive loop, the confirmation) written once.

use backprop_gradcheck::Dtype;
use backprop_report::{CheckResult, Location, Status as ReportStatus, WorstElement};

use crate::{Confirmation, ForwardCheck, GradientReport};

/// A case's one-line message: `message` (the check's verdict and notes, or
/// why it did not run), after what the forward check found wrong, with
/// the confirmation's summary; the parts joined by ` | `.
///
/// ```
/// use backprop_audit::case_message;
///
/// assert_eq!(case_message("candle", "pass".into(), None, None), "pass");
/// ```
pub fn case_message(
    framework: &str,
    message: String,
    forward: Option<&ForwardCheck>,
    confirmation: Option<&Confirmation>,
) -> String {
    let mut message = match forward.filter(|f| !f.agrees) {
        Some(f) => format!("{} | gradient check: {message}", f.describe(framework)),
        None => message,
    };
    if let Some(c) = confirmation {
        message.push_str(" | ");
        message.push_str(&c.summary);
    }
    message
}

/// The status, largest relative error and location of a checked case: a
/// forward pass that disagrees with the naive loop fails the case at its
/// worst output element; otherwise the gradient check's verdict, at the
/// element `location` names.
pub fn checked_verdict(
    report: &GradientReport,
    forward: Option<&ForwardCheck>,
    location: Option<Location>,
) -> (ReportStatus, Option<f64>, Option<Location>) {
    let rel = report.headline_rel_error();
    match forward.filter(|f| !f.agrees) {
        Some(f) => {
            let at = Location::new("out", f.index.clone()).with_values(f.framework, f.naive);
            (ReportStatus::Fail, rel, Some(at))
        }
        None => (report.status.to_report(), rel, location),
    }
}

/// What a case's report entry is made of.
#[derive(Clone, Debug)]
pub struct CaseEntry<'a> {
    /// The framework's package (the entry's suite).
    pub package: &'a str,
    /// The check's name.
    pub name: &'a str,
    /// The function (the entry's rule).
    pub function: &'a str,
    /// The checked dtype.
    pub dtype: Dtype,
    /// The status.
    pub status: ReportStatus,
    /// The one-line message.
    pub message: String,
    /// The largest relative error, when there was a comparison.
    pub rel: Option<f64>,
    /// The worst element, for a failure.
    pub location: Option<Location>,
    /// The worst elements of a failing comparison, for the reports' table
    /// ([`GradientReport::worst_elements`]).
    pub worst: Vec<WorstElement>,
    /// The case's own record, as JSON.
    pub details: serde_json::Value,
}

impl CaseEntry<'_> {
    /// The report entry.
    ///
    /// ```
    /// use backprop_audit::CaseEntry;
    /// use backprop_gradcheck::Dtype;
    /// use backprop_report::Status;
    ///
    /// let check = CaseEntry {
    ///     package: "candle-core",
    ///     name: "exp x[3] [f64]",
    ///     function: "exp",
    ///     dtype: Dtype::F64,
    ///     status: Status::Pass,
    ///     message: "pass".into(),
    ///     rel: Some(1e-9),
    ///     location: None,
    ///     worst: Vec::new(),
    ///     details: serde_json::Value::Null,
    /// }
    /// .into_check();
    /// assert_eq!((check.rule.as_str(), check.dtype.as_deref()), ("exp", Some("f64")));
    /// assert_eq!(check.worst_rel_error, Some(1e-9));
    /// ```
    pub fn into_check(self) -> CheckResult {
        let mut check = CheckResult::new(self.package, self.name, self.status, self.message)
            .with_rule(self.function)
            .with_dtype(self.dtype.name())
            .with_details(self.details)
            .with_worst_elements(self.worst);
        if let Some(rel) = self.rel {
            check = check.with_rel_error(rel);
        }
        if let Some(at) = self.location {
            check = check.with_location(at);
        }
        check
    }
}

impl GradientReport {
    /// The relative error a report's headline shows: the failing element's
    /// (the one the message blames, which in fast mode is a located
    /// element, not the projection) for a failure, else the largest of the
    /// comparison.
    pub fn headline_rel_error(&self) -> Option<f64> {
        let g = self.gradcheck.as_ref()?;
        match g.worst() {
            Some((_, e)) if !self.status.is_ok() => Some(e.rel_error),
            _ => Some(g.max_rel_error()),
        }
    }

    /// The verdict's message followed by every note, joined by ` | `.
    pub fn message_with_notes(&self) -> String {
        std::iter::once(self.message.as_str())
            .chain(self.notes.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" | ")
    }
}

/// A framework check recorded in one call: `backprop_report::record("my_op",
/// &report)` for a `backprop-candle` or `backprop-burn` check, as for a
/// gradcheck report. The entry is named `"{rule} [{dtype}]"`, with the
/// verdict (every status, a missing gradient and a panic too), its notes,
/// the largest relative error, the worst element and the table of worst
/// elements.
///
/// ```
/// use backprop_audit::{GradientReport, Status};
/// use backprop_gradcheck::Dtype;
/// use backprop_report::{Status as ReportStatus, ToCheckResult};
///
/// let report = GradientReport::new("candle", "my_op", Dtype::F32, 0, &["x".into()], &[vec![3]])
///     .stopped(Status::MissingGradient, "candle returns no gradient");
/// let check = report.to_check_result("my-crate", "my_op");
/// assert_eq!(check.name, "my_op [f32]");
/// assert_eq!(check.status, ReportStatus::MissingGradient);
/// assert_eq!(check.message, "candle returns no gradient");
/// ```
impl backprop_report::ToCheckResult for GradientReport {
    fn to_check_result(&self, suite: &str, rule: &str) -> CheckResult {
        CaseEntry {
            package: suite,
            name: &format!("{rule} [{}]", self.dtype),
            function: rule,
            dtype: self.dtype,
            status: self.status.to_report(),
            message: self.message_with_notes(),
            rel: self.headline_rel_error(),
            location: self.worst_location(),
            worst: self.worst_elements(),
            details: serde_json::to_value(self).unwrap_or_default(),
        }
        .into_check()
    }
}
