//! The audit of candle's own differentiable ops (`cargo xtask audit
//! candle`).
//!
//! [`catalog`] lists every audited call: each differentiable public op of
//! candle-core and candle-nn at several configurations (batch and channel
//! counts, padding/stride/dilation/groups sweeps, kernel sizes, lengths
//! whose tail the forward pass drops, contiguous, transposed and strided
//! inputs, fan-out), each checked in f64 and f32 with [`check`](crate::check).
//! A failure is confirmed by a second route, the op's naive loop in
//! [`naive`]; known failures are committed as findings
//! ([`known_findings`]). The audit passes when its failures are exactly the
//! known findings and every known finding still reproduces.
//!
//! ```no_run
//! use backprop_candle::audit::{AuditOptions, run_audit};
//!
//! let options = AuditOptions { seed: 0, filter: Some("conv1d".into()) };
//! let audit = run_audit(&options, &mut |p| eprintln!("{}: {} checks", p.function, p.results.len()))?;
//! audit.to_report().write_all("target/audit/candle".as_ref())?;
//! assert!(audit.passed());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod case;
mod catalog;
mod confirm;
mod findings;
pub mod naive;
mod report;
mod run;

pub use case::{CandleFn, Case, InputSpec, Package, Values};
pub use catalog::catalog;
pub use confirm::{Confirmation, GradientGap};
pub use findings::{
    Advisory, Affected, FINDING_FILES, Finding, FindingError, Versions, claim, glob, known_findings,
};
pub use report::report_status;
pub use run::{Audit, AuditOptions, CaseResult, Outcome, Progress, run_audit};
