//! The lecture notebook's cells through the binary. Expected numbers are
//! the notebook's own printed output (crates/notebook/data/
//! backprop-notebook.txt, cells In [3], In [4], In [8] and In [12]).

mod common;

use backprop_gates::ulps_between;
use common::{backprop, grad_json};

fn f64_of(v: &serde_json::Value) -> f64 {
    v.as_f64().expect("a number")
}

/// Checks the JSON gradients against the notebook, within `ulps`.
fn assert_cell(args: &[&str], f: Option<f64>, expected: &[(&str, f64)], ulps: u64) {
    let (value, grads) = grad_json(args);
    if let Some(f) = f {
        let got = f64_of(&value);
        assert!(ulps_between(got, f) <= ulps, "f: {got:?} vs {f:?}");
    }
    let names: Vec<&str> = grads.iter().map(|(k, _)| k.as_str()).collect();
    let expected_names: Vec<&str> = expected.iter().map(|(k, _)| *k).collect();
    assert_eq!(names, expected_names, "order of first appearance");
    for ((name, got), (_, want)) in grads.iter().zip(expected) {
        let got = f64_of(got);
        assert!(
            ulps_between(got, *want) <= ulps,
            "d/d{name}: {got:?} vs {want:?}"
        );
    }
}

// In [8]: f: 1.5456448841066441; In [12]: [final] dfdx: 2.0595697955721652,
// dfdy: 1.5922327514838093.
const F: f64 = 1.5456448841066441;
const DFDX: f64 = 2.0595697955721652;
const DFDY: f64 = 1.5922327514838093;

#[test]
fn cell_8_and_12_as_a_division_within_two_ulp() {
    assert_cell(
        &["(x + sigmoid(y)) / (sigmoid(x) + (x + y)^2)", "x=3", "y=-4"],
        Some(F),
        &[("x", DFDX), ("y", DFDY)],
        2,
    );
}

#[test]
fn cell_8_and_12_in_the_notebooks_stages_to_the_last_digit() {
    assert_cell(
        &[
            "(x + sigmoid(y)) * recip(sigmoid(x) + (x + y)^2)",
            "--at",
            "x=3,y=-4",
        ],
        Some(F),
        &[("x", DFDX), ("y", DFDY)],
        0,
    );
}

#[test]
fn cell_3_chain_rule() {
    // dfdx = -4.0, dfdy = -4.0, dfdz = 3; f = q * z = 3 * -4.
    assert_cell(
        &["(x + y) * z", "x=-2", "y=5", "z=-4"],
        Some(-12.0),
        &[("x", -4.0), ("y", -4.0), ("z", 3.0)],
        0,
    );
}

#[test]
fn cell_4_sigmoid_neuron() {
    // dfdx: [0.3932238664829637, -0.5898357997244456],
    // dfdw: [-0.19661193324148185, -0.3932238664829637, 0.19661193324148185]
    assert_cell(
        &[
            "sigmoid(w0*x0 + w1*x1 + w2)",
            "--at",
            "w0=2,w1=-3,w2=-3",
            "--at",
            "x0=-1,x1=-2",
        ],
        None,
        &[
            ("w0", -0.19661193324148185),
            ("x0", 0.3932238664829637),
            ("w1", -0.3932238664829637),
            ("x1", -0.5898357997244456),
            ("w2", 0.19661193324148185),
        ],
        0,
    );
}

#[test]
fn grad_prints_value_and_gradients_as_text() {
    let run = backprop(&["grad", "(x + y) * z", "x=-2", "y=5", "z=-4"]);
    assert_eq!(run.status, 0);
    assert_eq!(
        run.stdout,
        "f = -12.0\ndf/dx = -4.0\ndf/dy = -4.0\ndf/dz = 3.0\n"
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn json_is_one_object_in_order_of_first_appearance() {
    let run = backprop(&["grad", "--json", "z * y + x", "x=1", "y=2", "z=3"]);
    assert_eq!(
        run.stdout,
        "{\"value\":7.0,\"grad\":{\"z\":2.0,\"y\":3.0,\"x\":1.0}}\n"
    );
    let (value, grads) = grad_json(&["0.1 * x", "x=1"]);
    assert_eq!(value, serde_json::json!(0.1), "shortest round-trip digits");
    assert_eq!(grads[0].1, serde_json::json!(0.1));
}

#[test]
fn explain_shows_the_notebooks_stages() {
    let run = backprop(&[
        "explain",
        "(x + sigmoid(y)) * recip(sigmoid(x) + (x + y)^2)",
        "x=3",
        "y=-4",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let out = &run.stdout;
    // In [8]'s forward values, each on its stage's line.
    for (stage, value) in [
        ("sigmoid(y)", "0.01798620996209156"),
        ("x + sigmoid(y)", "3.0179862099620918"),
        ("sigmoid(x)", "0.9525741268224334"),
        ("(x + y)^2", "1.0"),
        ("sigmoid(x) + (x + y)^2", "1.9525741268224333"),
        ("recip(sigmoid(x) + (x + y)^2)", "0.5121444488396316"),
        ("f", "1.5456448841066441"),
    ] {
        assert!(
            out.lines()
                .any(|l| l.contains(&format!("] {stage} ")) && l.ends_with(&format!("= {value}"))),
            "forward stage {stage} = {value} missing:\n{out}"
        );
    }
    // In [12]'s backward steps: dfdnum, dfdinvden, dfdden, dfdxpy, and the
    // three contributions to x and two to y.
    for sent in [
        "= 0.5121444488396316",   // dnum = invden
        "= 3.0179862099620918",   // dinvden = num
        "= -0.7915934472725935",  // dden
        "= 1.583186894545187",    // dxpy (and dx, dy from x + y)
        "= -0.03576154781265359", // dx += from sig(x)
        "= 0.009045856938622317", // dy += from sig(y)
    ] {
        assert!(out.contains(sent), "backward step {sent} missing:\n{out}");
    }
    // dx accumulates over three paths, ending at the notebook's [final].
    assert!(out.contains("dx is now 2.0595697955721652"), "{out}");
    assert!(out.contains("dy is now 1.5922327514838093"), "{out}");
    let gradients = out
        .split("\ngradients\n")
        .nth(1)
        .expect("a gradients section");
    assert_eq!(
        gradients,
        "  df/dx = 2.0595697955721652\n  df/dy = 1.5922327514838093\n"
    );
    // Forward comes before backward, stages are numbered in forward order.
    let forward = out.find("forward pass").unwrap();
    let backward = out.find("backward pass").unwrap();
    assert!(forward < backward);
    assert!(
        out.contains("[8] f                             = [2] * [7]"),
        "{out}"
    );
}

#[test]
fn check_passes_on_the_notebook_expression() {
    let run = backprop(&[
        "check",
        "(x + sigmoid(y)) / (sigmoid(x) + (x + y)^2)",
        "x=3",
        "y=-4",
    ]);
    assert_eq!(run.status, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("  x  pass\n"), "{}", run.stdout);
    assert!(run.stdout.contains("  y  pass\n"), "{}", run.stdout);
    assert!(
        run.stdout.contains("backprop 2.0595697955721652"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.ends_with("verdict: pass\n"), "{}", run.stdout);
}
