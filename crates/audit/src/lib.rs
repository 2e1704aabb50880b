//! The framework-independent half of a gradient audit of a deep-learning
//! framework (`backprop-candle`, `backprop-burn`).
//!
//! An adapter supplies only what needs the framework: an implementation of
//! [`Framework`] (make tensors from `f64` arrays in a dtype, run the
//! function forward, run backward to one gradient per input) and its
//! catalog of cases ([`AuditCase`]). This crate owns the rest:
//!
//! * [`check_framework`]: the one generic check (oracle dtype, the `f64`
//!   forward's precision via [`forward_noise`], a probe backward run,
//!   finite differences, classification), panics caught;
//!   [`forward_at`] and [`gradients_at`] for confirmation;
//! * [`Status`] and [`Phase`]: the ways a framework's gradient can be wrong,
//!   with their report names;
//! * [`GradientReport`] and [`GradientReport::classify`]: one check's
//!   verdict per input, from the numerical comparison and what the backward
//!   run gave ([`Observed`]);
//! * [`Reference`], [`forward_check`] and [`confirm`]: the second route, an
//!   op's naive loop, that confirms a finding; [`naive`]: the naive loops
//!   themselves (conv, pool, norm, resample, index, elementwise, deform),
//!   shared by every adapter;
//! * [`Finding`] and [`known_findings`]: the known-findings files
//!   (RustSec-style Markdown with TOML front matter) and which finding
//!   claims a check ([`claim`], [`glob`]);
//! * [`Audit`]: the case loop with filter, seed and progress, the report
//!   folder through `backprop-report`, and the exit rule
//!   ([`Audit::passed`]);
//! * `AuditArgs` (feature `cli`) and [`finish`]: the audit binary's shared
//!   command line.
//!
//! ```
//! use backprop_audit::{Audit, AuditCase, AuditOptions};
//! use backprop_gradcheck::Dtype;
//! use backprop_report::{CheckResult, Status};
//!
//! /// A catalog entry of some framework.
//! struct Exp;
//!
//! impl AuditCase for Exp {
//!     fn function(&self) -> &str {
//!         "exp"
//!     }
//!     fn name(&self, dtype: Dtype) -> String {
//!         format!("exp x[3] [{dtype}]")
//!     }
//!     fn check(&self, dtype: Dtype, _seed: u64) -> CheckResult {
//!         // An adapter runs the framework here (e.g. `backprop_candle::check`).
//!         CheckResult::new("framework", self.name(dtype), Status::Pass, "pass")
//!             .with_rule(self.function())
//!             .with_dtype(dtype.name())
//!     }
//! }
//!
//! let audit = Audit::run(&[Exp], &AuditOptions::default(), Vec::new(), &mut |p| {
//!     eprintln!("{}", p.line())
//! });
//! assert_eq!(audit.checks.len(), 2); // f64 and f32
//! assert!(audit.passed());
//! let report = audit.to_report("framework gradient audit", &[("framework", "1.0")]);
//! assert_eq!(report.checks[1].name, "exp x[3] [f32]");
//! ```

mod classify;
mod cli;
mod confirm;
mod engine;
mod entry;
mod findings;
mod guard;
pub mod naive;
mod precision;
mod reference;
mod report;
mod run;
mod status;
mod verdict;

pub use classify::{Observed, classify_input};
#[cfg(feature = "cli")]
pub use cli::AuditArgs;
pub use cli::{EXIT_CHANGED, EXIT_PASSED, EXIT_REPORT, EXIT_USAGE, finish};
pub use confirm::{
    Confirmation, ForwardCheck, GradientGap, GradientsAt, confirm, confirm_within, forward_check,
    forward_check_within, tolerance,
};
pub use engine::{
    CheckFailure, CheckOptions, Checked, F32_RUN_TO_RUN, Framework, InputGradient, Output,
    check_framework, describe, forward_at, gradients_at, random_upstream,
};
pub use entry::{CaseEntry, case_message, checked_verdict};
pub use findings::{
    Advisory, Affected, Finding, FindingError, Versions, claim, glob, known_findings,
};
pub use guard::{Fault, guarded};
pub use precision::{ForwardPrecision, LOW_PRECISION_NOISE, Noise, forward_noise};
pub use reference::{Forward, Reference, Vjp};
pub use report::{GradientReport, InputResult};
pub use run::{Audit, AuditCase, AuditOptions, Progress};
pub use status::{Phase, Status};
pub use verdict::cpu_model;

/// The README's example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeExamples;
