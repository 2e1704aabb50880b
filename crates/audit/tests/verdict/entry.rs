//! A case as a report entry: the message parts, the verdict when the
//! forward pass disagrees with the naive loop, the notes.

use backprop_audit::{
    Confirmation, ForwardCheck, GradientReport, Status, case_message, checked_verdict,
};
use backprop_gradcheck::{Dtype, Options, check_derivative};
use backprop_report::{Location, Status as ReportStatus};

/// The naive loop's verdict on a forward pass: `out[1]` is 2 where the
/// definition gives 1.
fn forward(agrees: bool) -> ForwardCheck {
    ForwardCheck {
        error: 0.5,
        agrees,
        index: vec![1],
        framework: 2.0,
        naive: 1.0,
    }
}

/// A framework's d/dw w² taken as 3w at w = 2: analytic 6, numeric 4,
/// relative error |6 - 4| / (6 + 4) = 0.2.
fn wrong_value() -> GradientReport {
    let mut report = GradientReport::new("toy", "square", Dtype::F64, 0, &["w".into()], &[vec![]]);
    report.gradcheck = Some(check_derivative(
        |x: f64| x * x,
        |x: f64| 3.0 * x,
        2.0,
        &Options::default(),
    ));
    report.status = Status::WrongValue;
    report
}

#[test]
fn the_message_leads_with_a_disagreeing_forward_and_ends_with_the_confirmation() {
    assert_eq!(
        case_message("toy", "pass".into(), Some(&forward(true)), None),
        "pass",
        "an agreeing forward is not mentioned"
    );
    assert_eq!(
        case_message("toy", "pass".into(), Some(&forward(false)), None),
        "toy's FORWARD disagrees with it: out[1] is 2e0, the definition gives 1e0 \
         (relative difference 5.0e-1) | gradient check: pass"
    );
    let confirmation = Confirmation {
        forward_error: 0.0,
        forward_agrees: true,
        reference_passes: Some(true),
        gap: None,
        confirmed: true,
        summary: "confirmed by the naive loop".into(),
    };
    assert_eq!(
        case_message("toy", "wrong".into(), None, Some(&confirmation)),
        "wrong | confirmed by the naive loop"
    );
}

#[test]
fn a_disagreeing_forward_fails_the_case_at_its_worst_output() {
    let report = wrong_value();
    let at = Location::new("w", vec![]).with_values(6.0, 4.0);
    for forward in [None, Some(forward(true))] {
        let (status, rel, location) = checked_verdict(&report, forward.as_ref(), Some(at.clone()));
        assert_eq!(status, ReportStatus::Fail);
        assert!((rel.unwrap() - 0.2).abs() < 1e-6, "{rel:?}");
        assert_eq!(location, Some(at.clone()));
    }
    // A check that stopped (no comparison): its own status, no error.
    let missing = GradientReport::new("toy", "square", Dtype::F64, 0, &["w".into()], &[vec![]])
        .stopped(Status::MissingGradient, "no gradient");
    assert_eq!(
        checked_verdict(&missing, None, None),
        (ReportStatus::MissingGradient, None, None)
    );
    // The forward disagrees: the case fails at out[1], 2 against 1, even
    // though the gradient check passed.
    let (status, rel, location) =
        checked_verdict(&missing, Some(&forward(false)), Some(at.clone()));
    assert_eq!((status, rel), (ReportStatus::Fail, None));
    assert_eq!(
        location,
        Some(Location::new("out", vec![1]).with_values(2.0, 1.0))
    );
}

#[test]
fn the_message_with_notes_joins_them_in_order() {
    let mut report = wrong_value();
    report.message = "wrong value".into();
    assert_eq!(report.message_with_notes(), "wrong value");
    report.notes = vec!["a note".into(), "another".into()];
    assert_eq!(
        report.message_with_notes(),
        "wrong value | a note | another"
    );
}
