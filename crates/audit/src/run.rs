//! The audit loop: every selected case of a catalog in each of its dtypes,
//! grouped by function with progress after each, each check claimed by the
//! known finding it reproduces.

use std::time::Instant;

use backprop_gradcheck::Dtype;
use backprop_report::{CheckResult, Status as ReportStatus};

use crate::{Finding, claim};

/// What to audit: the options every audit binary shares.
///
/// ```
/// use backprop_audit::AuditOptions;
/// use backprop_gradcheck::Dtype;
///
/// let options = AuditOptions { filter: Some("Conv1D".into()), ..AuditOptions::default() };
/// assert!(options.selects("conv1d(padding=1) x[1, 2, 5] [f64]", Dtype::F64));
/// assert!(!options.selects("exp x[3] [f64]", Dtype::F64));
/// let f32_only = AuditOptions { dtype: Some(Dtype::F32), ..AuditOptions::default() };
/// assert!(!f32_only.selects("exp x[3] [f64]", Dtype::F64));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AuditOptions {
    /// Seed of every random input, upstream gradient and direction.
    pub seed: u64,
    /// Only checks whose name contains this text (case-insensitive).
    pub filter: Option<String>,
    /// Only checks in this dtype (both when `None`).
    pub dtype: Option<Dtype>,
}

impl AuditOptions {
    /// The options as an audit's banner names them: `seed 0`, then the
    /// filter if any (`seed 7, filter "conv1d"`).
    ///
    /// ```
    /// use backprop_audit::AuditOptions;
    ///
    /// let options = AuditOptions { seed: 7, filter: Some("conv1d".into()), dtype: None };
    /// assert_eq!(options.banner(), "seed 7, filter \"conv1d\"");
    /// assert_eq!(AuditOptions::default().banner(), "seed 0");
    /// ```
    pub fn banner(&self) -> String {
        match &self.filter {
            Some(f) => format!("seed {}, filter {f:?}", self.seed),
            None => format!("seed {}", self.seed),
        }
    }

    /// Whether the check named `name`, in `dtype`, is selected.
    pub fn selects(&self, name: &str, dtype: Dtype) -> bool {
        self.dtype.is_none_or(|d| d == dtype)
            && self
                .filter
                .as_deref()
                .is_none_or(|f| name.to_lowercase().contains(&f.to_lowercase()))
    }
}

/// One audited call of a framework's catalog: what an adapter supplies per
/// case. The adapter runs the framework (forward in `f64`/`f32`, its
/// gradients or its error or panic) inside [`check`](AuditCase::check);
/// this crate selects, orders, times, claims and reports.
pub trait AuditCase {
    /// The function as users call it (`"conv1d"`, `"ops::softmax"`): the
    /// report's rule, and what progress groups by.
    fn function(&self) -> &str;

    /// The check's name in `dtype`, as JUnit lists it: the function as
    /// called, its configuration, then the dtype, e.g.
    /// `conv1d(padding=1, stride=1, dilation=1, groups=1) x[1, 2, 5] w[3, 2, 3] [f64]`.
    fn name(&self, dtype: Dtype) -> String;

    /// The dtypes it is checked in (both by default).
    fn dtypes(&self) -> Vec<Dtype> {
        Dtype::ALL.to_vec()
    }

    /// Check the framework's gradient in `dtype` with the audit's `seed`:
    /// a report entry named [`name(dtype)`](AuditCase::name), suite = the
    /// framework's package, rule = the function, status
    /// [`Skipped`](ReportStatus::Skipped) when the framework has no version
    /// of the op in `dtype`. Never panics: a framework panic is a check
    /// with status `Panic`.
    fn check(&self, dtype: Dtype, seed: u64) -> CheckResult;

    /// Every report entry of the case in `dtype`: [`check`](AuditCase::check)'s
    /// alone by default. An adapter whose case also yields a second entry
    /// (burn's check that its `f64` forward really computes in `f64`, say)
    /// overrides this.
    fn checks(&self, dtype: Dtype, seed: u64) -> Vec<CheckResult> {
        vec![self.check(dtype, seed)]
    }
}

/// Progress, once per function of the catalog.
#[derive(Clone, Debug)]
pub struct Progress<'a> {
    /// The function just audited.
    pub function: &'a str,
    /// Its position among the functions, from 1.
    pub index: usize,
    /// How many functions there are.
    pub functions: usize,
    /// Its checks, known findings claimed.
    pub checks: &'a [CheckResult],
    /// Seconds since the audit started.
    pub elapsed: f64,
}

impl Progress<'_> {
    /// One line: `[ 3/60] conv1d   24 checks, 2 known  (1.2 s)`, with
    /// `N NEW FAILURE(S)` when a check fails that no finding claims.
    pub fn line(&self) -> String {
        let failed = |c: &&CheckResult| !c.status.is_ok();
        let new = self
            .checks
            .iter()
            .filter(failed)
            .filter(|c| c.known.is_none())
            .count();
        let known = self
            .checks
            .iter()
            .filter(failed)
            .filter(|c| c.known.is_some())
            .count();
        let skipped = self
            .checks
            .iter()
            .filter(|c| c.status == ReportStatus::Skipped)
            .count();
        let mut line = format!(
            "[{:>2}/{}] {:<38} {:>3} checks",
            self.index,
            self.functions,
            self.function,
            self.checks.len()
        );
        if new > 0 {
            line.push_str(&format!(", {new} NEW FAILURE(S)"));
        }
        if known > 0 {
            line.push_str(&format!(", {known} known"));
        }
        if skipped > 0 {
            line.push_str(&format!(", {skipped} skipped"));
        }
        line.push_str(&format!("  ({:.1} s)", self.elapsed));
        line
    }

    /// The checks that fail and no finding claims, one line each.
    pub fn new_failures(&self) -> Vec<String> {
        self.checks
            .iter()
            .filter(|c| !c.status.is_ok() && c.known.is_none())
            .map(|c| format!("new: {} — {}", c.name, c.message))
            .collect()
    }
}

/// The finding that claims `check`: none for a skipped check (it
/// reproduces nothing, and would count as not reproducing).
fn claimed(check: &mut CheckResult, findings: &[Finding]) {
    check.known = if check.status == ReportStatus::Skipped {
        None
    } else {
        claim(findings, &check.name, check.status).map(|f| f.advisory.id.clone())
    };
}

/// A whole audit: its checks, the known findings, the verdict.
#[derive(Clone, Debug)]
pub struct Audit {
    /// The options it ran with.
    pub options: AuditOptions,
    /// Every check, in catalog order, known findings claimed.
    pub checks: Vec<CheckResult>,
    /// The known findings the verdict holds the checks to: all of them
    /// without a filter (a finding no check reproduces fails the run),
    /// those some check claims under a filter.
    pub findings: Vec<Finding>,
    /// Wall time in seconds.
    pub seconds: f64,
}

impl Audit {
    /// Run every selected case in each of its dtypes, grouped by function
    /// (in order of first appearance), calling `progress` after each
    /// function.
    pub fn run<C: AuditCase>(
        cases: &[C],
        options: &AuditOptions,
        findings: Vec<Finding>,
        progress: &mut dyn FnMut(&Progress<'_>),
    ) -> Audit {
        let start = Instant::now();
        let selected: Vec<(&C, Vec<Dtype>)> = cases
            .iter()
            .map(|c| {
                let dtypes = c
                    .dtypes()
                    .into_iter()
                    .filter(|&d| options.selects(&c.name(d), d))
                    .collect::<Vec<_>>();
                (c, dtypes)
            })
            .filter(|(_, d)| !d.is_empty())
            .collect();
        let mut functions: Vec<&str> = Vec::new();
        for (c, _) in &selected {
            if !functions.contains(&c.function()) {
                functions.push(c.function());
            }
        }
        let mut checks = Vec::new();
        for (index, &function) in functions.iter().enumerate() {
            let first = checks.len();
            for (case, dtypes) in selected.iter().filter(|(c, _)| c.function() == function) {
                for &dtype in dtypes {
                    for mut check in case.checks(dtype, options.seed) {
                        claimed(&mut check, &findings);
                        checks.push(check);
                    }
                }
            }
            progress(&Progress {
                function,
                index: index + 1,
                functions: functions.len(),
                checks: &checks[first..],
                elapsed: start.elapsed().as_secs_f64(),
            });
        }
        Audit::finish(options, checks, findings, start.elapsed().as_secs_f64())
    }

    /// The audit of checks run elsewhere (in other processes, say), in the
    /// order given, each claimed by the known finding whose pattern matches
    /// it best.
    ///
    /// ```
    /// use backprop_audit::{Audit, AuditOptions};
    /// use backprop_report::{CheckResult, Status};
    ///
    /// let checks = vec![CheckResult::new("core", "exp x[3] [f64]", Status::Pass, "pass")];
    /// let audit = Audit::new(&AuditOptions::default(), checks, Vec::new(), 0.1);
    /// assert!(audit.passed());
    /// ```
    pub fn new(
        options: &AuditOptions,
        mut checks: Vec<CheckResult>,
        findings: Vec<Finding>,
        seconds: f64,
    ) -> Audit {
        for c in &mut checks {
            claimed(c, &findings);
        }
        Audit::finish(options, checks, findings, seconds)
    }

    fn finish(
        options: &AuditOptions,
        checks: Vec<CheckResult>,
        findings: Vec<Finding>,
        seconds: f64,
    ) -> Audit {
        let unfiltered = options.filter.is_none() && options.dtype.is_none();
        // A finding this build cannot reproduce (debug-only, in release) is
        // left out: no check is held to it, and it is not expected to fail.
        let findings = findings
            .into_iter()
            .filter(Finding::applies_to_this_build)
            .filter(|f| {
                unfiltered
                    || checks
                        .iter()
                        .any(|c| c.known.as_deref() == Some(f.advisory.id.as_str()))
            })
            .collect();
        Audit {
            options: options.clone(),
            checks,
            findings,
            seconds,
        }
    }
}
