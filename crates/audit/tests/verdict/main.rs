//! The exit rule, the case loop and the finding files, without any
//! framework: a toy catalog whose checks fail or pass as told; then (in the
//! modules) classification, confirmation, the naive references and a toy
//! framework end to end.

mod classify;
mod cli;
mod confirm;
mod engine;
mod entry;
mod naive;
mod points;
mod precision;
mod status;
mod toy;

use backprop_audit::{
    Audit, AuditCase, AuditOptions, Finding, FindingError, claim, glob, known_findings,
};
use backprop_gradcheck::Dtype;
use backprop_report::{CheckResult, Status};

/// A toy case: `function` checked at `size`, failing in the dtypes listed.
struct Toy {
    function: &'static str,
    size: usize,
    fails_in: &'static [Dtype],
    skipped_in: &'static [Dtype],
}

impl AuditCase for Toy {
    fn function(&self) -> &str {
        self.function
    }
    fn name(&self, dtype: Dtype) -> String {
        format!("{}() x[{}] [{dtype}]", self.function, self.size)
    }
    fn check(&self, dtype: Dtype, seed: u64) -> CheckResult {
        let status = if self.skipped_in.contains(&dtype) {
            Status::Skipped
        } else if self.fails_in.contains(&dtype) {
            Status::Fail
        } else {
            Status::Pass
        };
        CheckResult::new("toy", self.name(dtype), status, format!("seed {seed}"))
            .with_rule(self.function)
            .with_dtype(dtype.name())
    }
}

fn finding(id: &str, status: &str, cases: &[&str]) -> String {
    let cases: Vec<String> = cases.iter().map(|c| format!("{c:?}")).collect();
    format!(
        "```toml\n[advisory]\nid = \"{id}\"\npackage = \"toy\"\ndate = \"2026-11-30\"\ntitle = \"{id} title\"\nstatus = \"{status}\"\ncases = [{}]\n\n[affected]\nfunctions = [\"toy::f\"]\n\n[versions]\naffected = [\"=1.0.0\"]\n```\n\n# {id} title\n\nBody.\n",
        cases.join(", ")
    )
}

fn findings(list: &[(&str, &[&str])]) -> Vec<Finding> {
    let texts: Vec<(String, String)> = list
        .iter()
        .map(|(id, cases)| (format!("{id}.md"), finding(id, "wrong-value", cases)))
        .collect();
    let files: Vec<(&str, &str)> = texts
        .iter()
        .map(|(f, t)| (f.as_str(), t.as_str()))
        .collect();
    known_findings("crates/toy/findings", &files).unwrap()
}

fn catalog() -> Vec<Toy> {
    vec![
        Toy {
            function: "exp",
            size: 3,
            fails_in: &[],
            skipped_in: &[],
        },
        Toy {
            function: "pool",
            size: 4,
            fails_in: &[Dtype::F64, Dtype::F32],
            skipped_in: &[],
        },
        Toy {
            function: "norm",
            size: 3,
            fails_in: &[Dtype::F32],
            skipped_in: &[Dtype::F64],
        },
        Toy {
            function: "exp",
            size: 5,
            fails_in: &[],
            skipped_in: &[],
        },
    ]
}

fn run(options: &AuditOptions, known: Vec<Finding>) -> Audit {
    Audit::run(&catalog(), options, known, &mut |_| {})
}

#[test]
fn failures_equal_to_the_known_findings_pass() {
    let known = findings(&[
        ("TOY-0001", &["pool() *"]),
        ("TOY-0002", &["norm() x[3] *"]),
    ]);
    let audit = run(&AuditOptions::default(), known);
    assert!(audit.passed());
    let claims: Vec<Option<&str>> = audit.checks.iter().map(|c| c.known.as_deref()).collect();
    // Grouped by function in order of first appearance: exp (both sizes),
    // pool, norm; a skipped check is claimed by nothing.
    assert_eq!(
        claims,
        [
            None,
            None,
            None,
            None,
            Some("TOY-0001"),
            Some("TOY-0001"),
            None,
            Some("TOY-0002")
        ]
    );
    assert_eq!(audit.checks[2].name, "exp() x[5] [f64]");
}

#[test]
fn a_new_failure_fails() {
    let known = findings(&[("TOY-0001", &["pool() *"])]);
    let audit = run(&AuditOptions::default(), known);
    assert!(!audit.passed(), "norm [f32] fails and no finding claims it");
    let report = audit.to_report("toy audit", &[]);
    assert_eq!(report.summary().known, 2);
}

#[test]
fn each_known_finding_shows_its_smallest_failing_check_and_the_command_that_audits_it() {
    let known = findings(&[
        ("TOY-0001", &["pool() *"]),
        ("TOY-0002", &["norm() x[3] *"]),
    ]);
    let options = AuditOptions {
        seed: 3,
        ..AuditOptions::default()
    };
    let report = run(&options, known).to_report("toy audit", &[]);
    let commands: Vec<Option<&str>> = report
        .known_findings
        .iter()
        .map(|f| f.reproducer.as_deref())
        .collect();
    // pool fails in f64 and f32 at x[4]: f64 is shown; norm fails in f32
    // only. The findings live in crates/toy/findings: framework "toy".
    assert_eq!(
        commands,
        [
            Some("cargo xtask audit toy --filter 'pool() x[4] [f64]' --seed 3"),
            Some("cargo xtask audit toy --filter 'norm() x[3] [f32]' --seed 3"),
        ]
    );
    let md = report.to_markdown();
    assert!(
        md.contains(
            "| 2 checks fail as described; smallest: `toy/pool() x[4] [f64]`; \
             reproduce: `cargo xtask audit toy --filter 'pool() x[4] [f64]' --seed 3` \
             <details><summary>all 2 checks</summary>"
        ),
        "{md}"
    );
}

#[test]
fn a_failing_gradient_report_gives_its_worst_elements_under_the_inputs_names() {
    use backprop_gradcheck::{Options, check_derivative};

    // A framework's d/dw w² taken as 3w at w = 2; the checker calls the
    // input "x", the framework "w".
    let mut report = backprop_audit::GradientReport::new(
        "toy",
        "square",
        Dtype::F64,
        0,
        &["w".into()],
        &[vec![]],
    );
    let checked = check_derivative(|x: f64| x * x, |x: f64| 3.0 * x, 2.0, &Options::default());
    report.gradcheck = Some(checked);
    assert!(
        report.worst_elements().is_empty(),
        "a passing report has none"
    );
    report.status = backprop_audit::Status::WrongValue;
    let worst = report.worst_elements();
    assert_eq!(worst.len(), 1);
    let e = &worst[0];
    assert_eq!(
        (e.input.as_str(), e.input_value, e.analytic),
        ("w", Some(2.0), 6.0)
    );
    assert!((e.numeric - 4.0).abs() < 1e-6, "{e:?}");
    assert!((e.rel_error - 0.2).abs() < 1e-6, "|6 - 4| / (6 + 4): {e:?}");
}

#[test]
fn a_known_finding_that_no_longer_reproduces_fails() {
    // Its check passes now.
    let known = findings(&[
        ("TOY-0001", &["pool() *"]),
        ("TOY-0002", &["norm() x[3] *"]),
        ("TOY-0003", &["exp() x[3] [f64]"]),
    ]);
    assert!(!run(&AuditOptions::default(), known).passed());
    // No check matches it at all (in an unfiltered run).
    let known = findings(&[
        ("TOY-0001", &["pool() *"]),
        ("TOY-0002", &["norm() x[3] *"]),
        ("TOY-0003", &["gone() *"]),
    ]);
    assert!(!run(&AuditOptions::default(), known).passed());
}

#[test]
fn a_filter_or_a_dtype_holds_the_run_to_the_findings_its_checks_claim() {
    let known = findings(&[
        ("TOY-0001", &["pool() *"]),
        ("TOY-0002", &["norm() x[3] *"]),
    ]);
    let options = AuditOptions {
        filter: Some("POOL".into()),
        ..AuditOptions::default()
    };
    let audit = run(&options, known.clone());
    assert_eq!(audit.checks.len(), 2);
    assert_eq!(audit.findings.len(), 1);
    assert!(audit.passed());

    let options = AuditOptions {
        dtype: Some(Dtype::F64),
        ..AuditOptions::default()
    };
    let audit = run(&options, known);
    assert!(
        audit
            .checks
            .iter()
            .all(|c| c.dtype.as_deref() == Some("f64"))
    );
    let ids: Vec<&str> = audit
        .findings
        .iter()
        .map(|f| f.advisory.id.as_str())
        .collect();
    assert_eq!(ids, ["TOY-0001"], "norm's finding shows only in f32");
    assert!(audit.passed());
}

#[test]
fn progress_comes_once_per_function_with_new_failures_named() {
    let known = findings(&[("TOY-0001", &["pool() *"])]);
    let mut lines = Vec::new();
    let options = AuditOptions {
        seed: 9,
        ..AuditOptions::default()
    };
    let audit = Audit::run(&catalog(), &options, known, &mut |p| {
        lines.push((
            p.function.to_string(),
            p.checks.len(),
            p.line(),
            p.new_failures(),
        ));
    });
    let functions: Vec<(&str, usize)> = lines.iter().map(|(f, n, _, _)| (f.as_str(), *n)).collect();
    assert_eq!(functions, [("exp", 4), ("pool", 2), ("norm", 2)]);
    assert!(lines[1].2.contains("2 known"), "{}", lines[1].2);
    assert!(lines[2].2.contains("1 NEW FAILURE(S)") && lines[2].2.contains("1 skipped"));
    assert_eq!(lines[2].3, ["new: norm() x[3] [f32] — seed 9"]);
    assert!(
        audit.checks.iter().all(|c| c.message == "seed 9"),
        "the seed reaches every check"
    );
}

#[test]
fn the_longest_matching_pattern_claims_a_check() {
    let known = findings(&[
        ("TOY-0001", &["pool() *"]),
        ("TOY-0002", &["pool() x[4] [f32]"]),
    ]);
    assert_eq!(
        claim(&known, "pool() x[4] [f32]", Status::Fail)
            .unwrap()
            .advisory
            .id,
        "TOY-0002"
    );
    assert_eq!(
        claim(&known, "pool() x[4] [f64]", Status::Fail)
            .unwrap()
            .advisory
            .id,
        "TOY-0001"
    );
    assert!(claim(&known, "exp() x[3] [f64]", Status::Fail).is_none());
    assert!(glob("a*c*e", "abcde") && !glob("a*c*e", "abde") && glob("*", ""));
}

#[test]
fn malformed_finding_files_are_errors() {
    let good = finding("TOY-0001", "wrong-value", &["pool() *"]);
    let parsed = Finding::parse("TOY-0001.md", &good).unwrap();
    assert_eq!(parsed.advisory.title, "TOY-0001 title");
    assert_eq!(parsed.path(), "TOY-0001.md");
    assert!(matches!(
        Finding::parse("TOY-0001.md", "# no front matter\n"),
        Err(FindingError::NoFrontMatter { .. })
    ));
    assert!(matches!(
        Finding::parse("TOY-0002.md", &good),
        Err(FindingError::Name { .. })
    ));
    assert!(matches!(
        Finding::parse("TOY-0001.md", &good.replace("# TOY-0001 title", "# other")),
        Err(FindingError::Title { .. })
    ));
    // An unknown status is refused when the file is parsed, naming it and
    // the statuses there are.
    assert!(matches!(
        Finding::parse("TOY-0001.md", &finding("TOY-0001", "bad", &["x"])),
        Err(FindingError::Toml { message, .. })
            if message.contains("unknown variant `bad`") && message.contains("`wrong-value`")
    ));
    let bad_also = good.replacen("cases = [", "also = [\"worse\"]\ncases = [", 1);
    assert!(matches!(
        Finding::parse("TOY-0001.md", &bad_also),
        Err(FindingError::Toml { message, .. }) if message.contains("unknown variant `worse`")
    ));
    let extra = good.replacen("[affected]", "[affected]\nextra = 1", 1);
    assert!(matches!(
        Finding::parse("TOY-0001.md", &extra),
        Err(FindingError::Toml { .. })
    ));
}

#[test]
fn finish_writes_the_report_folder_and_exits_by_the_rule() {
    use std::process::ExitCode;

    let dir = std::env::temp_dir().join(format!("backprop-audit-finish-{}", std::process::id()));
    let known = findings(&[
        ("TOY-0001", &["pool() *"]),
        ("TOY-0002", &["norm() x[3] *"]),
    ]);
    let audit = run(&AuditOptions::default(), known);
    let report = audit.to_report("toy audit", &[("toy", "1.0")]);
    assert_eq!(
        backprop_audit::finish(&audit, &report, &dir),
        ExitCode::SUCCESS
    );
    for file in ["report.json", "junit.xml", "report.md", "report.html"] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    let junit = std::fs::read_to_string(dir.join("junit.xml")).unwrap();
    assert!(
        junit.contains("name=\"pool() x[4] [f64]\""),
        "JUnit names the check as called"
    );

    let new_failure = run(
        &AuditOptions::default(),
        findings(&[("TOY-0001", &["pool() *"])]),
    );
    let report = new_failure.to_report("toy audit", &[]);
    assert_eq!(
        backprop_audit::finish(&new_failure, &report, &dir),
        ExitCode::from(backprop_audit::EXIT_CHANGED)
    );
    // A folder that cannot be created: the report's own exit status.
    let blocked = dir.join("report.json").join("inside-a-file");
    assert_eq!(
        backprop_audit::finish(&new_failure, &report, &blocked),
        ExitCode::from(backprop_audit::EXIT_REPORT)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_case_may_yield_several_entries() {
    /// A case with a second entry per dtype (like burn's forward-precision
    /// check).
    struct Twice;
    impl AuditCase for Twice {
        fn function(&self) -> &str {
            "twice"
        }
        fn name(&self, dtype: Dtype) -> String {
            format!("twice() [{dtype}]")
        }
        fn check(&self, dtype: Dtype, _seed: u64) -> CheckResult {
            CheckResult::new("toy", self.name(dtype), Status::Pass, "pass")
        }
        fn checks(&self, dtype: Dtype, seed: u64) -> Vec<CheckResult> {
            let extra = CheckResult::new(
                "toy",
                format!("{} precision", self.name(dtype)),
                Status::Fail,
                "low",
            );
            vec![self.check(dtype, seed), extra]
        }
    }
    let known = findings(&[("TOY-0001", &["twice() * precision"])]);
    let audit = Audit::run(&[Twice], &AuditOptions::default(), known, &mut |_| {});
    assert_eq!(audit.checks.len(), 4);
    assert!(audit.passed());
}

#[test]
fn a_failing_check_is_claimed_only_by_a_finding_of_its_status() {
    // TOY-0001: `pool` has no backward pass (every configuration);
    // TOY-0002: one configuration also panics. A check of that
    // configuration that reports the backward error (the panic did not
    // happen) is TOY-0001's, not the more specific TOY-0002's.
    let texts = [
        (
            "TOY-0001.md",
            finding("TOY-0001", "backward-error", &["pool(*"]),
        ),
        (
            "TOY-0002.md",
            finding("TOY-0002", "panic", &["pool(padding=2) *"]),
        ),
    ];
    let files: Vec<(&str, &str)> = texts.iter().map(|(f, t)| (*f, t.as_str())).collect();
    let known = known_findings("crates/toy/findings", &files).unwrap();
    let id = |name, status| claim(&known, name, status).map(|f| f.advisory.id.as_str());
    assert_eq!(
        id("pool(padding=2) x[4] [f64]", Status::Panic),
        Some("TOY-0002")
    );
    assert_eq!(
        id("pool(padding=2) x[4] [f64]", Status::BackwardError),
        Some("TOY-0001")
    );
    assert_eq!(
        id("pool(padding=1) x[4] [f64]", Status::BackwardError),
        Some("TOY-0001")
    );
    // A way of failing no finding describes is a new failure ...
    assert_eq!(id("pool(padding=1) x[4] [f64]", Status::Fail), None);
    // ... unless the finding lists it among its symptoms.
    let two = finding("TOY-0005", "backward-error", &["pool(*"])
        .replace("cases = [", "also = [\"wrong-value\"]\ncases = [");
    let known = known_findings("crates/toy/findings", &[("TOY-0005.md", &two)]).unwrap();
    for status in [Status::BackwardError, Status::Fail] {
        assert!(claim(&known, "pool(padding=1) x[4] [f64]", status).is_some());
    }
    assert!(claim(&known, "pool(padding=1) x[4] [f64]", Status::Panic).is_none());
    // ... and a passing check is claimed by its most specific pattern, so
    // that a fix upstream shows as a finding that no longer reproduces.
    assert_eq!(
        id("pool(padding=2) x[4] [f64]", Status::Pass),
        Some("TOY-0002")
    );
}

#[test]
fn a_debug_only_finding_holds_only_builds_with_debug_assertions() {
    let text = finding("TOY-0003", "panic", &["pool(*"])
        .replace("cases = [", "debug_only = true\ncases = [");
    let known = known_findings("crates/toy/findings", &[("TOY-0003.md", &text)]).unwrap();
    assert!(known[0].advisory.debug_only);
    let claimed = claim(&known, "pool() x[4] [f64]", Status::Panic).is_some();
    assert_eq!(claimed, cfg!(debug_assertions));
    assert_eq!(known[0].applies_to_this_build(), cfg!(debug_assertions));
    // Without the flag a finding holds every build.
    let plain = findings(&[("TOY-0004", &["pool(*"])]);
    assert!(!plain[0].advisory.debug_only && plain[0].applies_to_this_build());
}

#[test]
fn on_a_tie_of_pattern_lengths_the_first_listed_finding_claims() {
    // "pool(*" and "*[f64]" are both 6 characters long and both match.
    let known = findings(&[("TOY-0001", &["pool(*"]), ("TOY-0002", &["*[f64]"])]);
    let id = |name| claim(&known, name, Status::Fail).map(|f| f.advisory.id.as_str());
    assert_eq!(id("pool() x[4] [f64]"), Some("TOY-0001"));
    let reversed = findings(&[("TOY-0002", &["*[f64]"]), ("TOY-0001", &["pool(*"])]);
    assert_eq!(
        claim(&reversed, "pool() x[4] [f64]", Status::Fail).map(|f| f.advisory.id.as_str()),
        Some("TOY-0002")
    );
}

#[test]
fn a_finding_covers_only_the_checks_its_patterns_match() {
    let known = findings(&[("TOY-0001", &["pool() *", "norm() x[3] [f32]"])]);
    assert!(known[0].covers("pool() x[4] [f64]"));
    assert!(known[0].covers("norm() x[3] [f32]"));
    assert!(!known[0].covers("norm() x[3] [f64]"));
    assert!(!known[0].covers("exp() x[3] [f64]"));
    // The longest matching pattern's length: "norm() x[3] [f32]" is 17.
    assert_eq!(known[0].specificity("norm() x[3] [f32]"), Some(17));
    assert_eq!(known[0].specificity("exp() x[3] [f64]"), None);
}

#[test]
fn glob_matches_the_parts_in_order_without_reusing_text() {
    // One "ab" in the middle cannot match two "*ab*" parts.
    assert!(!glob("x*ab*ab*y", "xccaby"));
    assert!(glob("x*ab*ab*y", "xcabcaby"));
    assert!(glob("x*ab*ab*y", "xababy"));
    // The first and last parts may not overlap.
    assert!(!glob("ab*ba", "aba"));
    assert!(glob("ab*ba", "abba"));
    assert!(glob("exact", "exact") && !glob("exact", "exact "));
    assert!(glob("pool(*", "pool(") && !glob("pool(*", "pool"));
}

#[test]
fn progress_lines_count_checks_new_failures_known_and_skipped() {
    let known = findings(&[("TOY-0001", &["pool() *"])]);
    let mut lines = Vec::new();
    Audit::run(&catalog(), &AuditOptions::default(), known, &mut |p| {
        let line = p.line();
        // Everything before the wall time, which varies.
        let (head, time) = line.rsplit_once("  (").unwrap();
        assert!(time.ends_with(" s)"), "{line}");
        lines.push(head.to_string());
    });
    let pad = |f: &str| format!("{f:<38}");
    assert_eq!(
        lines,
        [
            format!("[ 1/3] {}   4 checks", pad("exp")),
            format!("[ 2/3] {}   2 checks, 2 known", pad("pool")),
            format!(
                "[ 3/3] {}   2 checks, 1 NEW FAILURE(S), 1 skipped",
                pad("norm")
            ),
        ]
    );
}

#[test]
fn statuses_display_as_their_report_names_and_the_cpu_is_named() {
    for s in backprop_audit::Status::ALL {
        assert_eq!(s.to_string(), s.name());
    }
    assert_eq!(
        backprop_audit::Status::SilentZero.to_string(),
        "silent-zero"
    );
    let cpu = backprop_audit::cpu_model();
    assert!(!cpu.is_empty());
    match std::fs::read_to_string("/proc/cpuinfo") {
        Ok(info) if info.contains("model name") => assert!(info.contains(&cpu), "{cpu}"),
        _ => assert_eq!(cpu, std::env::consts::ARCH),
    }
}
