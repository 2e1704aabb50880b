//! The `backprop` project's self-check: every rule of the project —
//! each gate of `backprop-gates` and each tensor operation of
//! `backprop-tensor` — checked with `backprop-gradcheck`, in `f64` and
//! `f32`, in one call.
//!
//! ```
//! use backprop_selfcheck::{check_catalog, CatalogOptions};
//!
//! let options = CatalogOptions { filter: Some("matmul".into()), ..CatalogOptions::default() };
//! let report = check_catalog(&options, |done, total, name| eprintln!("{done}/{total} {name}"));
//! assert!(report.passed(), "{report}");
//! println!("{report}"); // counts by status and the worst relative error
//! ```
//!
//! # Entry points
//!
//! - [`check_catalog`]: every gate and every tensor op, in `f64` and
//!   `f32`, with progress, counts and the worst relative error
//!   ([`CatalogReport`]); [`catalog_names`] lists what it would run.
//! - [`check_op_case`]: one `backprop-tensor` operation case
//!   ([`OpCase`](backprop_tensor::OpCase)) through its real backward pass.
//! - `CheckResult::from(&EntryReport)`: a catalog entry as a check of a
//!   `backprop-report` report, as `cargo xtask verify` writes it.
//!
//! # Why a crate of its own
//!
//! The checker, `backprop-gradcheck`, verifies anyone's backward rules and
//! depends on no tensor library of ours: a crate that only wants to check
//! its own gradients does not build our tensor stack (its products, rayon).
//! This catalog is the one place that brings the checker and the project's
//! own rules together; it is not published, and the project's tools
//! (`cargo xtask verify`, the catalog bench) use it.

mod catalog;
mod check_result;
mod tensor_ops;

pub use catalog::{
    CatalogOptions, CatalogReport, EntryKind, EntryReport, StatusCounts, WorstEntry, catalog_names,
    check_catalog,
};
pub use tensor_ops::check_op_case;
