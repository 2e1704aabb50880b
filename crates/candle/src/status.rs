//! How candle's gradient for a function came out: one status per input and
//! for the whole check, each with its own message.

use std::fmt;

use serde::Serialize;

/// The verdict on candle's gradient, ordered by severity (`Pass` least).
///
/// The ways a framework's backward pass can be wrong are kept apart because
/// they call for different fixes: a wrong formula, a gradient that never
/// arrives, one that arrives as zeros, one of the wrong shape, an error, a
/// panic.
///
/// ```
/// use backprop_candle::Status;
///
/// assert!(Status::SilentZero > Status::WrongValue);
/// assert!(Status::Kink.is_ok());
/// assert!(!Status::MissingGradient.is_ok());
/// assert_eq!(Status::WrongShape.name(), "wrong-shape");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// candle's gradient agrees with finite differences.
    Pass,
    /// The point is at (within a step of) a kink, where the function has no
    /// derivative to compare: not a failure.
    Kink,
    /// A NaN or infinity on candle's side or in the finite differences.
    NonFinite,
    /// candle's gradient has the right shape but wrong values.
    WrongValue,
    /// candle's gradient is exactly zero, although the output depends on the
    /// input: a model trains and learns nothing.
    SilentZero,
    /// candle returned no gradient for the input (`GradStore::get` is
    /// `None`), although the output depends on it.
    MissingGradient,
    /// candle's gradient does not have the input's shape (including a
    /// backward pass that fails because a gradient of the wrong shape was
    /// accumulated).
    WrongShape,
    /// candle's backward pass returned an error (e.g. "backward not
    /// supported").
    BackwardError,
    /// candle panicked (caught; the run goes on).
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

    /// The status as written in reports: `"pass"`, `"wrong-value"`, ...
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

    /// Whether the gradient is acceptable: a pass, or a kink (no derivative
    /// to compare).
    pub fn is_ok(self) -> bool {
        matches!(self, Status::Pass | Status::Kink)
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
    /// In the checked function (candle's forward pass).
    Forward,
    /// In `Tensor::backward` (candle's backward pass).
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
