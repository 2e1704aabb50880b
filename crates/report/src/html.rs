//! `report.html`: one self-contained page (no external files or scripts):
//! each notebook cell's output, the circuit diagram of each scalar cell with
//! values and gradients, the error chart, and every check.

use std::fmt::Write;

use super::{Report, Status, chart, format_error, format_worst};

/// Escapes text for HTML element content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

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
.pass{color:#1a7f37}.fail,.non-finite{color:#cf222e;font-weight:bold}.kink{color:#9a6700}\
.diagram{overflow-x:auto;border:1px solid #eee;margin:.5em 0}";

pub fn render(r: &Report) -> String {
    let s = &r.summary;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>backprop verify</title><style>{STYLE}</style></head><body>\n"
    );
    let verdict = if r.all_ok() {
        ("pass", "all checks passed")
    } else {
        ("fail", "some checks failed")
    };
    let _ = writeln!(
        h,
        "<h1>backprop verify: <span class=\"{}\">{}</span></h1>",
        verdict.0, verdict.1
    );
    let worst = esc(&format_worst(&s.worst));
    let _ = writeln!(
        h,
        "<p>{} checks: {} passed, {} failed, {} kinks, {} non-finite. Worst relative error per type: {}. \
         Seed {}{}. {:.1} s.</p>",
        s.total,
        s.passed,
        s.failed,
        s.kinks,
        s.non_finite,
        worst,
        r.seed,
        r.filter.as_ref().map_or(String::new(), |f| format!(
            ", filter <code>{}</code>",
            esc(f)
        )),
        s.seconds
    );

    let _ = writeln!(h, "<h2>Notebook</h2>");
    for c in &r.notebook {
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
    }

    let _ = writeln!(
        h,
        "<h2>Worst relative error per rule</h2>\n<p>One row per rule: f64 above, f32 below; red where a check failed, amber at kinks. CS231n's guide lines: below 1e-7 (blue) is good, above 1e-2 (red) is wrong — for f64; f32 errors are naturally larger.</p>"
    );
    match chart::render(&r.checks) {
        Some(svg) => {
            let _ = writeln!(h, "<div class=\"diagram\">{}</div>", inline_svg(&svg));
        }
        None => {
            let _ = writeln!(h, "<p>No numerical checks ran.</p>");
        }
    }

    let _ = writeln!(
        h,
        "<h2>Checks</h2>\n<table><tr><th>suite</th><th>check</th><th>status</th>\
         <th>worst relative error</th><th>message</th></tr>"
    );
    let mut ordered: Vec<_> = r.checks.iter().collect();
    // Failures first, so they are seen at a glance.
    ordered.sort_by_key(|c| c.status == Status::Pass);
    for c in ordered {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td>{}</td></tr>",
            esc(&c.suite),
            esc(&c.name),
            c.status.label(),
            c.status.label(),
            format_error(c.worst_rel_error),
            esc(&c.message)
        );
    }
    let _ = writeln!(h, "</table>\n</body></html>");
    h
}
