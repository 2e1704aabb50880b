//! Numerical gradient checking: verify any backward rule with finite
//! differences.
//!
//! (Crate documentation is completed below.)

mod catalog;
mod compare;
mod error;
mod float;
mod gates;
mod options;
mod report;
mod rng;
mod rule;
mod samples;
mod scalar;
#[cfg(feature = "proptest")]
pub mod strategies;
mod tensor_ops;
mod vjp;

pub use error::GradcheckError;
pub use float::{Dtype, Float};
pub use options::{Mode, Options, Tolerances};
pub use report::{
    Element, Evaluations, Finding, Findings, Located, PairReport, Report, Side, Status, Structure,
};
pub use rng::entry_seed;
pub use scalar::{check_derivative, check_partials};
pub use vjp::{Upstream, check_vjp};
pub use gates::{DualElement, DualPair, DualReport, RuleReport, check_rule, check_rule_at};
pub use rule::{AsBinary, AsUnary, ScalarRule};
pub use samples::{Sampling, sample_points};
pub use catalog::{
    CatalogOptions, CatalogReport, EntryKind, EntryReport, StatusCounts, WorstEntry, catalog_names,
    check_catalog,
};
pub use tensor_ops::check_op_case;
