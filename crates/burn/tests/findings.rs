//! Every known finding still reproduces through its own reproducer program
//! and shows what burn returns; its expected values agree with the audit's
//! naive loops (a route that does not use burn); and each finding file is
//! well formed: its front matter parses, its Markdown carries the
//! reproducer verbatim, its patterns name audit checks.

#[allow(dead_code)]
#[path = "../findings/BURN-0001.rs"]
mod b0001;
#[allow(dead_code)]
#[path = "../findings/BURN-0002.rs"]
mod b0002;
#[allow(dead_code)]
#[path = "../findings/BURN-0003.rs"]
mod b0003;
#[allow(dead_code)]
#[path = "../findings/BURN-0004.rs"]
mod b0004;
#[allow(dead_code)]
#[path = "../findings/BURN-0005.rs"]
mod b0005;
#[allow(dead_code)]
#[path = "../findings/BURN-0006.rs"]
mod b0006;
#[allow(dead_code)]
#[path = "../findings/BURN-0007.rs"]
mod b0007;

use backprop_audit::glob;
use backprop_audit::naive::conv::{self, ConvParams};
use backprop_audit::naive::deform::{self, DeformParams};
use backprop_audit::naive::{elementwise, norm, resample};
use backprop_burn::audit::{FINDING_FILES, catalog, known_findings, precision_check_name};
use backprop_gradcheck::Dtype;
use burn_tensor::ops::InterpolateMode;
use ndarray::{ArrayD, IxDyn};

fn array(shape: &[usize], values: &[f64]) -> ArrayD<f64> {
    ArrayD::from_shape_vec(IxDyn(shape), values.to_vec()).unwrap()
}

fn flat(a: &ArrayD<f64>) -> Vec<f64> {
    a.iter().copied().collect()
}

fn close(a: &[f64], b: &[f64], rel: f64) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| (x - y).abs() <= rel * y.abs().max(1.0))
}

/// The text of finding `id`.
fn text(id: &str) -> &'static str {
    FINDING_FILES
        .iter()
        .find(|(f, _)| f.strip_suffix(".md") == Some(id))
        .map(|(_, t)| *t)
        .unwrap_or_else(|| panic!("no file for {id}"))
}

/// The finding's Markdown shows `line` (what the reproducer printed).
fn shows(id: &str, line: &str) {
    assert!(
        text(id).contains(line),
        "{id}'s Markdown does not show {line:?}"
    );
}

#[test]
fn burn_0001_gelu_gradient_is_the_tanh_approximations() {
    let got = b0001::reproduce();
    let expected = b0001::expected();
    // The expected values are the exact GELU's derivative (naive loop).
    let naive: Vec<f64> = b0001::X
        .iter()
        .map(|&x| elementwise::gelu_erf_d(x))
        .collect();
    assert!(close(&expected, &naive, 1e-15), "{expected:?} vs {naive:?}");
    assert!(
        !close(&got, &expected, 1e-6),
        "BURN-0001 no longer reproduces: {got:?}"
    );
    shows("BURN-0001", &format!("burn:     {got:?}"));
}

#[test]
fn burn_0002_grouped_conv1d_backward_panics_on_a_dropped_tail() {
    let got = b0002::reproduce();
    let (dx, dw) = b0002::expected();
    let x = array(&[1, 2, 5], &(0..10).map(f64::from).collect::<Vec<_>>());
    let w = array(&[2, 1, 2], &[1.0, 2.0, 3.0, 4.0]);
    let p = ConvParams::new(0, 2, 1, 2);
    let out = conv::conv1d(&x, &w, &p);
    assert_eq!(flat(&out), vec![2.0, 8.0, 39.0, 53.0]);
    let (ndx, ndw) = conv::conv1d_vjp(&x, &w, &ArrayD::ones(out.raw_dim()), &p);
    assert_eq!((flat(&ndx), flat(&ndw)), (dx, dw));
    let message = got.expect_err("BURN-0002 no longer reproduces: burn's backward ran");
    shows("BURN-0002", &message);
}

#[test]
fn burn_0003_interpolate_bilinear_has_no_backward() {
    let x = array(&[1, 1, 2, 2], &[1.0, 2.0, 3.0, 4.0]);
    let out = resample::bilinear(&x, [3, 3], true);
    assert_eq!(
        flat(&out),
        vec![1.0, 1.5, 2.0, 2.0, 2.5, 3.0, 3.0, 3.5, 4.0]
    );
    let naive = resample::bilinear_vjp(&x, &ArrayD::ones(out.raw_dim()), [3, 3], true);
    assert_eq!(flat(&naive), b0003::expected());
    for mode in [InterpolateMode::Bilinear, InterpolateMode::Bicubic] {
        let message = b0003::reproduce(mode).expect_err("BURN-0003 no longer reproduces");
        shows("BURN-0003", &message);
    }
}

#[test]
fn burn_0004_deform_conv2d_offset_groups_use_the_first_groups_channels() {
    let x = array(&[1, 2, 1, 3], &[1.0, 2.0, 4.0, 10.0, 30.0, 20.0]);
    let w = array(&[1, 2, 1, 1], &[1.0, 3.0]);
    let offset = ArrayD::from_elem(IxDyn(&[1, 4, 1, 3]), 0.25);
    let p = DeformParams {
        stride: 1,
        padding: 0,
        dilation: 1,
        offset_groups: 2,
    };
    let out = deform::deform_conv2d(&x, &offset, &w, None, &p);
    let grads = deform::deform_conv2d_vjp(&x, &offset, &w, None, &ArrayD::ones(out.raw_dim()), &p);
    assert_eq!(flat(&grads[1]), b0004::expected());
    let got = b0004::reproduce();
    assert!(
        !close(&got, &b0004::expected(), 1e-5),
        "BURN-0004 no longer reproduces: {got:?}"
    );
    shows("BURN-0004", &format!("burn:     {got:?}"));
}

#[test]
fn burn_0005_sigmoid_is_f32_precise_in_f64() {
    let (sigmoid, silu, dtype) = b0005::reproduce();
    assert_eq!(dtype, burn_tensor::DType::F64, "the result claims f64");
    let (es, esilu) = b0005::expected();
    let naive: Vec<f64> = b0005::X.iter().map(|&x| elementwise::sigmoid(x)).collect();
    assert!(close(&es, &naive, 1e-15));
    let naive: Vec<f64> = b0005::X
        .iter()
        .map(|&x| x * elementwise::sigmoid(x))
        .collect();
    assert!(close(&esilu, &naive, 1e-15));
    // f32-precise: off by far more than f64 rounding, less than f32's.
    for (g, e) in sigmoid.iter().chain(&silu).zip(es.iter().chain(&esilu)) {
        let rel = (g - e).abs() / e.abs();
        assert!(rel > 1e-12 && rel < 1e-6, "BURN-0005: {g} vs {e} ({rel:e})");
    }
    shows(
        "BURN-0005",
        &format!("burn sigmoid: {sigmoid:?} ({dtype:?})"),
    );
}

#[test]
fn burn_0006_rms_norm_is_f32_precise_in_f64() {
    let x = array(&[1, 3], &[1.0, 2.0, 3.0]);
    let naive = norm::rms_norm(&x, &array(&[3], &[1.0, 1.0, 1.0]), 1e-5);
    assert!(close(&b0006::expected(), &flat(&naive), 1e-15));
    let got = b0006::reproduce();
    for (g, e) in got.iter().zip(b0006::expected()) {
        let rel = (g - e).abs() / e.abs();
        assert!(rel > 1e-12 && rel < 1e-6, "BURN-0006: {g} vs {e} ({rel:e})");
    }
    shows("BURN-0006", &format!("burn:     {got:?}"));
}

#[test]
fn burn_0007_deform_conv2d_is_f32_precise_in_f64() {
    let x = array(&[1, 1, 1, 2], &[1.0, 2.0]);
    let w = array(&[1, 1, 1, 1], &[1.0]);
    let offset = array(&[1, 2, 1, 2], &[0.0, 0.0, 0.1, 0.1]);
    let p = DeformParams {
        stride: 1,
        padding: 0,
        dilation: 1,
        offset_groups: 1,
    };
    assert!(close(
        &flat(&deform::deform_conv2d(&x, &offset, &w, None, &p)),
        &b0007::expected(),
        1e-15
    ));
    let got = b0007::reproduce();
    for (g, e) in got.iter().zip(b0007::expected()) {
        let rel = (g - e).abs() / e.abs();
        assert!(rel > 1e-12 && rel < 1e-6, "BURN-0007: {g} vs {e} ({rel:e})");
    }
    shows("BURN-0007", &format!("burn:     {got:?}"));
}

#[test]
fn every_finding_file_parses_and_carries_its_reproducer_verbatim() {
    let findings = known_findings().expect("every finding file parses");
    assert_eq!(findings.len(), FINDING_FILES.len());
    let sources = [
        include_str!("../findings/BURN-0001.rs"),
        include_str!("../findings/BURN-0002.rs"),
        include_str!("../findings/BURN-0003.rs"),
        include_str!("../findings/BURN-0004.rs"),
        include_str!("../findings/BURN-0005.rs"),
        include_str!("../findings/BURN-0006.rs"),
        include_str!("../findings/BURN-0007.rs"),
    ];
    for (f, source) in findings.iter().zip(sources) {
        assert!(
            f.body.contains(source.trim_end()),
            "{} does not carry its reproducer verbatim",
            f.file
        );
        for section in [
            "## Reproducer",
            "## Expected versus burn",
            "## Where in burn",
            "## How it was confirmed",
        ] {
            assert!(f.body.contains(section), "{} lacks {section}", f.file);
        }
        assert_eq!(
            f.versions.affected,
            vec!["=0.22.1".to_string()],
            "{}",
            f.file
        );
    }
}

#[test]
fn every_pattern_names_audit_checks() {
    let mut names = Vec::new();
    for case in catalog(0) {
        for dtype in Dtype::ALL {
            names.push(case.qualified_name(dtype));
        }
        names.push(precision_check_name(&case.name));
    }
    for f in known_findings().unwrap() {
        for pattern in &f.advisory.cases {
            assert!(
                names.iter().any(|n| glob(pattern, n)),
                "{}: the pattern {pattern:?} names no audit check",
                f.advisory.id
            );
        }
    }
}

#[test]
fn the_readme_lists_every_finding_as_its_file_says() {
    let readme = include_str!("../README.md");
    for f in known_findings().unwrap() {
        let a = &f.advisory;
        let row = format!(
            "| [{}](findings/{}.md) | {} | {} | {} |",
            a.id, a.id, a.title, a.status, a.package
        );
        assert!(readme.contains(&row), "README.md lacks the row\n{row}");
    }
}
