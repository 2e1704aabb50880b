//! Every workflow in `.github/workflows/` is valid against the GitHub
//! Actions workflow schema (SchemaStore's, committed in `tests/data`).

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

#[test]
fn the_schema_rejects_a_broken_workflow() {
    // a job without `runs-on` or `uses`, and an unknown top-level key
    let validator = jsonschema::validator_for(&schema()).expect("schema compiles");
    let broken: serde_json::Value =
        serde_yaml_ng::from_str("on: push\nbogus: 1\njobs:\n  a:\n    steps:\n      - run: echo\n")
            .expect("valid YAML");
    assert!(!validator.is_valid(&broken));
}
