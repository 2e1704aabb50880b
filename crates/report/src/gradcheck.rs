//! `backprop-gradcheck` results as checks: a [`Report`](backprop_gradcheck::Report)
//! of `check_vjp` / `check_partials` / `check_derivative`, and a
//! [`RuleReport`] of `check_rule`.
//!
//! The conversion lives here, one layer above `backprop-gradcheck`, so the
//! checker itself knows nothing about reports for CI. (The `backprop`
//! project's self-check catalog, and the conversion of its entries, live in
//! `backprop-selfcheck`, above this crate.)

use backprop_gradcheck::{Report as Checked, RuleReport};

use crate::format::format_message as message;
use crate::{CheckResult, Location, Status, WorstElement};

/// A result of `backprop-gradcheck` that can be written as one check.
///
/// ```
/// use backprop_gradcheck::{check_derivative, Options};
/// use backprop_report::{Status, ToCheckResult};
///
/// // A planted bug: d/dx sin(x) taken as -cos(x).
/// let report = check_derivative(f64::sin, |x: f64| -x.cos(), 0.5, &Options::default());
/// let check = report.to_check_result("my-ops", "sin");
/// assert_eq!(check.name, "sin [f64]");
/// assert_eq!(check.status, Status::Fail);
/// let at = check.location.expect("a failing check says where");
/// assert_eq!((at.input.as_str(), at.input_value), ("x", Some(0.5)));
/// assert_eq!(at.analytic, Some(-0.5f64.cos()));
/// ```
pub trait ToCheckResult {
    /// The check of `rule` in `suite`, named `"{rule} [{dtype}]"`.
    fn to_check_result(&self, suite: &str, rule: &str) -> CheckResult;
}

/// Where a gradcheck report puts the blame: the worst element when values
/// disagree, else the first non-finite value or kink.
fn location(report: &Checked) -> Option<Location> {
    let input_name = |input: usize| {
        report
            .pair(input)
            .map_or_else(|| format!("input {input}"), |p| p.input_name.clone())
    };
    match report.status {
        backprop_gradcheck::Status::Pass => None,
        backprop_gradcheck::Status::Fail => report.worst().map(|(input, e)| Location {
            input: input_name(input),
            index: e.index.clone(),
            output_index: e.output_index.clone(),
            input_value: e.input_value,
            analytic: Some(e.analytic),
            numeric: Some(e.numeric),
        }),
        backprop_gradcheck::Status::NonFinite | backprop_gradcheck::Status::Kink => {
            let non_finite = report.status == backprop_gradcheck::Status::NonFinite;
            report.pairs.iter().find_map(|p| {
                let findings = if non_finite { &p.non_finite } else { &p.kinks };
                findings.first.first().map(|f| Location {
                    input: p.input_name.clone(),
                    index: f.index.clone(),
                    output_index: f.output_index.clone(),
                    input_value: f.input_value,
                    analytic: None,
                    numeric: None,
                })
            })
        }
    }
}

/// The compared element `e` of input `input` as a report shows it.
fn worst_element(input: &str, e: &backprop_gradcheck::Element) -> WorstElement {
    WorstElement {
        input: input.to_owned(),
        index: e.index.clone(),
        output_index: e.output_index.clone(),
        input_value: e.input_value,
        analytic: e.analytic,
        numeric: e.numeric,
        rel_error: e.rel_error,
    }
}

impl WorstElement {
    /// The worst elements of a `backprop-gradcheck` report's inputs that
    /// did not pass, worst first (by error relative to the tolerance, as
    /// the checker ranks them): each input's few, the located ones after a
    /// failed fast check; none when it passed. What
    /// [`ToCheckResult`] puts in [`CheckResult::worst_elements`], for
    /// conversions of your own (an audit adapter's).
    ///
    /// ```
    /// use backprop_gradcheck::{check_derivative, Options};
    /// use backprop_report::WorstElement;
    ///
    /// // A planted bug: d/dx x² taken as 3x, at x = 2.
    /// let report = check_derivative(|x: f64| x * x, |x: f64| 3.0 * x, 2.0, &Options::default());
    /// let worst = WorstElement::of(&report);
    /// assert_eq!((worst[0].input.as_str(), worst[0].input_value), ("x", Some(2.0)));
    /// assert_eq!(worst[0].analytic, 6.0);
    /// assert!((worst[0].numeric - 4.0).abs() < 1e-6);
    /// ```
    pub fn of(report: &Checked) -> Vec<WorstElement> {
        worst_elements(report)
    }
}

/// The worst elements of the inputs that did not pass, worst first (by
/// error relative to the tolerance, as the checker ranks them): each
/// input's few, the located ones after a failed fast check.
fn worst_elements(report: &Checked) -> Vec<WorstElement> {
    if report.status.is_pass() {
        return Vec::new();
    }
    let mut ranked: Vec<(f64, WorstElement)> = report
        .pairs
        .iter()
        .filter(|p| !p.status.is_pass())
        .flat_map(|p| {
            let elements = match &p.located {
                Some(l) if !l.worst.is_empty() => &l.worst,
                _ => &p.worst_elements,
            };
            elements
                .iter()
                .map(|e| (e.ratio(), worst_element(&p.input_name, e)))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranked.into_iter().map(|(_, e)| e).collect()
}

/// A wrong gradient shape (or count) is a structural failure of its own.
fn status(report: &Checked) -> Status {
    if !report.structure.shapes_match {
        Status::WrongShape
    } else {
        report.status.into()
    }
}

impl ToCheckResult for Checked {
    fn to_check_result(&self, suite: &str, rule: &str) -> CheckResult {
        // The checker's text and figures under the rule's name (a closure
        // check is called "function" until named).
        let named = self.clone().with_name(rule);
        let status = status(&named);
        CheckResult {
            suite: suite.to_owned(),
            name: format!("{rule} [{}]", named.dtype),
            rule: rule.to_owned(),
            dtype: Some(named.dtype.name().to_owned()),
            status,
            worst_rel_error: Some(named.max_rel_error()),
            message: message(status, &named.to_string()),
            location: location(&named),
            worst_elements: worst_elements(&named),
            known: None,
            source: None,
            details: serde_json::to_value(&named).unwrap_or_default(),
        }
    }
}

/// Where a scalar rule's check puts the blame: finite differences first,
/// then the dual-number oracle (analytic = the rule, numeric = the dual
/// derivative).
fn rule_location(r: &RuleReport) -> Option<Location> {
    location(&r.finite_differences).or_else(|| {
        r.dual
            .pairs
            .iter()
            .filter(|p| !p.status.is_pass())
            .find_map(|p| {
                p.worst.as_ref().map(|w| Location {
                    input: p.input_name.clone(),
                    index: Vec::new(),
                    output_index: None,
                    input_value: w.point.get(p.input).copied(),
                    analytic: Some(w.rule),
                    numeric: Some(w.dual),
                })
            })
    })
}

/// A scalar rule's worst elements: finite differences' (indices are
/// positions in the list of points), else the dual-number oracle's worst
/// point per failing input (numeric = the dual derivative).
fn rule_worst_elements(r: &RuleReport) -> Vec<WorstElement> {
    let elements = worst_elements(&r.finite_differences);
    if !elements.is_empty() {
        return elements;
    }
    r.dual
        .pairs
        .iter()
        .filter(|p| !p.status.is_pass())
        .filter_map(|p| {
            let w = p.worst.as_ref()?;
            let e = WorstElement::new(p.input_name.clone(), Vec::new(), w.rule, w.dual);
            Some(match w.point.get(p.input) {
                Some(&x) => e.with_input_value(x),
                None => e,
            })
        })
        .collect()
}

impl ToCheckResult for RuleReport {
    fn to_check_result(&self, suite: &str, rule: &str) -> CheckResult {
        let status: Status = self.status.into();
        CheckResult {
            suite: suite.to_owned(),
            name: format!("{rule} [{}]", self.dtype),
            rule: rule.to_owned(),
            dtype: Some(self.dtype.name().to_owned()),
            status,
            worst_rel_error: Some(self.finite_differences.max_rel_error()),
            message: message(status, &self.to_string()),
            location: if status == Status::Pass {
                None
            } else {
                rule_location(self)
            },
            worst_elements: if status == Status::Pass {
                Vec::new()
            } else {
                rule_worst_elements(self)
            },
            known: None,
            source: None,
            details: serde_json::to_value(self).unwrap_or_default(),
        }
    }
}
