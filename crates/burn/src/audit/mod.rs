//! The audit of burn's ops: every differentiable public op of burn-tensor
//! (and the losses and norms of burn-nn) at several configurations, in
//! `f64` and `f32` (`cargo xtask audit burn`).

mod case;
mod confirm;
mod findings;
pub mod ops;
mod report;
mod run;
mod sample;

pub use case::{Case, Checked};
pub use confirm::{confirm, forward_check, forward_tolerance};
pub use findings::{FINDING_FILES, FINDINGS_DIR, known_findings};
pub use report::{audit_report, precision_check_name};
pub use run::{CaseResult, Outcome, collect_audit, function_of, package_of, run_dtype};
pub use sample::Sampler;

/// Every case of the audit, its inputs drawn from `seed`.
pub fn catalog(seed: u64) -> Vec<Case> {
    let mut cases = Vec::new();
    cases.extend(ops::elementwise::cases(seed));
    cases.extend(ops::activation::cases(seed));
    cases.extend(ops::arithmetic::cases(seed));
    cases.extend(ops::matmul::cases(seed));
    cases.extend(ops::reduce::cases(seed));
    cases.extend(ops::indexing::cases(seed));
    cases.extend(ops::shape::cases(seed));
    cases.extend(ops::conv::cases(seed));
    cases.extend(ops::pool::cases(seed));
    cases.extend(ops::resize::cases(seed));
    cases.extend(ops::nn::cases(seed));
    cases.extend(ops::order::cases(seed));
    cases.extend(ops::advanced::cases(seed));
    cases
}
