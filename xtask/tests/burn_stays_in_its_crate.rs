//! burn is a heavy dependency (about 170 crates): only `crates/burn` may
//! depend on it, so `cargo xtask verify` and every other crate build
//! without it.

use std::path::{Path, PathBuf};

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
fn only_the_burn_adapter_depends_on_burn() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root");
    let mut found = Vec::new();
    manifests(root, &mut found);
    assert!(found.len() > 5, "{found:?}");
    for manifest in found {
        let relative = manifest.strip_prefix(root).expect("inside the workspace");
        let text = std::fs::read_to_string(&manifest).expect("readable manifest");
        let allowed =
            relative == Path::new("Cargo.toml") || relative == Path::new("crates/burn/Cargo.toml");
        let uses = text.lines().any(|l| {
            let l = l.trim_start();
            (l.starts_with("burn-") || l.starts_with("burn =") || l.starts_with("backprop-burn"))
                && !l.starts_with("name")
        });
        assert!(
            allowed || !uses,
            "{} depends on burn; only crates/burn may",
            relative.display()
        );
    }
}

#[test]
fn the_lock_file_has_burn_only_under_the_adapter() {
    // Every package that depends on a burn crate is a burn crate itself or
    // backprop-burn.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root");
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).expect("Cargo.lock");
    for package in lock.split("[[package]]") {
        let name = package
            .lines()
            .find_map(|l| l.strip_prefix("name = \""))
            .map(|n| n.trim_end_matches('"'))
            .unwrap_or_default();
        let depends_on_burn = package
            .lines()
            .any(|l| l.trim_start().starts_with("\"burn-"));
        if depends_on_burn {
            assert!(
                name.starts_with("burn-") || name == "backprop-burn",
                "{name} depends on a burn crate; only backprop-burn may"
            );
        }
    }
}
