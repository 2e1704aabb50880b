//! One check and where it went wrong.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Outcome, Status, format_shortest};

/// One check: a rule or operation in one configuration and type, with what
/// was found.
///
/// `name` is free text and is what CI shows as the test case's name, so it
/// should say what was called and how, e.g.
/// `conv1d(padding=1, stride=1, dilation=1, groups=1) [f64]`. Checks of the
/// same `rule` in different types are drawn as one row of the error chart.
///
/// ```
/// use backprop_report::{CheckResult, Location, Status};
///
/// let check = CheckResult::new("my-ops", "elu [f64]", Status::Fail, "analytic 1.0 vs numeric 0.5")
///     .with_rule("elu")
///     .with_dtype("f64")
///     .with_rel_error(0.33)
///     .with_location(Location::new("x", vec![1, 2]).with_values(1.0, 0.5));
/// assert_eq!(check.qualified_name(), "my-ops/elu [f64]");
/// assert_eq!(check.location.unwrap().to_string(), "x[1, 2]: analytic 1.0, numeric 0.5");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    /// Which group it belongs to (`gates`, `tensor`, a crate's name, ...):
    /// the JUnit test suite and class name.
    pub suite: String,
    /// The check's name, unique within its suite (free text, e.g. the call
    /// with its configuration and type).
    pub name: String,
    /// The rule or function checked (several checks share it, one per type).
    pub rule: String,
    /// The float type the rule computed in, if it is a typed check.
    pub dtype: Option<String>,
    /// What was found.
    pub status: Status,
    /// CS231n relative error of the worst element, if computed.
    pub worst_rel_error: Option<f64>,
    /// One line saying what was found (the worst element on failure).
    pub message: String,
    /// Where the check found the worst disagreement, if it can say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The worst elements compared, worst first (the checker's few, never
    /// a whole tensor): what `report.md` and `report.html` tabulate under a
    /// failure. Empty when the check passed or compared no values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub worst_elements: Vec<WorstElement>,
    /// The id of the known finding this check reproduces (an entry of
    /// [`Report::known_findings`](crate::Report::known_findings)), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub known: Option<String>,
    /// The source line that ran the check (a test), if recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// Every figure the checker reported, as it serialised them.
    #[serde(default)]
    pub details: serde_json::Value,
}

impl CheckResult {
    /// A check named `name` in `suite`, its rule named like the check, with
    /// no type, error figure, location or details.
    pub fn new(
        suite: impl Into<String>,
        name: impl Into<String>,
        status: Status,
        message: impl Into<String>,
    ) -> CheckResult {
        let name = name.into();
        CheckResult {
            suite: suite.into(),
            rule: name.clone(),
            name,
            dtype: None,
            status,
            worst_rel_error: None,
            message: message.into(),
            location: None,
            worst_elements: Vec::new(),
            known: None,
            source: None,
            details: serde_json::Value::Null,
        }
    }

    /// Sets the rule several checks share (one row of the error chart).
    pub fn with_rule(mut self, rule: impl Into<String>) -> CheckResult {
        self.rule = rule.into();
        self
    }

    /// Sets the float type (`"f64"`, `"f32"`, ...).
    pub fn with_dtype(mut self, dtype: impl Into<String>) -> CheckResult {
        self.dtype = Some(dtype.into());
        self
    }

    /// Sets the CS231n relative error of the worst element.
    pub fn with_rel_error(mut self, rel_error: f64) -> CheckResult {
        self.worst_rel_error = Some(rel_error);
        self
    }

    /// Sets where the check went wrong.
    pub fn with_location(mut self, location: Location) -> CheckResult {
        self.location = Some(location);
        self
    }

    /// Sets the worst elements compared, worst first.
    pub fn with_worst_elements(mut self, elements: Vec<WorstElement>) -> CheckResult {
        self.worst_elements = elements;
        self
    }

    /// Sets the machine-readable details (written to `report.json` and into
    /// the JUnit failure's body).
    pub fn with_details(mut self, details: serde_json::Value) -> CheckResult {
        self.details = details;
        self
    }

    /// Sets the source line that ran the check.
    pub fn with_source(mut self, source: Source) -> CheckResult {
        self.source = Some(source);
        self
    }

    /// Marks this check as reproducing the known finding `id`.
    pub fn known_as(mut self, id: impl Into<String>) -> CheckResult {
        self.known = Some(id.into());
        self
    }

    /// A check whose forward or backward pass panicked, with the panic's
    /// message (from the payload `std::panic::catch_unwind` returns).
    ///
    /// ```
    /// use backprop_report::{CheckResult, Status};
    ///
    /// let payload = std::panic::catch_unwind(|| panic!("index out of bounds: 7")).unwrap_err();
    /// let check = CheckResult::panicked("candle", "gather [f64]", payload.as_ref());
    /// assert_eq!(check.status, Status::Panic);
    /// assert_eq!(check.message, "panicked: index out of bounds: 7");
    /// ```
    pub fn panicked(
        suite: impl Into<String>,
        name: impl Into<String>,
        payload: &(dyn std::any::Any + Send),
    ) -> CheckResult {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(a panic without a message)".to_owned());
        CheckResult::new(suite, name, Status::Panic, format!("panicked: {what}"))
    }

    /// `suite/name`.
    pub fn qualified_name(&self) -> String {
        format!("{}/{}", self.suite, self.name)
    }

    /// What this check means for the run (see [`Outcome`]).
    pub fn outcome(&self) -> Outcome {
        Outcome::of(self.status, self.known.is_some())
    }
}

/// Where a check found the worst disagreement: the input, the element's
/// index in it and, when known, the values compared there.
///
/// ```
/// use backprop_report::Location;
///
/// let at = Location::new("w", vec![0, 3]).with_input_value(-0.5).with_values(2.0, 1.0);
/// assert_eq!(at.to_string(), "w[0, 3] (input -0.5): analytic 2.0, numeric 1.0");
/// assert_eq!(Location::new("x", vec![]).to_string(), "x");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// Name of the input (`"x"`, `"input 0"`, ...).
    pub input: String,
    /// Index of the element in the input (empty for a scalar or a
    /// projection).
    pub index: Vec<usize>,
    /// For a Jacobian entry, the output element.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_index: Option<Vec<usize>>,
    /// The input's value there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_value: Option<f64>,
    /// The value of the rule under test there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analytic: Option<f64>,
    /// The numerical value there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub numeric: Option<f64>,
}

impl Location {
    /// Element `index` of input `input`.
    pub fn new(input: impl Into<String>, index: Vec<usize>) -> Location {
        Location {
            input: input.into(),
            index,
            output_index: None,
            input_value: None,
            analytic: None,
            numeric: None,
        }
    }

    /// Sets the input's value at the element.
    pub fn with_input_value(mut self, value: f64) -> Location {
        self.input_value = Some(value);
        self
    }

    /// Sets the analytic and numerical values compared at the element.
    pub fn with_values(mut self, analytic: f64, numeric: f64) -> Location {
        self.analytic = Some(analytic);
        self.numeric = Some(numeric);
        self
    }
}

/// One compared element of a check that did not pass: which input and
/// element, the input's value there, both derivatives and their CS231n
/// relative error. A [`CheckResult`] keeps the worst few
/// ([`CheckResult::worst_elements`]), and `report.md` and `report.html`
/// show them as a table at 4 significant digits.
///
/// ```
/// use backprop_report::WorstElement;
///
/// let e = WorstElement::new("gamma", vec![2], 1.9, 0.95).with_input_value(0.75);
/// assert!((e.rel_error - 1.0 / 3.0).abs() < 1e-15, "|1.9 - 0.95| / (1.9 + 0.95)");
/// assert_eq!(e.place(), "gamma[2]");
/// let entry = WorstElement { output_index: Some(vec![0, 1]), ..e };
/// assert_eq!(entry.place(), "d out[0, 1] / d gamma[2]");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorstElement {
    /// Name of the input (`"x"`, `"gamma"`, `"input 0"`).
    pub input: String,
    /// Index of the element in the input (empty for a scalar input, or for
    /// a projection onto a random direction, which has no input value).
    pub index: Vec<usize>,
    /// For a Jacobian entry, the output element; `None` for an element of
    /// the gradient under the check's upstream gradient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_index: Option<Vec<usize>>,
    /// The input's value there (`None` for a projection).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_value: Option<f64>,
    /// The value of the rule under test.
    pub analytic: f64,
    /// The numerical value.
    pub numeric: f64,
    /// CS231n relative error `|a - n| / max(|a| + |n|, tiny)`.
    pub rel_error: f64,
}

impl WorstElement {
    /// Element `index` of `input`, with both values and their relative
    /// error `|a - n| / (|a| + |n|)` (`0` when both are zero; a checker
    /// that floors the denominator sets [`rel_error`](WorstElement::rel_error)
    /// itself).
    pub fn new(
        input: impl Into<String>,
        index: Vec<usize>,
        analytic: f64,
        numeric: f64,
    ) -> WorstElement {
        let scale = analytic.abs() + numeric.abs();
        let rel_error = if scale > 0.0 {
            (analytic - numeric).abs() / scale
        } else {
            0.0
        };
        WorstElement {
            input: input.into(),
            index,
            output_index: None,
            input_value: None,
            analytic,
            numeric,
            rel_error,
        }
    }

    /// Sets the input's value at the element.
    pub fn with_input_value(mut self, value: f64) -> WorstElement {
        self.input_value = Some(value);
        self
    }

    /// The element as the reports name it: `x[1, 2]`, `x` for a scalar,
    /// `d out[0] / d x[1, 2]` for a Jacobian entry.
    pub fn place(&self) -> String {
        place(&self.input, &self.index, self.output_index.as_deref())
    }
}

/// `[1, 2]`, or nothing for an empty index.
fn index_text(index: &[usize]) -> String {
    if index.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = index.iter().map(usize::to_string).collect();
    format!("[{}]", parts.join(", "))
}

/// `x[1, 2]`, or `d out[0] / d x[1, 2]` for a Jacobian entry.
fn place(input: &str, index: &[usize], output_index: Option<&[usize]>) -> String {
    let element = format!("{input}{}", index_text(index));
    match output_index {
        Some(out) => format!("d out{} / d {element}", index_text(out)),
        None => element,
    }
}

impl Location {
    /// The element as the reports name it, without values: `x[1, 2]`, `x`
    /// for a scalar, `d out[0] / d x[1, 2]` for a Jacobian entry.
    pub fn place(&self) -> String {
        place(&self.input, &self.index, self.output_index.as_deref())
    }

    /// Like `Display`, with the input's value and the analytic value in the
    /// shortest form of the check's float type `dtype` (see
    /// [`format_shortest`](crate::format_shortest)): an `f32` check's 1.9
    /// reads `1.9`, not `1.899999976158142`. The numerical value comes from
    /// an `f64` oracle and prints as the `f64` it is.
    ///
    /// ```
    /// use backprop_report::Location;
    ///
    /// let at = Location::new("x", vec![3])
    ///     .with_input_value(f64::from(0.1f32))
    ///     .with_values(f64::from(1.9f32), 1.9000000000000001);
    /// assert_eq!(at.describe(Some("f32")), "x[3] (input 0.1): analytic 1.9, numeric 1.9000000000000001");
    /// ```
    pub fn describe(&self, dtype: Option<&str>) -> String {
        let mut text = self.place();
        if let Some(v) = self.input_value {
            text.push_str(&format!(" (input {})", format_shortest(v, dtype)));
        }
        let analytic = self.analytic.map(|a| format_shortest(a, dtype));
        let numeric = self.numeric.map(|n| format_shortest(n, None));
        match (analytic, numeric) {
            (Some(a), Some(n)) => text.push_str(&format!(": analytic {a}, numeric {n}")),
            (Some(a), None) => text.push_str(&format!(": analytic {a}")),
            (None, Some(n)) => text.push_str(&format!(": numeric {n}")),
            (None, None) => {}
        }
        text
    }
}

impl fmt::Display for Location {
    /// `x[1, 2] (input -0.5): analytic 2.0, numeric 1.0` (values in
    /// shortest round-trip form of `f64`); for a Jacobian entry
    /// `d out[0] / d x[1, 2]`. [`Location::describe`] prints an `f32`
    /// check's values as `f32`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(None))
    }
}

/// A source line: the test that ran a check.
///
/// ```
/// use backprop_report::Source;
///
/// #[track_caller]
/// fn here() -> Source {
///     Source::caller()
/// }
/// let s = here();
/// assert!(s.file.ends_with(".rs"));
/// assert_eq!(s.to_string(), format!("{}:{}", s.file, s.line));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Source {
    /// Path of the file, as the compiler saw it (relative to the workspace).
    pub file: String,
    /// Line number, from 1.
    pub line: u32,
}

impl Source {
    /// The caller's location (through `#[track_caller]` functions).
    #[track_caller]
    pub fn caller() -> Source {
        let at = std::panic::Location::caller();
        Source {
            file: at.file().replace('\\', "/"),
            line: at.line(),
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}
