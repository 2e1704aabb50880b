//! The commands end to end: help, standard input, diagrams, check's exit
//! status, expressions that start with a minus.

mod common;

use common::{backprop, backprop_with_stdin};

#[test]
fn every_command_has_help_with_examples() {
    for command in [
        &["--help"][..],
        &["grad", "--help"],
        &["explain", "--help"],
        &["check", "--help"],
    ] {
        let run = backprop(command);
        assert_eq!(run.status, 0, "{command:?}");
        assert!(
            run.stdout.contains("Examples:"),
            "{command:?}:\n{}",
            run.stdout
        );
        assert!(run.stdout.contains("backprop "), "{command:?}");
    }
    let top = backprop(&["--help"]).stdout;
    for word in [
        "grad",
        "explain",
        "check",
        "sigmoid",
        "max(a, b)",
        "precedence",
        "Exit status",
    ] {
        assert!(top.contains(word), "{word} missing from --help:\n{top}");
    }
    let explain = backprop(&["explain", "--help"]).stdout;
    assert!(explain.contains("--dot <FILE>") && explain.contains("--svg <FILE>"));
    assert!(
        backprop(&["grad", "--help"])
            .stdout
            .contains("--at <NAME=VALUE,...>")
    );
}

#[test]
fn the_expression_can_come_from_standard_input() {
    let run = backprop_with_stdin(&["grad", "-", "x=1", "y=2"], Some("x^2 +\n  y^2\n"));
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "f = 5.0\ndf/dx = 2.0\ndf/dy = 4.0\n");
}

#[test]
fn long_and_deep_expressions_from_standard_input() {
    // 200,000 terms: far beyond a command-line argument's size limit.
    let terms = 200_000;
    let sum = vec!["x"; terms].join(" + ");
    let run = backprop_with_stdin(&["grad", "--json", "-", "x=0.5"], Some(&sum));
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "{\"value\":100000.0,\"grad\":{\"x\":200000.0}}\n"
    );

    // 100,000 nested parentheses: a result, not a stack overflow.
    let deep = format!("{}x{} * 3", "(".repeat(100_000), ")".repeat(100_000));
    let run = backprop_with_stdin(&["grad", "-", "x=2"], Some(&deep));
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "f = 6.0\ndf/dx = 3.0\n");
    // Unbalanced: an error pointing at the innermost unclosed `(`.
    let unclosed = format!("{}x", "(".repeat(100_000));
    let run = backprop_with_stdin(&["grad", "-", "x=2"], Some(&unclosed));
    assert_eq!(run.status, 2);
    assert!(
        run.stderr.starts_with("error: unbalanced parentheses"),
        "{}",
        run.stderr
    );
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert!(
        lines[1].starts_with("  ...(((") && lines[1].ends_with("(x"),
        "{}",
        run.stderr
    );
    assert_eq!(
        lines[2].find('^'),
        Some(lines[1].len() - 2),
        "under the last `(`"
    );
}

#[test]
fn expressions_may_start_with_a_minus() {
    let run = backprop(&["grad", "-x^2", "x=3"]);
    assert_eq!(run.stdout, "f = -9.0\ndf/dx = -6.0\n", "{}", run.stderr);
    let run = backprop(&["grad", "--json", "-2^-x", "--at", "x=1"]);
    assert_eq!(
        run.stdout,
        "{\"value\":-0.5,\"grad\":{\"x\":0.34657359027997264}}\n"
    );
}

#[test]
fn explain_writes_dot_and_svg_diagrams() {
    let dir = std::env::temp_dir().join(format!("backprop-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (dot, svg) = (dir.join("f.dot"), dir.join("f.svg"));
    let run = backprop(&[
        "explain",
        "(x + y) * z",
        "x=-2",
        "y=5",
        "z=-4",
        "--dot",
        dot.to_str().unwrap(),
        "--svg",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stderr.contains("wrote the circuit diagram (SVG)"));
    let dot_text = std::fs::read_to_string(&dot).unwrap();
    assert!(dot_text.starts_with("digraph"));
    assert!(dot_text.contains("value -12.0|grad 1.0"), "{dot_text}");
    let svg_text = std::fs::read_to_string(&svg).unwrap();
    let doc = roxmltree::Document::parse(&svg_text).expect("well-formed SVG");
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(str::trim)
        .collect();
    // The chain-rule cell's values and gradients are on the diagram.
    for expected in ["x + y", "value 3.0", "grad -4.0", "value -12.0", "grad 3.0"] {
        assert!(texts.contains(&expected), "{expected} missing: {texts:?}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unwritable_diagram_paths_exit_with_3() {
    let run = backprop(&["explain", "x * 2", "x=1", "--svg", "/nonexistent-dir/f.svg"]);
    assert_eq!(run.status, 3);
    assert!(
        run.stderr
            .starts_with("error: cannot write the SVG diagram to /nonexistent-dir/f.svg:"),
        "{}",
        run.stderr
    );
}

#[test]
fn check_reports_kinks_and_non_finite_gradients() {
    // relu at exactly 0 has no derivative: a kink, not a failure.
    let run = backprop(&["check", "relu(x) * y", "x=0", "y=2"]);
    assert_eq!(run.status, 0, "{}", run.stdout);
    assert!(run.stdout.contains("  x  kink"), "{}", run.stdout);
    // ... naming the convention backprop applied there.
    assert!(
        run.stdout.contains(
            "     backprop takes the left derivative: 0.0 (from the left 0.0, from the right 2.0)"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("  y  pass"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("verdict: pass (some variables sit on a kink")
    );

    // sqrt at 0: backprop's derivative is infinite; nothing to agree on.
    let run = backprop(&["check", "sqrt(x)", "x=0"]);
    assert_eq!(run.status, 1, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("  x  FAIL (a NaN or infinity on one side)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("verdict: FAIL"));
    assert!(run.stdout.contains("details (backprop-gradcheck):"));
    assert!(
        run.stderr.contains("`sqrt(x)` sends inf to `x`"),
        "{}",
        run.stderr
    );
}

#[test]
fn check_passes_on_every_function() {
    let expr = "sigmoid(a) * exp(b) + ln(c) - sqrt(c) / tanh(a) + relu(b) * abs(a) \
                + sin(b) * cos(c) + softplus(a) ^ 2 + recip(c) + max(a, b) * min(b, c) + log(c)";
    let run = backprop(&["check", expr, "--at", "a=0.3,b=1.7,c=2.5"]);
    assert_eq!(run.status, 0, "{}", run.stdout);
    assert_eq!(
        run.stdout.matches("pass\n").count(),
        3 + 1,
        "{}",
        run.stdout
    );
}

#[test]
fn check_without_variables_is_bad_input() {
    let run = backprop(&["check", "2 + 3"]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.starts_with("error: nothing to check"));
}

#[test]
fn explain_handles_expressions_without_operations() {
    let run = backprop(&["explain", "2 + 3"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("  f = constant = 5.0\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("nothing to propagate: f is a constant"));
    assert!(run.stdout.ends_with("gradients\n  (no variables)\n"));

    let run = backprop(&["explain", "x", "x=2"]);
    assert!(
        run.stdout
            .contains("nothing to propagate: f is the input x")
    );
    assert!(
        run.stdout.ends_with("gradients\n  df/dx = 1.0\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn explain_skips_what_constants_receive_and_shows_them_by_value() {
    let run = backprop(&["explain", "2 - x/3", "x=1"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("  [1] x/3 = x / 3   = 0.3333333333333333\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("  [2] f   = 2 - [1] = 1.6666666666666667\n"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("to 2:") && !run.stdout.contains("to 3:"),
        "{}",
        run.stdout
    );
    // d/dx (2 - x/3) = -1/3, sent through the division's local 1/3.
    assert!(
        run.stdout.ends_with("  df/dx = -0.3333333333333333\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn long_expressions_are_echoed_abbreviated() {
    // 1,000 terms: the header shows the start, the end and the length, not
    // all 5,997 characters of `2*x + 2*x + ...`.
    let sum = vec!["2*x"; 1000].join(" + ");
    let run = backprop_with_stdin(&["check", "-", "x=0.5"], Some(&sum));
    assert_eq!(run.status, 0, "{}", run.stderr);
    let header = run.stdout.lines().next().expect("a header line");
    assert!(header.starts_with("f = 2*x + 2*x"), "{header}");
    assert!(header.contains(" + … + 2*x"), "{header}");
    assert!(header.ends_with(" + 2*x (5997 characters)"), "{header}");
    assert!(run.stdout.len() < 2000, "{}", run.stdout);
}
