//! Writing the four files of a report folder, each atomically.

use std::fs;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::{Report, ReportError};

/// The four files of a report folder, in the order they are written.
pub const REPORT_FILES: [&str; 4] = ["report.json", "junit.xml", "report.md", "report.html"];

/// Writes `bytes` to `path` through a temporary file in the same folder and
/// a rename, so a reader (or a concurrent writer) never sees half a file.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp-{}-{n}", std::process::id()));
    fs::write(&tmp, bytes).map_err(ReportError::io("cannot write", &tmp))?;
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        ReportError::io("cannot write", path)(e)
    })
}

impl Report {
    /// Writes `report.json`, `junit.xml`, `report.md` and `report.html`
    /// into `dir`, creating it if needed, and the notebook cells'
    /// step-by-step pages ([`CellResult::stepper_file`](crate::CellResult::stepper_file))
    /// that `report.html` links. Each file is replaced atomically.
    ///
    /// ```
    /// use backprop_report::{CheckResult, Report, Status, REPORT_FILES};
    ///
    /// let dir = tempfile::tempdir()?;
    /// let mut report = Report::new("checks");
    /// report.push(CheckResult::new("ops", "exp [f64]", Status::Pass, "ok"));
    /// report.write_all(dir.path())?;
    /// for file in REPORT_FILES {
    ///     assert!(dir.path().join(file).is_file());
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_all(&self, dir: &Path) -> Result<(), ReportError> {
        fs::create_dir_all(dir).map_err(ReportError::io("cannot create", dir))?;
        let [json, junit, md, html] = REPORT_FILES;
        write_atomically(&dir.join(json), self.to_json().as_bytes())?;
        write_atomically(&dir.join(junit), self.to_junit().as_bytes())?;
        write_atomically(&dir.join(md), self.to_markdown().as_bytes())?;
        for cell in self.notebook.iter().flatten() {
            if let Some(page) = &cell.stepper_html {
                write_atomically(&dir.join(cell.stepper_file()), page.as_bytes())?;
            }
        }
        write_atomically(&dir.join(html), self.to_html().as_bytes())
    }
}
