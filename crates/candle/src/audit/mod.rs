//! The audit of candle's own differentiable ops (`cargo xtask audit
//! candle`).
//!
//! [`catalog`] lists every audited call: each differentiable public op of
//! candle-core and candle-nn at several configurations (batch and channel
//! counts, padding/stride/dilation/groups sweeps, kernel sizes, lengths
//! whose tail the forward pass drops, contiguous, transposed and strided
//! inputs, fan-out), each checked in f64 and f32 with [`check`](crate::check).
//! A failure is confirmed by a second route, the op's naive loop in
//! [`backprop_audit::naive`] (shared with the burn audit); known failures are committed as findings
//! ([`known_findings`]). The loop, the finding files' format, the report
//! and the exit rule are `backprop-audit`'s. The audit passes when its failures are exactly the
//! known findings and every known finding still reproduces.
//!
//! ```no_run
//! use backprop_candle::audit::{AuditOptions, audit_report, run_audit};
//!
//! let options = AuditOptions { filter: Some("conv1d".into()), ..AuditOptions::default() };
//! let audit = run_audit(&options, &mut |p| eprintln!("{}", p.line()))?;
//! audit_report(&audit).write_all("target/audit/candle".as_ref())?;
//! assert!(audit.passed());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod case;
mod catalog;
mod findings;
mod report;
mod run;

pub use backprop_audit::{
    Advisory, Affected, Audit, AuditOptions, Confirmation, Finding, FindingError, ForwardCheck,
    GradientGap, Progress, Versions, claim, glob,
};
pub use case::{CandleFn, Case, InputSpec, Package, Values};
pub use catalog::catalog;
pub use findings::{FINDING_FILES, FINDINGS_DIR, known_findings};
pub use report::audit_report;
pub use run::{CaseResult, Outcome, run_audit};
