//! Structured results: what was compared, how well it agreed, and where not.

use std::fmt;

use backprop_gates::KinkConvention;
use serde::{Serialize, Serializer};

use crate::{Dtype, Mode, Tolerances};

/// The verdict on one element, one input/output pair, or a whole check.
///
/// Ordered by severity: `Pass < Kink < NonFinite < Fail`; a pair's status
/// is the most severe of its elements'.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Status {
    /// Analytic and numerical derivatives agree within tolerance.
    #[serde(rename = "pass")]
    Pass,
    /// The point is (within a step of) a kink: left and right differences
    /// disagree, so there is no derivative to compare. Not a failure.
    #[serde(rename = "kink")]
    Kink,
    /// A NaN or infinity on the analytic or the numerical side.
    #[serde(rename = "non-finite")]
    NonFinite,
    /// Analytic and numerical derivatives disagree beyond tolerance, or a
    /// structural check failed.
    #[serde(rename = "fail")]
    Fail,
}

impl Status {
    /// `"pass"`, `"kink"`, `"non-finite"` or `"fail"`.
    pub fn name(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Kink => "kink",
            Status::NonFinite => "non-finite",
            Status::Fail => "fail",
        }
    }

    /// Whether this is [`Status::Pass`].
    pub fn is_pass(self) -> bool {
        self == Status::Pass
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Function and backward-rule evaluations spent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Evaluations {
    /// Calls of the forward (oracle) function.
    pub forward: usize,
    /// Calls of the rule under test (derivative or VJP).
    pub backward: usize,
}

impl std::ops::AddAssign for Evaluations {
    fn add_assign(&mut self, o: Evaluations) {
        self.forward += o.forward;
        self.backward += o.backward;
    }
}

/// One compared quantity: an element of a gradient, a Jacobian entry, or a
/// projection.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Element {
    /// Index of the input element (empty for a projection or a scalar).
    pub index: Vec<usize>,
    /// For a Jacobian entry, the output element; `None` for an element of the
    /// backward run with the check's upstream gradient.
    pub output_index: Option<Vec<usize>>,
    /// The input's value at `index` (`None` for a projection).
    pub input_value: Option<f64>,
    /// The rule's value.
    pub analytic: f64,
    /// The central-difference value (Richardson-extrapolated).
    pub numeric: f64,
    /// `|analytic - numeric|`.
    pub abs_error: f64,
    /// CS231n relative error `|a - n| / max(|a| + |n|, tiny)`, `tiny` being
    /// the absolute tolerance (values below it count as zero).
    pub rel_error: f64,
    /// Numerical error estimate (difference of the two Richardson levels,
    /// floored at the rounding error).
    pub error_estimate: f64,
    /// The tolerance it was held to: `atol + rtol·max(|a|,|n|) + k·err_est`.
    pub allowed: f64,
    /// The finite-difference step used.
    pub step: f64,
}

impl Element {
    /// `abs_error / allowed`: at most `1` passes.
    pub fn ratio(&self) -> f64 {
        if self.allowed > 0.0 {
            self.abs_error / self.allowed
        } else if self.abs_error == 0.0 {
            0.0
        } else {
            f64::INFINITY
        }
    }
}

/// Which side of a comparison produced a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The rule under test.
    Analytic,
    /// The finite differences of the forward function.
    Numeric,
}

/// What the rule under test returned at a kink, beside the derivatives from
/// either side, and the convention that value follows.
///
/// ```
/// use backprop_gates::{Gate, KinkConvention, Unary};
/// use backprop_gradcheck::{check_rule_at, Options};
///
/// // relu at exactly 0: the checker sees the kink and names relu's choice.
/// let relu = Gate::Unary(Unary::Relu);
/// let report = check_rule_at::<f64, _>(&relu, &[vec![0.0]], &Options::default());
/// let sides = report.finite_differences.pairs[0].kinks.first[0].kink.unwrap();
/// assert_eq!((sides.analytic, sides.left, sides.right), (0.0, 0.0, 1.0));
/// assert_eq!(sides.convention, Some(KinkConvention::Left));
/// assert_eq!(sides.declared, Some(KinkConvention::Left));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct KinkSides {
    /// The rule's derivative at the kink.
    pub analytic: f64,
    /// The derivative from the left: the one-sided difference, extrapolated
    /// (for dual numbers: the exact derivative at the float just below).
    pub left: f64,
    /// The derivative from the right.
    pub right: f64,
    /// The convention the rule's value follows: the left derivative, the
    /// right one or their mean; `None` if it matches none of them (then the
    /// kink may lie near the point rather than on it).
    #[serde(serialize_with = "convention_name")]
    pub convention: Option<KinkConvention>,
    /// The convention the rule declares for this point, when the point lies
    /// exactly on one of its kinks (gates declare theirs); a rule whose
    /// value breaks it fails.
    #[serde(serialize_with = "convention_name")]
    pub declared: Option<KinkConvention>,
}

impl KinkSides {
    /// Whether the rule breaks the convention it declares here.
    pub fn breaks_declared(&self) -> bool {
        self.declared.is_some() && self.declared != self.convention
    }
}

/// A convention as its description (`"left derivative"`), or `null`.
fn convention_name<S: Serializer>(
    c: &Option<KinkConvention>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match c {
        Some(c) => serializer.serialize_some(c.describe()),
        None => serializer.serialize_none(),
    }
}

impl fmt::Display for KinkSides {
    /// `rule 0 = left derivative (left 0, right 1)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rule {:e} ", self.analytic)?;
        match self.convention {
            Some(c) => write!(f, "= {c}")?,
            None => write!(f, "matches neither side nor their mean")?,
        }
        write!(f, " (left {:e}, right {:e})", self.left, self.right)?;
        match self.declared {
            Some(d) if Some(d) != self.convention => write!(
                f,
                ", but the rule declares the {d} ({:e})",
                d.pick(self.left, self.right)
            ),
            Some(_) => write!(f, ", as declared"),
            None => Ok(()),
        }
    }
}

/// Where a kink or a non-finite value was found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// Index of the input element (empty for a projection or a scalar).
    pub index: Vec<usize>,
    /// Output element, for Jacobian entries.
    pub output_index: Option<Vec<usize>>,
    /// The input's value there.
    pub input_value: Option<f64>,
    /// For non-finite values: the side that produced it.
    pub side: Option<Side>,
    /// For non-finite values: `"nan"`, `"inf"` or `"-inf"`.
    pub value: Option<String>,
    /// For kinks: the rule's value beside both sides, and its convention.
    pub kink: Option<KinkSides>,
}

/// A bounded list of findings with their total count.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Findings {
    /// How many there were.
    pub count: usize,
    /// The first few.
    pub first: Vec<Finding>,
}

/// How a fast check that did not pass looked for the wrong elements.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LocateMethod {
    /// Every element checked by central differences, one at a time: the
    /// input was small enough for its share of the budget.
    ElementByElement,
    /// Blocks of elements compared as projections onto random directions
    /// confined to them, halving the blocks that fail down to single
    /// elements.
    Bisection,
}

impl fmt::Display for LocateMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LocateMethod::ElementByElement => "element by element",
            LocateMethod::Bisection => "by bisection",
        })
    }
}

/// Why the search for wrong elements ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LocateEnd {
    /// Nothing left to search: every element was checked, or every block
    /// that failed was traced down to single elements.
    Complete,
    /// [`Options::worst_count`](crate::Options::worst_count) elements that
    /// do not pass were found; blocks still under suspicion were left
    /// unsearched, so more elements may be wrong.
    Enough,
    /// The evaluation budget ([`Options::locate_limit`](crate::Options::locate_limit))
    /// ran out first: the elements found may not be the worst, and others
    /// may be wrong.
    Budget,
}

/// A contiguous run of an input's elements (row-major order).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Block {
    /// Index of the first element.
    pub first: Vec<usize>,
    /// Index of the last element.
    pub last: Vec<usize>,
    /// How many elements it holds.
    pub elements: usize,
}

/// Where a fast check that did not pass puts the blame: the wrong elements
/// found within the evaluation budget
/// ([`Options::locate_limit`](crate::Options::locate_limit)).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Located {
    /// Verdict over the elements checked one at a time (`Pass` when none
    /// were, or none was wrong: then nothing was located).
    pub status: Status,
    /// Elements checked one at a time.
    pub checked: usize,
    /// The worst elements checked, worst first: index, input value,
    /// analytic and numerical values, relative error.
    pub worst: Vec<Element>,
    /// Kinks found.
    pub kinks: Findings,
    /// Non-finite values found.
    pub non_finite: Findings,
    /// Forward evaluations spent locating (at most `budget`).
    pub evaluations: Evaluations,
    /// How the elements were looked for.
    pub method: LocateMethod,
    /// Why the search ended.
    pub end: LocateEnd,
    /// The forward evaluations this input's search was allowed.
    pub budget: usize,
    /// Block projections compared (bisection only).
    pub projections: usize,
    /// When the budget ran out: the smallest block still under suspicion.
    pub suspect: Option<Block>,
}

impl Located {
    /// Whether the evaluation budget cut the search short.
    pub fn cut_short(&self) -> bool {
        self.end == LocateEnd::Budget
    }
}

/// The comparison for one input (against the function's output).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PairReport {
    /// Position of the input.
    pub input: usize,
    /// Name of the input (`"x"`, `"a"`, `"input 0"`, ...).
    pub input_name: String,
    /// Name of the output.
    pub output_name: String,
    /// Exhaustive or fast.
    pub mode: Mode,
    /// Seed of the random upstream and directions.
    pub seed: u64,
    /// Verdict.
    pub status: Status,
    /// Elements (or projections) compared.
    pub checked: usize,
    /// Forward evaluations spent perturbing this input (including
    /// re-checks).
    pub evaluations: Evaluations,
    /// The step at the worst element.
    pub step: f64,
    /// Largest `|a - n|` over compared elements.
    pub max_abs_error: f64,
    /// Largest CS231n relative error over compared elements.
    pub max_rel_error: f64,
    /// Error estimate at the worst element.
    pub error_estimate: f64,
    /// The worst element (largest `|a - n| / allowed`).
    pub worst: Option<Element>,
    /// The few worst elements, worst first.
    pub worst_elements: Vec<Element>,
    /// Kinks found (not failures).
    pub kinks: Findings,
    /// Non-finite values found.
    pub non_finite: Findings,
    /// Fast mode only, when the projection did not pass: where locating the
    /// wrong elements put the blame, within the evaluation budget.
    pub located: Option<Located>,
}

/// Results of the structural checks of a backward rule.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Structure {
    /// Fail if any structural check failed.
    pub status: Status,
    /// Each gradient has its input's shape (and there is one per input).
    pub shapes_match: bool,
    /// A zero upstream gradient gives exactly zero gradients.
    pub zero_upstream_gives_zero: bool,
    /// Largest `|g|` returned for a zero upstream gradient.
    pub zero_upstream_max: f64,
    /// Two backward runs with the same upstream agree within tolerance.
    pub repeatable: bool,
    /// Largest difference between two backward runs.
    pub repeat_max_difference: f64,
    /// What went wrong, each as a typed [`StructureIssue`] (in reports and
    /// JSON, its sentence).
    pub issues: Vec<StructureIssue>,
}

/// One failed structural check of a backward rule. Decisions read the
/// variant; the words are only for people (`Display`, and the JSON
/// report, which stores the sentence).
///
/// ```
/// use backprop_gradcheck::StructureIssue;
///
/// let issue = StructureIssue::Shape { input: 1, gradient: vec![1, 4], expected: vec![3, 4] };
/// assert!(issue.is_shape());
/// assert_eq!(
///     issue.to_string(),
///     "gradient of input 1 has shape [1, 4], but the input has shape [3, 4]"
/// );
/// assert!(!StructureIssue::ZeroUpstream { max: 0.5 }.is_shape());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum StructureIssue {
    /// The backward rule returned a number of gradients other than the
    /// number of inputs.
    GradientCount {
        /// Gradients returned.
        returned: usize,
        /// Inputs.
        inputs: usize,
    },
    /// A gradient does not have its input's shape.
    Shape {
        /// Which input.
        input: usize,
        /// The gradient's shape.
        gradient: Vec<usize>,
        /// The input's shape.
        expected: Vec<usize>,
    },
    /// A gradient had the wrong shape for a one-hot upstream gradient
    /// (exhaustive mode builds the Jacobian row by row).
    ShapeAtOneHot {
        /// Which input.
        input: usize,
        /// The output element the upstream gradient was one at.
        output_element: usize,
    },
    /// Two backward runs with the same upstream gradient differ.
    NotRepeatable {
        /// Largest difference between the runs.
        max_difference: f64,
        /// The tolerance (`Tolerances::nondeterminism`).
        allowed: f64,
    },
    /// A zero upstream gradient gave a non-zero gradient element.
    ZeroUpstream {
        /// Largest magnitude returned (infinite for a NaN).
        max: f64,
    },
    /// The forward pass refused the inputs it was checked at.
    ForwardRefused {
        /// Its error, in words.
        message: String,
    },
}

impl StructureIssue {
    /// Whether the issue is about a gradient's shape (or count is not):
    /// audits report those per input, as wrong shapes.
    pub fn is_shape(&self) -> bool {
        matches!(
            self,
            StructureIssue::Shape { .. } | StructureIssue::ShapeAtOneHot { .. }
        )
    }
}

impl fmt::Display for StructureIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StructureIssue::GradientCount { returned, inputs } => write!(
                f,
                "the backward rule returned {returned} gradients for {inputs} inputs"
            ),
            StructureIssue::Shape {
                input,
                gradient,
                expected,
            } => write!(
                f,
                "gradient of input {input} has shape {gradient:?}, but the input has shape {expected:?}"
            ),
            StructureIssue::ShapeAtOneHot {
                input,
                output_element,
            } => write!(
                f,
                "gradient of input {input} has the wrong shape for a one-hot upstream at output element {output_element}"
            ),
            StructureIssue::NotRepeatable {
                max_difference,
                allowed,
            } => write!(
                f,
                "two backward runs with the same upstream differ by up to {max_difference:e} (allowed {allowed:e})"
            ),
            StructureIssue::ZeroUpstream { max } => write!(
                f,
                "a zero upstream gradient gave a gradient element of magnitude {max:e} (must be 0)"
            ),
            StructureIssue::ForwardRefused { message } => {
                write!(f, "the forward pass refused the case's inputs: {message}")
            }
        }
    }
}

impl Serialize for StructureIssue {
    /// The sentence: JSON reports keep the format they had when issues
    /// were strings.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl Structure {
    /// A structure report with nothing checked (for plain scalar checks).
    pub(crate) fn unchecked() -> Structure {
        Structure {
            status: Status::Pass,
            shapes_match: true,
            zero_upstream_gives_zero: true,
            zero_upstream_max: 0.0,
            repeatable: true,
            repeat_max_difference: 0.0,
            issues: Vec::new(),
        }
    }
}

/// The full result of checking one function's derivative or VJP.
///
/// `Display` prints a summary and, for anything that did not pass, the few
/// worst elements, never a whole matrix.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// Name of the function or rule checked.
    pub name: String,
    /// Type the rule under test computed in.
    pub dtype: Dtype,
    /// Mode actually run (never `Auto`).
    pub mode: Mode,
    /// Seed of the random upstream and directions.
    pub seed: u64,
    /// Verdict over structure and all pairs.
    pub status: Status,
    /// Shape of the forward output.
    pub output_shape: Vec<usize>,
    /// Evaluations of the forward function and of the rule.
    pub evaluations: Evaluations,
    /// The tolerances applied.
    pub tolerances: Tolerances,
    /// Structural checks.
    pub structure: Structure,
    /// One comparison per input.
    pub pairs: Vec<PairReport>,
}

impl Report {
    /// Whether everything passed.
    pub fn passed(&self) -> bool {
        self.status.is_pass()
    }

    /// Rename the report (e.g. after the rule it checked).
    pub fn with_name(mut self, name: impl Into<String>) -> Report {
        self.name = name.into();
        self
    }

    /// Name the inputs, in order (extra names are ignored).
    pub fn with_input_names<S: AsRef<str>>(mut self, names: &[S]) -> Report {
        for (pair, name) in self.pairs.iter_mut().zip(names) {
            pair.input_name = name.as_ref().to_string();
        }
        self
    }

    /// Largest CS231n relative error over all pairs.
    pub fn max_rel_error(&self) -> f64 {
        self.pairs
            .iter()
            .map(|p| p.max_rel_error)
            .fold(0.0, f64::max)
    }

    /// The pair for input `index`.
    pub fn pair(&self, index: usize) -> Option<&PairReport> {
        self.pairs.iter().find(|p| p.input == index)
    }

    /// The worst element over all pairs, preferring a located one in fast
    /// mode: `(input, element)`.
    pub fn worst(&self) -> Option<(usize, &Element)> {
        self.pairs
            .iter()
            .filter_map(|p| p.blamed().map(|e| (p.input, e)))
            .max_by(|a, b| a.1.ratio().total_cmp(&b.1.ratio()))
    }
}

impl PairReport {
    /// The element to blame: the located worst element after a failed fast
    /// check, else the worst compared element.
    pub fn blamed(&self) -> Option<&Element> {
        self.located
            .as_ref()
            .and_then(|l| l.worst.first())
            .or(self.worst.as_ref())
    }
}

fn fmt_index(index: &[usize]) -> String {
    format!("{index:?}")
}

/// `v` in `{:e}` form, as the value of type `dtype` it is: an `f32`
/// check's inputs and analytic values are `f32`s widened to `f64`, and
/// print as the `f32` (`1.9e0`, not `1.899999976158142e0`). Values of
/// `f64` checks, numerical values (from the `f64` oracle) and anything not
/// exactly an `f32` print as the `f64` they are.
pub(crate) fn fmt_value(v: f64, dtype: Option<Dtype>) -> String {
    match as_f32(v, dtype) {
        Some(narrow) => format!("{narrow:e}"),
        None => format!("{v:e}"),
    }
}

/// `v` as the `f32` it is, when the check's type `dtype` is `f32` and `v`
/// is exactly an `f32`.
pub(crate) fn as_f32(v: f64, dtype: Option<Dtype>) -> Option<f32> {
    // Narrowed only to test for an exact round trip.
    let narrow = v as f32;
    (dtype == Some(Dtype::F32) && f64::from(narrow) == v).then_some(narrow)
}

/// One element's line, in the input's name: `d out[2, 1] / d gamma[1] at
/// gamma[1] = 7.5e-1` for a Jacobian entry, `uᵀJ at gamma[1] = 7.5e-1` for
/// an entry of the upstream-weighted gradient (the VJP with the check's
/// upstream `u`), `at x = 3e-1` for a scalar input, `projection onto a
/// random direction` for fast mode's comparison.
fn fmt_element(
    f: &mut fmt::Formatter<'_>,
    e: &Element,
    dtype: Option<Dtype>,
    input: &str,
) -> fmt::Result {
    // A default name such as `input 0` keeps a space before the index.
    let gap = if input.contains(' ') { " " } else { "" };
    let element = format!("{input}{gap}{}", fmt_index(&e.index));
    let value = |x: f64| fmt_value(x, dtype);
    let place = match (&e.output_index, e.input_value) {
        (_, None) if e.index.is_empty() => "projection onto a random direction".to_string(),
        (Some(out), Some(x)) => format!(
            "d out{} / d {element} at {element} = {}",
            fmt_index(out),
            value(x)
        ),
        (Some(out), None) => format!("d out{} / d {element}", fmt_index(out)),
        (None, Some(x)) if e.index.is_empty() => format!("at {input} = {}", value(x)),
        (None, Some(x)) => format!("uᵀJ at {element} = {}", value(x)),
        (None, None) => format!("uᵀJ at {element}"),
    };
    writeln!(
        f,
        "      {place}: analytic {}, numeric {:e}, |a-n| {:.3e} (allowed {:.3e}), rel {:.3e}, err_est {:.3e}, step {:.3e}",
        fmt_value(e.analytic, dtype),
        e.numeric,
        e.abs_error,
        e.allowed,
        e.rel_error,
        e.error_estimate,
        e.step
    )
}

fn fmt_findings(
    f: &mut fmt::Formatter<'_>,
    what: &str,
    findings: &Findings,
    dtype: Option<Dtype>,
) -> fmt::Result {
    if findings.count == 0 {
        return Ok(());
    }
    write!(f, "    {} {what}:", findings.count)?;
    for x in &findings.first {
        write!(f, " {}", fmt_index(&x.index))?;
        if let Some(out) = &x.output_index {
            write!(f, "<-out{}", fmt_index(out))?;
        }
        if let Some(v) = x.input_value {
            write!(f, " (x = {})", fmt_value(v, dtype))?;
        }
        if let (Some(side), Some(value)) = (x.side, &x.value) {
            write!(f, " {side:?} = {value}")?;
        }
        if let Some(k) = &x.kink {
            write!(f, ": {k}")?;
        }
        write!(f, ";")?;
    }
    if findings.count > findings.first.len() {
        write!(f, " ...")?;
    }
    writeln!(f)
}

fn fmt_located(
    f: &mut fmt::Formatter<'_>,
    loc: &Located,
    dtype: Option<Dtype>,
    input: &str,
) -> fmt::Result {
    let bisected = if loc.method == LocateMethod::Bisection {
        format!("{} projections, ", loc.projections)
    } else {
        String::new()
    };
    let verdict = if loc.checked == 0 {
        "nothing checked".to_string()
    } else {
        loc.status.to_string()
    };
    writeln!(
        f,
        "    located {} ({bisected}{} elements checked one at a time, {} forward evaluations of a budget of {}): {verdict}",
        loc.method, loc.checked, loc.evaluations.forward, loc.budget
    )?;
    for e in &loc.worst {
        fmt_element(f, e, dtype, input)?;
    }
    fmt_findings(f, "kink(s)", &loc.kinks, dtype)?;
    fmt_findings(f, "non-finite value(s)", &loc.non_finite, dtype)?;
    let wrong = loc.worst.iter().filter(|e| e.ratio() > 1.0).count()
        + loc.kinks.count
        + loc.non_finite.count;
    match loc.end {
        LocateEnd::Complete if wrong == 0 => writeln!(
            f,
            "    no single element was found wrong: the error may be spread thinly over many elements"
        ),
        LocateEnd::Complete => Ok(()),
        LocateEnd::Enough => writeln!(
            f,
            "    the search stopped after {wrong} elements that do not pass (Options::worst_count); more may be wrong"
        ),
        LocateEnd::Budget => {
            write!(
                f,
                "    the search was cut short: the budget of {} forward evaluations (Options::locate_limit) ran out",
                loc.budget
            )?;
            if wrong == 0 {
                write!(f, " before any wrong element was found")?;
            }
            if let Some(b) = &loc.suspect {
                write!(
                    f,
                    "; the error lies somewhere in the {} elements {}..={}",
                    b.elements,
                    fmt_index(&b.first),
                    fmt_index(&b.last)
                )?;
            }
            writeln!(f, "; raise Options::locate_limit to search further")
        }
    }
}

impl fmt::Display for PairReport {
    /// Values as `f64`: a pair does not know its check's type
    /// ([`Report`]'s `Display` prints an `f32` check's as `f32`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_in(f, None)
    }
}

impl PairReport {
    /// `Display`, with inputs and analytic values printed as the check's
    /// type `dtype` when known ([`fmt_value`]).
    pub(crate) fn fmt_in(&self, f: &mut fmt::Formatter<'_>, dtype: Option<Dtype>) -> fmt::Result {
        writeln!(
            f,
            "  {} -> {}: {} ({:?}, {} compared, max |a-n| {:.3e}, max rel {:.3e}, {} forward evaluations)",
            self.input_name,
            self.output_name,
            self.status,
            self.mode,
            self.checked,
            self.max_abs_error,
            self.max_rel_error,
            self.evaluations.forward
        )?;
        if !self.status.is_pass() {
            if !self.worst_elements.is_empty() {
                writeln!(f, "    worst:")?;
                for e in &self.worst_elements {
                    fmt_element(f, e, dtype, &self.input_name)?;
                }
            }
            fmt_findings(f, "kink(s)", &self.kinks, dtype)?;
            fmt_findings(f, "non-finite value(s)", &self.non_finite, dtype)?;
        }
        if let Some(loc) = &self.located {
            fmt_located(f, loc, dtype, &self.input_name)?;
        }
        Ok(())
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} [{}, {:?}, seed {}]: {} ({} forward, {} backward evaluations)",
            self.name,
            self.dtype,
            self.mode,
            self.seed,
            self.status,
            self.evaluations.forward,
            self.evaluations.backward
        )?;
        for issue in &self.structure.issues {
            writeln!(f, "  structure: {issue}")?;
        }
        for pair in &self.pairs {
            pair.fmt_in(f, Some(self.dtype))?;
        }
        Ok(())
    }
}
