//! A toy framework whose backward rule for `square(x) = x²` can be broken
//! on purpose, audited end to end through the engine (`Framework`,
//! `check_framework`: panics caught, gradcheck against finite differences,
//! classification), the known findings, the exit rule.

use backprop_audit::{
    Audit, AuditCase, AuditOptions, CheckOptions, Fault, Finding, Framework, InputGradient, Output,
    Status, check_framework, guarded, known_findings,
};
use backprop_gradcheck::Dtype;
use backprop_report::{CheckResult, Status as ReportStatus};
use ndarray::{ArrayD, IxDyn};

/// How the toy framework's backward rule of `square` behaves.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Rule {
    /// `2·x·g`.
    Correct,
    /// `3·x·g`.
    Scaled,
    /// Zeros.
    Zero,
    /// No gradient at all.
    Missing,
    /// A gradient with one element too few.
    Shape,
    /// "backward not supported".
    Error,
    /// Panics.
    Panic,
}

struct Square {
    size: usize,
    rule: Rule,
}

/// The toy framework's backward pass: the gradient of `x` (`None`: none).
fn backward(rule: Rule, x: &ArrayD<f64>, g: &ArrayD<f64>) -> Result<Option<ArrayD<f64>>, String> {
    match rule {
        Rule::Correct => Ok(Some(2.0 * x * g)),
        Rule::Scaled => Ok(Some(3.0 * x * g)),
        Rule::Zero => Ok(Some(ArrayD::zeros(x.raw_dim()))),
        Rule::Missing => Ok(None),
        Rule::Shape => Ok(Some(ArrayD::zeros(IxDyn(&[x.len() - 1])))),
        Rule::Error => Err("backward not supported".into()),
        Rule::Panic => panic!("index {} out of range", x.len()),
    }
}

/// The toy framework as the audit engine sees it: `square` with its
/// (breakable) backward rule.
struct Toy(Rule);

impl Framework for Toy {
    type Error = String;
    type Recording = ArrayD<f64>;

    fn name(&self) -> &str {
        "toy"
    }

    fn forward(&self, x: &[ArrayD<f64>], dtype: Dtype) -> Result<Output, String> {
        Ok(Output::new(x[0].mapv(|t| t * t), dtype))
    }

    fn record(&self, x: &[ArrayD<f64>], dtype: Dtype) -> Result<(ArrayD<f64>, Output), String> {
        Ok((x[0].clone(), self.forward(x, dtype)?))
    }

    fn backward(&self, x: &ArrayD<f64>, g: &ArrayD<f64>) -> Result<Vec<InputGradient>, String> {
        Ok(vec![match backward(self.0, x, g)? {
            None => InputGradient::missing(),
            Some(grad) if grad.shape() != x.shape() => {
                let message = format!("shape {:?}, the input's {:?}", grad.shape(), x.shape());
                InputGradient::new(grad).with_defect(Status::WrongShape, message)
            }
            Some(grad) => InputGradient::new(grad),
        }])
    }
}

impl AuditCase for Square {
    fn function(&self) -> &str {
        "square"
    }
    fn name(&self, dtype: Dtype) -> String {
        format!("square() x[{}] [{dtype}]", self.size)
    }
    fn dtypes(&self) -> Vec<Dtype> {
        vec![Dtype::F64]
    }
    fn check(&self, dtype: Dtype, seed: u64) -> CheckResult {
        let x = ArrayD::from_shape_fn(IxDyn(&[self.size]), |i| 0.5 + i[0] as f64);
        let mut options = CheckOptions {
            name: self.name(dtype),
            input_names: vec!["x".into()],
            ..CheckOptions::default()
        };
        options.gradcheck.seed = seed;
        let report = check_framework(&Toy(self.rule), &[x], dtype, &options)
            .expect("the toy's forward never fails")
            .report;
        CheckResult::new(
            "toy",
            report.name.clone(),
            report.status.to_report(),
            report.message,
        )
        .with_rule("square")
        .with_dtype(dtype.name())
    }
}

fn finding(id: &str, status: &str, also: &[&str], cases: &[&str]) -> Finding {
    let list = |v: &[&str]| {
        v.iter()
            .map(|c| format!("{c:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let text = format!(
        "```toml\n[advisory]\nid = \"{id}\"\npackage = \"toy\"\ndate = \"2026-11-30\"\ntitle = \"{id} title\"\nstatus = \"{status}\"\nalso = [{}]\ncases = [{}]\n\n[affected]\nfunctions = [\"toy::square\"]\n\n[versions]\naffected = [\"=1.0.0\"]\n```\n\n# {id} title\n\nBody.\n",
        list(also),
        list(cases)
    );
    known_findings("crates/toy/findings", &[(&format!("{id}.md"), &text)])
        .unwrap()
        .remove(0)
}

fn audit(rule: Rule, known: Vec<Finding>) -> Audit {
    let cases = [
        Square { size: 3, rule },
        Square {
            size: 4,
            rule: Rule::Correct,
        },
    ];
    Audit::run(&cases, &AuditOptions::default(), known, &mut |_| {})
}

/// The report status of `square() x[3]` under each broken rule, and the
/// message it starts with.
#[test]
fn each_broken_rule_reaches_its_status_through_the_case_loop() {
    let expected = [
        (Rule::Correct, ReportStatus::Pass, "pass"),
        (Rule::Scaled, ReportStatus::Fail, "x: wrong gradient: at "),
        (
            Rule::Zero,
            ReportStatus::SilentZero,
            "x: toy's gradient is exactly zero",
        ),
        (
            Rule::Missing,
            ReportStatus::MissingGradient,
            "x: toy returns no gradient",
        ),
        (
            Rule::Shape,
            ReportStatus::WrongShape,
            "x: shape [2], the input's [3]",
        ),
        (
            Rule::Error,
            ReportStatus::BackwardError,
            "toy's backward pass failed: backward not supported",
        ),
        (
            Rule::Panic,
            ReportStatus::Panic,
            "toy panicked in backward: index 3 out of range",
        ),
    ];
    for (rule, status, message) in expected {
        let audit = audit(rule, Vec::new());
        let check = &audit.checks[0];
        assert_eq!(check.name, "square() x[3] [f64]");
        assert_eq!(check.status, status, "{rule:?}: {}", check.message);
        assert!(
            check.message.starts_with(message),
            "{rule:?}: {}",
            check.message
        );
        assert_eq!(audit.checks[1].status, ReportStatus::Pass);
        // Without a known finding, only the correct rule passes the audit.
        assert_eq!(audit.passed(), rule == Rule::Correct, "{rule:?}");
    }
}

#[test]
fn a_broken_rule_passes_the_audit_only_with_a_finding_of_its_status() {
    let cases = ["square() x[3] *"];
    // The finding describes the failure: the audit passes.
    let known = vec![finding("TOY-0010", "silent-zero", &[], &cases)];
    let run = audit(Rule::Zero, known);
    assert_eq!(run.checks[0].known.as_deref(), Some("TOY-0010"));
    assert!(run.passed());
    // A finding of another status does not claim it: a new failure.
    let known = vec![finding("TOY-0010", "wrong-value", &[], &cases)];
    let run = audit(Rule::Zero, known);
    assert_eq!(run.checks[0].known, None);
    assert!(!run.passed());
    // ... unless it lists the status under `also`.
    let known = vec![finding("TOY-0010", "wrong-value", &["silent-zero"], &cases)];
    assert!(audit(Rule::Zero, known).passed());
    // A pattern that matches no failing case claims nothing.
    let known = vec![finding(
        "TOY-0010",
        "silent-zero",
        &[],
        &["square() x[4] *"],
    )];
    let run = audit(Rule::Zero, known);
    assert_eq!(run.checks[0].known, None);
    assert!(!run.passed());
    // A panic and a backward error, each held by its own finding.
    let known = vec![finding("TOY-0011", "panic", &[], &cases)];
    assert!(audit(Rule::Panic, known.clone()).passed());
    assert!(!audit(Rule::Error, known).passed());
}

#[test]
fn a_finding_whose_rule_was_fixed_fails_the_audit() {
    let known = vec![finding(
        "TOY-0010",
        "silent-zero",
        &[],
        &["square() x[3] *"],
    )];
    let run = audit(Rule::Correct, known);
    // The passing check is still claimed, so the report can say the
    // finding no longer reproduces.
    assert_eq!(run.checks[0].known.as_deref(), Some("TOY-0010"));
    assert!(!run.passed());
    let report = run.to_report("toy audit", &[]);
    assert!(!report.passed());
}

#[test]
fn a_debug_only_finding_holds_the_check_only_in_debug_builds() {
    let mut f = finding("TOY-0012", "panic", &[], &["square() x[3] *"]);
    f.advisory.debug_only = true;
    let run = audit(Rule::Panic, vec![f.clone()]);
    assert_eq!(run.passed(), cfg!(debug_assertions));
    assert_eq!(run.findings.len(), usize::from(cfg!(debug_assertions)));
    // A release build cannot reproduce it: a fixed rule does not fail there.
    let run = audit(Rule::Correct, vec![f]);
    assert_eq!(run.passed(), !cfg!(debug_assertions));
}

#[test]
fn guarded_turns_errors_and_panics_into_faults() {
    assert_eq!(guarded(|| Ok::<_, String>(7)), Ok(7));
    assert_eq!(
        guarded(|| Err::<(), _>(String::from("backward not supported"))),
        Err(Fault::Error("backward not supported".to_string()))
    );
    // A static message, a formatted one, and a payload that is no text.
    assert_eq!(
        guarded(|| -> Result<(), String> { panic!("static") }),
        Err(Fault::Panic("static".to_string()))
    );
    assert_eq!(
        guarded(|| -> Result<(), String> { panic!("at {}", 2) }),
        Err(Fault::Panic("at 2".to_string()))
    );
    assert_eq!(
        guarded(|| -> Result<(), String> { std::panic::panic_any(42_u8) }),
        Err(Fault::Panic("a panic without a message".to_string()))
    );
}
