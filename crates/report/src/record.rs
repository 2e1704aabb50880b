//! Recording checks from tests: each check is written as its own JSON
//! fragment in the report folder, and the four files are rendered again
//! from all fragments after each record, under a lock.
//!
//! Why this design: Rust's test harness has no end-of-binary hook, runs
//! tests on parallel threads, and cargo runs several test binaries one
//! after another (nextest even runs each test in its own process). So
//! there is no moment at which "all checks are in"; instead the folder is
//! complete after every record. A process-wide mutex orders the threads of
//! one binary, an exclusive lock on `.lock` in the folder orders processes,
//! and every file is replaced atomically, so a reader never sees half a
//! file. Fragments accumulate across binaries and `cargo test` runs; a
//! check recorded again (same suite, name and source line) replaces its
//! fragment, so re-running a test updates its entry.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex, MutexGuard};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::write::write_atomically;
use crate::{CheckResult, Report, ReportError, Source, ToCheckResult};

/// The environment variable that names the report folder. When it is not
/// set (or empty), [`record`] and [`record_check`] do nothing.
///
/// ```
/// use backprop_report::{REPORT_DIR_ENV, Recorder};
///
/// assert_eq!(REPORT_DIR_ENV, "BACKPROP_REPORT_DIR");
/// // Where `record` would write in this process, if anywhere:
/// if let Some(recorder) = Recorder::from_env() {
///     println!("recording into {}", recorder.dir().display());
/// }
/// ```
pub const REPORT_DIR_ENV: &str = "BACKPROP_REPORT_DIR";

/// The environment variable that sets the report's title (default
/// `"gradient checks"`).
pub const REPORT_TITLE_ENV: &str = "BACKPROP_REPORT_TITLE";

/// The title of a recorded report when none is set.
pub const DEFAULT_TITLE: &str = "gradient checks";

/// The subfolder that holds one JSON file per recorded check.
pub const FRAGMENTS_DIR: &str = "fragments";

/// The lock file that orders processes writing the same folder.
const LOCK_FILE: &str = ".lock";

/// Version of the fragment format (a field of every fragment).
const FRAGMENT_VERSION: u32 = 1;

/// One recorded check, as stored in `fragments/`.
#[derive(Serialize, Deserialize)]
struct Fragment {
    backprop_report_fragment: u32,
    check: CheckResult,
}

/// Writes checks into a report folder shared by threads, test binaries and
/// successive `cargo test` runs.
///
/// Most tests use [`record`] instead, which takes the folder from
/// [`BACKPROP_REPORT_DIR`](REPORT_DIR_ENV). A `Recorder` is for a folder of
/// your own choosing:
///
/// ```
/// use backprop_report::{CheckResult, Recorder, Report, Status};
///
/// let dir = tempfile::tempdir()?;
/// let recorder = Recorder::new(dir.path()).with_title("my-ops gradient checks");
/// recorder.record(CheckResult::new("my-ops", "softplus [f64]", Status::Pass, "ok"))?;
/// recorder.record(CheckResult::new("my-ops", "elu [f64]", Status::Fail, "wrong"))?;
///
/// // The folder is complete after every record.
/// let written = Report::from_json(&std::fs::read_to_string(dir.path().join("report.json"))?)?;
/// assert_eq!(written.checks.len(), 2);
/// assert!(!written.passed());
/// assert_eq!(recorder.report()?, written);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorder {
    dir: PathBuf,
    title: String,
}

/// What this process remembers between records: fragments already parsed
/// (by file, size and modification time) and how often each check key was
/// recorded.
#[derive(Default)]
struct ProcessState {
    parsed: HashMap<PathBuf, (u64, Option<SystemTime>, CheckResult)>,
    recorded: HashMap<(PathBuf, String), u32>,
}

/// Orders the threads of one process (the file lock orders processes).
fn process_state() -> MutexGuard<'static, ProcessState> {
    static STATE: LazyLock<Mutex<ProcessState>> = LazyLock::new(Mutex::default);
    // A thread that panicked while recording left nothing half-done that
    // matters: fragments and reports are replaced atomically.
    STATE.lock().unwrap_or_else(|e| e.into_inner())
}

impl Recorder {
    /// A recorder writing into `dir` (created on the first record), titled
    /// [`DEFAULT_TITLE`].
    pub fn new(dir: impl Into<PathBuf>) -> Recorder {
        Recorder {
            dir: dir.into(),
            title: DEFAULT_TITLE.to_owned(),
        }
    }

    /// The recorder [`BACKPROP_REPORT_DIR`](REPORT_DIR_ENV) asks for, titled
    /// by [`BACKPROP_REPORT_TITLE`](REPORT_TITLE_ENV); `None` when the
    /// variable is unset or empty.
    ///
    /// A relative folder is taken from the workspace root (the outermost
    /// folder above the package with a `Cargo.toml` declaring
    /// `[workspace]`), not from the test's working directory, which cargo
    /// sets to each package's own folder.
    pub fn from_env() -> Option<Recorder> {
        let dir = std::env::var_os(REPORT_DIR_ENV).filter(|d| !d.is_empty())?;
        let dir = PathBuf::from(dir);
        let dir = if dir.is_absolute() {
            dir
        } else {
            workspace_root().join(dir)
        };
        let title = std::env::var(REPORT_TITLE_ENV)
            .ok()
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| DEFAULT_TITLE.to_owned());
        Some(Recorder { dir, title })
    }

    /// Sets the report's title.
    pub fn with_title(mut self, title: impl Into<String>) -> Recorder {
        self.title = title.into();
        self
    }

    /// The report folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Records `check` as a fragment in the folder and writes the four
    /// files again from every fragment there. Returns the fragment's path.
    ///
    /// # Errors
    ///
    /// [`ReportError`] when the folder cannot be created, locked or
    /// written, or holds a fragment that is not valid (each names the
    /// file).
    pub fn record(&self, check: CheckResult) -> Result<PathBuf, ReportError> {
        let mut state = process_state();
        let fragments = self.dir.join(FRAGMENTS_DIR);
        fs::create_dir_all(&fragments).map_err(ReportError::io("cannot create", &fragments))?;
        let _lock = self.lock()?;

        let key = fragment_key(&check);
        let seen = state
            .recorded
            .entry((self.dir.clone(), key.clone()))
            .or_insert(0);
        *seen += 1;
        // The same check recorded twice by one process (a loop) keeps both.
        let file = match *seen {
            1 => format!("{key}.json"),
            n => format!("{key}-{n}.json"),
        };
        let path = fragments.join(file);
        let fragment = Fragment {
            backprop_report_fragment: FRAGMENT_VERSION,
            check,
        };
        let json = serde_json::to_string_pretty(&fragment).expect("a check always serialises");
        write_atomically(&path, json.as_bytes())?;

        self.collect(&mut state)?.write_all(&self.dir)?;
        Ok(path)
    }

    /// The report made of every check recorded in the folder so far,
    /// sorted by suite and name.
    ///
    /// # Errors
    ///
    /// [`ReportError`] when the folder cannot be locked or read, or holds a
    /// fragment that is not valid.
    pub fn report(&self) -> Result<Report, ReportError> {
        let mut state = process_state();
        let fragments = self.dir.join(FRAGMENTS_DIR);
        if !fragments.is_dir() {
            return Ok(Report::new(self.title.clone()));
        }
        let _lock = self.lock()?;
        self.collect(&mut state)
    }

    /// Takes the folder's lock (released when the file is dropped).
    fn lock(&self) -> Result<File, ReportError> {
        let path = self.dir.join(LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(ReportError::io("cannot open", &path))?;
        file.lock().map_err(ReportError::io("cannot lock", &path))?;
        Ok(file)
    }

    /// Reads every fragment (parsing only those this process has not seen
    /// in their current version).
    fn collect(&self, state: &mut ProcessState) -> Result<Report, ReportError> {
        let dir = self.dir.join(FRAGMENTS_DIR);
        let entries = fs::read_dir(&dir).map_err(ReportError::io("cannot list", &dir))?;
        let mut checks: Vec<(String, CheckResult)> = Vec::new();
        for entry in entries {
            let entry = entry.map_err(ReportError::io("cannot list", &dir))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || !name.ends_with(".json") {
                continue;
            }
            let path = entry.path();
            let meta = entry
                .metadata()
                .map_err(ReportError::io("cannot read", &path))?;
            let stamp = (meta.len(), meta.modified().ok());
            let check = match state.parsed.get(&path) {
                Some((len, modified, check)) if (*len, *modified) == stamp => check.clone(),
                _ => {
                    let text =
                        fs::read_to_string(&path).map_err(ReportError::io("cannot read", &path))?;
                    let fragment: Fragment =
                        serde_json::from_str(&text).map_err(|source| ReportError::Fragment {
                            path: path.clone(),
                            source,
                        })?;
                    state
                        .parsed
                        .insert(path, (stamp.0, stamp.1, fragment.check.clone()));
                    fragment.check
                }
            };
            checks.push((name, check));
        }
        checks.sort_by(|(fa, a), (fb, b)| (&a.suite, &a.name, fa).cmp(&(&b.suite, &b.name, fb)));
        let mut report = Report::new(self.title.clone());
        report.checks = checks.into_iter().map(|(_, c)| c).collect();
        Ok(report)
    }
}

/// A fragment's file name (without `.json`): readable, and the same for
/// the same check (suite, name, source line) in every run, so a re-run
/// replaces it.
fn fragment_key(check: &CheckResult) -> String {
    let slug: String = check
        .name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-")
        .chars()
        .take(48)
        .collect();
    let source = check
        .source
        .as_ref()
        .map_or(String::new(), Source::to_string);
    let hash = fnv1a(&[&check.suite, &check.name, &source]);
    format!("{slug}-{hash:016x}")
}

/// FNV-1a over the parts (each followed by a NUL): a hash that is the same
/// in every Rust version, unlike `std`'s.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in part.as_bytes().iter().chain(&[0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// The workspace root: the outermost folder at or above the package (cargo
/// sets `CARGO_MANIFEST_DIR` for tests; else the working directory) whose
/// `Cargo.toml` declares `[workspace]`; the package folder if none does.
fn workspace_root() -> PathBuf {
    let start = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default();
    let declares_workspace = |dir: &Path| {
        fs::read_to_string(dir.join("Cargo.toml"))
            .is_ok_and(|t| t.lines().any(|l| l.trim() == "[workspace]"))
    };
    start
        .ancestors()
        .filter(|d| declares_workspace(d))
        .last()
        .map_or(start.clone(), Path::to_path_buf)
}

/// The suite of a recorded check: the package under test (cargo sets
/// `CARGO_PKG_NAME` when it runs tests), else the test file's name.
fn default_suite(source: &Source) -> String {
    std::env::var("CARGO_PKG_NAME")
        .ok()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| {
            Path::new(&source.file)
                .file_stem()
                .map_or("checks".into(), |s| s.to_string_lossy().into_owned())
        })
}

/// Records a `backprop-gradcheck` result as the check `"{name} [{dtype}]"`
/// into the folder named by [`BACKPROP_REPORT_DIR`](REPORT_DIR_ENV), with
/// the calling line as its source and the package under test as its suite.
/// Returns the fragment's path, or `None` (doing nothing) when the variable
/// is not set.
///
/// Call it before asserting, so a failing check is in the report too:
///
/// ```
/// use backprop_gradcheck::{check_derivative, Options};
///
/// let report = check_derivative(f64::exp, f64::exp, 0.3, &Options::default());
/// backprop_report::record("exp", &report);
/// assert!(report.passed(), "{report}");
/// ```
///
/// # Panics
///
/// When the variable is set but the check cannot be recorded (the folder
/// cannot be created, locked or written), with a message naming the
/// folder, the variable and the reason: whoever set the variable asked for
/// a report, and a CI run whose report silently lacks checks is worse than
/// a red test that says why. Use [`Recorder::record`] to handle the error
/// yourself.
#[track_caller]
pub fn record<R: ToCheckResult + ?Sized>(name: &str, result: &R) -> Option<PathBuf> {
    let source = Source::caller();
    let recorder = Recorder::from_env()?;
    let check = result
        .to_check_result(&default_suite(&source), name)
        .with_source(source);
    Some(record_or_panic(&recorder, check))
}

/// Records any check (for example one a framework adapter made) into the
/// folder named by [`BACKPROP_REPORT_DIR`](REPORT_DIR_ENV), giving it the
/// calling line as its source if it has none. Returns the fragment's path,
/// or `None` (doing nothing) when the variable is not set.
///
/// ```
/// use backprop_report::{CheckResult, Status};
///
/// backprop_report::record_check(CheckResult::new("my-ops", "gelu [f32]", Status::Pass, "ok"));
/// ```
///
/// # Panics
///
/// As [`record`]: when the variable is set but the check cannot be
/// recorded.
#[track_caller]
pub fn record_check(mut check: CheckResult) -> Option<PathBuf> {
    let source = Source::caller();
    let recorder = Recorder::from_env()?;
    check.source.get_or_insert(source);
    Some(record_or_panic(&recorder, check))
}

#[track_caller]
fn record_or_panic(recorder: &Recorder, check: CheckResult) -> PathBuf {
    match recorder.record(check) {
        Ok(path) => path,
        Err(e) => panic!(
            "backprop-report: {REPORT_DIR_ENV} asks for a report in {}, but the check cannot be recorded: {e}. \
             Make the folder writable, or unset {REPORT_DIR_ENV} to test without a report.",
            recorder.dir().display()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;

    #[test]
    fn fragment_keys_are_stable_readable_and_tell_sources_apart() {
        let a = CheckResult::new("ops", "conv1d(padding=1) [f64]", Status::Pass, "ok").with_source(
            Source {
                file: "tests/a.rs".into(),
                line: 3,
            },
        );
        let key = fragment_key(&a);
        assert!(key.starts_with("conv1d-padding-1-f64-"), "{key}");
        assert_eq!(key, fragment_key(&a.clone()));
        let mut b = a.clone();
        b.source = Some(Source {
            file: "tests/a.rs".into(),
            line: 4,
        });
        assert_ne!(key, fragment_key(&b));
        // FNV-1a of the empty input is its offset basis (a fixed value).
        assert_eq!(fnv1a(&[]), 0xcbf2_9ce4_8422_2325);
    }

    #[test]
    fn a_relative_folder_is_taken_from_the_workspace_root() {
        // cargo runs these tests in crates/report; the workspace is two up.
        let package = Path::new(env!("CARGO_MANIFEST_DIR"));
        let root = package.parent().and_then(Path::parent).expect("two up");
        assert_eq!(workspace_root(), root);
    }

    #[test]
    fn an_unwritable_folder_panics_naming_the_variable_and_the_folder() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("a-file");
        fs::write(&file, "not a folder").expect("writes");
        let recorder = Recorder::new(file.join("report"));
        let err = recorder
            .record(CheckResult::new("s", "n", Status::Pass, "ok"))
            .expect_err("a folder inside a file cannot be created");
        assert!(err.to_string().contains("cannot create"), "{err}");
        let panic = std::panic::catch_unwind(|| {
            record_or_panic(&recorder, CheckResult::new("s", "n", Status::Pass, "ok"))
        })
        .expect_err("panics");
        let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(message.contains(REPORT_DIR_ENV), "{message}");
        assert!(message.contains("a-file"), "{message}");
    }
}
