//! Catalog entries as checks of a `backprop-report` report, as `cargo xtask
//! verify` lists them.
//!
//! This conversion used to live in `backprop-report`; it moved here with
//! the catalog, so that the report crate (like the checker) does not depend
//! on the tensor crate. It builds on the report crate's public conversions
//! of the checker's results ([`ToCheckResult`]) and its message rule
//! ([`format_message`]), so an entry's check reads exactly as it did there.

use backprop_report::{CheckResult, Status, ToCheckResult, format_message};

use crate::{EntryKind, EntryReport};

impl From<&EntryReport> for CheckResult {
    /// A catalog entry as `cargo xtask verify` lists it: suite `gates` or
    /// `tensor`, named `"{rule} [{dtype}]"`, the rule without its
    /// `gate/` / `tensor/` prefix.
    ///
    /// A failing entry is located where its scalar rule's check blames (a
    /// gate), else where the first of its failing tensor checks does; its
    /// worst elements are that check's.
    ///
    /// ```
    /// use backprop_report::{CheckResult, Status};
    /// use backprop_selfcheck::{CatalogOptions, check_catalog};
    ///
    /// let options = CatalogOptions { filter: Some("gate/tanh".into()), ..CatalogOptions::default() };
    /// let catalog = check_catalog(&options, |_, _, _| {});
    /// let check = CheckResult::from(&catalog.entries[0]);
    /// assert_eq!((check.suite.as_str(), check.name.as_str()), ("gates", "tanh [f64]"));
    /// assert_eq!(check.status, Status::Pass);
    /// ```
    fn from(e: &EntryReport) -> CheckResult {
        let suite = match e.kind {
            EntryKind::Gate => "gates",
            EntryKind::TensorOp => "tensor",
        };
        let rule = e.name.split_once('/').map_or(e.name.as_str(), |(_, n)| n);
        let status: Status = e.status.into();
        // Where `ToCheckResult` blames the entry's own reports: a gate's
        // status is its rule report's, and a tensor check's location does
        // not depend on the names passed. The worst elements come from the
        // same report as the location.
        let blamed = if status == Status::Pass {
            None
        } else {
            e.rule
                .as_ref()
                .map(|r| r.to_check_result(suite, rule))
                .filter(|c| c.location.is_some())
                .or_else(|| {
                    e.checks
                        .iter()
                        .filter(|c| !c.passed())
                        .map(|c| c.to_check_result(suite, rule))
                        .find(|c| c.location.is_some())
                })
        };
        let (location, worst_elements) =
            blamed.map_or((None, Vec::new()), |c| (c.location, c.worst_elements));
        CheckResult {
            suite: suite.to_owned(),
            name: format!("{rule} [{}]", e.dtype),
            rule: rule.to_owned(),
            dtype: Some(e.dtype.name().to_owned()),
            status,
            worst_rel_error: Some(e.max_rel_error),
            message: format_message(status, &e.to_string()),
            location,
            worst_elements,
            known: None,
            source: None,
            details: serde_json::to_value(e).unwrap_or_default(),
        }
    }
}
