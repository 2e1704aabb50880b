//! `report.md`: a short summary table for a CI job summary.

use std::fmt::Write;

use super::{Report, Status, format_error, format_worst};

/// Escapes text for a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

pub fn render(r: &Report) -> String {
    let s = &r.summary;
    let verdict = if r.all_ok() {
        "✅ all checks passed"
    } else {
        "❌ some checks failed"
    };
    let mut md = format!("## backprop verify: {verdict}\n\n");
    let _ = writeln!(
        md,
        "| checks | passed | failed | kinks | non-finite | worst relative error per type | seed |"
    );
    let _ = writeln!(md, "|---:|---:|---:|---:|---:|---|---:|");
    let worst = format_worst(&s.worst);
    let _ = writeln!(
        md,
        "| {} | {} | {} | {} | {} | {} | {} |\n",
        s.total, s.passed, s.failed, s.kinks, s.non_finite, worst, r.seed
    );

    let _ = writeln!(
        md,
        "| suite | checks | passed | failed | kinks | worst relative error |"
    );
    let _ = writeln!(md, "|---|---:|---:|---:|---:|---|");
    let notebook_failed = r.notebook.iter().filter(|c| !c.status.is_ok()).count();
    let _ = writeln!(
        md,
        "| notebook | {} | {} | {} | 0 | - |",
        r.notebook.len(),
        r.notebook.len() - notebook_failed,
        notebook_failed
    );
    let mut suites: Vec<&str> = r.checks.iter().map(|c| c.suite.as_str()).collect();
    suites.dedup();
    for suite in suites {
        let checks: Vec<_> = r.checks.iter().filter(|c| c.suite == suite).collect();
        let count = |st: Status| checks.iter().filter(|c| c.status == st).count();
        let failed = checks.iter().filter(|c| !c.status.is_ok()).count();
        let worst = checks
            .iter()
            .filter_map(|c| c.worst_rel_error)
            .filter(|e| e.is_finite())
            .fold(None, |m: Option<f64>, e| Some(m.map_or(e, |m| m.max(e))));
        let _ = writeln!(
            md,
            "| {suite} | {} | {} | {failed} | {} | {} |",
            checks.len(),
            count(Status::Pass),
            count(Status::Kink),
            format_error(worst)
        );
    }

    let failures: Vec<String> = r
        .notebook
        .iter()
        .filter(|c| !c.status.is_ok())
        .map(|c| {
            format!(
                "- notebook `In [{}]`: output differs from the snapshot",
                c.number
            )
        })
        .chain(r.checks.iter().filter(|c| !c.status.is_ok()).map(|c| {
            format!(
                "- `{}` **{}**: {}",
                c.qualified_name(),
                c.status.label(),
                cell(&c.message)
            )
        }))
        .collect();
    if !failures.is_empty() {
        let _ = writeln!(md, "\n### Failures\n");
        for f in failures.iter().take(50) {
            let _ = writeln!(md, "{f}");
        }
        if failures.len() > 50 {
            let _ = writeln!(md, "- … and {} more (see report.json)", failures.len() - 50);
        }
    }
    md
}
