//! The known findings: one RustSec-style file per finding in
//! `crates/burn/findings/`, Markdown with TOML front matter, compiled into
//! the audit so it runs from any directory.
//!
//! ````text
//! ```toml
//! [advisory]
//! id = "BURN-0001"
//! package = "burn-tensor"
//! date = "2026-11-30"
//! title = "..."
//! status = "wrong-value"
//! cases = ["activation::gelu [*]"]
//!
//! [affected]
//! functions = ["burn_tensor::activation::gelu"]
//!
//! [versions]
//! affected = ["=0.22.1"]
//! patched = []
//! ```
//!
//! # Title (the same as in the front matter)
//!
//! Body: what is wrong, the minimal reproducer, expected versus burn's
//! gradient, how it was confirmed.
//! ````
//!
//! `cases` are patterns of the audit's check names (`*` matches any run
//! of characters) that reproduce the finding: every check they match must
//! fail, and every failing check must be matched by a finding. A check
//! several findings match belongs to the one with the longest matching
//! pattern (the most specific).

use serde::Deserialize;
use thiserror::Error;

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

/// One known finding.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Finding {
    /// Front matter `[advisory]`.
    pub advisory: Advisory,
    /// Front matter `[affected]`.
    pub affected: Affected,
    /// Front matter `[versions]`.
    pub versions: Versions,
    /// The Markdown body after the front matter.
    #[serde(skip)]
    pub body: String,
    /// The file's name in `crates/burn/findings/`.
    #[serde(skip)]
    pub file: String,
}

/// The `[advisory]` table.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Advisory {
    /// `BURN-NNNN`.
    pub id: String,
    /// `burn-tensor` or `burn-nn`.
    pub package: String,
    /// When it was found, `YYYY-MM-DD`.
    pub date: String,
    /// One line: what is wrong.
    pub title: String,
    /// How the audit's checks fail: a status name (`wrong-value`,
    /// `panic`, ...).
    pub status: String,
    /// Patterns of the check names that reproduce it.
    pub cases: Vec<String>,
    /// Upstream issues or pull requests about it, if any.
    #[serde(default)]
    pub references: Vec<String>,
}

/// The `[affected]` table.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Affected {
    /// Affected public functions, by path.
    pub functions: Vec<String>,
}

/// The `[versions]` table.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Versions {
    /// Versions known to be affected (semver requirements).
    pub affected: Vec<String>,
    /// Versions with a fix (empty while there is none).
    #[serde(default)]
    pub patched: Vec<String>,
}

/// Why a finding file cannot be read.
#[derive(Debug, Error, PartialEq)]
pub enum FindingError {
    /// No ```` ```toml ```` front matter at the start.
    #[error(
        "{file}: no TOML front matter (the file must start with ```toml and close it with ```)"
    )]
    NoFrontMatter {
        /// The file.
        file: String,
    },
    /// The front matter is not valid.
    #[error("{file}: {message}")]
    Toml {
        /// The file.
        file: String,
        /// The parser's message.
        message: String,
    },
    /// The Markdown title differs from the front matter's.
    #[error("{file}: the Markdown title {markdown:?} differs from the front matter's {front:?}")]
    Title {
        /// The file.
        file: String,
        /// The `# ` heading.
        markdown: String,
        /// `advisory.title`.
        front: String,
    },
    /// The file name is not the id.
    #[error("{file}: the file must be named after its id {id}")]
    Name {
        /// The file.
        file: String,
        /// The id.
        id: String,
    },
    /// The status is not one the audit knows.
    #[error("{file}: unknown status {status:?}")]
    Status {
        /// The file.
        file: String,
        /// The status given.
        status: String,
    },
}

impl Finding {
    /// Parse a finding file named `file`.
    ///
    /// # Errors
    ///
    /// [`FindingError`] when the front matter is missing or invalid, or
    /// disagrees with the file name or the Markdown title.
    pub fn parse(file: &str, text: &str) -> Result<Finding, FindingError> {
        let no_front = || FindingError::NoFrontMatter {
            file: file.to_string(),
        };
        let rest = text.strip_prefix("```toml\n").ok_or_else(no_front)?;
        let end = rest.find("\n```\n").ok_or_else(no_front)?;
        let (front, body) = (&rest[..end], &rest[end + 5..]);
        let mut finding: Finding = toml::from_str(front).map_err(|e| FindingError::Toml {
            file: file.to_string(),
            message: e.to_string(),
        })?;
        finding.body = body.trim_start().to_string();
        finding.file = file.to_string();
        if file.strip_suffix(".md") != Some(finding.advisory.id.as_str()) {
            return Err(FindingError::Name {
                file: file.to_string(),
                id: finding.advisory.id.clone(),
            });
        }
        let heading = finding
            .body
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# "))
            .unwrap_or_default()
            .to_string();
        if heading != finding.advisory.title {
            return Err(FindingError::Title {
                file: file.to_string(),
                markdown: heading,
                front: finding.advisory.title.clone(),
            });
        }
        if !backprop_report::Status::ALL
            .iter()
            .any(|s| s.label() == finding.advisory.status)
            && !crate::Status::ALL
                .iter()
                .any(|s| s.name() == finding.advisory.status)
        {
            return Err(FindingError::Status {
                file: file.to_string(),
                status: finding.advisory.status.clone(),
            });
        }
        Ok(finding)
    }

    /// Whether the check `name` reproduces this finding.
    pub fn covers(&self, name: &str) -> bool {
        self.specificity(name).is_some()
    }

    /// The length of the longest of this finding's patterns that matches
    /// `name`, if any: when several findings match a check, the one with
    /// the most specific (longest) pattern claims it.
    pub fn specificity(&self, name: &str) -> Option<usize> {
        self.advisory
            .cases
            .iter()
            .filter(|p| glob(p, name))
            .map(|p| p.len())
            .max()
    }

    /// Where it is written up, relative to the workspace root.
    pub fn path(&self) -> String {
        format!("crates/burn/findings/{}", self.file)
    }
}

/// Every committed finding, in file order.
///
/// # Errors
///
/// The first file that cannot be read.
pub fn known_findings() -> Result<Vec<Finding>, FindingError> {
    FINDING_FILES
        .iter()
        .map(|(file, text)| Finding::parse(file, text))
        .collect()
}

/// The finding that claims the check `name`: of those matching it, the one
/// with the longest matching pattern (the first listed on a tie).
pub fn claim<'f>(findings: &'f [Finding], name: &str) -> Option<&'f Finding> {
    let mut best: Option<(&Finding, usize)> = None;
    for f in findings {
        if let Some(s) = f.specificity(name)
            && best.is_none_or(|(_, b)| s > b)
        {
            best = Some((f, s));
        }
    }
    best.map(|(f, _)| f)
}

/// Whether `text` matches `pattern`, where `*` matches any run of
/// characters (including none) and everything else matches itself.
///
/// ```
/// use backprop_burn::audit::glob;
///
/// assert!(glob("module::conv1d(*groups=2*) * [f64]", "module::conv1d(padding=0, stride=4, dilation=1, groups=2, bias) x=[2, 4, 11] w=[6, 2, 4] [f64]"));
/// assert!(!glob("activation::gelu [f32]", "activation::gelu [f64]"));
/// assert!(glob("*", ""));
/// ```
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}
