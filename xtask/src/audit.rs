//! `cargo xtask audit candle|burn` and `cargo xtask test candle|burn`:
//! check a framework's gradients, and run its adapter's own tests.
//!
//! Each audit lives in its adapter crate (`crates/candle`, binary
//! `candle-audit`; `crates/burn`, binary `burn-audit`), the only crate
//! allowed to depend on that framework. Each adapter is a workspace of its
//! own, outside the main one, so the README's two commands never compile a
//! framework; xtask does not depend on them either, and drives cargo on the
//! adapter's manifest with the main workspace's `target/` folder.
//!
//! One build serves both commands: the audit runs the binary that the
//! adapter's `cargo test --no-run` builds (dev profile), and `cargo xtask
//! test` is that same `cargo test`. Cargo resolves the same features for
//! the same command, so whichever runs first compiles the framework and the
//! other compiles nothing. `--release` builds only the audit binary with
//! the release profile. The audit's exit status is returned: 0 when the
//! failures are exactly the known findings and each still reproduces, 1
//! otherwise.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};

use crate::workspace_root;

/// Options of `cargo xtask audit`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// The framework to audit.
    #[command(subcommand)]
    pub target: Target,
}

/// The frameworks the audit covers.
#[derive(clap::Subcommand, Debug, Clone)]
pub enum Target {
    /// Every differentiable op of candle-core and candle-nn (CPU), f64 and
    /// f32, against finite differences; writes report.json, junit.xml,
    /// report.md and report.html.
    Candle(FrameworkArgs),
    /// Every differentiable op of burn-tensor and the losses and norms of
    /// burn-nn (ndarray backend, CPU), f64 and f32, against finite
    /// differences; writes report.json, junit.xml, report.md and
    /// report.html.
    Burn(FrameworkArgs),
}

impl Target {
    /// The framework and the options it was given.
    fn split(&self) -> (Framework, &FrameworkArgs) {
        match self {
            Target::Candle(options) => (CANDLE, options),
            Target::Burn(options) => (BURN, options),
        }
    }
}

/// Options of `cargo xtask audit <framework>`.
#[derive(clap::Args, Debug, Clone)]
pub struct FrameworkArgs {
    /// Folder for the four reports [default: target/audit/FRAMEWORK in
    /// the workspace].
    #[arg(long, value_name = "DIR")]
    pub report_dir: Option<PathBuf>,
    /// Only checks whose name contains this text (case-insensitive), e.g.
    /// `conv1d`, `max_pool2d`, `[f32]`.
    #[arg(long, value_name = "NAME")]
    pub filter: Option<String>,
    /// Seed of the random inputs and upstream gradients.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed: u64,
    /// Build and run the audit with the release profile (a second build
    /// of the framework, optimised; the dev build is the tests' build).
    #[arg(long)]
    pub release: bool,
}

/// Options of `cargo xtask test`.
#[derive(clap::Args, Debug, Clone)]
pub struct TestArgs {
    /// The adapter whose tests to run: `candle` or `burn`.
    #[arg(value_parser = ["candle", "burn"])]
    pub framework: String,
    /// Passed on to `cargo test` (for example `--test findings`, or `--`
    /// and a test name).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub cargo_args: Vec<OsString>,
}

/// Where a framework's audit lives: its adapter's manifest and binary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Framework {
    /// Its name, as in `cargo xtask audit <name>`.
    pub name: &'static str,
    /// The adapter's manifest, relative to the workspace root (a workspace
    /// of its own).
    pub manifest: &'static str,
    /// The audit binary.
    pub bin: &'static str,
}

/// candle's audit.
pub const CANDLE: Framework = Framework {
    name: "candle",
    manifest: "crates/candle/Cargo.toml",
    bin: "candle-audit",
};

/// burn's audit.
pub const BURN: Framework = Framework {
    name: "burn",
    manifest: "crates/burn/Cargo.toml",
    bin: "burn-audit",
};

impl Framework {
    /// The framework called `name`, if there is one.
    pub fn named(name: &str) -> Option<Framework> {
        [CANDLE, BURN].into_iter().find(|f| f.name == name)
    }
}

fn cargo() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// The target folder every build shares: `CARGO_TARGET_DIR` when set, else
/// the main workspace's `target/` (the crates an adapter shares with the
/// main workspace are then built once).
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// `cargo <subcommand>` on the adapter's own workspace with its `audit`
/// feature (the catalog, findings and audit binary), in the shared target
/// folder.
fn cargo_on(framework: Framework, subcommand: &str) -> Command {
    let mut command = Command::new(cargo());
    command
        .current_dir(workspace_root())
        .arg(subcommand)
        .arg("--manifest-path")
        .arg(workspace_root().join(framework.manifest))
        .arg("--target-dir")
        .arg(target_dir())
        .args(["--features", "audit"]);
    command
}

/// The options the audit binary takes, as forwarded from `args`.
fn forwarded(framework: Framework, args: &FrameworkArgs) -> Vec<OsString> {
    let report_dir = match &args.report_dir {
        Some(dir) if dir.is_absolute() => dir.clone(),
        Some(dir) => std::env::current_dir()
            .map(|cwd| cwd.join(dir))
            .unwrap_or_else(|_| dir.clone()),
        None => workspace_root().join("target/audit").join(framework.name),
    };
    let mut list: Vec<OsString> = vec!["--report-dir".into(), report_dir.into()];
    list.extend(["--seed".into(), args.seed.to_string().into()]);
    if let Some(filter) = &args.filter {
        list.extend(["--filter".into(), filter.into()]);
    }
    list
}

/// The cargo command that builds the audit binary, printing the artifacts
/// as JSON (to find the binary among them): the adapter's `cargo test
/// --no-run` (the tests' own build), or with `release` the binary alone.
pub fn build_command(framework: Framework, release: bool) -> Command {
    let mut command = if release {
        let mut c = cargo_on(framework, "build");
        c.args(["--release", "--bin", framework.bin]);
        c
    } else {
        let mut c = cargo_on(framework, "test");
        c.arg("--no-run");
        c
    };
    command.arg("--message-format=json-render-diagnostics");
    command
}

/// `cargo test` on the adapter's workspace, with `extra` passed on.
pub fn test_command(framework: Framework, extra: &[OsString]) -> Command {
    let mut command = cargo_on(framework, "test");
    command.args(extra);
    command
}

/// The executable of binary `bin` (not its unit tests) among cargo's JSON
/// messages.
pub fn executable_in(messages: &str, bin: &str) -> Option<PathBuf> {
    messages.lines().find_map(|line| {
        let v: serde_json::Value = serde_json::from_str(line).ok()?;
        let target = v.get("target")?;
        let is_bin = v.get("reason")?.as_str()? == "compiler-artifact"
            && target.get("name")?.as_str()? == bin
            && target.get("kind")?.as_array()?.iter().any(|k| k == "bin")
            && !v.get("profile")?.get("test")?.as_bool()?;
        if !is_bin {
            return None;
        }
        Some(PathBuf::from(v.get("executable")?.as_str()?))
    })
}

/// Build the audit binary and return the command that runs it with the
/// options.
fn built_audit(framework: Framework, args: &FrameworkArgs) -> Result<Command, String> {
    let mut build = build_command(framework, args.release);
    let output = build.stderr(Stdio::inherit()).output().map_err(|e| {
        format!(
            "could not run cargo to build the {} audit: {e}",
            framework.name
        )
    })?;
    if !output.status.success() {
        return Err(format!(
            "building the {} audit failed ({})",
            framework.name,
            describe(&build)
        ));
    }
    let exe = executable_in(&String::from_utf8_lossy(&output.stdout), framework.bin).ok_or_else(
        || {
            format!(
                "cargo built no {} binary ({})",
                framework.bin,
                describe(&build)
            )
        },
    )?;
    let mut command = Command::new(exe);
    command
        .current_dir(workspace_root())
        .args(forwarded(framework, args));
    Ok(command)
}

/// A command line as text, for error messages.
fn describe(command: &Command) -> String {
    std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Run `command` and return its exit status as ours.
fn exit_status_of(mut command: Command, what: &str) -> ExitCode {
    match command.status() {
        Ok(status) => match status.code() {
            Some(0) => ExitCode::SUCCESS,
            Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
            None => {
                eprintln!("error: {what} was killed by a signal");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("error: could not run {what}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Run the audit and return its exit status.
pub fn run(args: &Args) -> ExitCode {
    let (framework, options) = args.target.split();
    match built_audit(framework, options) {
        Ok(command) => exit_status_of(command, &format!("the {} audit", framework.name)),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Run an adapter's tests and return cargo's exit status.
pub fn run_tests(args: &TestArgs) -> ExitCode {
    let framework = Framework::named(&args.framework).expect("clap checked the name");
    exit_status_of(
        test_command(framework, &args.cargo_args),
        &format!("the {} adapter's tests", framework.name),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn parse(list: &[&str]) -> FrameworkArgs {
        parse_target(list).1.clone()
    }

    fn parse_target(list: &[&str]) -> (Framework, FrameworkArgs) {
        let cli = crate::Cli::try_parse_from(list).expect("valid arguments");
        match cli.command {
            crate::Command::Audit(args) => {
                let (framework, options) = args.target.split();
                (framework, options.clone())
            }
            _ => panic!("not an audit"),
        }
    }

    fn argv(c: &Command) -> Vec<String> {
        c.get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    fn has_pair(args: &[String], pair: [&str; 2]) -> bool {
        args.windows(2).any(|w| w == pair)
    }

    #[test]
    fn each_framework_builds_its_own_workspace_into_the_shared_target_folder() {
        for (name, framework) in [("candle", CANDLE), ("burn", BURN)] {
            let (parsed, options) = parse_target(&["cargo xtask", "audit", name, "--seed", "3"]);
            assert_eq!(parsed, framework);
            let manifest = workspace_root().join(framework.manifest);
            assert!(manifest.is_file(), "{}", manifest.display());
            for release in [false, true] {
                let args = argv(&build_command(parsed, release));
                assert!(has_pair(
                    &args,
                    ["--manifest-path", &manifest.to_string_lossy()]
                ));
                let target = target_dir();
                assert!(has_pair(&args, ["--target-dir", &target.to_string_lossy()]));
                assert!(args.contains(&"--message-format=json-render-diagnostics".into()));
                assert!(has_pair(&args, ["--features", "audit"]));
            }
            let forwarded: Vec<String> = forwarded(parsed, &options)
                .into_iter()
                .map(|a| a.to_string_lossy().into_owned())
                .collect();
            let dir = forwarded.iter().position(|a| a == "--report-dir").unwrap();
            assert!(
                forwarded[dir + 1].ends_with(&format!("target/audit/{name}")),
                "{}",
                forwarded[dir + 1]
            );
            assert!(has_pair(&forwarded, ["--seed", "3"]));
        }
    }

    #[test]
    fn the_dev_audit_is_the_tests_build_and_release_builds_the_binary_alone() {
        let dev = argv(&build_command(BURN, false));
        assert_eq!(&dev[..1], ["test"]);
        assert!(dev.contains(&"--no-run".into()));
        assert!(!dev.contains(&"--release".into()));
        // `cargo xtask test burn` is the same cargo command, so it shares
        // the build.
        let tests = argv(&test_command(BURN, &[]));
        assert_eq!(tests[..], dev[..tests.len()]);
        let release = argv(&build_command(BURN, true));
        assert_eq!(&release[..1], ["build"]);
        assert!(release.contains(&"--release".into()));
        assert!(has_pair(&release, ["--bin", "burn-audit"]));
        assert!(!release.contains(&"--no-run".into()));
    }

    #[test]
    fn filter_seed_release_and_an_explicit_folder_are_taken() {
        let a = parse(&[
            "cargo xtask",
            "audit",
            "burn",
            "--release",
            "--filter",
            "conv1d",
            "--seed",
            "7",
            "--report-dir",
            "/tmp/x",
        ]);
        assert!(a.release);
        let forwarded: Vec<String> = forwarded(BURN, &a)
            .into_iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert!(has_pair(&forwarded, ["--filter", "conv1d"]));
        assert!(has_pair(&forwarded, ["--seed", "7"]));
        assert!(has_pair(&forwarded, ["--report-dir", "/tmp/x"]));
        assert!(!parse(&["cargo xtask", "audit", "candle"]).release);
        assert!(
            crate::Cli::try_parse_from(["cargo xtask", "audit"]).is_err(),
            "a target is required"
        );
        assert!(crate::Cli::try_parse_from(["cargo xtask", "audit", "tensorflow"]).is_err());
    }

    #[test]
    fn test_passes_its_arguments_on_to_cargo_test() {
        let cli = crate::Cli::try_parse_from([
            "cargo xtask",
            "test",
            "candle",
            "--test",
            "findings",
            "--",
            "--nocapture",
        ])
        .expect("valid arguments");
        let crate::Command::Test(args) = cli.command else {
            panic!("not a test command")
        };
        let framework = Framework::named(&args.framework).unwrap();
        assert_eq!(framework, CANDLE);
        let argv = argv(&test_command(framework, &args.cargo_args));
        let tail = &argv[argv.len() - 4..];
        assert_eq!(tail, ["--test", "findings", "--", "--nocapture"]);
        assert!(crate::Cli::try_parse_from(["cargo xtask", "test", "tensorflow"]).is_err());
    }

    #[test]
    fn the_audit_binary_is_found_among_cargos_messages() {
        let messages = [
            r#"{"reason":"compiler-artifact","target":{"kind":["lib"],"name":"backprop_burn"},"profile":{"test":false},"executable":null}"#,
            r#"{"reason":"compiler-artifact","target":{"kind":["bin"],"name":"burn-audit"},"profile":{"test":true},"executable":"/t/debug/deps/burn_audit-1"}"#,
            r#"{"reason":"compiler-artifact","target":{"kind":["bin"],"name":"burn-audit"},"profile":{"test":false},"executable":"/t/debug/burn-audit"}"#,
            r#"{"reason":"build-finished","success":true}"#,
        ]
        .join("\n");
        assert_eq!(
            executable_in(&messages, "burn-audit"),
            Some(PathBuf::from("/t/debug/burn-audit"))
        );
        assert_eq!(executable_in(&messages, "candle-audit"), None);
        assert_eq!(executable_in("not json\n", "burn-audit"), None);
    }
}
