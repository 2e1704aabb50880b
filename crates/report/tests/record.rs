//! Recording from tests: many threads and several processes write one
//! folder, which is complete after every record; `record` follows
//! `BACKPROP_REPORT_DIR` (tested in child processes, since the environment
//! is the process's).

use std::path::Path;
use std::process::{Command, Output};

use backprop_report::{
    CheckResult, FRAGMENTS_DIR, REPORT_DIR_ENV, REPORT_FILES, REPORT_TITLE_ENV, Recorder, Report,
    Status,
};

/// The environment variable that tells the `child` test what to do.
const CHILD: &str = "BACKPROP_REPORT_TEST_CHILD";

fn read_report(dir: &Path) -> Report {
    let text = std::fs::read_to_string(dir.join("report.json")).expect("report.json");
    Report::from_json(&text).expect("parses")
}

fn junit_counts(dir: &Path) -> (String, String) {
    let xml = std::fs::read_to_string(dir.join("junit.xml")).expect("junit.xml");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed");
    let root = doc.root_element();
    (
        root.attribute("tests").unwrap_or("").to_owned(),
        root.attribute("failures").unwrap_or("").to_owned(),
    )
}

/// Check `i`: every fifth fails.
fn numbered(prefix: &str, i: usize) -> CheckResult {
    let status = if i % 5 == 4 {
        Status::Fail
    } else {
        Status::Pass
    };
    CheckResult::new(
        "parallel",
        format!("{prefix} check {i:02} [f64]"),
        status,
        "…",
    )
    .with_dtype("f64")
    .with_rel_error(1e-12 * (i + 1) as f64)
}

/// Runs this test binary's `child` test in a new process with `envs`.
fn spawn(task: &str, envs: &[(&str, &Path)]) -> std::process::Child {
    let mut cmd = Command::new(std::env::current_exe().expect("test binary"));
    cmd.args([
        "child",
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ])
    .env(CHILD, task)
    .env_remove(REPORT_DIR_ENV)
    .env_remove(REPORT_TITLE_ENV);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawns")
}

fn run(task: &str, envs: &[(&str, &Path)]) -> Output {
    spawn(task, envs).wait_with_output().expect("runs")
}

fn text(out: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn threads_of_one_process_all_land_in_the_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    let recorder = Recorder::new(dir.path()).with_title("threads");
    std::thread::scope(|s| {
        for t in 0..8 {
            let recorder = &recorder;
            s.spawn(move || {
                for i in 0..5 {
                    recorder
                        .record(numbered(&format!("thread {t}"), i))
                        .expect("records");
                }
            });
        }
    });
    let report = read_report(dir.path());
    assert_eq!(report.title, "threads");
    assert_eq!(report.checks.len(), 40);
    assert_eq!(report.summary().failed, 8);
    assert_eq!(junit_counts(dir.path()), ("40".into(), "8".into()));
    // Sorted by suite and name, whatever order the threads ran in.
    let names: Vec<&str> = report.checks.iter().map(|c| c.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    for f in REPORT_FILES {
        assert!(dir.path().join(f).is_file(), "{f}");
    }
    let stray: Vec<_> = std::fs::read_dir(dir.path().join(FRAGMENTS_DIR))
        .expect("fragments")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".json") || n.starts_with('.'))
        .collect();
    assert!(stray.is_empty(), "temporary files left: {stray:?}");
}

#[test]
fn processes_writing_one_folder_at_once_all_land_in_the_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    let children: Vec<_> = (0..4)
        .map(|p| spawn(&format!("recorder:{p}"), &[("DIR", dir.path())]))
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("runs");
        assert!(out.status.success(), "{}", text(&out));
    }
    let report = read_report(dir.path());
    assert_eq!(report.checks.len(), 4 * 10);
    assert_eq!(junit_counts(dir.path()), ("40".into(), "8".into()));
    assert_eq!(Recorder::new(dir.path()).report().expect("reads"), report);
}

#[test]
fn a_process_waits_for_the_folder_lock_before_writing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let lock = std::fs::File::create(dir.path().join(".lock")).expect("lock file");
    lock.lock().expect("locks");
    let mut child = spawn("recorder:0", &[("DIR", dir.path())]);
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(
        child.try_wait().expect("polls").is_none(),
        "the child must wait while another process holds the lock"
    );
    assert!(!dir.path().join("report.json").exists());
    drop(lock);
    let out = child.wait_with_output().expect("runs");
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(read_report(dir.path()).checks.len(), 10);
}

#[test]
fn record_follows_the_environment_variable_with_the_package_and_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run("record", &[(REPORT_DIR_ENV, dir.path())]);
    assert!(out.status.success(), "{}", text(&out));
    let report = read_report(dir.path());
    assert_eq!(report.title, "gradient checks");
    let names: Vec<&str> = report.checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["exp [f64]", "wrong sin [f64]"]);
    let wrong = &report.checks[1];
    assert_eq!(wrong.status, Status::Fail);
    assert_eq!(
        wrong.suite, "backprop-report",
        "cargo names the package under test"
    );
    let source = wrong.source.as_ref().expect("the calling line");
    assert!(source.file.ends_with("tests/record.rs"), "{source}");
    let md = std::fs::read_to_string(dir.path().join("report.md")).expect("report.md");
    assert!(
        md.contains(
            "`backprop-report/wrong sin [f64]` **fail**: analytic and numerical derivatives \
             disagree; worst at `x` (input 0.5)"
        ),
        "{md}"
    );
}

#[test]
fn a_rerun_replaces_its_checks_instead_of_adding_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    for _ in 0..2 {
        let out = run("record", &[(REPORT_DIR_ENV, dir.path())]);
        assert!(out.status.success(), "{}", text(&out));
    }
    assert_eq!(read_report(dir.path()).checks.len(), 2);
}

#[test]
fn without_the_variable_record_does_nothing() {
    let out = run("unset", &[]);
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn an_unwritable_folder_fails_the_test_and_says_why() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("a-file");
    std::fs::write(&file, "not a folder").expect("writes");
    let out = run("record", &[(REPORT_DIR_ENV, &file.join("report"))]);
    assert!(!out.status.success(), "must fail loudly");
    let all = text(&out);
    assert!(
        all.contains("BACKPROP_REPORT_DIR asks for a report in") && all.contains("a-file"),
        "{all}"
    );
}

#[test]
fn the_title_comes_from_its_variable() {
    let dir = tempfile::tempdir().expect("temp dir");
    let title = dir.path().join("title");
    // The variable's value is a path here only because `spawn` takes paths.
    let out = run(
        "record",
        &[(REPORT_DIR_ENV, dir.path()), (REPORT_TITLE_ENV, &title)],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(read_report(dir.path()).title, title.to_string_lossy());
}

/// What the child processes of the tests above do (run only by them).
#[test]
#[ignore = "run by the tests above in a child process"]
fn child() {
    let task = std::env::var(CHILD).expect("only run as a child of the tests above");
    match task.as_str() {
        "record" | "unset" => {
            use backprop_gradcheck::{Options, check_derivative};
            let right = check_derivative(f64::exp, f64::exp, 0.3, &Options::default());
            let wrong = check_derivative(f64::sin, |x: f64| -x.cos(), 0.5, &Options::default());
            let a = backprop_report::record("exp", &right);
            let b = backprop_report::record("wrong sin", &wrong);
            if task == "unset" {
                assert_eq!((a, b), (None, None));
            } else {
                assert!(a.is_some() && b.is_some());
            }
        }
        task => {
            let p = task.strip_prefix("recorder:").expect("a known task");
            let dir = std::env::var_os("DIR").expect("DIR");
            let recorder = Recorder::new(dir);
            for i in 0..10 {
                recorder
                    .record(numbered(&format!("process {p}"), i))
                    .expect("records");
            }
        }
    }
}
