//! `report.json`: the report with its computed summary and the state of
//! each known finding, and reading it back.

use serde::{Deserialize, Serialize, Serializer};

use crate::{
    CellResult, CheckResult, FindingState, KnownFinding, Property, Report, Reproduction, Summary,
};

/// The title of a report read from JSON that has none (written before
/// reports had titles).
const UNTITLED: &str = "gradient checks";

/// What `report.json` holds, in this order; the summary and the findings'
/// states are computed, not stored.
#[derive(Serialize)]
struct ReportOut<'a> {
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    seed: Option<u64>,
    filter: &'a Option<String>,
    #[serde(skip_serializing_if = "<[Property]>::is_empty")]
    properties: &'a [Property],
    summary: Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    notebook: Option<&'a [CellResult]>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    known_findings: Vec<FindingOut>,
    checks: &'a [CheckResult],
}

#[derive(Serialize)]
struct FindingOut {
    #[serde(flatten)]
    state: FindingState,
    reproduction: Reproduction,
    /// `false` for an id that checks refer to but the report does not list.
    listed: bool,
}

impl Serialize for Report {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let listed = self.known_findings.len();
        let known_findings = self
            .finding_states()
            .into_iter()
            .enumerate()
            .map(|(i, state)| FindingOut {
                reproduction: state.reproduction(),
                state,
                listed: i < listed,
            })
            .collect();
        ReportOut {
            title: &self.title,
            seed: self.seed,
            filter: &self.filter,
            properties: &self.properties,
            summary: self.summary(),
            notebook: self.notebook.as_deref(),
            known_findings,
            checks: &self.checks,
        }
        .serialize(serializer)
    }
}

/// What is read back from `report.json`: everything but the computed parts.
#[derive(Deserialize)]
pub(crate) struct ReportIn {
    #[serde(default = "untitled")]
    title: String,
    #[serde(default)]
    seed: Option<u64>,
    #[serde(default)]
    filter: Option<String>,
    #[serde(default)]
    properties: Vec<Property>,
    #[serde(default)]
    summary: Option<SummaryIn>,
    #[serde(default)]
    notebook: Option<Vec<CellResult>>,
    #[serde(default)]
    known_findings: Vec<FindingIn>,
    #[serde(default)]
    checks: Vec<CheckResult>,
}

fn untitled() -> String {
    UNTITLED.to_owned()
}

#[derive(Deserialize)]
struct SummaryIn {
    #[serde(default)]
    seconds: Option<f64>,
}

#[derive(Deserialize)]
struct FindingIn {
    #[serde(flatten)]
    finding: KnownFinding,
    #[serde(default = "listed")]
    listed: bool,
}

fn listed() -> bool {
    true
}

impl From<ReportIn> for Report {
    fn from(r: ReportIn) -> Report {
        Report {
            title: r.title,
            seed: r.seed,
            filter: r.filter,
            properties: r.properties,
            seconds: r.summary.and_then(|s| s.seconds),
            notebook: r.notebook,
            known_findings: r
                .known_findings
                .into_iter()
                .filter(|f| f.listed)
                .map(|f| f.finding)
                .collect(),
            checks: r.checks,
        }
    }
}

impl<'de> Deserialize<'de> for Report {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Report, D::Error> {
        ReportIn::deserialize(deserializer).map(Report::from)
    }
}

impl Report {
    /// `report.json`: pretty-printed, ending in a newline. Non-finite
    /// numbers are written as `null`.
    ///
    /// ```
    /// use backprop_report::{CheckResult, Report, Status};
    ///
    /// let mut report = Report::new("checks").with_seed(3);
    /// report.push(CheckResult::new("ops", "exp [f64]", Status::Pass, "ok"));
    /// let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    /// assert_eq!(json["summary"]["passed"], 1);
    /// assert_eq!(json["checks"][0]["status"], "pass");
    /// assert_eq!(Report::from_json(&report.to_json()).unwrap(), report);
    /// ```
    pub fn to_json(&self) -> String {
        // Every part of a report serialises (maps have string keys,
        // non-finite floats become null): an error here is a bug.
        let mut text = serde_json::to_string_pretty(self).expect("a report always serialises");
        text.push('\n');
        text
    }

    /// Reads a report written by [`to_json`](Report::to_json) (or by an
    /// older version of this crate: missing fields take their defaults).
    /// Notebook diagrams are not stored in JSON and come back empty.
    pub fn from_json(text: &str) -> Result<Report, serde_json::Error> {
        serde_json::from_str(text)
    }
}
