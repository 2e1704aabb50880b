//! The report: every check of a run, optional notebook cells, the known
//! findings, and the verdict.

use serde::{Deserialize, Serialize};

use crate::{CheckResult, Outcome, Status, Summary};

/// Everything one run found: a verification, an audit of a framework, or
/// the gradient checks of a crate's tests.
///
/// The summary and the known findings' states are computed from the checks
/// whenever they are needed ([`summary`](Report::summary),
/// [`finding_states`](Report::finding_states)), so they are never stale.
///
/// ```
/// use backprop_report::{CheckResult, Report, Status};
///
/// let mut report = Report::new("my-ops gradient checks").with_seed(7);
/// report.push(CheckResult::new("my-ops", "softplus [f64]", Status::Pass, "max rel 1e-11"));
/// report.push(CheckResult::new("my-ops", "elu [f64]", Status::Fail, "worst element [3]"));
/// assert_eq!(report.summary().failed, 1);
/// assert!(!report.passed());
/// assert!(report.to_markdown().contains("`my-ops/elu [f64]` **fail**"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// Heading of every rendering and name of the JUnit `testsuites`
    /// (`"backprop verify"`, `"candle audit"`, ...).
    pub title: String,
    /// The seed that reproduces this run, if the run has one.
    pub seed: Option<u64>,
    /// The filter in effect, if any.
    pub filter: Option<String>,
    /// Facts about the run, shown in every rendering (versions, machine,
    /// options) and as JUnit properties.
    pub properties: Vec<Property>,
    /// Wall time of the run in seconds, if measured.
    pub seconds: Option<f64>,
    /// Replayed notebook cells compared with snapshots; `None` leaves the
    /// notebook section out of every rendering.
    pub notebook: Option<Vec<CellResult>>,
    /// The committed known findings this run expects to reproduce; checks
    /// refer to them by id ([`CheckResult::known`]).
    pub known_findings: Vec<KnownFinding>,
    /// The checks, in the order they are listed.
    pub checks: Vec<CheckResult>,
}

impl Report {
    /// An empty report titled `title`, without seed, notebook or known
    /// findings.
    pub fn new(title: impl Into<String>) -> Report {
        Report {
            title: title.into(),
            seed: None,
            filter: None,
            properties: Vec::new(),
            seconds: None,
            notebook: None,
            known_findings: Vec::new(),
            checks: Vec::new(),
        }
    }

    /// Sets the seed that reproduces the run.
    pub fn with_seed(mut self, seed: u64) -> Report {
        self.seed = Some(seed);
        self
    }

    /// Sets the filter in effect.
    pub fn with_filter(mut self, filter: Option<String>) -> Report {
        self.filter = filter;
        self
    }

    /// Adds a fact about the run (e.g. `("candle-core", "0.9.1")`).
    pub fn with_property(mut self, name: impl Into<String>, value: impl Into<String>) -> Report {
        self.properties.push(Property {
            name: name.into(),
            value: value.into(),
        });
        self
    }

    /// Sets the wall time of the run.
    pub fn with_seconds(mut self, seconds: f64) -> Report {
        self.seconds = Some(seconds);
        self
    }

    /// Sets the notebook section.
    pub fn with_notebook(mut self, cells: Vec<CellResult>) -> Report {
        self.notebook = Some(cells);
        self
    }

    /// Sets the known findings this run expects to reproduce.
    pub fn with_known_findings(mut self, findings: Vec<KnownFinding>) -> Report {
        self.known_findings = findings;
        self
    }

    /// Adds a check.
    pub fn push(&mut self, check: CheckResult) {
        self.checks.push(check);
    }

    /// The notebook cells (none when the report has no notebook section).
    pub fn cells(&self) -> &[CellResult] {
        self.notebook.as_deref().unwrap_or_default()
    }

    /// Counts, worst errors and the state of the known findings.
    pub fn summary(&self) -> Summary {
        Summary::of(self)
    }

    /// The verdict: no new failure, and every known finding still
    /// reproduces (kinks and skipped checks do not fail a run).
    pub fn passed(&self) -> bool {
        self.summary().is_success()
    }

    /// Each known finding with the checks that reproduced it or not: the
    /// listed findings in order, then any id a check refers to that is not
    /// listed.
    ///
    /// ```
    /// use backprop_report::{CheckResult, KnownFinding, Report, Reproduction, Status};
    ///
    /// let mut report = Report::new("audit").with_known_findings(vec![
    ///     KnownFinding::new("F-1", "max_pool2d: gradient to every tied maximum"),
    ///     KnownFinding::new("F-2", "fixed upstream since"),
    /// ]);
    /// report.push(CheckResult::new("ops", "max_pool2d [f64]", Status::Fail, "wrong").known_as("F-1"));
    /// report.push(CheckResult::new("ops", "max_pool2d [f32]", Status::Fail, "wrong").known_as("F-1"));
    /// report.push(CheckResult::new("ops", "avg_pool2d [f64]", Status::Pass, "ok").known_as("F-2"));
    /// let states = report.finding_states();
    /// assert_eq!(states[0].reproduction(), Reproduction::Reproduced);
    /// assert_eq!(states[0].reproduced_by, ["ops/max_pool2d [f64]", "ops/max_pool2d [f32]"]);
    /// assert_eq!(states[1].reproduction(), Reproduction::NotReproduced);
    /// assert!(!report.passed(), "F-2 no longer reproduces");
    /// ```
    pub fn finding_states(&self) -> Vec<FindingState> {
        let mut states: Vec<FindingState> = self
            .known_findings
            .iter()
            .map(|f| FindingState::new(f.clone()))
            .collect();
        for c in &self.checks {
            let Some(id) = &c.known else { continue };
            let i = match states.iter().position(|s| &s.finding.id == id) {
                Some(i) => i,
                None => {
                    states.push(FindingState::new(KnownFinding::new(
                        id.clone(),
                        "(not in the list of known findings)",
                    )));
                    states.len() - 1
                }
            };
            let into = match c.outcome() {
                Outcome::Known => &mut states[i].reproduced_by,
                _ => &mut states[i].not_reproduced_by,
            };
            into.push(c.qualified_name());
        }
        states
    }
}

/// A fact about the run (a version, an option, the machine), listed under
/// the heading of `report.md` and `report.html` and as a JUnit
/// `<property>` of every test suite.
///
/// ```
/// use backprop_report::{CheckResult, Property, Report, Status};
///
/// let mut report = Report::new("audit").with_property("candle-core", "0.9.1");
/// report.push(CheckResult::new("candle", "exp [f64]", Status::Pass, "ok"));
/// assert_eq!(report.properties, [Property { name: "candle-core".into(), value: "0.9.1".into() }]);
/// assert!(report.to_junit().contains(r#"<property name="candle-core" value="0.9.1"/>"#));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Property {
    /// What it is (`"candle-core"`).
    pub name: String,
    /// Its value (`"0.9.1"`).
    pub value: String,
}

/// A replayed notebook cell compared with its committed snapshot (the
/// notebook section of `cargo xtask verify`; other reports leave
/// [`Report::notebook`] at `None`).
///
/// ```
/// use backprop_report::{CellResult, Report, Status};
///
/// let cell = CellResult {
///     number: 3,
///     title: "the chain rule on f = (x + y) * z".into(),
///     status: Status::Pass,
///     output: "dfdq = -4\n".into(),
///     diff: None,
///     diagram_svg: None,
///     stepper_html: None,
/// };
/// let report = Report::new("backprop verify").with_notebook(vec![cell]);
/// assert!(report.to_markdown().contains("| notebook | 1 | 1 | 0 | 0 | - |"));
/// assert!(report.to_html().contains("<h3>In [3]: the chain rule"));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellResult {
    /// The cell's number, as in `In [8]:`.
    pub number: u32,
    /// What the cell shows.
    pub title: String,
    /// Pass when the replay equals the snapshot byte for byte.
    pub status: Status,
    /// The replay's output.
    pub output: String,
    /// Expected-versus-actual line diff when they differ.
    pub diff: Option<String>,
    /// The circuit diagram (SVG) of the cell's graph, for gradient cells;
    /// shown in `report.html` only.
    #[serde(skip)]
    pub diagram_svg: Option<String>,
    /// A self-contained page that steps through the cell's forward and
    /// backward pass (`backprop_graph::Graph::to_html`), for gradient
    /// cells. [`Report::write_all`] writes it beside `report.html` as
    /// [`CellResult::stepper_file`], and `report.html` links it.
    #[serde(skip)]
    pub stepper_html: Option<String>,
}

impl CellResult {
    /// The file name of the cell's step-by-step page in a report folder
    /// (`steps-in-12.html` for `In [12]`).
    ///
    /// ```
    /// use backprop_report::{CellResult, Status};
    ///
    /// let cell = CellResult {
    ///     number: 12,
    ///     title: "staged backward".into(),
    ///     status: Status::Pass,
    ///     output: String::new(),
    ///     diff: None,
    ///     diagram_svg: None,
    ///     stepper_html: Some("<!DOCTYPE html>...".into()),
    /// };
    /// assert_eq!(cell.stepper_file(), "steps-in-12.html");
    /// ```
    pub fn stepper_file(&self) -> String {
        format!("steps-in-{}.html", self.number)
    }
}

/// A known problem in the code under test, committed with its reproducer
/// (for an audit: a finding file), that the run expects to reproduce.
///
/// ```
/// use backprop_report::KnownFinding;
///
/// let f = KnownFinding::new("CANDLE-0001", "conv_transpose1d: wrong gradient for dilation 2")
///     .with_reference("crates/candle/findings/CANDLE-0001.md")
///     .with_reproducer("cargo xtask audit candle --filter 'conv_transpose1d(dilation=2) x[1, 1, 3] [f64]'");
/// assert_eq!(f.reference.as_deref(), Some("crates/candle/findings/CANDLE-0001.md"));
/// assert!(f.reproducer.unwrap().starts_with("cargo xtask audit candle"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownFinding {
    /// Its id, as checks refer to it.
    pub id: String,
    /// One line saying what is wrong.
    pub title: String,
    /// Where it is written up (a file in the repository or a URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// A shell command that reproduces it (e.g. the audit of its smallest
    /// failing configuration), shown beside it in `report.md` and
    /// `report.html`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reproducer: Option<String>,
}

impl KnownFinding {
    /// A finding without reference.
    pub fn new(id: impl Into<String>, title: impl Into<String>) -> KnownFinding {
        KnownFinding {
            id: id.into(),
            title: title.into(),
            reference: None,
            reproducer: None,
        }
    }

    /// Sets where the finding is written up.
    pub fn with_reference(mut self, reference: impl Into<String>) -> KnownFinding {
        self.reference = Some(reference.into());
        self
    }

    /// Sets the shell command that reproduces it.
    pub fn with_reproducer(mut self, command: impl Into<String>) -> KnownFinding {
        self.reproducer = Some(command.into());
        self
    }
}

/// Whether a known finding reproduced in this run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reproduction {
    /// Every check that refers to it still fails.
    Reproduced,
    /// At least one check that refers to it passed: fixed, or the check
    /// changed. Fails the run.
    NotReproduced,
    /// No check refers to it. Fails the run (list only the findings whose
    /// checks ran, e.g. under a filter).
    NotChecked,
}

impl Reproduction {
    /// `"reproduced"`, `"not-reproduced"` or `"not-checked"`.
    pub fn label(self) -> &'static str {
        match self {
            Reproduction::Reproduced => "reproduced",
            Reproduction::NotReproduced => "not-reproduced",
            Reproduction::NotChecked => "not-checked",
        }
    }
}

/// A known finding and the checks that refer to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingState {
    /// The finding.
    #[serde(flatten)]
    pub finding: KnownFinding,
    /// Checks (`suite/name`) that still fail as the finding says.
    pub reproduced_by: Vec<String>,
    /// Checks (`suite/name`) that refer to it but passed.
    pub not_reproduced_by: Vec<String>,
}

impl FindingState {
    fn new(finding: KnownFinding) -> FindingState {
        FindingState {
            finding,
            reproduced_by: Vec::new(),
            not_reproduced_by: Vec::new(),
        }
    }

    /// The smallest configuration that reproduced it: of the checks in
    /// [`reproduced_by`](FindingState::reproduced_by), the one with the
    /// fewest input elements by the shapes its name writes (`x[1, 1, 5, 5]
    /// w[2, 1, 3]`: 25 + 6; a name without shapes counts as largest), then
    /// `[f64]` before other types, then the shortest name.
    ///
    /// ```
    /// use backprop_report::{CheckResult, KnownFinding, Report, Status};
    ///
    /// let mut report = Report::new("audit").with_known_findings(vec![KnownFinding::new("F-1", "pooling")]);
    /// for name in [
    ///     "avg_pool2d((2, 2)) x[2, 2, 4, 5] [f64]",
    ///     "avg_pool2d((3, 3)) x[1, 1, 7, 6] [f64]",
    ///     "avg_pool2d((2, 2)) x[1, 1, 5, 5] [f32]",
    ///     "avg_pool2d((2, 2)) x[1, 1, 5, 5] [f64]",
    /// ] {
    ///     report.push(CheckResult::new("candle-core", name, Status::Fail, "wrong").known_as("F-1"));
    /// }
    /// let states = report.finding_states();
    /// assert_eq!(states[0].smallest(), Some("candle-core/avg_pool2d((2, 2)) x[1, 1, 5, 5] [f64]"));
    /// ```
    pub fn smallest(&self) -> Option<&str> {
        self.reproduced_by
            .iter()
            .min_by_key(|name| {
                (
                    elements_in_name(name).unwrap_or(usize::MAX),
                    !name.contains("[f64]"),
                    name.len(),
                    name.as_str(),
                )
            })
            .map(String::as_str)
    }

    /// Whether it reproduced.
    pub fn reproduction(&self) -> Reproduction {
        if !self.not_reproduced_by.is_empty() {
            Reproduction::NotReproduced
        } else if self.reproduced_by.is_empty() {
            Reproduction::NotChecked
        } else {
            Reproduction::Reproduced
        }
    }
}

/// The number of elements of the shapes a check's name writes, such as
/// `x[1, 1, 5, 5]` (25) or `[]` (a scalar, 1), summed; `None` when it
/// writes none (`[f64]` is no shape).
fn elements_in_name(name: &str) -> Option<usize> {
    let mut total = None;
    let mut rest = name;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']') else {
            break;
        };
        let inside = &rest[open + 1..open + close];
        let dims: Option<Vec<usize>> = if inside.trim().is_empty() {
            Some(Vec::new())
        } else {
            inside.split(',').map(|d| d.trim().parse().ok()).collect()
        };
        if let Some(dims) = dims {
            let size = dims.iter().product::<usize>();
            total = Some(total.unwrap_or(0usize).saturating_add(size));
        }
        rest = &rest[open + close + 1..];
    }
    total
}
