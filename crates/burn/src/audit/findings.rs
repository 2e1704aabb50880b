//! burn's known findings: one RustSec-style file per finding in
//! `crates/burn/findings/` (format: [`backprop_audit::Finding`]), compiled
//! into the audit so it runs from any directory.

use backprop_audit::{Finding, FindingError};

/// The finding files, compiled in: `(file name, text)`.
pub const FINDING_FILES: &[(&str, &str)] = &[
    ("BURN-0001.md", include_str!("../../findings/BURN-0001.md")),
    ("BURN-0002.md", include_str!("../../findings/BURN-0002.md")),
    ("BURN-0003.md", include_str!("../../findings/BURN-0003.md")),
    ("BURN-0004.md", include_str!("../../findings/BURN-0004.md")),
    ("BURN-0005.md", include_str!("../../findings/BURN-0005.md")),
    ("BURN-0006.md", include_str!("../../findings/BURN-0006.md")),
    ("BURN-0007.md", include_str!("../../findings/BURN-0007.md")),
];

/// Where the finding files are, relative to the workspace root.
pub const FINDINGS_DIR: &str = "crates/burn/findings";

/// Every committed finding, in file order.
///
/// # Errors
///
/// The first file that cannot be read.
pub fn known_findings() -> Result<Vec<Finding>, FindingError> {
    backprop_audit::known_findings(FINDINGS_DIR, FINDING_FILES)
}
