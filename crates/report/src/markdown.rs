//! `report.md`: a short summary for a CI job summary: the verdict, counts,
//! one row per suite, the failures and the known findings.

use std::fmt::Write;

use crate::format::{md_escape, status_text};
use crate::{CheckResult, Outcome, Report, Reproduction, Summary, format_error, format_worst};

/// At most this many failures are listed; the rest are in `report.json`.
const MAX_LISTED: usize = 50;

/// Whether the report deals with known findings at all (then the tables
/// get their columns).
fn has_known(r: &Report) -> bool {
    !r.known_findings.is_empty() || r.checks.iter().any(|c| c.known.is_some())
}

fn totals(md: &mut String, r: &Report, s: &Summary, known: bool) {
    let mut head = vec!["checks", "passed", "failed", "kinks", "non-finite"];
    let mut values = vec![s.total, s.passed, s.failed, s.kinks, s.non_finite]
        .into_iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>();
    if s.skipped > 0 {
        head.push("skipped");
        values.push(s.skipped.to_string());
    }
    if known {
        head.extend(["known", "not reproduced"]);
        values.push(s.known.to_string());
        values.push(s.not_reproduced.to_string());
    }
    head.push("worst relative error per type");
    values.push(format_worst(&s.worst));
    if let Some(seed) = r.seed {
        head.push("seed");
        values.push(seed.to_string());
    }
    let align: Vec<&str> = head
        .iter()
        .map(|h| {
            if h.starts_with("worst") {
                "---"
            } else {
                "---:"
            }
        })
        .collect();
    let _ = writeln!(md, "| {} |", head.join(" | "));
    let _ = writeln!(md, "|{}|", align.join("|"));
    let _ = writeln!(md, "| {} |\n", values.join(" | "));
}

fn suites(md: &mut String, r: &Report, known: bool) {
    let known_head = if known { " known |" } else { "" };
    let known_align = if known { "---:|" } else { "" };
    let _ = writeln!(
        md,
        "| suite | checks | passed | failed | kinks |{known_head} worst relative error |"
    );
    let _ = writeln!(md, "|---|---:|---:|---:|---:|{known_align}---|");
    if let Some(cells) = &r.notebook {
        let failed = cells.iter().filter(|c| !c.status.is_ok()).count();
        let known_zero = if known { " 0 |" } else { "" };
        let _ = writeln!(
            md,
            "| notebook | {} | {} | {failed} | 0 |{known_zero} - |",
            cells.len(),
            cells.len() - failed,
        );
    }
    let mut names: Vec<&str> = Vec::new();
    for c in &r.checks {
        if !names.contains(&c.suite.as_str()) {
            names.push(&c.suite);
        }
    }
    for suite in names {
        let checks: Vec<&CheckResult> = r.checks.iter().filter(|c| c.suite == suite).collect();
        let count = |o: Outcome| checks.iter().filter(|c| c.outcome() == o).count();
        let failed = count(Outcome::Failed) + count(Outcome::NotReproduced);
        let worst = checks
            .iter()
            .filter_map(|c| c.worst_rel_error)
            .filter(|e| e.is_finite())
            .fold(None, |m: Option<f64>, e| Some(m.map_or(e, |m| m.max(e))));
        let known_count = if known {
            format!(" {} |", count(Outcome::Known))
        } else {
            String::new()
        };
        let _ = writeln!(
            md,
            "| {} | {} | {} | {failed} | {} |{known_count} {} |",
            md_escape(suite),
            checks.len(),
            count(Outcome::Passed),
            count(Outcome::Kink),
            format_error(worst)
        );
    }
}

fn failure_line(c: &CheckResult) -> String {
    let mut line = format!("- `{}` **{}**", c.qualified_name(), status_text(c));
    if let Some(at) = &c.location {
        let _ = write!(line, " at `{}`", md_escape(&at.to_string()));
    }
    let _ = write!(line, ": {}", md_escape(&c.message));
    if let Some(source) = &c.source {
        let _ = write!(line, " ({source})");
    }
    line
}

fn failures(md: &mut String, r: &Report) {
    let lines: Vec<String> = r
        .cells()
        .iter()
        .filter(|c| !c.status.is_ok())
        .map(|c| {
            format!(
                "- notebook `In [{}]`: output differs from the snapshot",
                c.number
            )
        })
        .chain(
            r.checks
                .iter()
                .filter(|c| !c.outcome().is_ok())
                .map(failure_line),
        )
        .collect();
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(md, "\n### Failures\n");
    for line in lines.iter().take(MAX_LISTED) {
        let _ = writeln!(md, "{line}");
    }
    if lines.len() > MAX_LISTED {
        let _ = writeln!(
            md,
            "- … and {} more (see report.json)",
            lines.len() - MAX_LISTED
        );
    }
}

fn known_findings(md: &mut String, r: &Report) {
    let states = r.finding_states();
    if states.is_empty() {
        return;
    }
    let _ = writeln!(md, "\n### Known findings\n");
    let _ = writeln!(md, "| finding | what | state | checks |");
    let _ = writeln!(md, "|---|---|---|---|");
    for f in states {
        let id = match &f.finding.reference {
            Some(link) => format!("[{}]({})", md_escape(&f.finding.id), link),
            None => md_escape(&f.finding.id),
        };
        let state = match f.reproduction() {
            Reproduction::Reproduced => "reproduced",
            Reproduction::NotReproduced => "❌ no longer reproduces",
            Reproduction::NotChecked => "❌ not checked",
        };
        let checks: Vec<String> = f
            .reproduced_by
            .iter()
            .map(|c| format!("`{c}`"))
            .chain(
                f.not_reproduced_by
                    .iter()
                    .map(|c| format!("`{c}` (passed)")),
            )
            .collect();
        let _ = writeln!(
            md,
            "| {id} | {} | {state} | {} |",
            md_escape(&f.finding.title),
            md_escape(&checks.join(", "))
        );
    }
}

/// Renders `report.md`.
pub(crate) fn render(r: &Report) -> String {
    let s = r.summary();
    let mark = if s.is_success() { "✅" } else { "❌" };
    let mut md = format!("## {}: {mark} {}\n\n", md_escape(&r.title), s.verdict());
    if !r.properties.is_empty() {
        let facts: Vec<String> = r
            .properties
            .iter()
            .map(|p| format!("{}: {}", md_escape(&p.name), md_escape(&p.value)))
            .collect();
        let _ = writeln!(md, "{}\n", facts.join(" · "));
    }
    let known = has_known(r);
    totals(&mut md, r, &s, known);
    suites(&mut md, r, known);
    failures(&mut md, r);
    known_findings(&mut md, r);
    md
}

impl Report {
    /// `report.md`: the verdict, the counts, one row per suite, the
    /// failures (at most 50) and the known findings, in GitHub-flavoured
    /// Markdown for a CI job summary.
    ///
    /// ```
    /// use backprop_report::{CheckResult, Report, Status};
    ///
    /// let mut report = Report::new("my-ops gradient checks");
    /// report.push(CheckResult::new("my-ops", "softplus [f64]", Status::Pass, "ok"));
    /// assert!(report.to_markdown().starts_with("## my-ops gradient checks: ✅ all checks passed"));
    /// ```
    pub fn to_markdown(&self) -> String {
        render(self)
    }
}
