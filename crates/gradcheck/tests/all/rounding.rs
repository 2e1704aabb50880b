//! Long computations accumulate rounding: `Options::rounding_ulps` lets the
//! error estimate's floor grow with them, without blinding the check.

use backprop_gradcheck::{Options, Status, check_partials};

/// `f(x, y) = Σ cᵢ·vᵢ` over a million terms, summed naively left to right
/// (as a graph of a million additions does), with `vᵢ` alternating between
/// `x` and `y`. Exact gradient: the sums of the coefficients of each.
fn terms() -> Vec<f64> {
    let pattern = [3.0, 2.0, -0.75, 1.25, 0.5, 2.0, -0.75, 3.0, 1.25];
    (0..1_000_000).map(|i| pattern[i % pattern.len()]).collect()
}

fn f(c: &[f64]) -> impl Fn(&[f64]) -> f64 + '_ {
    move |v: &[f64]| {
        c.iter()
            .enumerate()
            .map(|(i, ci)| ci * v[i % 2])
            .fold(0.0, |s, t| s + t)
    }
}

fn exact(c: &[f64]) -> Vec<f64> {
    let (mut gx, mut gy) = (0.0, 0.0);
    for (i, ci) in c.iter().enumerate() {
        if i % 2 == 0 { gx += ci } else { gy += ci }
    }
    vec![gx, gy]
}

#[test]
fn rounding_unit_is_ulps_times_the_oracle_epsilon() {
    let o = Options {
        rounding_ulps: 1000.0,
        ..Options::default()
    };
    assert_eq!(o.rounding_unit(), 1000.0 * f64::EPSILON);
    assert_eq!(Options::default().rounding_unit(), 8.0 * f64::EPSILON);
}

#[test]
fn a_million_term_sum_needs_a_million_ulps_of_rounding() {
    let c = terms();
    let g = exact(&c);
    let at = [0.5, -1.0];
    let default =
        check_partials(f(&c), |_: &[f64]| g.clone(), &at, &Options::default()).expect("runs");
    let scaled = Options {
        rounding_ulps: c.len() as f64,
        ..Options::default()
    };
    let long = check_partials(f(&c), |_: &[f64]| g.clone(), &at, &scaled).expect("runs");
    assert_eq!(long.status, Status::Pass, "{long}");
    // The default floor assumes values good to 8 ulps, which this sum is not:
    // the (exact) gradient differs from the differences by more than allowed.
    assert_ne!(default.status, Status::Pass, "{default}");
}

#[test]
fn the_scaled_floor_still_catches_a_wrong_gradient() {
    // one coefficient in a hundred forgotten: 1% off
    let c = terms();
    let g: Vec<f64> = exact(&c).iter().map(|d| d * 0.99).collect();
    let scaled = Options {
        rounding_ulps: c.len() as f64,
        ..Options::default()
    };
    let r = check_partials(f(&c), |_: &[f64]| g.clone(), &[0.5, -1.0], &scaled).expect("runs");
    assert_eq!(r.status, Status::Fail, "{r}");
}
