//! What a check found ([`Status`]) and what that means for the run
//! ([`Outcome`], once known findings are taken into account).

use std::fmt;

use serde::{Deserialize, Serialize};

/// What one check found.
///
/// Besides agreement, a disagreement in value, a kink and a non-finite
/// value (the statuses of `backprop-gradcheck`), it names each way a
/// framework's backward pass can be wrong without computing a wrong number:
/// a gradient that is missing or silently zero, one of the wrong shape, an
/// error from backward, a panic. Every status except [`Pass`](Status::Pass),
/// [`Kink`](Status::Kink) and [`Skipped`](Status::Skipped) is a failure.
///
/// New statuses may be added in minor versions, hence `#[non_exhaustive]`.
///
/// ```
/// use backprop_report::Status;
///
/// assert!(Status::Kink.is_ok());
/// assert!(!Status::SilentZero.is_ok());
/// assert_eq!(Status::BackwardError.label(), "backward-error");
/// assert_eq!(serde_json::to_string(&Status::NonFinite).unwrap(), "\"non-finite\"");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Status {
    /// Matched within tolerance.
    Pass,
    /// A wrong value: analytic and numerical derivatives disagree beyond
    /// tolerance (or a snapshot differs).
    Fail,
    /// At a point where the derivative jumps: reported, not failed.
    Kink,
    /// A NaN or infinity where a finite number was expected.
    NonFinite,
    /// No gradient at all for an input the output depends on.
    MissingGradient,
    /// A gradient of exactly zero although the output depends on the input
    /// (the worst kind: a model trains and learns nothing).
    SilentZero,
    /// A gradient whose shape differs from its input's.
    WrongShape,
    /// The backward pass returned an error (for example "backward not
    /// supported").
    BackwardError,
    /// The forward or backward pass panicked (caught, never aborting the
    /// run).
    Panic,
    /// Not run (for example a type the operation does not support); counted
    /// apart, not failed.
    Skipped,
}

impl Status {
    /// Every status, in the order reports list them.
    pub const ALL: [Status; 10] = [
        Status::Pass,
        Status::Fail,
        Status::Kink,
        Status::NonFinite,
        Status::MissingGradient,
        Status::SilentZero,
        Status::WrongShape,
        Status::BackwardError,
        Status::Panic,
        Status::Skipped,
    ];

    /// Whether this status lets the run succeed: pass, kink or skipped.
    pub fn is_ok(self) -> bool {
        matches!(self, Status::Pass | Status::Kink | Status::Skipped)
    }

    /// Lower-case label as used in every output (`"pass"`, `"non-finite"`,
    /// `"missing-gradient"`, ...).
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Kink => "kink",
            Status::NonFinite => "non-finite",
            Status::MissingGradient => "missing-gradient",
            Status::SilentZero => "silent-zero",
            Status::WrongShape => "wrong-shape",
            Status::BackwardError => "backward-error",
            Status::Panic => "panic",
            Status::Skipped => "skipped",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl From<backprop_gradcheck::Status> for Status {
    fn from(s: backprop_gradcheck::Status) -> Status {
        match s {
            backprop_gradcheck::Status::Pass => Status::Pass,
            backprop_gradcheck::Status::Fail => Status::Fail,
            backprop_gradcheck::Status::Kink => Status::Kink,
            backprop_gradcheck::Status::NonFinite => Status::NonFinite,
        }
    }
}

/// What a check means for the run, once known findings are taken into
/// account: the [`Status`] says what was found, the outcome whether it is
/// new.
///
/// A check marked as a known finding ([`CheckResult::known`](crate::CheckResult::known))
/// is expected to fail: failing, it is [`Known`](Outcome::Known) (counted
/// apart, shown as known, not hidden); passing, it is
/// [`NotReproduced`](Outcome::NotReproduced), which fails the run so a fix
/// upstream is noticed.
///
/// ```
/// use backprop_report::{CheckResult, Outcome, Status};
///
/// let wrong = CheckResult::new("candle", "conv1d [f64]", Status::Fail, "wrong value");
/// assert_eq!(wrong.outcome(), Outcome::Failed);
/// assert_eq!(wrong.clone().known_as("CANDLE-0001").outcome(), Outcome::Known);
///
/// let fixed = CheckResult::new("candle", "conv1d [f64]", Status::Pass, "ok").known_as("CANDLE-0001");
/// assert_eq!(fixed.outcome(), Outcome::NotReproduced);
/// assert!(!fixed.outcome().is_ok());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Passed.
    Passed,
    /// At a kink: reported, not failed.
    Kink,
    /// Not run.
    Skipped,
    /// A new failure.
    Failed,
    /// A known finding that still reproduces.
    Known,
    /// A known finding that no longer reproduces: the check passed.
    NotReproduced,
}

impl Outcome {
    /// Whether this outcome lets the run succeed.
    pub fn is_ok(self) -> bool {
        matches!(
            self,
            Outcome::Passed | Outcome::Kink | Outcome::Skipped | Outcome::Known
        )
    }

    /// Lower-case label (`"passed"`, `"known"`, `"not-reproduced"`, ...).
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Kink => "kink",
            Outcome::Skipped => "skipped",
            Outcome::Failed => "failed",
            Outcome::Known => "known",
            Outcome::NotReproduced => "not-reproduced",
        }
    }

    /// The outcome of a check with `status`, marked as a known finding or
    /// not.
    pub fn of(status: Status, known: bool) -> Outcome {
        match (known, status) {
            (true, s) if s.is_ok() => Outcome::NotReproduced,
            (true, _) => Outcome::Known,
            (false, Status::Pass) => Outcome::Passed,
            (false, Status::Kink) => Outcome::Kink,
            (false, Status::Skipped) => Outcome::Skipped,
            (false, _) => Outcome::Failed,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}
