//! `cargo xtask audit candle`: check candle's gradients.
//!
//! The audit lives in `crates/candle` (binary `candle-audit`), the only
//! crate allowed to depend on candle; xtask does not, so `cargo xtask
//! verify` never builds candle. This command runs the binary through cargo
//! (`cargo run -p backprop-candle`, dev profile; `--release` for the
//! optimised build), forwards the options and returns its exit status: 0
//! when the failures are exactly the known findings and each still
//! reproduces, 1 otherwise.
//!
//! `--test-build` runs the `candle-audit` that `cargo test --workspace`
//! builds instead. Cargo unifies dependency features over the packages it
//! builds, so `cargo run -p backprop-candle` after `cargo test --workspace`
//! sees different features for some of candle's dependencies and compiles
//! candle a second time; CI avoids that.

use std::path::PathBuf;
use std::process::{Command, ExitCode};

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
    Candle(CandleArgs),
}

/// Options of `cargo xtask audit candle`.
#[derive(clap::Args, Debug, Clone)]
pub struct CandleArgs {
    /// Folder for the four reports [default: target/audit/candle in the
    /// workspace].
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
    /// Run the `candle-audit` that `cargo test --workspace` builds (the same
    /// dependency features, so nothing is compiled again after the tests).
    #[arg(long)]
    pub test_build: bool,
}

/// The `cargo run` command line that runs the candle audit.
pub fn candle_command(args: &CandleArgs) -> Command {
    let root = workspace_root();
    let report_dir = match &args.report_dir {
        Some(dir) if dir.is_absolute() => dir.clone(),
        Some(dir) => std::env::current_dir()
            .map(|cwd| cwd.join(dir))
            .unwrap_or_else(|_| dir.clone()),
        None => root.join("target/audit/candle"),
    };
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(&root).arg("run").arg("--quiet");
    if args.release {
        command.arg("--release");
    }
    command.args([
        "--package",
        "backprop-candle",
        "--bin",
        "candle-audit",
        "--",
    ]);
    command.arg("--report-dir").arg(report_dir);
    command.arg("--seed").arg(args.seed.to_string());
    if let Some(filter) = &args.filter {
        command.arg("--filter").arg(filter);
    }
    command
}

/// The cargo command line that builds every test target of the workspace,
/// printing the artifacts as JSON (to find `candle-audit` among them).
fn test_build_command() -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(workspace_root()).args([
        "test",
        "--workspace",
        "--no-run",
        "--message-format=json-render-diagnostics",
    ]);
    command
}

/// The `candle-audit` executable among cargo's JSON messages.
pub fn audit_executable(messages: &str) -> Option<PathBuf> {
    messages.lines().find_map(|line| {
        let v: serde_json::Value = serde_json::from_str(line).ok()?;
        let target = v.get("target")?;
        let is_audit = v.get("reason")?.as_str()? == "compiler-artifact"
            && target.get("name")?.as_str()? == "candle-audit"
            && target.get("kind")?.as_array()?.iter().any(|k| k == "bin")
            && !v.get("profile")?.get("test")?.as_bool()?;
        if !is_audit {
            return None;
        }
        Some(PathBuf::from(v.get("executable")?.as_str()?))
    })
}

/// `candle_command`'s arguments after `--`, on the executable `cargo test
/// --workspace` built.
fn test_build_audit(args: &CandleArgs) -> Result<Command, String> {
    let output = test_build_command()
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("could not run cargo test --no-run: {e}"))?;
    if !output.status.success() {
        return Err("cargo test --workspace --no-run failed".into());
    }
    let exe = audit_executable(&String::from_utf8_lossy(&output.stdout))
        .ok_or("cargo test --workspace built no candle-audit binary")?;
    let mut command = Command::new(exe);
    let forwarded = candle_command(args);
    let after_dash = forwarded
        .get_args()
        .skip_while(|a| *a != "--")
        .skip(1)
        .map(|a| a.to_owned())
        .collect::<Vec<_>>();
    command.current_dir(workspace_root()).args(after_dash);
    Ok(command)
}

/// Run the audit and return its exit status.
pub fn run(args: &Args) -> ExitCode {
    match &args.target {
        Target::Candle(candle) => {
            let command = if candle.test_build {
                test_build_audit(candle)
            } else {
                Ok(candle_command(candle))
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
                        eprintln!("error: the candle audit was killed by a signal");
                        ExitCode::FAILURE
                    }
                },
                Err(e) => {
                    eprintln!("error: could not run cargo for the candle audit: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn parse(list: &[&str]) -> CandleArgs {
        let cli = crate::Cli::try_parse_from(list).expect("valid arguments");
        match cli.command {
            crate::Command::Audit(Args {
                target: Target::Candle(c),
            }) => c,
            _ => panic!("not an audit"),
        }
    }

    fn argv(c: &Command) -> Vec<String> {
        c.get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn the_audit_runs_the_candle_binary_with_the_options_forwarded() {
        let a = parse(&[
            "cargo xtask",
            "audit",
            "candle",
            "--filter",
            "conv1d",
            "--seed",
            "7",
        ]);
        let c = candle_command(&a);
        let args = argv(&c);
        assert_eq!(&args[..2], ["run", "--quiet"]);
        assert!(
            args.windows(2)
                .any(|w| w == ["--package", "backprop-candle"])
        );
        assert!(args.windows(2).any(|w| w == ["--bin", "candle-audit"]));
        assert!(args.windows(2).any(|w| w == ["--filter", "conv1d"]));
        assert!(args.windows(2).any(|w| w == ["--seed", "7"]));
        assert!(!args.contains(&"--release".to_string()));
        let dir = args.iter().position(|a| a == "--report-dir").unwrap();
        assert!(
            args[dir + 1].ends_with("target/audit/candle"),
            "{}",
            args[dir + 1]
        );
        assert_eq!(c.get_current_dir(), Some(workspace_root().as_path()));
    }

    #[test]
    fn the_test_build_binary_is_found_among_cargos_messages() {
        let messages = [
            r#"{"reason":"compiler-artifact","target":{"kind":["lib"],"name":"backprop_candle"},"profile":{"test":false},"executable":null}"#,
            r#"{"reason":"compiler-artifact","target":{"kind":["bin"],"name":"candle-audit"},"profile":{"test":true},"executable":"/t/debug/deps/candle_audit-1"}"#,
            r#"{"reason":"compiler-artifact","target":{"kind":["bin"],"name":"candle-audit"},"profile":{"test":false},"executable":"/t/debug/candle-audit"}"#,
            r#"{"reason":"build-finished","success":true}"#,
        ]
        .join("\n");
        assert_eq!(
            audit_executable(&messages),
            Some(PathBuf::from("/t/debug/candle-audit"))
        );
        assert_eq!(audit_executable("not json\n"), None);
        let a = parse(&["cargo xtask", "audit", "candle", "--test-build"]);
        assert!(a.test_build);
        assert!(
            crate::Cli::try_parse_from([
                "cargo xtask",
                "audit",
                "candle",
                "--test-build",
                "--release"
            ])
            .is_err(),
            "a test build is a dev build"
        );
        let args: Vec<String> = test_build_command()
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(args[..3], ["test", "--workspace", "--no-run"]);
    }

    #[test]
    fn release_and_an_explicit_folder_are_forwarded() {
        let a = parse(&[
            "cargo xtask",
            "audit",
            "candle",
            "--release",
            "--report-dir",
            "/tmp/x",
        ]);
        let args = argv(&candle_command(&a));
        assert!(args.contains(&"--release".to_string()));
        assert!(args.windows(2).any(|w| w == ["--report-dir", "/tmp/x"]));
        assert!(
            crate::Cli::try_parse_from(["cargo xtask", "audit"]).is_err(),
            "a target is required"
        );
        assert!(crate::Cli::try_parse_from(["cargo xtask", "audit", "burn"]).is_err());
    }
}
