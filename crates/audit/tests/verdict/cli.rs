//! The audit binaries' shared command line: `AuditArgs` flattened into an
//! adapter's clap parser, as `candle-audit` and `burn-audit` do.

use backprop_audit::{AuditArgs, EXIT_USAGE};
use backprop_gradcheck::Dtype;
use clap::Parser;

/// An adapter's command line with nothing of its own.
#[derive(Parser, Debug)]
#[command(name = "toy-audit")]
struct Cli {
    #[command(flatten)]
    audit: AuditArgs,
}

#[test]
fn flags_parse_with_and_without_equals() {
    let cli = Cli::try_parse_from([
        "toy-audit",
        "--seed",
        "7",
        "--filter=conv1d",
        "--report-dir",
        "out",
        "--dtype",
        "f32",
    ])
    .unwrap();
    let options = cli.audit.options();
    assert_eq!(options.seed, 7);
    assert_eq!(options.filter.as_deref(), Some("conv1d"));
    assert_eq!(options.dtype, Some(Dtype::F32));
    assert_eq!(
        cli.audit.report_dir("target/audit/toy"),
        std::path::PathBuf::from("out")
    );
    let defaults = Cli::try_parse_from(["toy-audit"]).unwrap();
    assert_eq!(
        defaults.audit.report_dir("target/audit/toy"),
        std::path::PathBuf::from("target/audit/toy")
    );
    assert_eq!(defaults.audit.options().dtype, None);
    assert_eq!(defaults.audit.options().seed, 0);
}

#[test]
fn bad_arguments_are_usage_errors() {
    for args in [
        &["toy-audit", "--seed", "x"][..],
        &["toy-audit", "--seed"],
        &["toy-audit", "--dtype", "f16"],
        &["toy-audit", "--frobnicate"],
    ] {
        let err = Cli::try_parse_from(args).unwrap_err();
        assert_eq!(err.exit_code(), i32::from(EXIT_USAGE), "{args:?}");
    }
}
