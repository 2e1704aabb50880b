//! Known findings: one RustSec-style file per finding, Markdown with TOML
//! front matter, which an adapter compiles in (`include_str!`) so its audit
//! runs from any directory.
//!
//! ~~~text
//! ```toml
//! [advisory]
//! id = "CANDLE-0001"
//! package = "candle-core"
//! date = "2026-11-30"
//! title = "..."
//! status = "wrong-value"
//! cases = ["avg_pool2d((2, 2)) x[1, 1, 5, 5] *"]
//!
//! [affected]
//! functions = ["candle_core::Tensor::avg_pool2d"]
//!
//! [versions]
//! affected = ["=0.11.1"]
//! patched = []
//! ```
//!
//! # Title (the same as in the front matter)
//!
//! Body: what is wrong, the minimal reproducer, expected versus the
//! framework's gradient, how it was confirmed.
//! ~~~
//!
//! `cases` are patterns of the audit's check names (`*` matches any run
//! of characters) that reproduce the finding: every check they match must
//! fail, and every failing check must be matched by a finding whose
//! `status` (or one of its `also` statuses) is the way it failed. A check several such findings match
//! belongs to the one with the longest matching pattern (the most
//! specific). `debug_only = true` marks a finding only builds with debug
//! assertions reproduce (an overflow panic): a release audit leaves it out.

use serde::Deserialize;
use thiserror::Error;

use crate::Status;

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
    /// The file's name (`CANDLE-0001.md`).
    #[serde(skip)]
    pub file: String,
    /// The folder of the finding files, relative to the workspace root
    /// (`crates/candle/findings`).
    #[serde(skip)]
    pub dir: String,
}

/// The `[advisory]` table.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Advisory {
    /// `PREFIX-NNNN`, the file's name without `.md`.
    pub id: String,
    /// The crate affected (`candle-core`, `burn-tensor`).
    pub package: String,
    /// When it was found, `YYYY-MM-DD`.
    pub date: String,
    /// One line: what is wrong.
    pub title: String,
    /// How the audit's checks fail, parsed from its name (`wrong-value`,
    /// `missing-gradient`, ...; an unknown name is a parse error).
    pub status: Status,
    /// Other ways the same checks fail, for a finding with more than one
    /// symptom (`also = ["backward-error"]`: `scatter_add` gives wrong
    /// values, and a backward error when the source is smaller).
    #[serde(default)]
    pub also: Vec<Status>,
    /// Patterns of the check names that reproduce it.
    pub cases: Vec<String>,
    /// Upstream issues or pull requests about it, if any.
    #[serde(default)]
    pub references: Vec<String>,
    /// Whether it reproduces only where the framework is built with debug
    /// assertions and overflow checks (`debug_only = true`: an arithmetic
    /// overflow panic, say), so a release audit does not hold checks to it.
    #[serde(default)]
    pub debug_only: bool,
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
        finding.dir = String::new();
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
        Ok(finding)
    }

    /// Whether the check `name` reproduces this finding.
    pub fn covers(&self, name: &str) -> bool {
        self.specificity(name).is_some()
    }

    /// Whether this build can reproduce it: always, unless it is
    /// [`debug_only`](Advisory::debug_only) and this is a build without
    /// debug assertions (the framework is compiled in the same profile as
    /// this crate, so its overflow checks are off too).
    pub fn applies_to_this_build(&self) -> bool {
        !self.advisory.debug_only || cfg!(debug_assertions)
    }

    /// Whether a check failing with `status` is this finding failing the
    /// way it says (its `status` or one of `also`).
    pub fn fails_as(&self, status: backprop_report::Status) -> bool {
        std::iter::once(&self.advisory.status)
            .chain(&self.advisory.also)
            .any(|s| s.to_report() == status)
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

    /// The command that runs the audit of the check named `check` alone
    /// (seed `seed`): `cargo xtask audit FRAMEWORK --filter 'CHECK'`, the
    /// framework being the folder that holds the findings folder
    /// (`crates/candle/findings`: `candle`, as `cargo xtask audit` names
    /// its adapters), the filter the check's name up to its dtype (`… [f64]`,
    /// so a second entry of the case, such as burn's `… [f64] forward
    /// precision`, selects its case), `--seed` when not 0. `None` when the
    /// findings folder is not `…/FRAMEWORK/findings`.
    ///
    /// ```
    /// use backprop_audit::known_findings;
    ///
    /// let fence = "`".repeat(3);
    /// let text = format!(
    ///     "{fence}toml\n[advisory]\nid = \"F-0001\"\npackage = \"p\"\ndate = \"2026-11-30\"\n\
    ///      title = \"t\"\nstatus = \"wrong-value\"\ncases = [\"exp *\"]\n\n[affected]\n\
    ///      functions = [\"p::exp\"]\n\n[versions]\naffected = [\"=1.0.0\"]\n{fence}\n\n# t\n"
    /// );
    /// let f = &known_findings("crates/candle/findings", &[("F-0001.md", text.as_str())])?[0];
    /// assert_eq!(
    ///     f.audit_command("avg_pool2d((2, 2)) x[1, 1, 5, 5] [f64]", 0).as_deref(),
    ///     Some("cargo xtask audit candle --filter 'avg_pool2d((2, 2)) x[1, 1, 5, 5] [f64]'")
    /// );
    /// assert_eq!(
    ///     f.audit_command("rms_norm x[3] [f64] forward precision", 7).as_deref(),
    ///     Some("cargo xtask audit candle --filter 'rms_norm x[3] [f64]' --seed 7")
    /// );
    /// # Ok::<(), backprop_audit::FindingError>(())
    /// ```
    pub fn audit_command(&self, check: &str, seed: u64) -> Option<String> {
        let framework = self.dir.strip_suffix("/findings")?.rsplit('/').next()?;
        if framework.is_empty() {
            return None;
        }
        let case = ["[f64]", "[f32]"]
            .iter()
            .filter_map(|tag| check.rfind(tag).map(|i| i + tag.len()))
            .max()
            .map_or(check, |end| &check[..end]);
        let mut command = format!(
            "cargo xtask audit {framework} --filter '{}'",
            case.replace('\'', r"'\''")
        );
        if seed != 0 {
            command.push_str(&format!(" --seed {seed}"));
        }
        Some(command)
    }

    /// Where it is written up, relative to the workspace root.
    pub fn path(&self) -> String {
        if self.dir.is_empty() {
            self.file.clone()
        } else {
            format!("{}/{}", self.dir, self.file)
        }
    }
}

/// Every finding of `files` (`(file name, text)`, as compiled in), in
/// order, each placed in the folder `dir` (relative to the workspace root).
///
/// ```
/// use backprop_audit::known_findings;
///
/// let fence = "`".repeat(3); // a Markdown code fence
/// let text = format!(
///     "{fence}toml
/// [advisory]
/// id = \"F-0001\"
/// package = \"some-framework\"
/// date = \"2026-11-30\"
/// title = \"exp: gradient off by one\"
/// status = \"wrong-value\"
/// cases = [\"exp *\"]
///
/// [affected]
/// functions = [\"some_framework::exp\"]
///
/// [versions]
/// affected = [\"=1.0.0\"]
/// {fence}
///
/// ## exp: gradient off by one
/// "
/// );
/// let findings = known_findings("crates/some/findings", &[("F-0001.md", text.as_str())])?;
/// assert_eq!(findings[0].path(), "crates/some/findings/F-0001.md");
/// assert!(findings[0].covers("exp x[3] [f64]"));
/// # Ok::<(), backprop_audit::FindingError>(())
/// ```
///
/// # Errors
///
/// The first file that cannot be read.
pub fn known_findings(dir: &str, files: &[(&str, &str)]) -> Result<Vec<Finding>, FindingError> {
    files
        .iter()
        .map(|(file, text)| {
            let mut f = Finding::parse(file, text)?;
            f.dir = dir.to_string();
            Ok(f)
        })
        .collect()
}

/// The finding that claims the check `name` that ended with `status`: of
/// the findings this build can reproduce whose patterns match `name`, the
/// one with the longest matching pattern (the first listed on a tie) —
/// among those whose status is `status` when the check failed.
///
/// A failing check is claimed only by a finding that says it fails that
/// way: the same call can fail one way for one reason and another way for
/// another (`conv_transpose1d` has no backward pass, and some of its
/// configurations also overflow in debug builds), and a check that fails
/// in a way no finding describes is a new failure. A passing check is
/// claimed by any finding whose pattern matches it, so that a fix upstream
/// shows as a finding that no longer reproduces.
pub fn claim<'f>(
    findings: &'f [Finding],
    name: &str,
    status: backprop_report::Status,
) -> Option<&'f Finding> {
    let describes = |f: &Finding| status.is_ok() || f.fails_as(status);
    let mut best: Option<(&Finding, usize)> = None;
    for f in findings
        .iter()
        .filter(|f| f.applies_to_this_build() && describes(f))
    {
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
/// use backprop_audit::glob;
///
/// assert!(glob("conv2d(*) x[2, 4, 6, 7] * [f64]", "conv2d(padding=0, stride=2) x[2, 4, 6, 7] kernel[4, 2, 3, 3] [f64]"));
/// assert!(!glob("conv2d(*) [f32]", "conv2d(padding=0) [f64]"));
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
