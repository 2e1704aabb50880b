//! Ties of the max and min reductions are kinks: the gradient checker
//! reports them as such — neither a failure nor a pass — in both modes and
//! both types, while the same ops away from ties pass.

use backprop_gradcheck::{Mode, Options, Status};
use backprop_selfcheck::check_op_case;
use backprop_tensor::{TensorOp, op_catalog, op_kink_cases};

#[test]
fn reductions_at_ties_are_reported_as_kinks() {
    let cases = op_kink_cases();
    assert!(!cases.is_empty());
    for case in &cases {
        for mode in [Mode::Exhaustive, Mode::Fast] {
            let f64_report = check_op_case::<f64>(case, mode, &Options::default()).unwrap();
            assert_eq!(
                f64_report.status,
                Status::Kink,
                "{} f64 {mode:?}:\n{f64_report}",
                case.name
            );
            let f32_report = check_op_case::<f32>(case, mode, &Options::default()).unwrap();
            assert_eq!(
                f32_report.status,
                Status::Kink,
                "{} f32 {mode:?}:\n{f32_report}",
                case.name
            );
        }
    }
}

#[test]
fn the_same_reductions_away_from_ties_pass() {
    for case in op_catalog()
        .iter()
        .filter(|c| matches!(c.op(), TensorOp::Max { .. } | TensorOp::Min { .. }))
    {
        let report = check_op_case::<f64>(case, Mode::Exhaustive, &Options::default()).unwrap();
        assert_eq!(report.status, Status::Pass, "{}:\n{report}", case.name);
    }
}

#[test]
fn the_catalog_checks_ties_when_asked_and_reports_them_as_kinks() {
    use backprop_selfcheck::{CatalogOptions, check_catalog};
    let options = CatalogOptions {
        filter: Some("at a tie".into()),
        include_kinks: true,
        ..CatalogOptions::default()
    };
    let report = check_catalog(&options, |_, _, _| {});
    assert_eq!(report.counts.total, 2 * op_kink_cases().len());
    assert_eq!(report.counts.kink, report.counts.total, "{report}");
    let without = CatalogOptions {
        include_kinks: false,
        ..options
    };
    assert_eq!(check_catalog(&without, |_, _, _| {}).counts.total, 0);
}

#[test]
fn a_two_way_tie_takes_the_mean_of_the_one_sided_derivatives() {
    use backprop_gates::KinkConvention;
    // max over [1, 3, 3]: each tied 3 gets half the gradient, the mean of
    // the one-sided derivatives 0 and 1 — the convention `max` itself
    // declares at a tie.
    let case = op_kink_cases()
        .into_iter()
        .find(|c| {
            matches!(
                c.op(),
                TensorOp::Max {
                    keepdims: false,
                    ..
                }
            ) && c.inputs[0].ndim() == 2
        })
        .unwrap();
    let report = check_op_case::<f64>(&case, Mode::Exhaustive, &Options::default()).unwrap();
    let sides: Vec<_> = report
        .pairs
        .iter()
        .flat_map(|p| p.kinks.first.iter().filter_map(|k| k.kink))
        .collect();
    assert!(!sides.is_empty(), "{report}");
    for s in &sides {
        assert_eq!(s.convention, Some(KinkConvention::Mean), "{report}");
    }
    assert_eq!(
        backprop_gates::Gate::Binary(backprop_gates::Binary::Max).kink_convention(),
        Some(KinkConvention::Mean)
    );
}
