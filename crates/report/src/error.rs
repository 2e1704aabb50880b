//! Why a report could not be written or a recorded check not read back.

use std::io;
use std::path::PathBuf;

use thiserror::Error;

/// Why a report folder could not be written, or a recorded check not read
/// back. Each names the file involved.
///
/// ```
/// use backprop_report::{Report, ReportError};
///
/// let dir = tempfile::tempdir()?;
/// let file = dir.path().join("a-file");
/// std::fs::write(&file, "not a folder")?;
/// let err = Report::new("checks").write_all(&file.join("report")).unwrap_err();
/// assert!(matches!(err, ReportError::Io { .. }));
/// assert!(err.to_string().starts_with("cannot create "), "{err}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ReportError {
    /// Creating, writing, renaming, locking or listing a file failed.
    #[error("{action} {}: {source}", path.display())]
    Io {
        /// What was being done (`"cannot write"`, `"cannot lock"`, ...).
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The operating system's reason.
        source: io::Error,
    },
    /// A recorded check (a JSON fragment in the report folder) is not valid.
    #[error(
        "cannot read the check recorded in {}: {source} (was it written by another version? delete the report folder to start afresh)",
        path.display()
    )]
    Fragment {
        /// The fragment file.
        path: PathBuf,
        /// What is wrong with it.
        source: serde_json::Error,
    },
}

impl ReportError {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(io::Error) -> ReportError {
        let path = path.into();
        move |source| ReportError::Io {
            action,
            path,
            source,
        }
    }
}
