//! `cargo xtask audit candle|burn`: check a framework's gradients.
//!
//! Each audit lives in its adapter crate (`crates/candle`, binary
//! `candle-audit`; `crates/burn`, binary `burn-audit`), the only crate
//! allowed to depend on that framework; xtask does not, so `cargo xtask
//! verify` never builds either. This command runs the binary through cargo
//! (`cargo run -p backprop-<framework>`, dev profile; `--release` for the
//! optimised build), forwards the options and returns its exit status: 0
//! when the failures are exactly the known findings and each still
//! reproduces, 1 otherwise.
//!
//! `--test-build` runs the audit binary that `cargo test --workspace`
//! builds instead. Cargo unifies dependency features over the packages it
//! builds, so `cargo run -p backprop-burn` after `cargo test --workspace`
//! sees different features for some of the framework's dependencies and
//! compiles it a second time; CI avoids that.

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
    /// Folder for the four reports [default: target/audit/<framework> in
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
    /// Build and run the audit with the release profile.
    #[arg(long, conflicts_with = "test_build")]
    pub release: bool,
    /// Run the audit binary that `cargo test --workspace` builds (the same
    /// dependency features, so nothing is compiled again after the tests).
    #[arg(long)]
    pub test_build: bool,
}

/// Where a framework's audit lives: its package, binary and report folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Framework {
    /// Its name, as in `cargo xtask audit <name>`.
    pub name: &'static str,
    /// The package with the audit binary.
    pub package: &'static str,
    /// The binary.
    pub bin: &'static str,
}

/// candle's audit.
pub const CANDLE: Framework = Framework {
    name: "candle",
    package: "backprop-candle",
    bin: "candle-audit",
};

/// burn's audit.
pub const BURN: Framework = Framework {
    name: "burn",
    package: "backprop-burn",
    bin: "burn-audit",
};

fn cargo() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
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

/// The `cargo run` command line that runs a framework's audit.
pub fn command(framework: Framework, args: &FrameworkArgs) -> Command {
    let mut command = Command::new(cargo());
    command
        .current_dir(workspace_root())
        .arg("run")
        .arg("--quiet");
    if args.release {
        command.arg("--release");
    }
    command.args(["--package", framework.package, "--bin", framework.bin, "--"]);
    command.args(forwarded(framework, args));
    command
}

/// The cargo command line that builds every test target of the workspace,
/// printing the artifacts as JSON (to find the audit binary among them).
fn test_build_command() -> Command {
    let mut command = Command::new(cargo());
    command.current_dir(workspace_root()).args([
        "test",
        "--workspace",
        "--no-run",
        "--message-format=json-render-diagnostics",
    ]);
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

/// The audit binary `cargo test --workspace` built, with the options.
fn test_build_audit(framework: Framework, args: &FrameworkArgs) -> Result<Command, String> {
    let output = test_build_command()
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("could not run cargo test --no-run: {e}"))?;
    if !output.status.success() {
        return Err("cargo test --workspace --no-run failed".into());
    }
    let exe = executable_in(&String::from_utf8_lossy(&output.stdout), framework.bin)
        .ok_or_else(|| format!("cargo test --workspace built no {} binary", framework.bin))?;
    let mut command = Command::new(exe);
    command
        .current_dir(workspace_root())
        .args(forwarded(framework, args));
    Ok(command)
}

/// Run the audit and return its exit status.
pub fn run(args: &Args) -> ExitCode {
    let (framework, options) = args.target.split();
    let command = if options.test_build {
        test_build_audit(framework, options)
    } else {
        Ok(command(framework, options))
    };
    let mut command = match command {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match command.status() {
        Ok(status) => match status.code() {
            Some(0) => ExitCode::SUCCESS,
            Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
            None => {
                eprintln!("error: the {} audit was killed by a signal", framework.name);
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("error: could not run the {} audit: {e}", framework.name);
            ExitCode::FAILURE
        }
    }
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

    #[test]
    fn each_framework_runs_its_own_binary_and_report_folder() {
        for (name, framework) in [("candle", CANDLE), ("burn", BURN)] {
            let (parsed, options) = parse_target(&["cargo xtask", "audit", name, "--seed", "3"]);
            assert_eq!(parsed, framework);
            let args = argv(&command(parsed, &options));
            assert!(
                args.windows(2)
                    .any(|w| w == ["--package", framework.package])
            );
            assert!(args.windows(2).any(|w| w == ["--bin", framework.bin]));
            let dir = args.iter().position(|a| a == "--report-dir").unwrap();
            assert!(
                args[dir + 1].ends_with(&format!("target/audit/{name}")),
                "{}",
                args[dir + 1]
            );
        }
    }

    fn argv(c: &Command) -> Vec<String> {
        c.get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn the_audit_runs_the_burn_binary_with_the_options_forwarded() {
        let a = parse(&[
            "cargo xtask",
            "audit",
            "burn",
            "--filter",
            "conv1d",
            "--seed",
            "7",
        ]);
        let c = command(BURN, &a);
        let args = argv(&c);
        assert_eq!(&args[..2], ["run", "--quiet"]);
        assert!(args.windows(2).any(|w| w == ["--package", "backprop-burn"]));
        assert!(args.windows(2).any(|w| w == ["--bin", "burn-audit"]));
        assert!(args.windows(2).any(|w| w == ["--filter", "conv1d"]));
        assert!(args.windows(2).any(|w| w == ["--seed", "7"]));
        assert!(!args.contains(&"--release".to_string()));
        let dir = args.iter().position(|a| a == "--report-dir").unwrap();
        assert!(
            args[dir + 1].ends_with("target/audit/burn"),
            "{}",
            args[dir + 1]
        );
        assert_eq!(c.get_current_dir(), Some(workspace_root().as_path()));
    }

    #[test]
    fn release_and_an_explicit_folder_are_forwarded() {
        let a = parse(&[
            "cargo xtask",
            "audit",
            "burn",
            "--release",
            "--report-dir",
            "/tmp/x",
        ]);
        let args = argv(&command(BURN, &a));
        assert!(args.contains(&"--release".to_string()));
        assert!(args.windows(2).any(|w| w == ["--report-dir", "/tmp/x"]));
        assert!(
            crate::Cli::try_parse_from(["cargo xtask", "audit"]).is_err(),
            "a target is required"
        );
        assert!(crate::Cli::try_parse_from(["cargo xtask", "audit", "tensorflow"]).is_err());
    }

    #[test]
    fn the_test_build_binary_is_found_among_cargos_messages() {
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
        assert!(parse(&["cargo xtask", "audit", "burn", "--test-build"]).test_build);
        let both = ["cargo xtask", "audit", "burn", "--test-build", "--release"];
        assert!(
            crate::Cli::try_parse_from(both).is_err(),
            "a test build is a dev build"
        );
        assert_eq!(
            argv(&test_build_command())[..3],
            ["test", "--workspace", "--no-run"]
        );
    }
}
