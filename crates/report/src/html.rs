//! `report.html`: one self-contained page (no external files or scripts):
//! the verdict, the notebook cells with their circuit diagrams (when the
//! report has a notebook), the known findings, the error chart, and every
//! check; a check that did not pass reads as one sentence and a table of
//! its worst elements, with the checker's full text folded away.

use std::fmt::Write;

use crate::format::{
    MAX_ROWS, WORST_COLUMNS, finding_counts, html_escape as esc, lead_in, message_lines,
    status_text, worst_row,
};
use crate::{
    CheckResult, FindingState, Outcome, Report, Reproduction, chart, format_error, format_worst,
};

/// Drops an XML declaration so an SVG document can be inlined in HTML.
fn inline_svg(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px}\
pre{background:#f6f8fa;padding:.8em;overflow-x:auto}\
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}\
.pass{color:#1a7f37}.fail,.non-finite,.missing-gradient,.silent-zero,.wrong-shape,\
.backward-error,.panic{color:#cf222e;font-weight:bold}.kink{color:#9a6700}\
.known{color:#8250df;font-weight:bold}.skipped{color:#57606a}\
.diagram{overflow-x:auto;border:1px solid #eee;margin:.5em 0}\
table.worst{margin:.4em 0;font-size:90%}table.worst td{text-align:right}\
table.worst td:nth-child(-n+2){text-align:left}details pre{margin:.3em 0}summary{cursor:pointer}";

/// The CSS class of a check's status cell: its status, except that a
/// known finding is `known` and one that no longer reproduces is `fail`.
fn status_class(c: &CheckResult) -> &'static str {
    match c.outcome() {
        Outcome::Known => "known",
        Outcome::NotReproduced => "fail",
        _ => c.status.label(),
    }
}

/// Where a check stands in the table: new failures first, so they are seen
/// at a glance, then known findings, then the rest.
fn rank(c: &CheckResult) -> u8 {
    match c.outcome() {
        Outcome::Failed | Outcome::NotReproduced => 0,
        Outcome::Known => 1,
        Outcome::Kink | Outcome::Skipped => 2,
        Outcome::Passed => 3,
    }
}

fn headline(h: &mut String, r: &Report) {
    let s = r.summary();
    let class = if s.is_success() { "pass" } else { "fail" };
    let _ = writeln!(
        h,
        "<h1>{}: <span class=\"{class}\">{}</span></h1>",
        esc(&r.title),
        esc(&s.verdict())
    );
    let mut counts = format!(
        "{} checks: {} passed, {} failed, {} kinks, {} non-finite",
        s.total, s.passed, s.failed, s.kinks, s.non_finite
    );
    if s.skipped > 0 {
        let _ = write!(counts, ", {} skipped", s.skipped);
    }
    if s.known > 0 || s.not_reproduced > 0 || !r.known_findings.is_empty() {
        let _ = write!(
            counts,
            ", {} known findings, {} no longer reproduced",
            s.known, s.not_reproduced
        );
    }
    let _ = write!(
        counts,
        ". Worst relative error per type: {}.",
        esc(&format_worst(&s.worst))
    );
    if let Some(seed) = r.seed {
        let filter = r.filter.as_ref().map_or(String::new(), |f| {
            format!(", filter <code>{}</code>", esc(f))
        });
        let _ = write!(counts, " Seed {seed}{filter}.");
    }
    if let Some(seconds) = s.seconds {
        let _ = write!(counts, " {seconds:.1} s.");
    }
    let _ = writeln!(h, "<p>{counts}</p>");
    if !r.properties.is_empty() {
        let _ = writeln!(h, "<ul>");
        for p in &r.properties {
            let _ = writeln!(h, "<li>{}: {}</li>", esc(&p.name), esc(&p.value));
        }
        let _ = writeln!(h, "</ul>");
    }
}

fn notebook(h: &mut String, r: &Report) {
    let Some(cells) = &r.notebook else { return };
    let _ = writeln!(h, "<h2>Notebook</h2>");
    for c in cells {
        let _ = writeln!(
            h,
            "<h3>In [{}]: {} <span class=\"{}\">{}</span></h3>\n<pre>{}</pre>",
            c.number,
            esc(&c.title),
            c.status.label(),
            c.status.label(),
            esc(&c.output)
        );
        if let Some(diff) = &c.diff {
            let _ = writeln!(
                h,
                "<p>Expected (−) versus actual (+):</p><pre>{}</pre>",
                esc(diff)
            );
        }
        if let Some(svg) = &c.diagram_svg {
            let _ = writeln!(h, "<div class=\"diagram\">{}</div>", inline_svg(svg));
        }
        if c.stepper_html.is_some() {
            let _ = writeln!(
                h,
                "<p><a href=\"{}\">Step through In [{}]'s forward and backward pass</a> \
                 (a page beside this report)</p>",
                esc(&c.stepper_file()),
                c.number
            );
        }
    }
}

fn known_findings(h: &mut String, r: &Report) {
    let states = r.finding_states();
    if states.is_empty() {
        return;
    }
    let _ = writeln!(
        h,
        "<h2>Known findings</h2>\n<table><tr><th>finding</th><th>what</th><th>state</th><th>checks</th></tr>"
    );
    for f in states {
        let id = match &f.finding.reference {
            Some(link) => format!("<a href=\"{}\">{}</a>", esc(link), esc(&f.finding.id)),
            None => esc(&f.finding.id),
        };
        let (class, state) = match f.reproduction() {
            Reproduction::Reproduced => ("known", "reproduced"),
            Reproduction::NotReproduced => ("fail", "no longer reproduces"),
            Reproduction::NotChecked => ("fail", "not checked"),
        };
        let _ = writeln!(
            h,
            "<tr><td>{id}</td><td>{}</td><td class=\"{class}\">{state}</td><td>{}</td></tr>",
            esc(&f.finding.title),
            finding_checks(&f)
        );
    }
    let _ = writeln!(h, "</table>");
}

/// A known finding's checks cell: how many fail as described and how many
/// passed, the smallest failing configuration and the command that
/// reproduces it, then every check folded away.
fn finding_checks(f: &FindingState) -> String {
    let mut cell = esc(&finding_counts(f));
    if let Some(smallest) = f.smallest() {
        let _ = write!(cell, "; smallest: <code>{}</code>", esc(smallest));
    }
    if let Some(command) = &f.finding.reproducer {
        let _ = write!(cell, "; reproduce: <code>{}</code>", esc(command));
    }
    let all: Vec<String> = f
        .not_reproduced_by
        .iter()
        .map(|c| format!("{} (passed)", esc(c)))
        .chain(f.reproduced_by.iter().map(|c| esc(c)))
        .collect();
    if !all.is_empty() {
        let _ = write!(
            cell,
            "<details><summary>all {} checks</summary>{}</details>",
            all.len(),
            all.join("<br>")
        );
    }
    cell
}

/// A check's message cell: for a check that did not pass, one lead-in
/// sentence, a table of the worst elements at 4 significant digits, and
/// the checker's full text folded away in `<details>`; otherwise its
/// one-line message. The test's line follows the sentence.
fn message_cell(c: &CheckResult) -> String {
    let source = c.source.as_ref().map_or(String::new(), |s| {
        format!(" <small>({})</small>", esc(&s.to_string()))
    });
    if c.status.is_ok() {
        return format!("{}{source}", esc(&c.message));
    }
    let lead = lead_in(c);
    let mut cell = esc(&lead.before);
    if let Some(place) = &lead.place {
        let _ = write!(cell, " <code>{}</code>", esc(place));
    }
    cell.push_str(&esc(&lead.after));
    cell.push_str(&source);
    if !c.worst_elements.is_empty() {
        let head: Vec<String> = WORST_COLUMNS
            .iter()
            .map(|t| format!("<th>{t}</th>"))
            .collect();
        let _ = write!(cell, "<table class=\"worst\"><tr>{}</tr>", head.concat());
        for e in c.worst_elements.iter().take(MAX_ROWS) {
            let row: Vec<String> = worst_row(e)
                .iter()
                .map(|t| format!("<td>{}</td>", esc(t)))
                .collect();
            let _ = write!(cell, "<tr>{}</tr>", row.concat());
        }
        cell.push_str("</table>");
        if c.worst_elements.len() > MAX_ROWS {
            let _ = write!(
                cell,
                "<small>{MAX_ROWS} of {} elements; all in the full text and report.json.</small>",
                c.worst_elements.len()
            );
        }
    }
    if !lead.is_whole(&c.message) {
        let _ = write!(
            cell,
            "<details><summary>full text</summary><pre>{}</pre></details>",
            esc(&message_lines(&c.message).join("\n"))
        );
    }
    cell
}

fn checks(h: &mut String, r: &Report) {
    let _ = writeln!(
        h,
        "<h2>Checks</h2>\n<table><tr><th>suite</th><th>check</th><th>status</th>\
         <th>worst relative error</th><th>message</th></tr>"
    );
    let mut ordered: Vec<&CheckResult> = r.checks.iter().collect();
    ordered.sort_by_key(|c| rank(c));
    for c in ordered {
        let message = message_cell(c);
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td>{message}</td></tr>",
            esc(&c.suite),
            esc(&c.name),
            status_class(c),
            esc(&status_text(c)),
            format_error(c.worst_rel_error),
        );
    }
    let _ = writeln!(h, "</table>");
}

/// Renders `report.html`.
pub(crate) fn render(r: &Report) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{}</title><style>{STYLE}</style></head><body>\n",
        esc(&r.title)
    );
    headline(&mut h, r);
    notebook(&mut h, r);
    known_findings(&mut h, r);
    let purple = if r.checks.iter().any(|c| c.known.is_some()) {
        ", purple for known findings"
    } else {
        ""
    };
    let _ = writeln!(
        h,
        "<h2>Worst relative error per rule</h2>\n<p>One row per rule: f64 above, f32 below; red where a check failed, amber at kinks{purple}. CS231n's guide lines: below 1e-7 (blue) is good, above 1e-2 (red) is wrong — for f64; f32 errors are naturally larger.</p>"
    );
    match chart::render(&r.checks) {
        Some(svg) => {
            let _ = writeln!(h, "<div class=\"diagram\">{}</div>", inline_svg(&svg));
        }
        None => {
            let _ = writeln!(h, "<p>No numerical checks ran.</p>");
        }
    }
    checks(&mut h, r);
    let _ = writeln!(h, "</body></html>");
    h
}

impl Report {
    /// `report.html`: one self-contained page (inline CSS and SVG, no
    /// scripts): the verdict, the notebook cells with their circuit
    /// diagrams, the known findings, a log-scale chart of the worst
    /// relative error per rule, and every check, failures first.
    ///
    /// ```
    /// use backprop_report::{CheckResult, Report, Status};
    ///
    /// let mut report = Report::new("my-ops <checks>");
    /// report.push(CheckResult::new("my-ops", "elu [f64]", Status::Fail, "a < b").with_rel_error(0.3));
    /// let html = report.to_html();
    /// assert!(html.contains("<title>my-ops &lt;checks&gt;</title>"));
    /// assert!(html.contains("<td class=\"fail\">fail</td>"));
    /// assert!(html.contains("<svg"), "the error chart is inline");
    /// ```
    pub fn to_html(&self) -> String {
        render(self)
    }
}
