//! candle is a heavy dependency: only `crates/candle` may depend on it, so
//! `cargo xtask verify` and every other crate build without it.

use std::path::Path;

fn manifests(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
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
fn only_the_candle_adapter_depends_on_candle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root");
    let mut found = Vec::new();
    manifests(root, &mut found);
    assert!(found.len() > 5, "{found:?}");
    for manifest in found {
        let relative = manifest.strip_prefix(root).expect("inside the workspace");
        let text = std::fs::read_to_string(&manifest).expect("readable manifest");
        let allowed = relative == Path::new("Cargo.toml")
            || relative == Path::new("crates/candle/Cargo.toml");
        for dependency in ["candle-core", "candle-nn", "backprop-candle"] {
            let uses = text.lines().any(|l| {
                l.trim_start().starts_with(dependency) && !l.trim_start().starts_with("name")
            });
            assert!(
                allowed || !uses,
                "{} depends on {dependency}; only crates/candle may",
                relative.display()
            );
        }
    }
}
