//! The audit's catalog covers the ops the issue lists; correct burn ops
//! pass over many seeds in f64 and f32; the verdict is "failures equal the
//! known findings".

use std::collections::HashSet;

use backprop_audit::AuditOptions;
use backprop_burn::Status;
use backprop_burn::audit::{
    Outcome, audit_report, catalog, collect_audit, function_of, known_findings, run_dtype,
};
use backprop_gradcheck::Dtype;
use backprop_report::{CheckResult, Status as ReportStatus};

/// Every function the issue asks the audit to cover, as the catalog calls
/// it.
const REQUIRED: &[&str] = &[
    // elementwise math
    "Tensor::exp",
    "Tensor::log",
    "Tensor::log1p",
    "Tensor::sqrt",
    "Tensor::powf",
    "Tensor::powf_scalar",
    "Tensor::powi",
    "Tensor::powi_scalar",
    "Tensor::recip",
    "Tensor::abs",
    "Tensor::neg",
    "Tensor::sin",
    "Tensor::cos",
    "Tensor::tanh",
    "Tensor::erf",
    "Tensor::clamp",
    // activations
    "activation::relu",
    "activation::leaky_relu",
    "activation::gelu",
    "activation::silu",
    "activation::sigmoid",
    "activation::log_sigmoid",
    "activation::softplus",
    "activation::mish",
    "activation::hard_sigmoid",
    "activation::prelu",
    "activation::softmax",
    "activation::log_softmax",
    // arithmetic, matmul, reductions
    "Tensor::add",
    "Tensor::sub",
    "Tensor::mul",
    "Tensor::div",
    "Tensor::matmul",
    "Tensor::sum",
    "Tensor::sum_dim",
    "Tensor::mean_dim",
    "Tensor::max_dim",
    "Tensor::min_dim",
    "Tensor::prod",
    "Tensor::cumsum",
    // indexing and shape
    "Tensor::gather",
    "Tensor::scatter",
    "Tensor::select",
    "Tensor::select_assign",
    "Tensor::slice",
    "Tensor::slice_assign",
    "Tensor::mask_where",
    "Tensor::mask_fill",
    "Tensor::expand",
    "Tensor::repeat",
    "Tensor::flip",
    "Tensor::permute",
    "Tensor::swap_dims",
    "Tensor::narrow",
    "Tensor::cat",
    "Tensor::stack",
    // module ops
    "module::conv1d",
    "module::conv2d",
    "module::conv_transpose1d",
    "module::conv_transpose2d",
    "module::avg_pool1d",
    "module::avg_pool2d",
    "module::max_pool1d",
    "module::max_pool2d",
    "module::adaptive_avg_pool1d",
    "module::adaptive_avg_pool2d",
    "module::interpolate",
    "module::embedding",
    // burn-nn losses and norms
    "nn::CrossEntropyLoss::forward",
    "nn::loss::MseLoss::forward",
    "nn::LayerNorm::forward",
    "nn::GroupNorm::forward",
    "nn::BatchNorm::forward",
    "nn::RmsNorm::forward",
];

#[test]
fn the_catalog_covers_every_required_function_in_several_configurations() {
    let cases = catalog(0);
    let functions: HashSet<&str> = cases.iter().map(|c| function_of(&c.name)).collect();
    for f in REQUIRED {
        assert!(functions.contains(f), "the catalog does not call {f}");
    }
    let count = |f: &str| cases.iter().filter(|c| function_of(&c.name) == f).count();
    // the convolution sweep: padding 0/1/2 × stride 1/2 × dilation 1/2 ×
    // groups 1/2, plus the shapes whose tail the forward drops
    for f in [
        "module::conv1d",
        "module::conv2d",
        "module::conv_transpose1d",
        "module::conv_transpose2d",
    ] {
        assert!(count(f) >= 28, "{f}: {} configurations", count(f));
    }
    for f in [
        "module::max_pool2d",
        "module::avg_pool2d",
        "module::interpolate",
        "Tensor::matmul",
    ] {
        assert!(count(f) >= 6, "{f}: {} configurations", count(f));
    }
    let names: HashSet<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), cases.len(), "case names are unique");
    assert!(cases.len() >= 400, "{} cases", cases.len());
}

#[test]
fn conv_cases_include_configurations_that_drop_the_tail() {
    let names: Vec<String> = catalog(0).into_iter().map(|c| c.name).collect();
    for call in [
        "module::conv1d(padding=0, stride=4",
        "module::conv2d(padding=0, stride=4",
        "module::max_pool2d(kernel=4, stride=4",
    ] {
        assert!(
            names
                .iter()
                .any(|n| n.starts_with(call) && n.contains("11")),
            "no tail-dropping {call}"
        );
    }
}

/// The checks of every case whose name starts with one of `prefixes`, in
/// `dtype`, seeded with `seed`.
fn run(prefixes: &[&str], dtype: Dtype, seed: u64) -> Vec<backprop_burn::audit::CaseResult> {
    let mut results = Vec::new();
    for prefix in prefixes {
        let options = AuditOptions {
            seed,
            filter: Some(prefix.to_string()),
            dtype: None,
        };
        run_dtype(&options, dtype, &mut |r| {
            if r.name.starts_with(prefix) {
                results.push(r);
            }
        });
    }
    results
}

#[test]
fn correct_burn_ops_pass_over_many_seeds_in_f64_and_f32() {
    let ops = [
        "Tensor::exp",
        "Tensor::tanh",
        "activation::softmax(dim=1)",
        "activation::mish",
        "Tensor::matmul(broadcast [2, 1, 3, 4]",
        "Tensor::max_dim(1)",
        "Tensor::gather(dim=1)",
        "module::conv2d(padding=1, stride=2, dilation=2, groups=2",
        "module::conv_transpose1d(padding=1, stride=2",
        "module::max_pool2d(kernel=3, stride=2, padding=1",
        "module::avg_pool1d(kernel=3, stride=2, padding=1, count_include_pad=false",
        "nn::LayerNorm::forward",
        "nn::BatchNorm::forward",
    ];
    let mut checked = 0;
    for seed in 1..=10 {
        for dtype in Dtype::ALL {
            for r in run(&ops, dtype, seed) {
                checked += 1;
                match &r.outcome {
                    Outcome::Checked { report, .. } => {
                        assert!(report.status.is_ok(), "seed {seed}: {report}");
                        assert!(!r.forward_disagrees(), "seed {seed}: {}", r.message());
                    }
                    Outcome::NotRun { reason } => panic!("{}: {reason}", r.name),
                }
            }
        }
    }
    assert!(checked >= 10 * 2 * ops.len(), "{checked} checks");
}

#[test]
fn a_known_finding_is_found_and_confirmed_in_process() {
    let results = run(&["activation::gelu"], Dtype::F64, 0);
    let gelu = results
        .iter()
        .find(|r| r.name == "activation::gelu [f64]")
        .expect("the gelu check");
    let Outcome::Checked { report, .. } = &gelu.outcome else {
        panic!("not run")
    };
    assert_eq!(report.status, Status::WrongValue, "{report}");
    let confirmation = gelu
        .confirmation
        .as_ref()
        .expect("gelu has a naive reference");
    assert!(confirmation.confirmed, "{}", confirmation.summary);
    let checks: Vec<CheckResult> = results.iter().flat_map(|r| r.to_check_results()).collect();
    let options = AuditOptions {
        seed: 0,
        filter: Some("activation::gelu".into()),
        dtype: None,
    };
    let audit = collect_audit(&options, checks, known_findings().unwrap(), 0.0);
    let report = audit_report(&audit);
    let claimed: Vec<_> = report
        .checks
        .iter()
        .filter_map(|c| c.known.clone())
        .collect();
    assert!(
        claimed.iter().all(|id| id == "BURN-0001") && !claimed.is_empty(),
        "{claimed:?}"
    );
    assert!(report.passed(), "{}", report.summary().verdict());
}

fn check(name: &str, status: ReportStatus) -> CheckResult {
    CheckResult::new("burn-tensor", name, status, "").with_dtype("f64")
}

#[test]
fn the_verdict_fails_on_a_new_finding_and_on_a_known_one_that_stopped_reproducing() {
    let findings = known_findings().unwrap();
    let options = AuditOptions {
        seed: 0,
        filter: Some("gelu".into()),
        dtype: None,
    };
    // The known finding reproduces: pass.
    let audit = collect_audit(
        &options,
        vec![check("activation::gelu [f64]", ReportStatus::Fail)],
        findings.clone(),
        0.0,
    );
    assert!(audit.passed());
    // It no longer reproduces: fail.
    let audit = collect_audit(
        &options,
        vec![check("activation::gelu [f64]", ReportStatus::Pass)],
        findings.clone(),
        0.0,
    );
    assert!(!audit.passed());
    // A failure no finding claims: fail.
    let audit = collect_audit(
        &options,
        vec![
            check("activation::gelu [f64]", ReportStatus::Fail),
            check("activation::gelu_approximate [f64]", ReportStatus::Fail),
        ],
        findings.clone(),
        0.0,
    );
    assert!(!audit.passed());
    // Without a filter, a finding no check ran is not checked: fail.
    let audit = collect_audit(
        &AuditOptions::default(),
        vec![check("activation::gelu [f64]", ReportStatus::Fail)],
        findings,
        0.0,
    );
    assert!(!audit.passed());
}
