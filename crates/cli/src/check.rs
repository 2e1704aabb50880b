//! `backprop check`: the graph's gradients against central finite
//! differences, with `backprop-gradcheck`.

use std::fmt::Write;

use backprop_expr::{Expr, Naming};
use backprop_gradcheck::{Dtype, Options, PairReport, Status, Tolerances, check_partials};
use backprop_graph::Graph;

use crate::args::Input;
use crate::input::{Prepared, non_finite_warnings, number};
use crate::output::Output;
use crate::report::{Diagnostic, Failure};

/// The expression's value and gradients at `point` (one value per
/// variable, in order), each on a fresh graph.
fn value_and_gradients(expr: &Expr, point: &[f64]) -> (f64, Vec<f64>) {
    let graph = Graph::with_capacity(expr.nodes().len());
    let names = expr.variables().iter().map(|v| v.name.as_str());
    let eval = expr
        .evaluate_with(
            &graph,
            names.zip(point.iter().copied()),
            Naming::VariablesOnly,
        )
        .expect("one value per variable, by construction");
    (eval.value(), eval.gradients())
}

/// A tolerance given on the command line: a finite number, at least 0.
fn tolerance(flag: &str, value: Option<f64>, default: f64) -> Result<f64, Failure> {
    match value {
        None => Ok(default),
        Some(v) if v.is_finite() && v >= 0.0 => Ok(v),
        Some(v) => Err(Diagnostic::error(format!(
            "--{flag} must be a finite number of at least 0, not {}",
            number(v)
        ))
        .into()),
    }
}

/// `v` rounded to ten significant digits: one-sided differences carry
/// rounding noise in the last digits that would only distract.
fn ten_digits(v: f64) -> f64 {
    format!("{v:.9e}").parse().unwrap_or(v)
}

/// One line per variable: verdict, backprop's and the finite differences'
/// derivative, and the relative error.
fn verdict_line(out: &mut String, pair: &PairReport, width: usize) {
    let name = &pair.input_name;
    let what = match pair.status {
        Status::Pass => "pass",
        Status::Kink => {
            "kink (the derivative jumps here, e.g. relu or abs at 0, max or min at a tie: not a failure)"
        }
        Status::NonFinite => "FAIL (a NaN or infinity on one side)",
        Status::Fail => "FAIL",
    };
    let _ = write!(out, "  {name:<width$}  {what}");
    if let Some(k) = pair.kinks.first.first().and_then(|f| f.kink) {
        let taken = match k.convention {
            Some(c) => format!("takes the {c}"),
            None => "takes neither side nor their mean".to_string(),
        };
        let _ = write!(
            out,
            "\n  {:<width$}  backprop {taken}: {} (from the left {}, from the right {})",
            "",
            number(k.analytic),
            number(ten_digits(k.left)),
            number(ten_digits(k.right))
        );
    }
    if let Some(e) = pair.blamed() {
        let _ = write!(
            out,
            "\n  {:<width$}  backprop {}, finite differences {}, |difference| {:.2e} (allowed {:.2e}), relative error {:.2e}",
            "",
            number(e.analytic),
            number(e.numeric),
            e.abs_error,
            e.allowed,
            e.rel_error
        );
    }
    out.push('\n');
}

/// Runs `check`; exit status 1 if some variable fails.
pub fn run(input: &Input, rtol: Option<f64>, atol: Option<f64>) -> Result<Output, Failure> {
    let prepared = Prepared::new(input)?;
    let graph = Graph::with_capacity(prepared.expr.nodes().len());
    let eval = prepared.evaluate(&graph, Naming::VariablesOnly)?;
    let names: Vec<&str> = prepared
        .expr
        .variables()
        .iter()
        .map(|v| v.name.as_str())
        .collect();
    if names.is_empty() {
        return Err(
            Diagnostic::error("nothing to check: the expression has no variables")
                .snippet(backprop_expr::diagnostic::caret(
                    prepared.expr.source(),
                    backprop_expr::Span::new(0, prepared.expr.source().len()),
                ))
                .into(),
        );
    }
    // The leaves hold the values in variable order.
    let point: Vec<f64> = eval.inputs().iter().map(|v| v.value()).collect();

    let defaults = Tolerances::for_dtype(Dtype::F64);
    let tolerances = Tolerances {
        rtol: tolerance("rtol", rtol, defaults.rtol)?,
        atol: tolerance("atol", atol, defaults.atol)?,
        ..defaults
    };
    // Rounding accumulates over the expression's operations: the standard
    // worst-case bound is about n ulps after n operations (Higham's γₙ), so
    // the finite differences of a million-term sum are not judged as if its
    // value were good to the default 8 ulps.
    let nodes = prepared.expr.nodes().len() as f64;
    let options = Options {
        tolerances: Some(tolerances),
        rounding_ulps: nodes.max(Options::default().rounding_ulps),
        ..Options::default()
    };
    let expr = &prepared.expr;
    let report = check_partials(
        |v: &[f64]| value_and_gradients(expr, v).0,
        |v: &[f64]| value_and_gradients(expr, v).1,
        &point,
        &options,
    )
    .expect("one partial per variable, at least one variable")
    .with_name(crate::input::abbreviate(&expr.to_string()))
    .with_input_names(&names);

    let mut out = prepared.header("f");
    let _ = writeln!(
        out,
        "\nbackprop's gradients against central finite differences \
         (pass: |difference| <= {} + {} * max(|backprop|, |finite differences|) + error estimate)",
        number(tolerances.atol),
        number(tolerances.rtol)
    );
    let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(1);
    for pair in &report.pairs {
        verdict_line(&mut out, pair, width);
    }
    let failed = report
        .pairs
        .iter()
        .any(|p| matches!(p.status, Status::Fail | Status::NonFinite));
    let kinks = report.pairs.iter().any(|p| p.status == Status::Kink);
    let verdict = if failed {
        "verdict: FAIL"
    } else if kinks {
        "verdict: pass (some variables sit on a kink, where no derivative exists)"
    } else {
        "verdict: pass"
    };
    let _ = writeln!(out, "{verdict}");
    if failed {
        let _ = write!(out, "\ndetails (backprop-gradcheck):\n{report}");
    }
    Ok(Output {
        stdout: out,
        stderr: non_finite_warnings(&eval),
        status: u8::from(failed),
    })
}
