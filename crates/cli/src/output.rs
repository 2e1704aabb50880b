//! What a command produces: text for standard output, diagnostics for
//! standard error, and an exit status.

use crate::report::Diagnostic;

/// A command's result.
#[derive(Debug, Default)]
pub struct Output {
    /// Standard output.
    pub stdout: String,
    /// Warnings and notes for standard error.
    pub stderr: Vec<Diagnostic>,
    /// Exit status (0 unless `check` found a wrong gradient).
    pub status: u8,
}
