//! Every workflow in `.github/workflows/`, and the recipe in
//! `crates/report/README.md`, is valid against the GitHub Actions workflow
//! schema (SchemaStore's, committed in `tests/data`).

use std::path::Path;

fn schema() -> serde_json::Value {
    let text = include_str!("data/github-workflow.schema.json");
    serde_json::from_str(text).expect("the committed schema is JSON")
}

fn workflows() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.github/workflows");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("workflow folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn workflows_match_the_github_actions_schema() {
    let validator = jsonschema::validator_for(&schema()).expect("schema compiles");
    let files = workflows();
    assert!(!files.is_empty(), "no workflow found");
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable");
        let doc: serde_json::Value = serde_yaml_ng::from_str(&text).expect("valid YAML");
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", file.display());
    }
}

/// The GitHub Actions recipe in `crates/report/README.md`, which users copy.
fn readme_recipe() -> String {
    let readme = include_str!("../../crates/report/README.md");
    let start = readme.find("```yaml\n").expect("a yaml block") + "```yaml\n".len();
    let len = readme[start..].find("```").expect("its end");
    readme[start..start + len].to_owned()
}

#[test]
fn the_report_readme_recipe_matches_the_schema() {
    let validator = jsonschema::validator_for(&schema()).expect("schema compiles");
    let recipe = readme_recipe();
    let doc: serde_json::Value = serde_yaml_ng::from_str(&recipe).expect("valid YAML");
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{recipe}\n{errors:#?}");
    for step in [
        "upload-artifact",
        "GITHUB_STEP_SUMMARY",
        "publish-unit-test-result-action",
        "BACKPROP_REPORT_DIR",
    ] {
        assert!(recipe.contains(step), "the recipe has {step}");
    }
}

#[test]
fn the_schema_rejects_a_broken_workflow() {
    // a job without `runs-on` or `uses`, and an unknown top-level key
    let validator = jsonschema::validator_for(&schema()).expect("schema compiles");
    let broken: serde_json::Value =
        serde_yaml_ng::from_str("on: push\nbogus: 1\njobs:\n  a:\n    steps:\n      - run: echo\n")
            .expect("valid YAML");
    assert!(!validator.is_valid(&broken));
}
