//! The checker and the report crate stay light: `backprop-gradcheck` and
//! `backprop-report` depend on none of the project's tensor stack
//! (`backprop-tensor`, and through it rayon; faer by default), and their
//! normal dependency trees stay within a fixed number of crates. The
//! project's self-check catalog, which needs the tensor ops, lives in
//! `backprop-selfcheck` instead.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// Crates that must not appear in either tree, nor any crate of their
/// families (`faer-ext`, `rayon-core`).
const FORBIDDEN: [&str; 3] = ["backprop-tensor", "faer", "rayon"];

fn forbidden(name: &str) -> bool {
    FORBIDDEN.iter().any(|f| {
        name == *f
            || name
                .strip_prefix(f)
                .is_some_and(|rest| rest.starts_with('-'))
    })
}

/// The distinct crates of `cargo tree -p PACKAGE -e normal --prefix none`
/// (the package itself included), each line without cargo's ` (*)` mark
/// of a subtree already shown.
fn normal_tree(package: &str) -> BTreeSet<String> {
    tree_in(None, package)
}

/// As [`normal_tree`], in the workspace of `manifest` (relative to the
/// root; `None`: the main workspace), with default features.
fn tree_in(manifest: Option<&str>, package: &str) -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root");
    let mut command = Command::new(env!("CARGO"));
    command.arg("tree");
    if let Some(manifest) = manifest {
        command.arg("--manifest-path").arg(root.join(manifest));
    }
    let output = command
        .args(["-p", package, "-e", "normal", "--prefix", "none"])
        .current_dir(root)
        .output()
        .expect("cargo tree runs");
    assert!(
        output.status.success(),
        "cargo tree -p {package} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("UTF-8 output")
        .lines()
        .map(|line| line.trim_end().trim_end_matches(" (*)").to_owned())
        .filter(|line| !line.is_empty())
        .collect()
}

/// The crate's name: the first word of a `cargo tree` line.
fn name(line: &str) -> &str {
    line.split_whitespace().next().unwrap_or_default()
}

fn assert_light(package: &str, at_most: usize) {
    let crates = normal_tree(package);
    let listing = crates.iter().cloned().collect::<Vec<_>>().join("\n  ");
    let forbidden: Vec<&str> = crates
        .iter()
        .map(|line| name(line))
        .filter(|n| forbidden(n))
        .collect();
    assert!(
        forbidden.is_empty(),
        "{package} depends on {forbidden:?} (none of {FORBIDDEN:?} may be in its normal \
         dependencies); its {} crates:\n  {listing}",
        crates.len()
    );
    assert!(
        crates.len() <= at_most,
        "{package} has {} distinct crates in its normal dependency tree, more than {at_most}:\n  \
         {listing}",
        crates.len()
    );
}

#[test]
fn the_checker_has_at_most_35_crates_and_no_tensor_stack() {
    assert_light("backprop-gradcheck", 35);
}

#[test]
fn the_report_crate_has_at_most_50_crates_and_no_tensor_stack() {
    assert_light("backprop-report", 50);
}

#[test]
fn the_self_check_is_where_the_tensor_stack_comes_in() {
    // Guards the test above against a tree that lists no crates at all, or
    // a name matching that never matches.
    let crates = normal_tree("backprop-selfcheck");
    assert!(
        crates.iter().any(|line| name(line) == "backprop-tensor"),
        "{crates:?}"
    );
}

/// An adapter used as a library (default features: `check` on one
/// function, no audit, no CLI) adds at most `at_most` crates to its
/// framework's own tree.
fn assert_adapter_light(manifest: &str, adapter: &str, framework: &str, at_most: usize) {
    let own = tree_in(Some(manifest), adapter);
    let base = tree_in(Some(manifest), framework);
    assert!(
        base.iter().any(|line| name(line) == framework),
        "{framework}'s own tree lists it: {base:?}"
    );
    let added: Vec<&String> = own.difference(&base).collect();
    let listing = added
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join("\n  ");
    assert!(
        added.len() <= at_most,
        "{adapter} adds {} crates to {framework}'s tree, more than {at_most}:\n  {listing}",
        added.len()
    );
    assert!(
        !added.iter().any(|line| name(line) == "clap"),
        "{adapter} pulls in clap (the audit's CLI) without its `audit` feature:\n  {listing}"
    );
}

#[test]
fn checking_one_candle_function_adds_at_most_30_crates_to_candle_nn() {
    assert_adapter_light(
        "crates/candle/Cargo.toml",
        "backprop-candle",
        "candle-nn",
        30,
    );
}

#[test]
fn checking_one_burn_function_adds_at_most_30_crates_to_burn_tensor() {
    assert_adapter_light("crates/burn/Cargo.toml", "backprop-burn", "burn-tensor", 30);
}
