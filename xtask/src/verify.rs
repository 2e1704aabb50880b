//! `cargo xtask verify`: the project's main job.

use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::Instant;

/// Options of `cargo xtask verify`.
#[derive(clap::Args)]
pub struct Args {}

/// One stage: a cargo invocation with a human name.
struct Stage {
    name: &'static str,
    cargo_args: &'static [&'static str],
}

const STAGES: &[Stage] = &[
    Stage {
        name: "notebook snapshot tests",
        cargo_args: &[
            "test",
            "--quiet",
            "-p",
            "backprop-tests",
            "--test",
            "notebook",
        ],
    },
    Stage {
        name: "workspace tests",
        cargo_args: &["test", "--quiet", "--workspace"],
    },
];

fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .expect("xtask lives in the workspace root")
        .to_path_buf()
}

pub fn run(_args: &Args) -> ExitCode {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let total = STAGES.len();
    let mut failed = Vec::new();
    for (i, stage) in STAGES.iter().enumerate() {
        eprintln!("[{}/{total}] {} ...", i + 1, stage.name);
        let started = Instant::now();
        let status = Command::new(&cargo)
            .args(stage.cargo_args)
            .current_dir(workspace_root())
            // Verification only compares snapshots; it never writes them.
            .env("INSTA_UPDATE", "no")
            .env_remove("INSTA_FORCE_PASS")
            .status();
        let ok = matches!(status, Ok(s) if s.success());
        eprintln!(
            "[{}/{total}] {}: {} ({:.1}s)",
            i + 1,
            stage.name,
            if ok { "ok" } else { "FAILED" },
            started.elapsed().as_secs_f64()
        );
        if !ok {
            failed.push(stage.name);
        }
    }
    if failed.is_empty() {
        eprintln!("verify: all {total} stages passed");
        ExitCode::SUCCESS
    } else {
        eprintln!("verify: FAILED: {}", failed.join(", "));
        ExitCode::FAILURE
    }
}
