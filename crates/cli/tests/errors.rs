//! Bad input: a clear message with a caret under the offending characters,
//! nothing on standard output, exit status 2. Undefined math: a warning
//! naming the sub-expression.

mod common;

use common::{backprop, backprop_with_stdin};

/// Runs `args`, expects exit 2 and `stderr` exactly.
fn fails(args: &[&str], stderr: &str) {
    let run = backprop(args);
    assert_eq!(run.status, 2, "{args:?}: {}", run.stderr);
    assert_eq!(run.stdout, "", "{args:?}");
    assert_eq!(run.stderr, stderr, "{args:?}");
}

#[test]
fn unbalanced_parentheses() {
    fails(
        &["grad", "(x + y", "x=1", "y=2"],
        "error: unbalanced parentheses: this `(` is never closed\n  (x + y\n  ^\nhelp: add the missing `)`\n",
    );
    fails(
        &["grad", "x + y)", "x=1", "y=2"],
        "error: unbalanced parentheses: this `)` has no matching `(`\n  x + y)\n       ^\nhelp: remove it or add a `(` before it\n",
    );
}

#[test]
fn unknown_function() {
    fails(
        &["explain", "2 * sigmod(x)", "x=1"],
        "error: unknown function `sigmod`\n  2 * sigmod(x)\n      ^^^^^^\nhelp: did you mean `sigmoid`?\n",
    );
}

#[test]
fn wrong_number_of_arguments() {
    fails(
        &["grad", "sigmoid(x, y)", "x=1", "y=2"],
        "error: `sigmoid` takes 1 argument, but 2 were given\n  sigmoid(x, y)\n  ^^^^^^^\n",
    );
    fails(
        &["check", "x + max(x)", "x=1"],
        "error: `max` takes 2 arguments, but 1 was given\n  x + max(x)\n      ^^^\n",
    );
}

#[test]
fn variable_without_a_value() {
    fails(
        &["grad", "x * y", "x=1"],
        "error: no value for `y`\n  x * y\n      ^\nhelp: give it a value: y=1 (or --at y=1)\n",
    );
}

#[test]
fn value_for_a_variable_that_does_not_appear() {
    fails(
        &["grad", "x + y", "--at", "x=1,z=2,y=3"],
        "error: `z` does not appear in the expression\n  x=1,z=2,y=3\n      ^^^\nnote: its variables are x, y\n",
    );
}

#[test]
fn unparsable_numbers() {
    fails(
        &["grad", "x * 1.2.3", "x=1"],
        "error: unparsable number `1.2.3`: a number is digits with an optional fraction and exponent, like 3, 2.5, .5 or 1e-3\n  x * 1.2.3\n      ^^^^^\n",
    );
    fails(
        &["grad", "x", "x=3q"],
        "error: unparsable number `3q`: a number is digits with an optional fraction and exponent, like 3, 2.5, .5 or 1e-3\n  x=3q\n    ^^\n",
    );
}

#[test]
fn malformed_assignments() {
    fails(
        &["grad", "x", "x"],
        "error: `x` is not an assignment: expected name=value, like x=3\n  x\n  ^\nhelp: values are written name=value (x=3); quote an expression that contains spaces\n",
    );
    fails(
        &["grad", "x", "--at", "x=1,,"],
        "error: empty assignment: expected name=value\n  x=1,,\n      ^\n",
    );
    fails(
        &["grad", "x", "2x=1"],
        "error: `2x` is not a variable name: names start with a letter or `_` and go on with letters, digits and `_`\n  2x=1\n  ^^\n",
    );
    fails(
        &["grad", "x", "x="],
        "error: no value after `=`\n  x=\n    ^\n",
    );
    fails(
        &["grad", "x", "x=1", "x=2"],
        "error: `x` is given a value twice\n  x=2\n  ^^^\nnote: first given in `x=1`\n",
    );
}

#[test]
fn other_syntax_errors() {
    fails(
        &["grad", "x + * y", "x=1", "y=1"],
        "error: expected a number, a variable, a function call or `(`, found `*`\n  x + * y\n      ^\n",
    );
    fails(
        &["grad", "2 x", "x=1"],
        "error: expected an operator (+ - * / ^), `)` or the end, found `x`\n  2 x\n    ^\nhelp: write multiplication explicitly, as in 2*x\n",
    );
    let run = backprop(&["grad", ""]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.starts_with("error: the expression is empty\n"));
}

#[test]
fn errors_in_expressions_from_standard_input_name_the_line() {
    let run = backprop_with_stdin(&["grad", "-", "x=1"], Some("x *\n  (x + 1\n"));
    assert_eq!(run.status, 2);
    assert_eq!(
        run.stderr,
        "error: unbalanced parentheses: this `(` is never closed\n  line 2, column 3:\n    (x + 1\n    ^\nhelp: add the missing `)`\n"
    );
}

#[test]
fn usage_errors_exit_with_2_too() {
    let run = backprop(&["grad"]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("<EXPR>"), "{}", run.stderr);
    let run = backprop(&["frobnicate"]);
    assert_eq!(run.status, 2);
    let run = backprop(&["check", "x", "x=1", "--rtol", "-1"]);
    assert_eq!(run.status, 2);
    assert!(
        run.stderr
            .contains("--rtol must be a finite number of at least 0"),
        "{}",
        run.stderr
    );
}

#[test]
fn undefined_math_names_the_sub_expression() {
    for (expr, culprit, caret, reason) in [
        (
            "x + ln(-1)",
            "`ln(-1)` is NaN",
            "      ^^^^^^",
            "ln needs a positive input, got -1.0",
        ),
        (
            "sqrt(-x) * 2",
            "`sqrt(-x)` is NaN",
            "  ^^^^^^^^",
            "sqrt needs a positive input, got -1.0",
        ),
        ("x + 1/0", "`1/0` is inf", "      ^^^", "division by zero"),
    ] {
        let run = backprop(&["grad", expr, "x=1"]);
        assert_eq!(
            run.status, 0,
            "{expr}: the numbers are printed, with a warning"
        );
        assert_eq!(
            run.stderr,
            format!("warning: {culprit}: {reason}\n  {expr}\n{caret}\n"),
            "{expr}"
        );
        let json = backprop(&["grad", "--json", expr, "x=1"]);
        let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
        assert!(v["value"].is_null(), "{expr}: {}", json.stdout);
    }
    // A finite value with an infinite gradient: the backward step is named.
    let run = backprop(&["grad", "sqrt(x) + x", "x=0"]);
    assert_eq!(run.stdout, "f = 0.0\ndf/dx = inf\n");
    assert_eq!(
        run.stderr,
        "warning: the gradient is not finite: `sqrt(x)` sends inf to `x` (local derivative inf × upstream 1.0)\n  sqrt(x) + x\n  ^^^^^^^\n"
    );
}

#[test]
fn standard_input_that_is_not_text_is_bad_input() {
    let run = common::backprop_bytes_stdin(&["grad", "-", "x=1"], b"x + \xff");
    assert_eq!(run.status, 2);
    assert_eq!(
        run.stderr,
        "error: the expression on standard input is not UTF-8 text (invalid byte at offset 4)\n"
    );
}
