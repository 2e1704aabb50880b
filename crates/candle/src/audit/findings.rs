//! candle's known findings: one RustSec-style file per finding in
//! `crates/candle/findings/` (format: [`backprop_audit::Finding`]),
//! compiled into the audit so it runs from any directory.

use backprop_audit::{Finding, FindingError};

/// The finding files, compiled in: `(file name, text)`.
pub const FINDING_FILES: &[(&str, &str)] = &[
    (
        "CANDLE-0001.md",
        include_str!("../../findings/CANDLE-0001.md"),
    ),
    (
        "CANDLE-0002.md",
        include_str!("../../findings/CANDLE-0002.md"),
    ),
    (
        "CANDLE-0003.md",
        include_str!("../../findings/CANDLE-0003.md"),
    ),
    (
        "CANDLE-0004.md",
        include_str!("../../findings/CANDLE-0004.md"),
    ),
    (
        "CANDLE-0005.md",
        include_str!("../../findings/CANDLE-0005.md"),
    ),
    (
        "CANDLE-0006.md",
        include_str!("../../findings/CANDLE-0006.md"),
    ),
    (
        "CANDLE-0007.md",
        include_str!("../../findings/CANDLE-0007.md"),
    ),
    (
        "CANDLE-0008.md",
        include_str!("../../findings/CANDLE-0008.md"),
    ),
    (
        "CANDLE-0009.md",
        include_str!("../../findings/CANDLE-0009.md"),
    ),
    (
        "CANDLE-0010.md",
        include_str!("../../findings/CANDLE-0010.md"),
    ),
    (
        "CANDLE-0011.md",
        include_str!("../../findings/CANDLE-0011.md"),
    ),
    (
        "CANDLE-0012.md",
        include_str!("../../findings/CANDLE-0012.md"),
    ),
    (
        "CANDLE-0013.md",
        include_str!("../../findings/CANDLE-0013.md"),
    ),
    (
        "CANDLE-0014.md",
        include_str!("../../findings/CANDLE-0014.md"),
    ),
];

/// Where the finding files are, relative to the workspace root.
pub const FINDINGS_DIR: &str = "crates/candle/findings";

/// Every committed finding, in file order.
///
/// # Errors
///
/// The first file that cannot be read.
pub fn known_findings() -> Result<Vec<Finding>, FindingError> {
    backprop_audit::known_findings(FINDINGS_DIR, FINDING_FILES)
}
