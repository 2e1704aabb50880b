//! `backprop explain --html`: the page is self-contained, has every stage
//! and step that `explain` prints (step count = forward stages + backward
//! steps), the same numbers, and stays small for large expressions.

mod common;

use common::page::{assert_self_contained, backward_steps, forward_stages, page_data};
use common::{backprop, backprop_with_stdin};

const IN_12: &str = "(x + sigmoid(y)) / (sigmoid(x) + (x + y)^2)";

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("backprop-stepper-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `explain EXPR VALUES --html FILE`: explain's text and the page.
fn explain_with_page(expr: &str, values: &[&str], name: &str) -> (String, String) {
    let path = scratch(name).join("page.html");
    let mut args = vec!["explain", expr];
    args.extend_from_slice(values);
    args.extend_from_slice(&["--html", path.to_str().unwrap()]);
    let run = backprop(&args);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("wrote the step-by-step page"),
        "{}",
        run.stderr
    );
    (
        run.stdout,
        std::fs::read_to_string(&path).expect("the page"),
    )
}

/// The page against `explain`'s own text: every forward stage with its
/// value, every backward step in order, and nothing else.
fn assert_page_matches_explain(explain: &str, html: &str) {
    assert_self_contained(html);
    let data = page_data(html);
    let nodes = data["nodes"].as_array().unwrap();
    let steps = data["steps"].as_array().unwrap();
    let forward = forward_stages(explain);
    let backward = backward_steps(explain);
    assert_eq!(steps.len(), forward.len() + backward.len(), "step count");
    for (k, (reference, value)) in forward.iter().enumerate() {
        let node = &nodes[steps[k]["f"].as_u64().expect("a forward step") as usize];
        assert_eq!(&node["ref"], reference.as_str());
        assert_eq!(&node["value"], value.as_str(), "{reference}");
        assert!(
            html.contains(&format!("id=\"n{}\"", node["id"])),
            "{reference} drawn"
        );
    }
    for (k, reference) in backward.iter().enumerate() {
        let step = &steps[forward.len() + k];
        let node = &nodes[step["b"].as_u64().expect("a backward step") as usize];
        assert_eq!(&node["ref"], reference.as_str());
    }
}

#[test]
fn the_notebooks_in_12_page_has_every_stage_and_step() {
    let (explain, html) = explain_with_page(IN_12, &["x=3", "y=-4"], "in12");
    assert_page_matches_explain(&explain, &html);
    // 7 stages forward, 7 steps backward, as `explain` prints.
    assert_eq!(page_data(&html)["steps"].as_array().unwrap().len(), 14);
    assert!(html.contains("f = (x + sigmoid(y)) / (sigmoid(x) + (x + y)^2)\nat x = 3.0, y = -4.0"));
}

#[test]
fn constants_fan_out_and_odd_names_give_a_matching_page() {
    for (expr, values) in [
        ("max(x, 2) * 3 + x^2.5 + 2^x", &["x=3"][..]),
        ("x * x * x + x", &["x=-1.5"]),
        (
            "sigmoid(w0*x0 + w1*x1 + w2)",
            &["w0=2", "w1=-3", "w2=-3", "x0=-1", "x1=-2"],
        ),
        ("ln(0) + x", &["x=1"]),
        ("x", &["x=2"]),
        ("2 * 3", &[]),
    ] {
        let (explain, html) = explain_with_page(expr, values, "various");
        assert_page_matches_explain(&explain, &html);
    }
}

#[test]
fn a_200_node_expression_gives_a_page_under_1_mb() {
    // 40 terms of 5 operations plus 40 sums: 240 operations on 3 inputs.
    let terms: Vec<String> = (0..40)
        .map(|i| format!("tanh(x * {i} + y) * sigmoid(z - {i})"))
        .collect();
    let expr = terms.join(" + ");
    let (explain, html) = explain_with_page(&expr, &["x=0.3", "y=-0.2", "z=1.5"], "large");
    assert_page_matches_explain(&explain, &html);
    let nodes = page_data(&html)["nodes"].as_array().unwrap().len();
    assert!(nodes >= 200, "{nodes} nodes");
    assert!(html.len() < 1_000_000, "{} bytes", html.len());
}

#[test]
fn the_expression_can_come_from_standard_input() {
    let path = scratch("stdin").join("page.html");
    let run = backprop_with_stdin(
        &[
            "explain",
            "-",
            "x=-2",
            "y=5",
            "z=-4",
            "--html",
            path.to_str().unwrap(),
        ],
        Some("(x + y) * z"),
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.contains("df/dz = 3.0"), "{}", run.stdout);
    let html = std::fs::read_to_string(&path).unwrap();
    assert_page_matches_explain(&run.stdout, &html);
}

#[test]
fn an_unwritable_page_is_an_io_error() {
    let run = backprop(&[
        "explain",
        "x * 2",
        "x=1",
        "--html",
        "/nonexistent-dir/f.html",
    ]);
    assert_eq!(run.status, 3, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("error: cannot write the step-by-step page to /nonexistent-dir/f.html:"),
        "{}",
        run.stderr
    );
}
