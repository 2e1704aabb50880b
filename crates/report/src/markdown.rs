//! `report.md`: a short summary for a CI job summary: the verdict, counts,
//! one row per suite, the failures (each a lead-in sentence, a table of the
//! worst elements and the full text folded away) and the known findings.

use std::fmt::Write;

use crate::format::finding_counts;
use crate::format::{
    MAX_ROWS, WORST_COLUMNS, fence_for, lead_in, md_escape, message_lines, status_text, worst_row,
};
use crate::{
    CheckResult, FindingState, Outcome, Report, Reproduction, Summary, format_error, format_worst,
};

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

/// A failure as a list item: the check, its status and one lead-in
/// sentence (with the test's line); then, indented into the item, a table
/// of the worst elements at 4 significant digits and the checker's full
/// text folded away in `<details>`.
fn failure_item(c: &CheckResult) -> String {
    let lead = lead_in(c);
    let mut item = format!(
        "- `{}` **{}**: {}",
        c.qualified_name(),
        status_text(c),
        md_escape(&lead.before)
    );
    if let Some(place) = &lead.place {
        let _ = write!(item, " `{}`", place.replace('`', "'"));
    }
    item.push_str(&md_escape(&lead.after));
    if let Some(source) = &c.source {
        let _ = write!(item, " ({source})");
    }
    if !c.worst_elements.is_empty() {
        let _ = write!(item, "\n\n  | {} |", WORST_COLUMNS.join(" | "));
        let _ = write!(item, "\n  |---|---|---:|---:|---:|---:|");
        for e in c.worst_elements.iter().take(MAX_ROWS) {
            let cells: Vec<String> = worst_row(e).iter().map(|t| md_escape(t)).collect();
            let _ = write!(item, "\n  | {} |", cells.join(" | "));
        }
        if c.worst_elements.len() > MAX_ROWS {
            let _ = write!(
                item,
                "\n\n  {MAX_ROWS} of {} elements; all in the full text and report.json.",
                c.worst_elements.len()
            );
        }
    }
    if !lead.is_whole(&c.message) {
        let text = message_lines(&c.message).join("\n");
        let fence = fence_for(&text);
        let _ = write!(
            item,
            "\n\n  <details><summary>full text</summary>\n\n  {fence}text"
        );
        for line in text.lines() {
            let _ = write!(item, "\n  {line}");
        }
        let _ = write!(item, "\n  {fence}\n\n  </details>\n");
    }
    item
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
                .map(failure_item),
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
        let _ = writeln!(
            md,
            "| {id} | {} | {state} | {} |",
            md_escape(&f.finding.title),
            finding_checks(&f)
        );
    }
}

/// A known finding's checks cell: how many fail as described
/// and how many passed, the smallest failing configuration and the
/// command that reproduces it, then every check folded away.
fn finding_checks(f: &FindingState) -> String {
    let code = |text: &str| format!("`{}`", md_escape(&text.replace('`', "'")));
    let mut cell = finding_counts(f);
    if let Some(smallest) = f.smallest() {
        let _ = write!(cell, "; smallest: {}", code(smallest));
    }
    if let Some(command) = &f.finding.reproducer {
        let _ = write!(cell, "; reproduce: {}", code(command));
    }
    let all: Vec<String> = f
        .not_reproduced_by
        .iter()
        .map(|c| format!("{} (passed)", code(c)))
        .chain(f.reproduced_by.iter().map(|c| code(c)))
        .collect();
    if !all.is_empty() {
        let _ = write!(
            cell,
            " <details><summary>all {} checks</summary>{}</details>",
            all.len(),
            all.join("<br>")
        );
    }
    cell
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
