//! The figures a report derives: an element's ratio to its tolerance,
//! evaluations added up, and the largest relative error over all pairs.

use backprop_gradcheck::{Element, Evaluations, Options, check_partials};

fn element(abs_error: f64, allowed: f64) -> Element {
    Element {
        index: vec![0],
        output_index: None,
        input_value: Some(0.0),
        analytic: abs_error,
        numeric: 0.0,
        abs_error,
        rel_error: 1.0,
        error_estimate: 0.0,
        allowed,
        step: 1e-5,
    }
}

#[test]
fn the_ratio_is_the_error_over_its_tolerance() {
    assert_eq!(element(1.0, 4.0).ratio(), 0.25);
    assert_eq!(element(3.0, 2.0).ratio(), 1.5);
    assert_eq!(element(0.0, 1e-10).ratio(), 0.0);
    // With no tolerance at all (atol = rtol = 0 and no error estimate) an
    // exact match still passes, and any error is infinitely beyond it.
    assert_eq!(element(0.0, 0.0).ratio(), 0.0);
    assert_eq!(element(1e-300, 0.0).ratio(), f64::INFINITY);
}

#[test]
fn evaluations_add_up_per_kind() {
    let mut total = Evaluations {
        forward: 3,
        backward: 1,
    };
    total += Evaluations {
        forward: 4,
        backward: 2,
    };
    assert_eq!(
        total,
        Evaluations {
            forward: 7,
            backward: 3
        }
    );
}

#[test]
fn the_largest_relative_error_is_taken_over_all_pairs() {
    // f = 2a + 3b: partials 2 and 3. Claiming 3 for ∂a is off by
    // |3 - 2| / (3 + 2) = 1/5; claiming 4 for ∂b by 1/7.
    let f = |v: &[f64]| 2.0 * v[0] + 3.0 * v[1];
    let o = Options::default();
    let r = check_partials(f, |_| vec![3.0, 3.0], &[0.5, 0.25], &o).unwrap();
    assert!((r.max_rel_error() - 0.2).abs() < 1e-9, "{r}");
    let r = check_partials(f, |_| vec![2.0, 4.0], &[0.5, 0.25], &o).unwrap();
    assert!((r.max_rel_error() - 1.0 / 7.0).abs() < 1e-9, "{r}");
    let r = check_partials(f, |_| vec![2.0, 3.0], &[0.5, 0.25], &o).unwrap();
    assert!(r.max_rel_error() < 1e-9, "{r}");
}
