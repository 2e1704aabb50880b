//! Small formatting helpers shared by the renderings.

use crate::{CheckResult, FindingState, Outcome, Status, WorstElement, WorstError};

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

/// A number for a table or a sentence: at most 4 significant digits,
/// trailing zeros dropped (C's `%.4g`, in Rust's exponent style): plain
/// decimals from `1e-4` to below `1e4`, `1.235e4` and `3.2e-11` beyond;
/// `0` for zero of either sign, `NaN`, `inf`, `-inf`.
///
/// It never prints the noise of a binary fraction: an `f64` next to 1.9
/// and an `f32` 1.9 widened to `f64` both print as `1.9`.
///
/// ```
/// use backprop_report::format_significant;
///
/// assert_eq!(format_significant(1.9000000000000001), "1.9");
/// assert_eq!(format_significant(f64::from(1.9f32)), "1.9");
/// assert_eq!(format_significant(-0.04310319112738947), "-0.0431");
/// assert_eq!(format_significant(2.0 / 3.0), "0.6667");
/// assert_eq!(format_significant(12346.0), "1.235e4");
/// assert_eq!(format_significant(1.7160844693627985e-6), "1.716e-6");
/// assert_eq!(format_significant(9.99996), "10");
/// assert_eq!(format_significant(-0.0), "0");
/// assert_eq!(format_significant(f64::NEG_INFINITY), "-inf");
/// ```
pub fn format_significant(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    if !v.is_finite() {
        return format!("{v}");
    }
    // Rounded once, to 4 significant digits: the exponent says where.
    let scientific = format!("{v:.3e}");
    let (mantissa, exponent) = scientific
        .split_once('e')
        .expect("`{:e}` writes an exponent");
    let exponent: i32 = exponent.parse().expect("an integer exponent");
    if (-4..4).contains(&exponent) {
        // The same rounding at the same digit, written without exponent.
        let decimals = usize::try_from(3 - exponent).unwrap_or(0);
        trim_zeros(&format!("{v:.decimals$}")).to_owned()
    } else {
        format!("{}e{exponent}", trim_zeros(mantissa))
    }
}

/// `1.900` → `1.9`, `10.00` → `10`; integers stay as they are.
fn trim_zeros(decimal: &str) -> &str {
    if decimal.contains('.') {
        decimal.trim_end_matches('0').trim_end_matches('.')
    } else {
        decimal
    }
}

/// A value in the shortest form that reads back as the same number of the
/// type it was computed in: an `f32` result widened to `f64` prints as the
/// `f32` it is (`1.9`, not `1.899999976158142`) when `dtype` is `"f32"`;
/// anything else prints as the `f64` it is. Rust's `{:?}` (`1.0`, `1e-7`).
///
/// ```
/// use backprop_report::format_shortest;
///
/// assert_eq!(format_shortest(f64::from(1.9f32), Some("f32")), "1.9");
/// assert_eq!(format_shortest(f64::from(1.9f32), Some("f64")), "1.899999976158142");
/// assert_eq!(format_shortest(1.9, Some("f32")), "1.9", "not an f32: printed as the f64");
/// assert_eq!(format_shortest(2.0, None), "2.0");
/// ```
pub fn format_shortest(v: f64, dtype: Option<&str>) -> String {
    // Narrowed only to test for an exact round trip.
    let narrow = v as f32;
    if dtype == Some("f32") && f64::from(narrow) == v {
        format!("{narrow:?}")
    } else {
        format!("{v:?}")
    }
}

/// Formats a relative error for people, at 4 significant digits like
/// every number in the reports ([`format_significant`]): `3.21e-11`, `1`,
/// `0`, or `-` when absent.
///
/// ```
/// use backprop_report::format_error;
///
/// assert_eq!(format_error(Some(3.21e-11)), "3.21e-11");
/// assert_eq!(format_error(Some(1.0)), "1");
/// assert_eq!(format_error(Some(1.7160844693627985e-6)), "1.716e-6");
/// assert_eq!(format_error(Some(0.0)), "0");
/// assert_eq!(format_error(None), "-");
/// ```
pub fn format_error(e: Option<f64>) -> String {
    e.map_or_else(|| "-".into(), format_significant)
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

/// How a known finding's checks went: `40 checks fail as described`, `2
/// of 40 checks passed`, or `no check ran`.
pub(crate) fn finding_counts(f: &FindingState) -> String {
    let failing = f.reproduced_by.len();
    let passed = f.not_reproduced_by.len();
    let total = failing + passed;
    let checks = |n: usize| if n == 1 { "check" } else { "checks" };
    match (failing, passed) {
        (0, 0) => "no check ran".to_owned(),
        (n, 0) => format!(
            "{n} {} as described",
            if n == 1 { "check fails" } else { "checks fail" }
        ),
        (_, p) => format!("{p} of {total} {} passed", checks(total)),
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

/// At most this many worst elements are tabulated under a failure (the
/// full text and `report.json` hold them all).
pub(crate) const MAX_ROWS: usize = 5;

/// The columns of the worst-elements table.
pub(crate) const WORST_COLUMNS: [&str; 6] = [
    "input",
    "index",
    "input value",
    "analytic",
    "numeric",
    "relative error",
];

/// One row of the worst-elements table, unescaped: the index (`[1, 2]`;
/// `[1, 2] (out[0])` for a Jacobian entry, naming the output element;
/// `-` for a scalar; `projection` for a projection onto a random
/// direction) and every number at 4 significant digits.
pub(crate) fn worst_row(e: &WorstElement) -> [String; 6] {
    let list = |index: &[usize]| {
        let parts: Vec<String> = index.iter().map(usize::to_string).collect();
        format!("[{}]", parts.join(", "))
    };
    let mut index = match (e.index.is_empty(), e.input_value) {
        (false, _) => list(&e.index),
        (true, Some(_)) => "-".to_owned(),
        (true, None) => "projection".to_owned(),
    };
    if let Some(out) = &e.output_index {
        index.push_str(&format!(" (out{})", list(out)));
    }
    [
        e.input.clone(),
        index,
        e.input_value
            .map_or_else(|| "-".to_owned(), format_significant),
        format_significant(e.analytic),
        format_significant(e.numeric),
        format_significant(e.rel_error),
    ]
}

/// The lines of a check's message: [`format_message`] joins a checker's
/// lines with `" | "`, and the full text shows them as lines again.
pub(crate) fn message_lines(message: &str) -> Vec<&str> {
    message.split(" | ").collect()
}

/// The sentence that leads a failure, unescaped: the text before the
/// element named as code, the element, and the text after it.
pub(crate) struct LeadIn {
    /// What was found (and "worst at" when an element follows).
    pub before: String,
    /// The element, e.g. `x[1, 2]` (none when the check cannot say).
    pub place: Option<String>,
    /// The element's values, at 4 significant digits.
    pub after: String,
}

impl LeadIn {
    /// Whether the sentence says all the message says (then there is no
    /// full text to fold away).
    pub fn is_whole(&self, message: &str) -> bool {
        self.place.is_none() && self.before == message.trim()
    }
}

/// One sentence saying how `c` went wrong: for a wrong or non-finite value
/// (or a kink) with a location, what was found and where, its numbers at
/// 4 significant digits; otherwise the first line of the message (a
/// backward error's or a panic's own words).
pub(crate) fn lead_in(c: &CheckResult) -> LeadIn {
    let first = || LeadIn {
        before: message_lines(&c.message)[0].trim().to_owned(),
        place: None,
        after: String::new(),
    };
    let Some(at) = &c.location else {
        return first();
    };
    let what = match c.status {
        Status::Fail => "analytic and numerical derivatives disagree; worst at",
        Status::NonFinite => "a NaN or infinity where a finite number was expected, at",
        Status::Kink => "a kink (the derivative jumps), at",
        _ => return first(),
    };
    let mut after = String::new();
    if let Some(v) = at.input_value {
        after.push_str(&format!(" (input {})", format_significant(v)));
    }
    if let (Some(a), Some(n)) = (at.analytic, at.numeric) {
        // The checker's relative error of this element when it kept it
        // (it floors the denominator), else |a - n| / (|a| + |n|).
        let rel_error = c
            .worst_elements
            .iter()
            .find(|e| {
                e.input == at.input && e.index == at.index && e.output_index == at.output_index
            })
            .map_or_else(
                || WorstElement::new("", Vec::new(), a, n).rel_error,
                |e| e.rel_error,
            );
        after.push_str(&format!(
            ": analytic {}, numeric {}, relative error {}",
            format_significant(a),
            format_significant(n),
            format_significant(rel_error)
        ));
    }
    LeadIn {
        before: what.to_owned(),
        place: Some(at.place()),
        after,
    }
}

/// A Markdown code fence longer than any run of backticks in `text`.
pub(crate) fn fence_for(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for ch in text.chars() {
        run = if ch == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    "`".repeat((longest + 1).max(3))
}
