//! `cargo xtask verify`: the project's main job.
//!
//! 1. the notebook snapshots: every replayed cell against its committed
//!    snapshot (never written here), with a line diff on mismatch;
//! 2. the cross-checks: each gradient cell staged versus `graph` (2 ulp),
//!    and `graph` versus finite differences;
//! 3. the gradcheck catalog (`backprop-selfcheck`): every gate and tensor
//!    op, f64 and f32;
//! 4. the report folder (`report.json`, `junit.xml`, `report.md`,
//!    `report.html`) and a compact summary.
//!
//! It exits 0 only when everything passed (kinks are reported, not failed).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use backprop_gates::ulps_between;
use backprop_gradcheck::{Options, check_partials};
use backprop_notebook::{Cell, CrossCheck, cells};
use backprop_selfcheck::{CatalogOptions, check_catalog};
use indicatif::{ProgressBar, ProgressStyle};
use similar::TextDiff;

use backprop_report::{CellResult, CheckResult, Report, Status, ToCheckResult, format_worst};

use crate::workspace_root;

/// Options of `cargo xtask verify`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Folder for report.json, junit.xml, report.md and report.html
    /// [default: target/verify in the workspace].
    #[arg(long, value_name = "DIR")]
    pub report_dir: Option<PathBuf>,
    /// Seed of every random sample point and probe vector; the same seed
    /// reproduces a run.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed: u64,
    /// Only run checks whose name contains this text (for example
    /// `sigmoid`, `matmul`, `gate/`, `In [12]`).
    #[arg(long, value_name = "NAME")]
    pub filter: Option<String>,
    /// Add one deliberately failing check (tests the reports and the exit
    /// status without breaking a rule).
    #[arg(long, hide = true)]
    pub inject_failure: bool,
}

/// The suite of the staged-versus-graph and graph-versus-differences checks.
const CROSS_CHECK: &str = "cross-check";

fn selected(filter: Option<&str>, name: &str) -> bool {
    filter.is_none_or(|f| name.contains(f))
}

/// The committed snapshot text of a cell (insta's file minus its header).
fn snapshot(number: u32) -> Result<String, String> {
    let path = workspace_root().join(format!(
        "tests/tests/snapshots/notebook__cell_{number}.snap"
    ));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    // The header is a `---`-fenced block; the body follows the second fence.
    let body = text
        .splitn(3, "---\n")
        .nth(2)
        .ok_or_else(|| format!("{}: no insta header", path.display()))?;
    Ok(body.to_owned())
}

/// Compares a replay with its snapshot as insta does (trailing newlines do
/// not count); on a mismatch, a unified diff of expected versus actual lines.
fn compare_with_snapshot(expected: &str, actual: &str) -> (Status, Option<String>) {
    if expected.trim_end() == actual.trim_end() {
        return (Status::Pass, None);
    }
    let diff = TextDiff::from_lines(expected.trim_end(), actual.trim_end())
        .unified_diff()
        .header("snapshot (expected)", "replay (actual)")
        .to_string();
    (Status::Fail, Some(diff))
}

fn check_cell(cell: &Cell) -> CellResult {
    let output = (cell.replay)();
    let (status, diff) = match snapshot(cell.number) {
        Ok(expected) => compare_with_snapshot(&expected, &output),
        Err(e) => (Status::Fail, Some(format!("cannot read the snapshot: {e}"))),
    };
    let diagram_svg = cell.cross_check.map(|c| {
        let circuit = c.circuit;
        circuit.with_graph(&circuit.notebook_point(), |g, _, f, grads| {
            g.to_svg(f, Some(grads))
        })
    });
    let stepper_html = cell.cross_check.map(|c| {
        let circuit = c.circuit;
        let at: Vec<String> = circuit
            .inputs
            .iter()
            .map(|(name, value)| format!("{name} = {value:?}"))
            .collect();
        let title = format!("In [{}]: {}\nat {}", cell.number, cell.title, at.join(", "));
        circuit.with_graph(&circuit.notebook_point(), |g, _, f, _| g.to_html(f, &title))
    });
    CellResult {
        number: cell.number,
        title: cell.title.to_owned(),
        status,
        output,
        diff,
        diagram_svg,
        stepper_html,
    }
}

/// Staged replay versus the graph, value by value, within 2 ulp.
fn staged_vs_graph(cell: &Cell, check: &CrossCheck) -> CheckResult {
    let staged = (check.staged)();
    let graph = check.circuit.results();
    let mut worst = (0u64, String::new());
    let mut mismatched = staged.len() != graph.len();
    for ((name, s), (gname, g)) in staged.iter().zip(&graph) {
        mismatched |= *name != gname.as_str();
        let ulps = ulps_between(*s, *g);
        if ulps >= worst.0 {
            worst = (ulps, format!("{name}: staged {s:?}, graph {g:?}"));
        }
    }
    let status = if !mismatched && worst.0 <= 2 {
        Status::Pass
    } else {
        Status::Fail
    };
    let message = if mismatched {
        format!("staged and graph name different results: {staged:?} vs {graph:?}")
    } else {
        format!(
            "{} value(s), worst {} ulp ({})",
            staged.len(),
            worst.0,
            worst.1
        )
    };
    CheckResult::new(
        CROSS_CHECK,
        format!("In [{}] staged vs graph", cell.number),
        status,
        message,
    )
    .with_details(serde_json::json!({ "staged": staged, "graph": graph, "max_ulps": worst.0 }))
}

/// The graph's gradient versus central finite differences of its forward.
fn graph_vs_differences(cell: &Cell, check: &CrossCheck, seed: u64) -> CheckResult {
    let circuit = check.circuit;
    let names: Vec<&str> = circuit.inputs.iter().map(|&(n, _)| n).collect();
    let options = Options {
        seed,
        ..Options::default()
    };
    let name = format!("In [{}] graph vs finite differences", cell.number);
    match check_partials(
        |x: &[f64]| circuit.value(x),
        |x: &[f64]| circuit.gradient(x),
        &circuit.notebook_point(),
        &options,
    ) {
        Ok(r) => {
            let r = r.with_name(name.clone()).with_input_names(&names);
            // One check per cell, named without a type suffix as before.
            let mut check = r.to_check_result(CROSS_CHECK, &name);
            check.name = name;
            check
        }
        Err(e) => {
            CheckResult::new(CROSS_CHECK, name, Status::Fail, e.to_string()).with_dtype("f64")
        }
    }
}

fn progress_bar(total: usize) -> ProgressBar {
    let bar = ProgressBar::new(total as u64);
    bar.set_style(
        ProgressStyle::with_template("      {bar:30} {pos}/{len} {wide_msg}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar
}

fn injected_failure() -> CheckResult {
    CheckResult::new(
        "injected",
        "deliberate failure",
        Status::Fail,
        "worst element [0]: analytic 1.0 vs numeric 2.0 (injected by --inject-failure)",
    )
    .with_dtype("f64")
    .with_rel_error(1.0)
    .with_details(serde_json::json!({ "injected": true }))
}

/// Runs every stage and writes the reports; the exit status says whether
/// everything passed.
pub fn run(args: &Args) -> ExitCode {
    let started = Instant::now();
    let filter = args.filter.as_deref();
    let dir = args
        .report_dir
        .clone()
        .unwrap_or_else(|| workspace_root().join("target/verify"));

    eprintln!("[1/4] notebook snapshots");
    let notebook: Vec<CellResult> = cells()
        .iter()
        .filter(|c| selected(filter, &format!("notebook/In [{}]", c.number)))
        .map(check_cell)
        .collect();
    for c in notebook.iter().filter(|c| !c.status.is_ok()) {
        eprintln!(
            "      In [{}] differs from its snapshot:\n{}",
            c.number,
            c.diff.as_deref().unwrap_or("")
        );
    }
    eprintln!(
        "      {} cell(s), {} differ",
        notebook.len(),
        notebook.iter().filter(|c| !c.status.is_ok()).count()
    );

    eprintln!("[2/4] cross-checks: staged replay, graph, finite differences");
    let mut checks = Vec::new();
    for cell in cells() {
        let Some(check) = &cell.cross_check else {
            continue;
        };
        for result in [
            staged_vs_graph(cell, check),
            graph_vs_differences(cell, check, args.seed),
        ] {
            if selected(filter, &result.qualified_name()) {
                checks.push(result);
            }
        }
    }
    eprintln!("      {} check(s)", checks.len());

    eprintln!("[3/4] gradcheck catalog (every gate and tensor op, f64 and f32)");
    let options = CatalogOptions {
        seed: args.seed,
        filter: args.filter.clone(),
        ..CatalogOptions::default()
    };
    let bar = progress_bar(0);
    let catalog = check_catalog(&options, |done, total, name| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        bar.set_message(name.to_owned());
    });
    bar.finish_and_clear();
    eprintln!("      {} entries checked", catalog.entries.len());
    checks.extend(catalog.entries.iter().map(CheckResult::from));
    if args.inject_failure {
        checks.push(injected_failure());
    }

    let mut report = Report::new("backprop verify")
        .with_seed(args.seed)
        .with_filter(args.filter.clone())
        .with_notebook(notebook)
        .with_seconds(started.elapsed().as_secs_f64());
    report.checks = checks;

    eprintln!("[4/4] reports");
    if let Err(e) = report.write_all(&dir) {
        eprintln!("error: cannot write the reports to {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    print_summary(&report, &dir);
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn print_summary(report: &Report, dir: &Path) {
    let s = report.summary();
    for c in report.checks.iter().filter(|c| !c.status.is_ok()) {
        eprintln!(
            "FAILED {} ({}): {}",
            c.qualified_name(),
            c.status.label(),
            c.message
        );
    }
    let worst = format_worst(&s.worst);
    println!(
        "verify: {} {} checks: {} passed, {} failed, {} kinks, {} non-finite; worst relative error {worst}; {:.1}s",
        if report.passed() { "ok," } else { "FAILED," },
        s.total,
        s.passed,
        s.failed,
        s.kinks,
        s.non_finite,
        s.seconds.unwrap_or_default()
    );
    println!("verify: report in {}", dir.display());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_output_passes_whatever_its_trailing_newlines() {
        assert_eq!(
            compare_with_snapshot("a\nb\n", "a\nb"),
            (Status::Pass, None)
        );
    }

    #[test]
    fn a_mismatch_is_a_line_diff_of_expected_versus_actual() {
        let (status, diff) =
            compare_with_snapshot("dfdq = -4\ndfdx = -4.0\n", "dfdq = -4\ndfdx = -4\n");
        assert_eq!(status, Status::Fail);
        let diff = diff.expect("a diff");
        assert!(
            diff.contains("--- snapshot (expected)") && diff.contains("+++ replay (actual)"),
            "{diff}"
        );
        assert!(
            diff.contains("\n-dfdx = -4.0") && diff.contains("\n+dfdx = -4"),
            "{diff}"
        );
        assert!(
            diff.contains("\n dfdq = -4"),
            "unchanged lines give context: {diff}"
        );
    }

    #[test]
    fn every_replayed_cell_matches_its_committed_snapshot() {
        for cell in cells() {
            assert_eq!(
                check_cell(cell).status,
                Status::Pass,
                "In [{}]",
                cell.number
            );
        }
    }
}
