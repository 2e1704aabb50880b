//! `backprop explain`: the forward pass stage by stage, then the backward
//! pass stage by stage, in the spirit of the notebook's cells `In [8]` and
//! `In [12]`.

use std::collections::HashMap;
use std::fmt::Write;
use std::path::Path;

use backprop_expr::Naming;
use backprop_gates::{Binary, Gate, Unary};
use backprop_graph::{Graph, NodeId};

use crate::args::Input;
use crate::input::{Prepared, non_finite_warnings, number};
use crate::output::Output;
use crate::report::{Diagnostic, Failure};

/// A stage's computation in terms of its inputs' references, written the
/// way the expression language would (`[4]^2`, `x + [1]`, `sigmoid(y)`).
fn formula(gate: Gate, args: &[String]) -> String {
    let a = args.first().map_or("?", String::as_str);
    let b = args.get(1).map_or("?", String::as_str);
    match gate {
        Gate::Unary(u) => match u {
            Unary::Neg => format!("-{a}"),
            Unary::AddConst(c) if c < 0.0 => format!("{a} - {}", number(-c)),
            Unary::AddConst(c) => format!("{a} + {}", number(c)),
            Unary::MulConst(c) => format!("{} * {a}", number(c)),
            Unary::Powi(n) => format!("{a}^{n}"),
            Unary::Powf(c) => format!("{a}^{}", number(c)),
            other => format!("{}({a})", other.name()),
        },
        Gate::Binary(g) => match g {
            Binary::Add => format!("{a} + {b}"),
            Binary::Sub => format!("{a} - {b}"),
            Binary::Mul => format!("{a} * {b}"),
            Binary::Div => format!("{a} / {b}"),
            Binary::Pow => format!("{a}^{b}"),
            other => format!("{}({a}, {b})", other.name()),
        },
    }
}

/// Runs `explain`, writing the diagrams if asked.
pub fn run(input: &Input, dot: Option<&Path>, svg: Option<&Path>) -> Result<Output, Failure> {
    let prepared = Prepared::new(input)?;
    let graph = Graph::with_capacity(prepared.expr.nodes().len());
    let eval = prepared.evaluate(&graph, Naming::SubExpressions)?;
    let output = eval.output();
    let trace = graph.trace(output);
    let grads = &trace.gradients;

    // Stages are the operations, numbered in creation (forward) order.
    let mut stage: HashMap<NodeId, usize> = HashMap::with_capacity(trace.steps.len());
    for (k, step) in trace.steps.iter().rev().enumerate() {
        stage.insert(step.node, k + 1);
    }
    let reference = |id: NodeId| match stage.get(&id) {
        Some(k) => format!("[{k}]"),
        None => graph.label(id),
    };
    let variables: Vec<(NodeId, &str)> = eval
        .inputs()
        .iter()
        .zip(prepared.expr.variables())
        .map(|(v, var)| (v.id(), var.name.as_str()))
        .collect();
    let is_variable = |id: NodeId| variables.iter().any(|&(v, _)| v == id);

    let mut out = prepared.header("f");

    // Forward pass: one row per input, then per stage.
    out.push_str("\nforward pass (inputs, then each stage in evaluation order)\n");
    let mut rows: Vec<[String; 4]> = variables
        .iter()
        .map(|&(id, name)| {
            let value = graph.node(id.index()).expect("leaf").value();
            [
                String::new(),
                name.to_owned(),
                "input".into(),
                number(value),
            ]
        })
        .collect();
    let output_is_constant = trace.steps.is_empty() && !is_variable(output.id());
    if output_is_constant {
        rows.push([
            String::new(),
            "f".into(),
            "constant".into(),
            number(output.value()),
        ]);
    }
    for step in trace.steps.iter().rev() {
        let args: Vec<String> = step.sends.iter().map(|c| reference(c.to)).collect();
        rows.push([
            reference(step.node),
            step.label.clone(),
            formula(step.gate, &args),
            number(step.value),
        ]);
    }
    table(&mut out, &rows);

    // Backward pass.
    out.push_str(
        "\nbackward pass (each stage, from the output down, sends to each input\n\
         its local derivative times the upstream gradient df/d[stage]; an input\n\
         used several times adds up what it receives, as in the notebook's dx += ...)\n",
    );
    if output_is_constant {
        out.push_str("  nothing to propagate: f is a constant\n");
    } else if trace.steps.is_empty() {
        let _ = writeln!(
            out,
            "  nothing to propagate: f is the input {}",
            output.label()
        );
    } else {
        let _ = writeln!(out, "  df/d{} = 1.0 (the output)", reference(output.id()));
    }
    let mut received: HashMap<NodeId, f64> = HashMap::new();
    for step in &trace.steps {
        let args: Vec<String> = step.sends.iter().map(|c| reference(c.to)).collect();
        let _ = writeln!(
            out,
            "  {} {} = {}; upstream {}",
            reference(step.node),
            step.label,
            formula(step.gate, &args),
            number(step.upstream)
        );
        for send in &step.sends {
            let is_constant = !stage.contains_key(&send.to) && !is_variable(send.to);
            if is_constant {
                continue;
            }
            let _ = write!(
                out,
                "      to {}: local {} * upstream {} = {}",
                reference(send.to),
                number(send.local),
                number(step.upstream),
                number(send.sent)
            );
            if is_variable(send.to) {
                let total = received.entry(send.to).or_insert(0.0);
                *total += send.sent;
                let _ = write!(out, "; d{} is now {}", send.label, number(*total));
            }
            out.push('\n');
        }
    }

    out.push_str("\ngradients\n");
    let gradient_rows: Vec<[String; 4]> = variables
        .iter()
        .map(|&(id, name)| {
            [
                String::new(),
                format!("df/d{name}"),
                String::new(),
                number(grads.of(id)),
            ]
        })
        .collect();
    if gradient_rows.is_empty() {
        out.push_str("  (no variables)\n");
    }
    table(&mut out, &gradient_rows);

    let mut stderr = non_finite_warnings(&eval);
    if let Some(path) = dot {
        write_file(path, &graph.to_dot(output, Some(grads)), "DOT")?;
        stderr.push(Diagnostic::note_only(format!(
            "wrote the circuit diagram (Graphviz DOT) to {}",
            path.display()
        )));
    }
    if let Some(path) = svg {
        write_file(path, &graph.to_svg(output, Some(grads)), "SVG")?;
        stderr.push(Diagnostic::note_only(format!(
            "wrote the circuit diagram (SVG) to {}",
            path.display()
        )));
    }
    Ok(Output {
        stdout: out,
        stderr,
        status: 0,
    })
}

/// Rows `[stage, name, formula, value]`, columns aligned:
/// `  [k] name = formula = value` (empty columns are left out).
fn table(out: &mut String, rows: &[[String; 4]]) {
    let width = |c: usize| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0);
    let (w0, w1, w2) = (width(0), width(1), width(2));
    for [stage, name, formula, value] in rows {
        let mut line = String::from("  ");
        if w0 > 0 {
            let _ = write!(line, "{stage:<w0$} ");
        }
        let _ = write!(line, "{name:<w1$} = ");
        if w2 > 0 {
            let _ = write!(line, "{formula:<w2$} = ");
        }
        line.push_str(value);
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

fn write_file(path: &Path, content: &str, kind: &str) -> Result<(), Failure> {
    std::fs::write(path, content).map_err(|source| Failure::Io {
        what: format!("write the {kind} diagram to"),
        path: Some(path.to_owned()),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_read_like_the_expression_language() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(formula(Gate::Unary(Unary::Powi(2)), &s(&["[4]"])), "[4]^2");
        assert_eq!(
            formula(Gate::Unary(Unary::AddConst(-1.0)), &s(&["x"])),
            "x - 1.0"
        );
        assert_eq!(
            formula(Gate::Unary(Unary::MulConst(2.0)), &s(&["x"])),
            "2.0 * x"
        );
        assert_eq!(
            formula(Gate::Unary(Unary::Sigmoid), &s(&["y"])),
            "sigmoid(y)"
        );
        assert_eq!(
            formula(Gate::Binary(Binary::Div), &s(&["[2]", "[6]"])),
            "[2] / [6]"
        );
        assert_eq!(
            formula(Gate::Binary(Binary::Max), &s(&["x", "2"])),
            "max(x, 2)"
        );
    }

    #[test]
    fn tables_align_columns() {
        let mut out = String::new();
        table(
            &mut out,
            &[
                ["".into(), "x".into(), "input".into(), "3.0".into()],
                [
                    "[1]".into(),
                    "sigmoid(y)".into(),
                    "sigmoid(y)".into(),
                    "0.5".into(),
                ],
            ],
        );
        assert_eq!(
            out,
            "      x          = input      = 3.0\n  [1] sigmoid(y) = sigmoid(y) = 0.5\n"
        );
    }
}
