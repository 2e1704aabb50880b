//! The catalog: every rule of the project, checked in one call.

use std::fmt;

use backprop_gates::Gate;
use backprop_gradcheck::{
    Dtype, Evaluations, Float, Mode, Options, Report, RuleReport, Sampling, Status, check_rule,
    entry_seed,
};
use backprop_tensor::{OpCase, op_catalog, op_kink_cases};
use serde::Serialize;

use crate::check_op_case;

/// What to run of the catalog.
///
/// ```
/// use backprop_gradcheck::Dtype;
/// use backprop_selfcheck::CatalogOptions;
///
/// let only_matmul_f32 = CatalogOptions {
///     filter: Some("matmul".into()),
///     dtypes: vec![Dtype::F32],
///     ..CatalogOptions::default()
/// };
/// assert_eq!(only_matmul_f32.seed, 0);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct CatalogOptions {
    /// Seed of the whole run; each entry derives its own from it and its
    /// name ([`entry_seed`](backprop_gradcheck::entry_seed)) and reports it.
    pub seed: u64,
    /// Only entries whose name contains this text (`"sigmoid"`, `"matmul"`,
    /// `"gate/"`, `"tensor/"`).
    pub filter: Option<String>,
    /// The types rules are checked in (default: `f64` and `f32`).
    pub dtypes: Vec<Dtype>,
    /// Also check gates at their kinks and tensor ops at theirs (ties of
    /// max/min reductions), which must come out as `kink`.
    pub include_kinks: bool,
    /// Random points per gate (besides the fixed large and near-zero
    /// points).
    pub random_points: usize,
    /// Tolerances and the other check settings (its `seed` and `mode` are
    /// set per entry).
    pub check: Options,
}

impl Default for CatalogOptions {
    fn default() -> Self {
        CatalogOptions {
            seed: 0,
            filter: None,
            dtypes: Dtype::ALL.to_vec(),
            include_kinks: false,
            random_points: Sampling::default().random_points,
            check: Options::default(),
        }
    }
}

/// Where a catalog entry comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// A scalar gate of `backprop-gates` (`Gate::catalog()`).
    Gate,
    /// A tensor operation case of `backprop-tensor` (`op_catalog()`).
    TensorOp,
}

/// One rule checked in one type.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EntryReport {
    /// `gate/<gate>` or `tensor/<op> <shapes>`.
    pub name: String,
    /// Gate or tensor op.
    pub kind: EntryKind,
    /// The type the rule computed in.
    pub dtype: Dtype,
    /// The entry's seed (reproduce it with `Options { seed, .. }`).
    pub seed: u64,
    /// Verdict over every check of the entry.
    pub status: Status,
    /// Evaluations spent.
    pub evaluations: Evaluations,
    /// Largest CS231n relative error over the finite-difference checks.
    pub max_rel_error: f64,
    /// Problems that kept a check from running.
    pub issues: Vec<String>,
    /// Gates: finite differences and dual numbers over sample points.
    pub rule: Option<RuleReport>,
    /// Tensor ops: the exhaustive (full Jacobian) and the fast check.
    pub checks: Vec<Report>,
}

/// Entries per status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StatusCounts {
    /// All entries.
    pub total: usize,
    /// Entries that passed.
    pub pass: usize,
    /// Entries at kinks.
    pub kink: usize,
    /// Entries with non-finite values.
    pub non_finite: usize,
    /// Entries that failed.
    pub fail: usize,
}

impl StatusCounts {
    fn add(&mut self, status: Status) {
        self.total += 1;
        match status {
            Status::Pass => self.pass += 1,
            Status::Kink => self.kink += 1,
            Status::NonFinite => self.non_finite += 1,
            Status::Fail => self.fail += 1,
        }
    }
}

/// The entry with the largest relative error.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WorstEntry {
    /// Entry name.
    pub name: String,
    /// Its type.
    pub dtype: Dtype,
    /// Its largest CS231n relative error.
    pub rel_error: f64,
}

/// The result of [`check_catalog`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CatalogReport {
    /// Seed of the run.
    pub seed: u64,
    /// The filter applied.
    pub filter: Option<String>,
    /// Types checked.
    pub dtypes: Vec<Dtype>,
    /// `Pass` only if every entry passed.
    pub status: Status,
    /// Entries per status.
    pub counts: StatusCounts,
    /// The entry with the largest relative error.
    pub worst_rel_error: Option<WorstEntry>,
    /// Evaluations over all entries.
    pub evaluations: Evaluations,
    /// Every entry, gates first, in catalog order, each in every type.
    pub entries: Vec<EntryReport>,
}

impl CatalogReport {
    /// Whether every entry passed.
    pub fn passed(&self) -> bool {
        self.status.is_pass()
    }

    /// The entries that did not pass.
    pub fn not_passed(&self) -> impl Iterator<Item = &EntryReport> {
        self.entries.iter().filter(|e| !e.status.is_pass())
    }
}

/// One thing the catalog will check.
enum Item {
    Gate(Gate),
    Op(Box<OpCase>),
}

/// The catalog's entries, built from the crates' own enumerations
/// (`Gate::catalog()` and `op_catalog()`), so a new rule cannot escape it.
/// With `include_kinks`, also the tensor cases placed at kinks
/// (`op_kink_cases()`: ties of max/min reductions), which must come out as
/// `kink`.
fn items(include_kinks: bool) -> Vec<(String, Item)> {
    let gates = Gate::catalog()
        .iter()
        .map(|&g| (format!("gate/{g}"), Item::Gate(g)));
    let kink_cases = if include_kinks {
        op_kink_cases()
    } else {
        Vec::new()
    };
    let ops = op_catalog()
        .into_iter()
        .chain(kink_cases)
        .map(|c| (format!("tensor/{}", c.name), Item::Op(Box::new(c))));
    gates.chain(ops).collect()
}

/// The names of the entries `options` selects, in order (each is run once
/// per type in `options.dtypes`).
///
/// ```
/// use backprop_selfcheck::{catalog_names, CatalogOptions};
///
/// let names = catalog_names(&CatalogOptions::default());
/// assert!(names.iter().any(|n| n == "gate/sigmoid"));
/// assert!(names.iter().any(|n| n.starts_with("tensor/matmul")));
/// ```
pub fn catalog_names(options: &CatalogOptions) -> Vec<String> {
    items(options.include_kinks)
        .into_iter()
        .map(|(name, _)| name)
        .filter(|name| selected(options, name))
        .collect()
}

fn selected(options: &CatalogOptions, name: &str) -> bool {
    options.filter.as_deref().is_none_or(|f| name.contains(f))
}

/// Check every gate of `backprop-gates` and every tensor op of
/// `backprop-tensor`, in every type of `options.dtypes`, calling
/// `progress(done, total, name)` after each entry.
///
/// Gates are checked at random points over their domain plus points at
/// large magnitudes and near zero (away from kinks unless
/// `include_kinks`), against central differences and against dual numbers.
/// Tensor ops are checked through their real backward pass, exhaustively
/// (every Jacobian entry) and in fast mode.
///
/// ```
/// use backprop_selfcheck::{check_catalog, CatalogOptions};
///
/// let options = CatalogOptions { filter: Some("sigmoid".into()), ..CatalogOptions::default() };
/// let mut seen = Vec::new();
/// let report = check_catalog(&options, |done, total, name| seen.push((done, total, name.to_string())));
/// assert!(report.passed(), "{report}");
/// assert_eq!(report.counts.total, seen.len());
/// assert!(report.entries.iter().any(|e| e.name == "gate/sigmoid"));
/// ```
pub fn check_catalog(
    options: &CatalogOptions,
    mut progress: impl FnMut(usize, usize, &str),
) -> CatalogReport {
    let chosen: Vec<(String, Item)> = items(options.include_kinks)
        .into_iter()
        .filter(|(name, _)| selected(options, name))
        .collect();
    let total = chosen.len() * options.dtypes.len();
    let mut entries = Vec::with_capacity(total);
    for (name, item) in &chosen {
        for &dtype in &options.dtypes {
            let entry = match dtype {
                Dtype::F64 => check_entry::<f64>(name, item, options),
                Dtype::F32 => check_entry::<f32>(name, item, options),
            };
            entries.push(entry);
            progress(entries.len(), total, name);
        }
    }
    summarize(options, entries)
}

fn summarize(options: &CatalogOptions, entries: Vec<EntryReport>) -> CatalogReport {
    let mut counts = StatusCounts::default();
    let mut evaluations = Evaluations::default();
    let mut worst: Option<WorstEntry> = None;
    for e in &entries {
        counts.add(e.status);
        evaluations += e.evaluations;
        if worst.as_ref().is_none_or(|w| e.max_rel_error > w.rel_error) {
            worst = Some(WorstEntry {
                name: e.name.clone(),
                dtype: e.dtype,
                rel_error: e.max_rel_error,
            });
        }
    }
    CatalogReport {
        seed: options.seed,
        filter: options.filter.clone(),
        dtypes: options.dtypes.clone(),
        status: entries
            .iter()
            .map(|e| e.status)
            .max()
            .unwrap_or(Status::Pass),
        counts,
        worst_rel_error: worst,
        evaluations,
        entries,
    }
}

fn check_entry<T: Float + backprop_tensor::Element>(
    name: &str,
    item: &Item,
    options: &CatalogOptions,
) -> EntryReport {
    let seed = entry_seed(options.seed, name);
    let check = Options {
        seed,
        ..options.check.clone()
    };
    let mut entry = EntryReport {
        name: name.to_string(),
        kind: EntryKind::Gate,
        dtype: T::DTYPE,
        seed,
        status: Status::Pass,
        evaluations: Evaluations::default(),
        max_rel_error: 0.0,
        issues: Vec::new(),
        rule: None,
        checks: Vec::new(),
    };
    match item {
        Item::Gate(gate) => {
            let sampling = Sampling {
                random_points: options.random_points,
                special_points: true,
                include_kinks: options.include_kinks,
            };
            let rule = check_rule::<T, _>(gate, &sampling, &check);
            entry.status = rule.status;
            entry.evaluations = rule.finite_differences.evaluations;
            entry.max_rel_error = rule.finite_differences.max_rel_error();
            entry.rule = Some(rule);
        }
        Item::Op(case) => {
            entry.kind = EntryKind::TensorOp;
            for mode in [Mode::Exhaustive, Mode::Fast] {
                match check_op_case::<T>(case, mode, &check) {
                    Ok(report) => {
                        entry.status = entry.status.max(report.status);
                        entry.evaluations += report.evaluations;
                        entry.max_rel_error = entry.max_rel_error.max(report.max_rel_error());
                        entry.checks.push(report);
                    }
                    Err(e) => {
                        entry.status = Status::Fail;
                        entry
                            .issues
                            .push(format!("{mode:?} check could not run: {e}"));
                    }
                }
            }
        }
    }
    entry
}

impl fmt::Display for EntryReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} [{}, seed {}]: {} (max rel error {:.2e}, {} forward / {} backward evaluations)",
            self.name,
            self.dtype,
            self.seed,
            self.status,
            self.max_rel_error,
            self.evaluations.forward,
            self.evaluations.backward
        )?;
        for issue in &self.issues {
            writeln!(f, "  {issue}")?;
        }
        if self.status.is_pass() {
            return Ok(());
        }
        if let Some(rule) = &self.rule {
            rule.fmt(f)?;
        }
        for check in self.checks.iter().filter(|c| !c.passed()) {
            check.fmt(f)?;
        }
        Ok(())
    }
}

impl fmt::Display for CatalogReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in self.not_passed() {
            e.fmt(f)?;
        }
        let c = &self.counts;
        write!(
            f,
            "gradcheck catalog (seed {}): {} entries: {} pass, {} fail, {} kink, {} non-finite",
            self.seed, c.total, c.pass, c.fail, c.kink, c.non_finite
        )?;
        if let Some(w) = &self.worst_rel_error {
            write!(
                f,
                "; worst relative error {:.2e} ({} [{}])",
                w.rel_error, w.name, w.dtype
            )?;
        }
        writeln!(f)
    }
}
