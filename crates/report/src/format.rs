//! Small formatting helpers shared by the renderings.

use crate::{CheckResult, Outcome, Status, WorstError};

/// `f64 2.1e-8 (gates/exp [f64]), f32 3.7e-3 (...)`, or `-`.
///
/// ```
/// use backprop_report::{format_worst, WorstError};
///
/// let worst = [WorstError { dtype: "f64".into(), check: "gates/exp [f64]".into(), rel_error: 2.1e-8 }];
/// assert_eq!(format_worst(&worst), "f64 2.1e-8 (gates/exp [f64])");
/// assert_eq!(format_worst(&[]), "-");
/// ```
pub fn format_worst(worst: &[WorstError]) -> String {
    if worst.is_empty() {
        return "-".into();
    }
    let parts: Vec<String> = worst
        .iter()
        .map(|w| {
            format!(
                "{} {} ({})",
                w.dtype,
                format_error(Some(w.rel_error)),
                w.check
            )
        })
        .collect();
    parts.join(", ")
}

/// A check's message from a checker's text: its first line when `status`
/// lets the run succeed ([`Status::is_ok`]: pass, kink, skipped); otherwise
/// the whole text (a checker prints the worst few elements, never a
/// matrix) on one line, its lines joined by `" | "`. The messages
/// [`ToCheckResult`](crate::ToCheckResult) writes; public so that
/// conversions of other results (the `backprop` project's self-check
/// catalog in `backprop-selfcheck`) write the same.
///
/// ```
/// use backprop_report::{format_message, Status};
///
/// let text = "sin [f64]: fail\n  x[3]: analytic 1.0, numeric 0.5\n";
/// assert_eq!(format_message(Status::Pass, "sin [f64]: pass\nmore"), "sin [f64]: pass");
/// assert_eq!(format_message(Status::Fail, text), "sin [f64]: fail |   x[3]: analytic 1.0, numeric 0.5");
/// ```
pub fn format_message(status: Status, text: &str) -> String {
    if status.is_ok() {
        text.lines().next().unwrap_or_default().to_owned()
    } else {
        text.trim_end().replace('\n', " | ")
    }
}

/// Formats a relative error for people: `3.2e-11`, `0`, or `-` when absent.
///
/// ```
/// use backprop_report::format_error;
///
/// assert_eq!(format_error(Some(3.21e-11)), "3.2e-11");
/// assert_eq!(format_error(Some(0.0)), "0");
/// assert_eq!(format_error(None), "-");
/// ```
pub fn format_error(e: Option<f64>) -> String {
    match e {
        Some(0.0) => "0".into(),
        Some(e) => format!("{e:.1e}"),
        None => "-".into(),
    }
}

/// The status as a reader should see it: `fail`, `fail (known CANDLE-0001)`,
/// `pass (known CANDLE-0001 no longer reproduces)`.
pub(crate) fn status_text(c: &CheckResult) -> String {
    match (c.outcome(), &c.known) {
        (Outcome::Known, Some(id)) => format!("{} (known {id})", c.status.label()),
        (Outcome::NotReproduced, Some(id)) => {
            format!("{} (known {id} no longer reproduces)", c.status.label())
        }
        _ => c.status.label().to_owned(),
    }
}

/// Escapes text for HTML element content and attribute values.
pub(crate) fn html_escape(text: &str) -> String {
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

/// Escapes text for a Markdown table cell or list item (one line).
pub(crate) fn md_escape(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
