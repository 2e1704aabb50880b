//! The engine's own decisions, driven through a toy framework computing
//! `cube(x) = x³` (so `d/dx = 3x²`) whose forward pass can misbehave on
//! purpose: which dtype the oracle runs in, when the `f64` forward is
//! measured to be lower precision, which failures stop a check (an error
//! value) and which are verdicts (a report), and what typed backward errors
//! become.

use backprop_audit::{
    CheckFailure, CheckOptions, Fault, Framework, InputGradient, Output, Status, check_framework,
    forward_at, gradients_at, random_upstream,
};
use backprop_gradcheck::Dtype;
use ndarray::{ArrayD, IxDyn, arr1};
use std::cell::Cell;

/// How the toy's forward pass behaves.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Forward {
    /// `x³` in the checked dtype.
    Exact,
    /// In `f64` it computes in `f32` inside and returns `f64`.
    RoundsToF32,
    /// It has no `f64` version: an error in `f64`.
    NoF64,
    /// It panics in `f64`.
    PanicsInF64,
    /// It panics in any dtype.
    Panics,
    /// It fails at any input above this value.
    FailsAbove(f64),
    /// It returns an integer tensor.
    Integer,
    /// In `f32` it computes `x³` in `f64` and returns an `f64` tensor.
    F64InF32,
    /// In `f64` it computes in `f32` and says so: an `f32` tensor.
    F32InF64,
    /// Recorded (tracked) it runs in `f64`, untracked it fails there:
    /// panics (`true`) or returns an error.
    UntrackedFailsInF64(bool),
    /// In `f64` it returns `x³` as a 2 × 2 tensor (its `f32` result has
    /// shape `[4]`).
    ReshapedInF64,
}

/// The toy's backward errors, typed: the engine's hook decides on the type.
#[derive(Clone, Debug, PartialEq)]
enum ToyError {
    NoKernel,
    /// Accumulating a gradient of shape `got` into one of shape `want`.
    Accumulate {
        got: usize,
        want: usize,
    },
    Domain,
}

impl std::fmt::Display for ToyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ToyError::NoKernel => f.write_str("no f64 kernel"),
            ToyError::Accumulate { got, want } => write!(f, "cannot add [{got}] to [{want}]"),
            ToyError::Domain => f.write_str("input out of domain"),
        }
    }
}

/// How the toy's backward pass behaves.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Backward {
    /// `3x²·g`.
    Correct,
    /// `3x²·g` from an `f32` computation (as an `f32` framework gives).
    CorrectInF32,
    /// Fails with a typed accumulation error.
    Accumulate,
    /// Panics.
    Panics,
    /// `3x²·g`, plus this much (absolute) on every element with `g ≠ 0`
    /// in every other run: a run-to-run difference of exactly that much.
    Wobbles(f64),
}

struct Cube {
    forward: Forward,
    backward: Backward,
    measures_precision: bool,
    /// Backward runs so far.
    runs: Cell<u64>,
}

fn cube(forward: Forward, backward: Backward) -> Cube {
    Cube {
        forward,
        backward,
        measures_precision: false,
        runs: Cell::new(0),
    }
}

fn rounded(x: f64) -> f64 {
    f64::from(x as f32)
}

impl Framework for Cube {
    type Error = ToyError;
    type Recording = (ArrayD<f64>, Dtype);

    fn name(&self) -> &str {
        "toy"
    }

    fn forward(&self, x: &[ArrayD<f64>], dtype: Dtype) -> Result<Output, ToyError> {
        let x = &x[0];
        let in_f32 = |x: &ArrayD<f64>| x.mapv(|t| f64::from((t as f32) * (t as f32) * (t as f32)));
        match (self.forward, dtype) {
            (Forward::Panics, _) | (Forward::PanicsInF64, Dtype::F64) => {
                panic!("kernel missing")
            }
            (Forward::NoF64, Dtype::F64) | (Forward::UntrackedFailsInF64(false), Dtype::F64) => {
                Err(ToyError::NoKernel)
            }
            (Forward::UntrackedFailsInF64(true), Dtype::F64) => panic!("kernel missing"),
            (Forward::FailsAbove(t), _) if x.iter().any(|&v| v > t) => Err(ToyError::Domain),
            (Forward::Integer, _) => Ok(Output::other(x.mapv(f64::round), "u8")),
            (Forward::F64InF32, Dtype::F32) => Ok(Output::new(x.mapv(|t| t * t * t), Dtype::F64)),
            (Forward::F32InF64, Dtype::F64) => Ok(Output::new(in_f32(x), Dtype::F32)),
            (Forward::ReshapedInF64, Dtype::F64) => Ok(Output::new(
                x.mapv(|t| t * t * t)
                    .into_shape_with_order(IxDyn(&[2, 2]))
                    .unwrap(),
                Dtype::F64,
            )),
            (Forward::RoundsToF32, Dtype::F64) => Ok(Output::new(in_f32(x), Dtype::F64)),
            (_, Dtype::F32) => Ok(Output::new(in_f32(x), Dtype::F32)),
            (_, Dtype::F64) => Ok(Output::new(x.mapv(|t| t * t * t), Dtype::F64)),
        }
    }

    fn record(
        &self,
        x: &[ArrayD<f64>],
        dtype: Dtype,
    ) -> Result<((ArrayD<f64>, Dtype), Output), ToyError> {
        let out = match (self.forward, dtype) {
            (Forward::UntrackedFailsInF64(_), Dtype::F64) => {
                Output::new(x[0].mapv(|t| t * t * t), Dtype::F64)
            }
            _ => self.forward(x, dtype)?,
        };
        Ok(((x[0].clone(), dtype), out))
    }

    fn backward(
        &self,
        (x, _): &(ArrayD<f64>, Dtype),
        g: &ArrayD<f64>,
    ) -> Result<Vec<InputGradient>, ToyError> {
        self.runs.set(self.runs.get() + 1);
        match self.backward {
            Backward::Wobbles(by) => {
                let odd = self.runs.get() % 2 == 1;
                let extra = g.mapv(|u| if odd && u != 0.0 { by } else { 0.0 });
                Ok(vec![InputGradient::new(3.0 * x * x * g + extra)])
            }
            Backward::Correct => Ok(vec![InputGradient::new(3.0 * x * x * g)]),
            Backward::CorrectInF32 => Ok(vec![InputGradient::new((3.0 * x * x * g).mapv(rounded))]),
            Backward::Accumulate => Err(ToyError::Accumulate {
                got: x.len() - 1,
                want: x.len(),
            }),
            Backward::Panics => panic!("gradient buffer freed"),
        }
    }

    /// A typed decision: an accumulation error is a misshapen gradient.
    fn backward_error(&self, error: &ToyError) -> (Status, String) {
        match error {
            ToyError::Accumulate { got, want } => (
                Status::WrongShape,
                format!("a gradient of shape [{got}] where [{want}] was needed"),
            ),
            other => (Status::BackwardError, format!("toy failed: {other}")),
        }
    }

    fn panic_note(&self, dtype: Dtype, message: &str) -> Option<String> {
        Some(format!("the toy panicked in {dtype}: {message}"))
    }

    fn measures_forward_precision(&self) -> bool {
        self.measures_precision
    }
}

fn x() -> ArrayD<f64> {
    arr1(&[0.7, -1.3, 1.9, 0.4]).into_dyn()
}

fn options() -> CheckOptions {
    CheckOptions {
        name: "cube".into(),
        input_names: vec!["x".into()],
        ..CheckOptions::default()
    }
}

fn run(toy: &Cube, dtype: Dtype) -> Result<backprop_audit::Checked, CheckFailure<ToyError>> {
    check_framework(toy, &[x()], dtype, &options())
}

#[test]
fn an_f32_gradient_is_judged_against_the_f64_forward() {
    let checked = run(&cube(Forward::Exact, Backward::CorrectInF32), Dtype::F32).unwrap();
    assert_eq!(checked.report.status, Status::Pass, "{}", checked.report);
    assert_eq!(checked.report.dtype, Dtype::F32);
    assert_eq!(checked.report.oracle, Dtype::F64);
    assert!(
        checked.report.notes.is_empty(),
        "{:?}",
        checked.report.notes
    );
    assert_eq!(checked.precision, None);
}

#[test]
fn without_an_f64_forward_an_f32_check_falls_back_to_an_f32_oracle_and_says_so() {
    for forward in [Forward::NoF64, Forward::PanicsInF64] {
        let checked = run(&cube(forward, Backward::CorrectInF32), Dtype::F32).unwrap();
        assert_eq!(checked.report.status, Status::Pass, "{}", checked.report);
        assert_eq!(checked.report.oracle, Dtype::F32);
        let expected = match forward {
            Forward::NoF64 => "toy cannot run this function in f64 (no f64 kernel)",
            _ => "toy cannot run this function in f64 (panic: kernel missing)",
        };
        assert!(
            checked.report.notes[0].starts_with(expected),
            "{:?}",
            checked.report.notes
        );
    }
}

#[test]
fn an_f64_check_without_an_f64_forward_cannot_be_carried_out() {
    match run(&cube(Forward::NoF64, Backward::Correct), Dtype::F64) {
        Err(CheckFailure::Forward { dtype, error }) => {
            assert_eq!(dtype, Dtype::F64);
            assert_eq!(error, ToyError::NoKernel);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_panicking_forward_is_a_verdict_with_the_frameworks_note() {
    let report = run(&cube(Forward::Panics, Backward::Correct), Dtype::F64)
        .unwrap()
        .report;
    assert_eq!(report.status, Status::Panic);
    assert_eq!(report.message, "toy panicked in forward: kernel missing");
    assert_eq!(report.notes, ["the toy panicked in f64: kernel missing"]);
    // Every input carries the verdict.
    assert_eq!(report.inputs[0].status, Status::Panic);
}

#[test]
fn a_panicking_backward_is_a_verdict_of_the_backward_phase() {
    let report = run(&cube(Forward::Exact, Backward::Panics), Dtype::F32)
        .unwrap()
        .report;
    assert_eq!(report.status, Status::Panic);
    assert_eq!(
        report.message,
        "toy panicked in backward: gradient buffer freed"
    );
}

#[test]
fn a_typed_backward_error_becomes_the_status_the_framework_gives_it() {
    let report = run(&cube(Forward::Exact, Backward::Accumulate), Dtype::F64)
        .unwrap()
        .report;
    assert_eq!(report.status, Status::WrongShape);
    assert_eq!(
        report.message,
        "a gradient of shape [3] where [4] was needed"
    );
}

#[test]
fn a_non_float_output_cannot_be_checked() {
    match run(&cube(Forward::Integer, Backward::Correct), Dtype::F64) {
        Err(CheckFailure::OutputType { type_name }) => assert_eq!(type_name, "u8"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_forward_failing_at_a_perturbed_input_stops_the_check_with_its_fault() {
    // 1.9 is the largest input: a step up from it leaves the domain.
    let toy = cube(Forward::FailsAbove(1.9), Backward::Correct);
    match run(&toy, Dtype::F64) {
        Err(CheckFailure::ForwardAtPerturbation(fault)) => {
            assert_eq!(fault, Fault::Error(ToyError::Domain));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_lower_precision_f64_forward_is_measured_and_judged_at_f32() {
    // Measured: the f64 forward rounds to f32 inside; the gradient (right)
    // is judged against f32 steps and tolerances, and the report says why.
    let mut toy = cube(Forward::RoundsToF32, Backward::Correct);
    toy.measures_precision = true;
    let checked = run(&toy, Dtype::F64).unwrap();
    assert_eq!(checked.report.status, Status::Pass, "{}", checked.report);
    assert_eq!(checked.report.oracle, Dtype::F32);
    let precision = checked.precision.expect("the noise is measured");
    assert!(precision.noise > 1e-11, "{precision:?}");
    assert_eq!(precision.returned, None);
    assert!(
        precision
            .message
            .starts_with("toy's f64 forward computes in lower precision than f64"),
        "{}",
        precision.message
    );
    // Unmeasured, the same right gradient is judged against an f64
    // oracle whose f32 noise the finite differences divide by a tiny step.
    toy.measures_precision = false;
    let checked = run(&toy, Dtype::F64).unwrap();
    assert_eq!(checked.report.oracle, Dtype::F64);
    assert_eq!(checked.precision, None);
    assert_ne!(checked.report.status, Status::Pass, "{}", checked.report);
}

#[test]
fn an_exact_f64_forward_is_measured_as_f64() {
    let mut toy = cube(Forward::Exact, Backward::Correct);
    toy.measures_precision = true;
    let checked = run(&toy, Dtype::F64).unwrap();
    assert_eq!(checked.report.status, Status::Pass, "{}", checked.report);
    assert_eq!(checked.report.oracle, Dtype::F64);
    assert_eq!(checked.precision, None);
}

#[test]
fn gradients_at_gives_the_checks_upstream_rounded_to_the_dtype() {
    let toy = cube(Forward::Exact, Backward::Correct);
    let (grads, upstream) = gradients_at(&toy, &[x()], Dtype::F32, 11).unwrap();
    let random = random_upstream(11, &[4]);
    assert_eq!(upstream, random.mapv(rounded));
    assert_ne!(upstream, random, "an f32 check rounds its upstream");
    // d(x³)/dx · u = 3x²u, by the formula.
    let expected = 3.0 * &x() * &x() * &upstream;
    assert_eq!(grads, vec![Some(expected)]);
    let (_, upstream) = gradients_at(&toy, &[x()], Dtype::F64, 11).unwrap();
    assert_eq!(upstream, random);
}

#[test]
fn forward_at_gives_values_or_the_caught_fault() {
    let toy = cube(Forward::Panics, Backward::Correct);
    assert_eq!(
        forward_at(&toy, &[x()], Dtype::F64),
        Err(Fault::Panic("kernel missing".into()))
    );
    let toy = cube(Forward::Exact, Backward::Correct);
    let cubed = forward_at(&toy, &[x()], Dtype::F64).unwrap();
    assert_eq!(cubed, x().mapv(|t| t * t * t));
    let none = ArrayD::<f64>::zeros(IxDyn(&[0]));
    assert_eq!(
        forward_at(&toy, std::slice::from_ref(&none), Dtype::F64),
        Ok(none.clone())
    );
}

#[test]
fn a_framework_check_records_in_one_call_with_every_status_visible() {
    use backprop_report::{Outcome, Recorder, Report, Status as ReportStatus, ToCheckResult};

    let dir = std::env::temp_dir().join(format!("backprop-audit-record-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let recorder = Recorder::new(&dir).with_title("toy checks");
    let shape = run(&cube(Forward::Exact, Backward::Accumulate), Dtype::F64)
        .unwrap()
        .report;
    let good = run(&cube(Forward::Exact, Backward::Correct), Dtype::F32)
        .unwrap()
        .report;
    // A planted bug the suite must catch: expected to fail, shown as known.
    let planted = shape.to_check_result("toy", "cube").known_as("planted");
    assert_eq!(planted.name, "cube [f64]");
    assert_eq!(planted.status, ReportStatus::WrongShape);
    assert_eq!(planted.outcome(), Outcome::Known);
    recorder.record(planted).unwrap();
    recorder
        .record(good.to_check_result("toy", "cube"))
        .unwrap();
    // An expected failure that does not happen fails the run.
    let unexpected_pass = good.to_check_result("toy", "cube").known_as("planted");
    assert_eq!(unexpected_pass.outcome(), Outcome::NotReproduced);

    let json = std::fs::read_to_string(dir.join("report.json")).unwrap();
    let report = Report::from_json(&json).unwrap();
    let statuses: Vec<(String, ReportStatus)> = report
        .checks
        .iter()
        .map(|c| (c.name.clone(), c.status))
        .collect();
    // The report lists its checks in name order.
    assert_eq!(
        statuses,
        [
            ("cube [f32]".to_string(), ReportStatus::Pass),
            ("cube [f64]".to_string(), ReportStatus::WrongShape)
        ]
    );
    let markdown = std::fs::read_to_string(dir.join("report.md")).unwrap();
    // The expected failure is listed under its marker, with its check.
    assert!(
        markdown.contains("| planted |") && markdown.contains("`toy/cube [f64]`"),
        "{markdown}"
    );
    assert!(report.passed(), "the only failure is the expected one");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_failures_headline_figure_is_the_failing_elements() {
    use backprop_gradcheck::Mode;

    // cube with a backward rule 3x²·u + 0.5·u at one element only: fast
    // mode compares a projection first, then locates the element.
    struct OneOff;
    impl Framework for OneOff {
        type Error = ToyError;
        type Recording = ArrayD<f64>;
        fn name(&self) -> &str {
            "toy"
        }
        fn forward(&self, x: &[ArrayD<f64>], dtype: Dtype) -> Result<Output, ToyError> {
            Ok(Output::new(x[0].mapv(|t| t * t * t), dtype))
        }
        fn record(&self, x: &[ArrayD<f64>], d: Dtype) -> Result<(ArrayD<f64>, Output), ToyError> {
            Ok((x[0].clone(), self.forward(x, d)?))
        }
        fn backward(
            &self,
            x: &ArrayD<f64>,
            u: &ArrayD<f64>,
        ) -> Result<Vec<InputGradient>, ToyError> {
            let mut g = 3.0 * x * x * u;
            g[[2]] += 0.5 * u[[2]];
            Ok(vec![InputGradient::new(g)])
        }
    }
    let mut options = options();
    options.gradcheck.mode = Mode::Fast;
    let report = check_framework(&OneOff, &[x()], Dtype::F64, &options)
        .unwrap()
        .report;
    assert_eq!(report.status, Status::WrongValue, "{report}");
    let (_, e) = report.gradcheck.as_ref().unwrap().worst().unwrap();
    assert_eq!(e.index, [2], "the located element");
    // Its relative error by the definition |a-n| / (|a| + |n|), with
    // a = 3x²u + 0.5u and n = 3x²u at x = 1.9.
    let u = random_upstream(0, &[4])[[2]];
    let (a, n) = (3.0 * 1.9 * 1.9 * u + 0.5 * u, 3.0 * 1.9 * 1.9 * u);
    let expected = (a - n).abs() / (a.abs() + n.abs());
    let headline = report.headline_rel_error().unwrap();
    assert!(
        (headline - expected).abs() < 1e-6 * expected,
        "{headline} vs {expected}"
    );
    assert!(
        report
            .message
            .contains(&format!("relative error {expected:.2e}")),
        "{}",
        report.message
    );
}

/// The toy with nothing but its three required calls: every hook of
/// `Framework` at its default.
struct Plain(Cube);

impl Framework for Plain {
    type Error = ToyError;
    type Recording = (ArrayD<f64>, Dtype);

    fn name(&self) -> &str {
        "plain"
    }

    fn forward(&self, x: &[ArrayD<f64>], dtype: Dtype) -> Result<Output, ToyError> {
        self.0.forward(x, dtype)
    }

    fn record(
        &self,
        x: &[ArrayD<f64>],
        dtype: Dtype,
    ) -> Result<((ArrayD<f64>, Dtype), Output), ToyError> {
        self.0.record(x, dtype)
    }

    fn backward(
        &self,
        recording: &(ArrayD<f64>, Dtype),
        g: &ArrayD<f64>,
    ) -> Result<Vec<InputGradient>, ToyError> {
        self.0.backward(recording, g)
    }
}

#[test]
fn by_default_a_backward_error_is_a_backward_error_with_the_frameworks_message() {
    let plain = Plain(cube(Forward::Exact, Backward::Accumulate));
    let report = check_framework(&plain, &[x()], Dtype::F64, &options())
        .unwrap()
        .report;
    assert_eq!(report.status, Status::BackwardError);
    assert_eq!(
        report.message,
        "plain's backward pass failed: cannot add [3] to [4]"
    );
}

#[test]
fn by_default_a_panic_has_no_note() {
    let plain = Plain(cube(Forward::Exact, Backward::Panics));
    let report = check_framework(&plain, &[x()], Dtype::F64, &options())
        .unwrap()
        .report;
    assert_eq!(report.status, Status::Panic);
    assert_eq!(
        report.message,
        "plain panicked in backward: gradient buffer freed"
    );
    assert!(report.notes.is_empty(), "{:?}", report.notes);
}

#[test]
fn by_default_the_f64_forward_is_not_measured() {
    // The same f32-inside forward the measuring toy is caught with: by
    // default it serves as the f64 oracle as it is.
    let plain = Plain(cube(Forward::RoundsToF32, Backward::Correct));
    let checked = check_framework(&plain, &[x()], Dtype::F64, &options()).unwrap();
    assert_eq!(checked.precision, None);
    assert_eq!(checked.report.oracle, Dtype::F64);
    assert!(
        checked
            .report
            .notes
            .iter()
            .all(|n| !n.contains("lower precision")),
        "{:?}",
        checked.report.notes
    );
}

#[test]
fn a_forward_returning_another_float_type_is_noted() {
    let checked = run(&cube(Forward::F64InF32, Backward::CorrectInF32), Dtype::F32).unwrap();
    assert_eq!(checked.report.status, Status::Pass, "{}", checked.report);
    assert_eq!(
        checked.report.notes,
        ["toy's forward returns f64 for f32 inputs"]
    );
}

#[test]
fn an_f64_forward_of_another_shape_cannot_serve_as_the_oracle() {
    match run(
        &cube(Forward::ReshapedInF64, Backward::CorrectInF32),
        Dtype::F32,
    ) {
        Err(CheckFailure::OracleShape {
            dtype,
            checked,
            f64,
        }) => {
            assert_eq!(dtype, Dtype::F32);
            assert_eq!(checked, [4]);
            assert_eq!(f64, [2, 2]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_f64_forward_returning_f32_is_measured_as_lower_precision_by_its_type() {
    let mut toy = cube(Forward::F32InF64, Backward::Correct);
    toy.measures_precision = true;
    let checked = run(&toy, Dtype::F64).unwrap();
    assert_eq!(checked.report.status, Status::Pass, "{}", checked.report);
    assert_eq!(checked.report.oracle, Dtype::F32);
    let precision = checked.precision.expect("the type is seen");
    assert_eq!(precision.returned.as_deref(), Some("f32"));
    assert_eq!(
        precision.message,
        "toy's f64 forward computes in lower precision than f64: it returns f32 for f64 inputs"
    );
}

#[test]
fn a_lower_precision_forward_allows_16_f32_epsilons_between_backward_runs() {
    // 16 · 2⁻²³ = 2⁻¹⁹.
    let allowed = 2f64.powi(-19);
    assert_eq!(backprop_audit::F32_RUN_TO_RUN, allowed);
    let eps = f64::from(f32::EPSILON);
    for (wobble, passes) in [(8.0 * eps, true), (32.0 * eps, false)] {
        let mut toy = cube(Forward::RoundsToF32, Backward::Wobbles(wobble));
        toy.measures_precision = true;
        let report = run(&toy, Dtype::F64).unwrap().report;
        assert_eq!(report.oracle, Dtype::F32);
        if passes {
            assert_eq!(report.status, Status::Pass, "{report}");
        } else {
            assert_eq!(report.status, Status::WrongValue, "{report}");
            assert!(
                report.message.starts_with(
                    "structure: two backward runs with the same upstream differ by up to"
                ) && report.message.ends_with("(allowed 1.9073486328125e-6)"),
                "{}",
                report.message
            );
        }
    }
    // Tolerances the caller gives are kept: a zero run-to-run allowance
    // fails the smaller wobble too.
    let mut toy = cube(Forward::RoundsToF32, Backward::Wobbles(8.0 * eps));
    toy.measures_precision = true;
    let mut strict = options();
    strict.gradcheck.tolerances = Some(backprop_gradcheck::Tolerances::for_dtype(Dtype::F32));
    let report = check_framework(&toy, &[x()], Dtype::F64, &strict)
        .unwrap()
        .report;
    assert_eq!(report.status, Status::WrongValue, "{report}");
}

#[test]
fn an_f64_check_whose_untracked_f64_forward_fails_does_not_fall_back_to_f32() {
    // Only an f32 check may fall back to an f32 oracle.
    match run(
        &cube(Forward::UntrackedFailsInF64(false), Backward::Correct),
        Dtype::F64,
    ) {
        Err(CheckFailure::Forward { dtype, error }) => {
            assert_eq!((dtype, error), (Dtype::F64, ToyError::NoKernel));
        }
        other => panic!("{other:?}"),
    }
    let report = run(
        &cube(Forward::UntrackedFailsInF64(true), Backward::Correct),
        Dtype::F64,
    )
    .unwrap()
    .report;
    assert_eq!(report.status, Status::Panic);
    assert_eq!(
        report.message,
        "toy panicked in forward: (in f64) kernel missing"
    );
    assert_eq!(report.oracle, Dtype::F64);
}
