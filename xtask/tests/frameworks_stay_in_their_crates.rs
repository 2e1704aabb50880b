//! candle and burn are heavy dependencies (burn about 170 crates): only
//! their adapter crates may depend on them, and each adapter is a workspace
//! of its own, so `cargo xtask verify`, `cargo test --workspace` and every
//! other crate build without them.

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

/// Each `[[package]]` of a lock file: its name and whether it depends on a
/// crate whose name starts with one of `prefixes`.
fn packages(lock: &str, prefixes: &[&str]) -> Vec<(String, bool)> {
    lock.split("[[package]]")
        .map(|package| {
            let name = package
                .lines()
                .find_map(|l| l.strip_prefix("name = \""))
                .map(|n| n.trim_end_matches('"'))
                .unwrap_or_default()
                .to_string();
            let depends = package
                .lines()
                .filter_map(|l| l.trim_start().strip_prefix('"'))
                .any(|d| prefixes.iter().any(|p| d.starts_with(p)));
            (name, depends)
        })
        .collect()
}

#[test]
fn the_main_workspace_resolves_no_framework_at_all() {
    let root = workspace_root();
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).expect("Cargo.lock");
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("Cargo.toml");
    for framework in &FRAMEWORKS {
        for (name, depends) in packages(&lock, framework.prefixes) {
            let is_framework = framework.prefixes.iter().any(|p| name.starts_with(p));
            assert!(
                !is_framework && !depends && name != format!("backprop-{}", framework.name),
                "the main workspace's Cargo.lock holds {name}: {} would be built by \
                 `cargo test --workspace`",
                framework.name
            );
        }
        assert!(
            manifest.contains(&format!("\"{}\"", framework.adapter)),
            "the root manifest must exclude {}",
            framework.adapter
        );
        let own = std::fs::read_to_string(root.join(framework.adapter).join("Cargo.toml"))
            .expect("adapter manifest");
        assert!(
            own.lines().any(|l| l.trim() == "[workspace]"),
            "{} is a workspace of its own",
            framework.adapter
        );
    }
}

#[test]
fn each_adapters_lock_file_has_its_framework_only_under_the_adapter() {
    // Every package that depends on a framework crate is one of that
    // framework's crates itself or its adapter.
    for framework in &FRAMEWORKS {
        let path = workspace_root().join(framework.adapter).join("Cargo.lock");
        let lock = std::fs::read_to_string(&path).expect("the adapter's Cargo.lock");
        let adapter_package = format!("backprop-{}", framework.name);
        let is_framework = |name: &str| framework.prefixes.iter().any(|p| name.starts_with(p));
        let listed = packages(&lock, framework.prefixes);
        assert!(listed.iter().any(|(name, _)| name == &adapter_package));
        for (name, depends) in listed {
            if depends {
                assert!(
                    is_framework(&name) || name == adapter_package,
                    "{name} depends on a {} crate; only {adapter_package} may",
                    framework.name
                );
            }
        }
    }
}
