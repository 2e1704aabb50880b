//! candle and burn are heavy dependencies (burn about 170 crates): only
//! their adapter crates may depend on them, so `cargo xtask verify` and
//! every other crate build without them.

use std::path::{Path, PathBuf};

/// A framework, the dependency names that pull it in, and the one crate
/// allowed to.
struct Framework {
    name: &'static str,
    /// Prefixes of a dependency line in a manifest (and of a package name
    /// in the lock file) that mean "this framework".
    prefixes: &'static [&'static str],
    adapter: &'static str,
}

const FRAMEWORKS: [Framework; 2] = [
    Framework {
        name: "candle",
        prefixes: &["candle-"],
        adapter: "crates/candle",
    },
    Framework {
        name: "burn",
        prefixes: &["burn-", "burn ="],
        adapter: "crates/burn",
    },
];

fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
}

fn manifests(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable folder") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if path.is_dir() && name != "target" && !name.starts_with('.') {
            manifests(&path, found);
        } else if name == "Cargo.toml" {
            found.push(path);
        }
    }
}

#[test]
fn only_each_adapter_depends_on_its_framework() {
    let root = workspace_root();
    let mut found = Vec::new();
    manifests(root, &mut found);
    assert!(found.len() > 5, "{found:?}");
    for framework in &FRAMEWORKS {
        let adapter_manifest = Path::new(framework.adapter).join("Cargo.toml");
        let adapter_package = format!("backprop-{}", framework.name);
        for manifest in &found {
            let relative = manifest.strip_prefix(root).expect("inside the workspace");
            let allowed = relative == Path::new("Cargo.toml") || relative == adapter_manifest;
            let text = std::fs::read_to_string(manifest).expect("readable manifest");
            let uses = text.lines().map(str::trim_start).any(|l| {
                !l.starts_with("name")
                    && (l.starts_with(&adapter_package)
                        || framework.prefixes.iter().any(|p| l.starts_with(p)))
            });
            assert!(
                allowed || !uses,
                "{} depends on {}; only {} may",
                relative.display(),
                framework.name,
                framework.adapter
            );
        }
    }
}

#[test]
fn the_lock_file_has_each_framework_only_under_its_adapter() {
    // Every package that depends on a framework crate is one of that
    // framework's crates itself or its adapter.
    let lock = std::fs::read_to_string(workspace_root().join("Cargo.lock")).expect("Cargo.lock");
    for framework in &FRAMEWORKS {
        let adapter_package = format!("backprop-{}", framework.name);
        let is_framework = |name: &str| framework.prefixes.iter().any(|p| name.starts_with(p));
        for package in lock.split("[[package]]") {
            let name = package
                .lines()
                .find_map(|l| l.strip_prefix("name = \""))
                .map(|n| n.trim_end_matches('"'))
                .unwrap_or_default();
            let depends = package
                .lines()
                .filter_map(|l| l.trim_start().strip_prefix('"'))
                .any(is_framework);
            if depends {
                assert!(
                    is_framework(name) || name == adapter_package,
                    "{name} depends on a {} crate; only {adapter_package} may",
                    framework.name
                );
            }
        }
    }
}
