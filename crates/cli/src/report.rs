//! Messages to the user: errors and warnings with a caret under the
//! offending characters, and how each failure maps to an exit status.

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

/// One error or warning: a message, optionally the input line with carets
/// under the fault, and `help:`/`note:` lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    level: &'static str,
    message: String,
    snippet: Option<String>,
    notes: Vec<String>,
}

impl Diagnostic {
    /// An `error:`.
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            level: "error",
            message: message.into(),
            snippet: None,
            notes: Vec::new(),
        }
    }

    /// A `warning:`.
    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            level: "warning",
            ..Diagnostic::error(message)
        }
    }

    /// A bare `note:` (for standard error), with no message line.
    pub fn note_only(note: impl Into<String>) -> Self {
        Diagnostic {
            level: "note",
            ..Diagnostic::error(note)
        }
    }

    /// Adds the input line with carets (from `backprop_expr::diagnostic`).
    pub fn snippet(mut self, caret: String) -> Self {
        self.snippet = Some(caret);
        self
    }

    /// Adds a `help:` line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.notes.push(format!("help: {}", help.into()));
        self
    }

    /// Adds a `note:` line.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(format!("note: {}", note.into()));
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}: {}", self.level, self.message)?;
        if let Some(snippet) = &self.snippet {
            for line in snippet.lines() {
                writeln!(f, "  {line}")?;
            }
        }
        for note in &self.notes {
            writeln!(f, "{note}")?;
        }
        Ok(())
    }
}

/// Why a command could not run. (A `check` that runs and finds a wrong
/// gradient is not a failure here: it reports, then exits with 1.)
#[derive(Debug)]
pub enum Failure {
    /// The expression, the values or the arguments are wrong (exit 2).
    Input(Box<Diagnostic>),
    /// A file could not be read or written (exit 3).
    Io {
        /// What was being read or written.
        what: String,
        /// The file, if any (standard input has none).
        path: Option<PathBuf>,
        /// The error.
        source: io::Error,
    },
}

impl From<Diagnostic> for Failure {
    fn from(d: Diagnostic) -> Failure {
        Failure::Input(Box::new(d))
    }
}

impl Failure {
    /// The process exit status.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Failure::Input(_) => ExitCode::from(2),
            Failure::Io { .. } => ExitCode::from(3),
        }
    }

    /// What to print on standard error.
    pub fn message(&self) -> String {
        match self {
            Failure::Input(d) => d.to_string(),
            Failure::Io { what, path, source } => match path {
                Some(p) => format!("error: cannot {what} {}: {source}\n", p.display()),
                None => format!("error: cannot {what}: {source}\n"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_indent_the_snippet_and_list_notes() {
        let d = Diagnostic::error("unknown function `sigmod`")
            .snippet("sigmod(x)\n^^^^^^\n".into())
            .help("did you mean `sigmoid`?");
        assert_eq!(
            d.to_string(),
            "error: unknown function `sigmod`\n  sigmod(x)\n  ^^^^^^\nhelp: did you mean `sigmoid`?\n"
        );
    }

    #[test]
    fn exit_codes() {
        assert_eq!(
            Failure::from(Diagnostic::error("x")).exit_code(),
            ExitCode::from(2)
        );
    }
}
