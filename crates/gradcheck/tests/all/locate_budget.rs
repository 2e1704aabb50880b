//! Locating the wrong elements after a failed fast check stays within its
//! evaluation budget, and the report says what it found and whether the
//! budget cut the search short.
//!
//! The case from issue 23: a 64×300 layer norm whose backward rule leaves
//! the last row of `dx` at zero. Locating element by element took 78,017
//! forward evaluations; the budget is 2,000.

use crate::common;

use std::cell::Cell;

use backprop_gradcheck::{
    LocateEnd, LocateMethod, Mode, Options, Report, Status, Upstream, check_vjp,
};
use common::{layer_norm, layer_norm_vjp, sample};
use ndarray::{ArrayD, Axis};

const ROWS: usize = 64;
const COLS: usize = 300;

/// `x` (64×300), `gamma` and `beta` (300 each).
fn inputs() -> [ArrayD<f64>; 3] {
    [
        sample(&[ROWS, COLS], 11),
        sample(&[COLS], 12),
        sample(&[COLS], 13),
    ]
}

/// Check the layer norm against `vjp` with `options`, counting the forward
/// calls the checker really made.
fn check_layer_norm(
    vjp: impl Fn(&[ArrayD<f64>], &ArrayD<f64>) -> Vec<ArrayD<f64>>,
    options: &Options,
) -> (Report, usize) {
    let calls = Cell::new(0);
    let forward = |v: &[ArrayD<f64>]| {
        calls.set(calls.get() + 1);
        layer_norm(&v[0], &v[1], &v[2])
    };
    let report = check_vjp(forward, vjp, &inputs(), Upstream::Random, options).unwrap();
    (report, calls.get())
}

fn correct(v: &[ArrayD<f64>], g: &ArrayD<f64>) -> Vec<ArrayD<f64>> {
    layer_norm_vjp(&v[0], &v[1], g).into()
}

/// The planted bug: row 63 of `dx` left at zero.
fn last_row_zero(v: &[ArrayD<f64>], g: &ArrayD<f64>) -> Vec<ArrayD<f64>> {
    let [mut dx, dgamma, dbeta] = layer_norm_vjp(&v[0], &v[1], g);
    dx.index_axis_mut(Axis(0), ROWS - 1).fill(0.0);
    vec![dx, dgamma, dbeta]
}

/// The upstream gradient a check with `seed` draws: the checker's first
/// random numbers, recovered from a rule that records what it is given.
fn upstream_of(options: &Options) -> ArrayD<f64> {
    let seen = std::cell::RefCell::new(None);
    let spy = |v: &[ArrayD<f64>], g: &ArrayD<f64>| {
        seen.borrow_mut().get_or_insert_with(|| g.clone());
        correct(v, g)
    };
    check_layer_norm(spy, options);
    seen.into_inner().unwrap()
}

#[test]
fn the_default_budget_is_at_most_2000_forward_evaluations() {
    assert!(Options::default().locate_limit <= 2_000);
}

#[test]
fn a_correct_layer_norm_vjp_passes_fast_in_a_constant_number_of_evaluations() {
    let (report, calls) = check_layer_norm(correct, &Options::default());
    assert_eq!(report.mode, Mode::Fast, "{report}");
    assert_eq!(report.status, Status::Pass, "{report}");
    assert!(report.pairs.iter().all(|p| p.located.is_none()));
    // 1 at the point + 4 per input (±t, ±t/2).
    assert_eq!(report.evaluations.forward, 1 + 3 * 4);
    assert_eq!(calls, report.evaluations.forward);
}

#[test]
fn a_zeroed_last_row_of_dx_is_located_in_row_63_within_the_default_budget() {
    let options = Options::default();
    let (report, calls) = check_layer_norm(last_row_zero, &options);
    let text = report.to_string();
    assert_eq!(report.mode, Mode::Fast, "{text}");
    assert_eq!(report.status, Status::Fail, "{text}");
    let x = report.pair(0).unwrap();
    assert_eq!(x.status, Status::Fail, "{text}");
    // dgamma and dbeta are right.
    assert_eq!(report.pair(1).unwrap().status, Status::Pass, "{text}");
    assert_eq!(report.pair(2).unwrap().status, Status::Pass, "{text}");

    let located = x.located.as_ref().expect("a failed fast check is located");
    assert_eq!(located.method, LocateMethod::Bisection);
    assert_eq!(located.status, Status::Fail, "{text}");
    assert!(!located.cut_short(), "{text}");
    assert_eq!(located.budget, options.locate_limit);
    assert!(
        located.evaluations.forward <= options.locate_limit,
        "{text}"
    );

    // Every element that fails lies in row 63, and the search found as
    // many as a report keeps.
    let failing: Vec<_> = located
        .worst
        .iter()
        .filter(|e| e.abs_error > e.allowed)
        .collect();
    assert_eq!(failing.len(), options.worst_count, "{text}");
    assert_eq!(located.end, LocateEnd::Enough, "{text}");
    let x_in = &inputs()[0];
    let g = upstream_of(&options);
    let [dx, _, _] = layer_norm_vjp(&inputs()[0], &inputs()[1], &g);
    for e in &failing {
        assert_eq!(e.index.len(), 2);
        assert_eq!(e.index[0], ROWS - 1, "{text}");
        let at = [e.index[0], e.index[1]];
        assert_eq!(e.input_value, Some(x_in[at]));
        assert_eq!(e.analytic, 0.0);
        // The numerical value is the true gradient, by the formula, within
        // the error the checker estimates for it.
        let truth = dx[at];
        assert!(
            (e.numeric - truth).abs() <= e.error_estimate,
            "{} vs {truth} (error estimate {})",
            e.numeric,
            e.error_estimate
        );
        assert_eq!(e.rel_error, 1.0);
    }
    assert_eq!(report.worst().unwrap().1.index[0], ROWS - 1);

    // What the report counts is what was spent: 1 at the point, 4 per
    // input, 4 more for the failed projection of x (judged again at a
    // narrower step), then the search.
    assert_eq!(
        x.evaluations.forward,
        8 + located.evaluations.forward,
        "{text}"
    );
    assert_eq!(
        report.evaluations.forward,
        1 + 3 * 4 + 4 + located.evaluations.forward
    );
    assert_eq!(calls, report.evaluations.forward);
    assert!(report.evaluations.forward <= 17 + 2_000);

    // The printed report names them, with both values.
    assert!(
        text.contains(&format!(
            "    located by bisection ({} projections, {} elements checked one at a time, \
             {} forward evaluations of a budget of 2000): fail\n",
            located.projections, located.checked, located.evaluations.forward
        )),
        "{text}"
    );
    assert!(text.contains("[63, "), "{text}");
    assert!(
        text.contains(
            "    the search stopped after 5 elements that do not pass (Options::worst_count); more may be wrong\n"
        ),
        "{text}"
    );
    println!("{text}");
}

#[test]
fn a_budget_too_small_to_finish_cuts_the_search_short_and_says_where_it_stopped() {
    let options = Options {
        locate_limit: 40,
        ..Options::default()
    };
    let (report, calls) = check_layer_norm(last_row_zero, &options);
    let text = report.to_string();
    assert_eq!(report.status, Status::Fail, "{text}");
    let located = report.pair(0).unwrap().located.as_ref().unwrap();
    assert!(located.cut_short(), "{text}");
    assert_eq!(located.end, LocateEnd::Budget);
    assert!(located.evaluations.forward <= 40, "{text}");
    assert_eq!(located.checked, 0, "{text}");
    // Five halvings of 19,200 elements (8 evaluations each) narrow the
    // error to the 600 elements of rows 62 and 63, the last of them in
    // row 63.
    let suspect = located.suspect.as_ref().expect("a block under suspicion");
    assert_eq!(suspect.first, vec![ROWS - 2, 0], "{text}");
    assert_eq!(suspect.last, vec![ROWS - 1, COLS - 1], "{text}");
    assert_eq!(suspect.elements, ROWS * COLS / 32, "{text}");
    assert_eq!(located.projections, 10);
    assert_eq!(located.evaluations.forward, 40);
    assert_eq!(calls, report.evaluations.forward);
    assert!(text.contains("cut short"), "{text}");
    assert!(text.contains("Options::locate_limit"), "{text}");
    assert!(text.contains("[63, 299]"), "{text}");
    // No element was checked one at a time, so there is no verdict on any.
    assert!(
        text.contains(
            "    located by bisection (10 projections, 0 elements checked one at a time, \
             40 forward evaluations of a budget of 40): nothing checked\n"
        ),
        "{text}"
    );
}

#[test]
fn a_budget_of_zero_locates_nothing_but_still_fails_and_says_so() {
    let options = Options {
        locate_limit: 0,
        ..Options::default()
    };
    let (report, calls) = check_layer_norm(last_row_zero, &options);
    let text = report.to_string();
    assert_eq!(report.status, Status::Fail, "{text}");
    let x = report.pair(0).unwrap();
    assert_eq!(x.status, Status::Fail);
    let located = x
        .located
        .as_ref()
        .expect("the report says locating was cut");
    assert!(located.cut_short());
    assert_eq!(located.checked, 0);
    assert!(located.worst.is_empty());
    assert_eq!(located.evaluations.forward, 0);
    assert_eq!(report.evaluations.forward, 1 + 3 * 4 + 4);
    assert_eq!(calls, report.evaluations.forward);
    assert!(text.contains("cut short"), "{text}");
    assert!(text.contains("budget of 0 forward evaluations"), "{text}");
    assert!(
        text.contains("before any wrong element was found"),
        "{text}"
    );
}
