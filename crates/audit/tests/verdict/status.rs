//! One vocabulary: the audit's statuses, the report's and gradcheck's
//! verdicts convert into each other without loss, and a finding's status
//! is parsed into the type once.

use backprop_audit::Status;
use backprop_gradcheck::Status as Verdict;
use backprop_report::Status as ReportStatus;

#[test]
fn audit_and_report_statuses_round_trip() {
    for status in Status::ALL {
        let report = ReportStatus::from(status);
        assert_eq!(Status::try_from(report), Ok(status));
        // The same name in both vocabularies, but for the one the reports
        // call `fail`.
        let expected = if status == Status::WrongValue {
            "fail"
        } else {
            status.name()
        };
        assert_eq!(report.label(), expected);
        assert_eq!(report.is_ok(), status.is_ok(), "{status}");
    }
    // Every report status but `skipped` has an audit status, and no two
    // audit statuses share one.
    let covered: Vec<ReportStatus> = Status::ALL.into_iter().map(ReportStatus::from).collect();
    for report in ReportStatus::ALL {
        let count = covered.iter().filter(|&&r| r == report).count();
        assert_eq!(
            count,
            usize::from(report != ReportStatus::Skipped),
            "{report}"
        );
    }
    assert_eq!(
        Status::try_from(ReportStatus::Skipped),
        Err(ReportStatus::Skipped)
    );
}

#[test]
fn a_gradcheck_verdict_means_the_same_in_the_audit_and_the_report() {
    let verdicts = [
        (Verdict::Pass, Status::Pass),
        (Verdict::Kink, Status::Kink),
        (Verdict::NonFinite, Status::NonFinite),
        (Verdict::Fail, Status::WrongValue),
    ];
    for (verdict, status) in verdicts {
        assert_eq!(Status::from(verdict), status);
        assert_eq!(ReportStatus::from(verdict), ReportStatus::from(status));
    }
}

#[test]
fn statuses_serialize_and_parse_by_their_names() {
    for status in Status::ALL {
        let json = serde_json::to_string(&status).unwrap();
        assert_eq!(json, format!("\"{}\"", status.name()));
        let parsed: Status = serde_json::from_str(&json).unwrap();
        assert_eq!(parsed, status);
        assert_eq!(Status::from_name(status.name()), Some(status));
    }
    assert!(serde_json::from_str::<Status>("\"fail\"").is_err());
}
