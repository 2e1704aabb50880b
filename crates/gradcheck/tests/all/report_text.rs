//! What a printed report says: statuses by name, the worst elements of a
//! pair that did not pass, and what locating found (or did not find).

use backprop_gates::KinkConvention;
use backprop_gradcheck::{
    Element, Evaluations, Finding, Findings, KinkSides, LocateEnd, LocateMethod, Located, Mode,
    Options, PairReport, Side, Status, Upstream, check_derivative, check_vjp,
};
use ndarray::ArrayD;

#[test]
fn statuses_print_as_their_names() {
    for (status, name) in [
        (Status::Pass, "pass"),
        (Status::Kink, "kink"),
        (Status::NonFinite, "non-finite"),
        (Status::Fail, "fail"),
    ] {
        assert_eq!(status.name(), name);
        assert_eq!(status.to_string(), name);
    }
}

#[test]
fn a_failed_check_prints_its_status_and_its_worst_element() {
    // sin' taken as 2·cos: wrong by cos(0.3) ≈ 0.955.
    let r = check_derivative(f64::sin, |x: f64| 2.0 * x.cos(), 0.3, &Options::default());
    let text = r.to_string();
    let mut lines = text.lines();
    let head = lines.next().unwrap();
    assert!(
        head.starts_with("function [f64, Exhaustive, seed 0]: fail ("),
        "{text}"
    );
    let pair = lines.next().unwrap();
    assert!(pair.contains(": fail (Exhaustive, 1 compared"), "{text}");
    assert_eq!(lines.next(), Some("    worst:"), "{text}");
    let worst = lines.next().unwrap();
    assert!(worst.contains(" at x = 3e-1: analytic "), "{text}");
}

#[test]
fn a_kink_prints_no_worst_elements() {
    // relu at 0 is a kink, not a compared element: nothing to call worst.
    let r = check_derivative(|x: f64| x.max(0.0), |_| 0.0, 0.0, &Options::default());
    assert_eq!(r.status, Status::Kink, "{r}");
    assert!(r.pairs[0].worst_elements.is_empty());
    let text = r.to_string();
    assert!(!text.contains("worst"), "{text}");
    assert!(
        text.contains("1 kink(s): [] (x = 0e0): rule 0e0 = left derivative"),
        "{text}"
    );
}

#[test]
fn an_error_spread_thinly_over_many_elements_is_said_to_be_so() {
    // Σx² at 0, whose gradient 2x is 0 there, against a rule that adds
    // 5e-11 (half the f64 absolute tolerance) to each of 200 elements:
    // every element passes on its own, but a projection onto a random
    // direction u adds up 5e-11·Σu, beyond the tolerance.
    let x = ArrayD::from_elem(vec![200], 0.0);
    let forward = |v: &[ArrayD<f64>]| ArrayD::from_elem(vec![1], v[0].mapv(|x| x * x).sum());
    let biased =
        |v: &[ArrayD<f64>], g: &ArrayD<f64>| vec![v[0].mapv(|x| g[[0]] * (2.0 * x + 5e-11))];
    let o = Options {
        mode: Mode::Fast,
        ..Options::default()
    };
    let one = ArrayD::from_elem(vec![1], 1.0);
    let r = check_vjp(forward, biased, &[x], Upstream::Given(&one), &o).unwrap();
    assert_eq!(r.status, Status::Fail, "{r}");
    let located = r.pairs[0].located.as_ref().unwrap();
    assert_eq!(located.method, LocateMethod::ElementByElement);
    assert_eq!(located.end, LocateEnd::Complete);
    assert_eq!(
        (located.checked, located.status),
        (200, Status::Pass),
        "{r}"
    );
    for e in &located.worst {
        assert_eq!((e.analytic, e.numeric), (5e-11, 0.0), "{r}");
    }
    let text = r.to_string();
    assert!(
        text.contains(
            "    located element by element (200 elements checked one at a time, \
             800 forward evaluations of a budget of 2000): pass\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "    no single element was found wrong: the error may be spread thinly over many elements\n"
        ),
        "{text}"
    );
}

/// An element with `|a - n| = abs_error` against a tolerance `allowed`.
fn element(index: usize, abs_error: f64, allowed: f64) -> Element {
    Element {
        index: vec![index],
        output_index: None,
        input_value: Some(1.0),
        analytic: abs_error,
        numeric: 0.0,
        abs_error,
        rel_error: 1.0,
        error_estimate: 0.0,
        allowed,
        step: 1e-5,
    }
}

fn finding(index: usize, side: Option<Side>, kink: Option<KinkSides>) -> Finding {
    Finding {
        index: vec![index],
        output_index: None,
        input_value: Some(0.0),
        side,
        value: side.map(|_| "nan".to_string()),
        kink,
    }
}

#[test]
fn the_elements_that_do_not_pass_count_kinks_and_non_finite_values_but_not_the_edge() {
    // A search that stopped on having found enough: two elements beyond
    // their tolerance (ratios 4 and 2), one exactly at it (ratio 1, which
    // passes), one kink and two non-finite values: 2 + 1 + 2 = 5.
    let relu = KinkSides {
        analytic: 0.0,
        left: 0.0,
        right: 1.0,
        convention: Some(KinkConvention::Left),
        declared: None,
    };
    let located = Located {
        status: Status::Fail,
        checked: 6,
        worst: vec![
            element(0, 4.0, 1.0),
            element(1, 2.0, 1.0),
            element(2, 1.0, 1.0),
        ],
        kinks: Findings {
            count: 1,
            first: vec![finding(3, None, Some(relu))],
        },
        non_finite: Findings {
            count: 2,
            first: vec![
                finding(4, Some(Side::Analytic), None),
                finding(5, Some(Side::Analytic), None),
            ],
        },
        evaluations: Evaluations {
            forward: 48,
            backward: 0,
        },
        method: LocateMethod::ElementByElement,
        end: LocateEnd::Enough,
        budget: 2000,
        projections: 0,
        suspect: None,
    };
    let pair = PairReport {
        input: 0,
        input_name: "x".into(),
        output_name: "y".into(),
        mode: Mode::Fast,
        seed: 0,
        status: Status::Fail,
        checked: 1,
        evaluations: Evaluations {
            forward: 56,
            backward: 0,
        },
        step: 1e-5,
        max_abs_error: 3.0,
        max_rel_error: 1.0,
        error_estimate: 0.0,
        worst: None,
        worst_elements: Vec::new(),
        kinks: Findings::default(),
        non_finite: Findings::default(),
        located: Some(located),
    };
    let text = pair.to_string();
    assert!(
        text.contains(
            "    located element by element (6 elements checked one at a time, \
             48 forward evaluations of a budget of 2000): fail\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "    1 kink(s): [3] (x = 0e0): rule 0e0 = left derivative (left 0e0, right 1e0);\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("    2 non-finite value(s): [4] (x = 0e0) Analytic = nan; [5] (x = 0e0) Analytic = nan;\n"),
        "{text}"
    );
    assert!(
        text.ends_with(
            "    the search stopped after 5 elements that do not pass (Options::worst_count); more may be wrong\n"
        ),
        "{text}"
    );
}
