//! How a framework's gradient for a function came out: one status per
//! input and for the whole check, each with its own name in reports.

use std::fmt;

use backprop_report::Status as ReportStatus;
use serde::{Deserialize, Serialize};

/// The verdict on a framework's gradient, ordered by severity (`Pass`
/// least).
///
/// The ways a framework's backward pass can be wrong are kept apart because
/// they call for different fixes: a wrong formula, a gradient that never
/// arrives, one that arrives as zeros, one of the wrong shape, an error, a
/// panic.
///
/// ```
/// use backprop_audit::Status;
///
/// assert!(Status::SilentZero > Status::WrongValue);
/// assert!(Status::Kink.is_ok());
/// assert!(!Status::MissingGradient.is_ok());
/// assert_eq!(Status::WrongShape.name(), "wrong-shape");
/// assert_eq!(Status::from_name("silent-zero"), Some(Status::SilentZero));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The framework's gradient agrees with finite differences.
    Pass,
    /// The point is at (within a step of) a kink, where the function has no
    /// derivative to compare: not a failure.
    Kink,
    /// A NaN or infinity on the framework's side or in the finite
    /// differences.
    NonFinite,
    /// The gradient has the right shape but wrong values.
    WrongValue,
    /// The gradient is exactly zero, although the output depends on the
    /// input: a model trains and learns nothing.
    SilentZero,
    /// The framework returned no gradient for the input, although the
    /// output depends on it.
    MissingGradient,
    /// The gradient does not have the input's shape (or float type).
    WrongShape,
    /// The backward pass returned an error (e.g. "backward not supported").
    BackwardError,
    /// The framework panicked (caught; the run goes on).
    Panic,
}

impl Status {
    /// Every status, least severe first.
    pub const ALL: [Status; 9] = [
        Status::Pass,
        Status::Kink,
        Status::NonFinite,
        Status::WrongValue,
        Status::SilentZero,
        Status::MissingGradient,
        Status::WrongShape,
        Status::BackwardError,
        Status::Panic,
    ];

    /// The status as written in reports and finding files: `"pass"`,
    /// `"wrong-value"`, ...
    pub fn name(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Kink => "kink",
            Status::NonFinite => "non-finite",
            Status::WrongValue => "wrong-value",
            Status::SilentZero => "silent-zero",
            Status::MissingGradient => "missing-gradient",
            Status::WrongShape => "wrong-shape",
            Status::BackwardError => "backward-error",
            Status::Panic => "panic",
        }
    }

    /// The status [`name`](Status::name)d `name`, if any.
    pub fn from_name(name: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Whether the gradient is acceptable: a pass, or a kink (no derivative
    /// to compare).
    pub fn is_ok(self) -> bool {
        matches!(self, Status::Pass | Status::Kink)
    }

    /// The status of a `backprop-report` check (a wrong value is the
    /// report's plain `Fail`).
    ///
    /// ```
    /// use backprop_audit::Status;
    /// use backprop_report::Status as ReportStatus;
    ///
    /// assert_eq!(Status::WrongValue.to_report(), ReportStatus::Fail);
    /// assert_eq!(Status::SilentZero.to_report(), ReportStatus::SilentZero);
    /// ```
    pub fn to_report(self) -> ReportStatus {
        match self {
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
}

/// Every audit status is a report status ([`Status::to_report`]; only
/// [`WrongValue`](Status::WrongValue) is named differently there, `fail`).
impl From<Status> for ReportStatus {
    fn from(status: Status) -> ReportStatus {
        status.to_report()
    }
}

/// The audit status of a report status: every one but
/// [`Skipped`](ReportStatus::Skipped), which is no verdict on a gradient
/// (given back as the error). With [`From<Status>`], a lossless round
/// trip.
///
/// ```
/// use backprop_audit::Status;
/// use backprop_report::Status as ReportStatus;
///
/// for status in Status::ALL {
///     assert_eq!(Status::try_from(ReportStatus::from(status)), Ok(status));
/// }
/// assert_eq!(Status::try_from(ReportStatus::Skipped), Err(ReportStatus::Skipped));
/// ```
impl TryFrom<ReportStatus> for Status {
    type Error = ReportStatus;

    fn try_from(status: ReportStatus) -> Result<Status, ReportStatus> {
        Status::ALL
            .into_iter()
            .find(|s| s.to_report() == status)
            .ok_or(status)
    }
}

/// The audit status of a numerical verdict: a failing comparison is a
/// wrong value (classification tells a silent zero or a missing gradient
/// apart using what the framework returned, which the verdict does not
/// hold).
impl From<backprop_gradcheck::Status> for Status {
    fn from(status: backprop_gradcheck::Status) -> Status {
        match status {
            backprop_gradcheck::Status::Pass => Status::Pass,
            backprop_gradcheck::Status::Kink => Status::Kink,
            backprop_gradcheck::Status::NonFinite => Status::NonFinite,
            backprop_gradcheck::Status::Fail => Status::WrongValue,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a panic happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// In the checked function (the framework's forward pass).
    Forward,
    /// In the framework's backward pass or reading its gradients.
    Backward,
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Phase::Forward => "forward",
            Phase::Backward => "backward",
        })
    }
}
