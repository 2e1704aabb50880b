//! `backprop explain`: the forward pass stage by stage, then the backward
//! pass stage by stage, in the spirit of the notebook's cells `In [8]` and
//! `In [12]`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io;
use std::path::Path;

use backprop_expr::{Evaluation, Naming, Op};
use backprop_gates::{Binary, Gate, Unary};
use backprop_graph::{Gradients, Graph, NodeId};

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

/// Graph nodes mapped to what the explanation prints for them: a stage
/// reference `[k]` or a name.
///
/// Names are computed when printed, from the expression's text, rather than
/// stored on the graph: a million-term expression would otherwise hold
/// millions of name strings (and its explanation is streamed for the same
/// reason). They are exactly the names [`Naming::SubExpressions`] gives.
struct Labels<'a, 'g, 'e> {
    eval: &'a Evaluation<'g, 'e>,
    /// Per graph node: the expression node it came from, or `NONE`.
    expr_of: Vec<u32>,
    /// Per graph node: its stage number (1-based, forward order), or 0.
    stage_of: Vec<u32>,
    /// Whether the output is called `f` (as `Naming::SubExpressions` does).
    output_is_f: bool,
}

impl<'a, 'g, 'e> Labels<'a, 'g, 'e> {
    const NONE: u32 = u32::MAX;

    /// Stages are the operations the output depends on, numbered in
    /// creation (forward) order.
    fn new(eval: &'a Evaluation<'g, 'e>, grads: &Gradients) -> Self {
        let graph = eval.graph();
        let expr = eval.expr();
        let mut expr_of = vec![Self::NONE; graph.len()];
        for i in 0..expr.nodes().len() {
            if let Some(id) = eval.graph_node(i) {
                let slot = &mut expr_of[id.index()];
                if *slot == Self::NONE {
                    *slot = u32::try_from(i).expect("the parser indexes nodes by u32");
                }
            }
        }
        let mut stage_of = vec![0; graph.len()];
        let mut stages = 0;
        for (i, stage) in stage_of.iter_mut().enumerate() {
            let id = graph.node(i).expect("i < len").id();
            if grads.reached(id) && graph.gate(id).is_some() {
                stages += 1;
                *stage = stages;
            }
        }
        let last = expr.nodes().len() - 1;
        let output_is_f = !matches!(expr.nodes()[last].op(), Op::Variable(_))
            && expr.variable_index("f").is_none();
        Labels {
            eval,
            expr_of,
            stage_of,
            output_is_f,
        }
    }

    fn stage(&self, id: NodeId) -> Option<u32> {
        Some(self.stage_of[id.index()]).filter(|&k| k > 0)
    }

    fn stages(&self) -> impl Iterator<Item = NodeId> + '_ {
        let graph = self.eval.graph();
        (0..self.stage_of.len())
            .filter(|&i| self.stage_of[i] > 0)
            .map(move |i| graph.node(i).expect("i < len").id())
    }

    fn is_variable(&self, id: NodeId) -> bool {
        self.eval.inputs().iter().any(|v| v.id() == id)
    }

    /// The node's name: a variable's own, `f` for the output, otherwise
    /// its sub-expression's text.
    fn name(&self, id: NodeId) -> String {
        let expr = self.eval.expr();
        if self.output_is_f && id == self.eval.output().id() {
            return "f".to_owned();
        }
        match self.expr_of[id.index()] {
            Self::NONE => self.eval.graph().label(id),
            node => match expr.nodes()[node as usize].op() {
                Op::Variable(v) => expr.variables()[v].name.clone(),
                _ => expr.name_of(expr.nodes()[node as usize].span()),
            },
        }
    }

    /// `[k]` for a stage, the name otherwise.
    fn reference(&self, id: NodeId) -> String {
        match self.stage(id) {
            Some(k) => format!("[{k}]"),
            None => self.name(id),
        }
    }
}

/// Runs `explain`, writing the explanation to `out` as it goes and the
/// diagrams if asked.
pub fn run(
    input: &Input,
    dot: Option<&Path>,
    svg: Option<&Path>,
    out: &mut dyn io::Write,
) -> Result<Output, Failure> {
    let prepared = Prepared::new(input)?;
    let graph = Graph::with_capacity(prepared.expr.nodes().len());
    // Only the diagrams read names from the graph; the text computes them
    // as it prints (see `Labels`).
    let naming = if dot.is_some() || svg.is_some() {
        Naming::SubExpressions
    } else {
        Naming::VariablesOnly
    };
    let eval = prepared.evaluate(&graph, naming)?;
    let output = eval.output();
    let grads = graph.backward(output);
    let labels = Labels::new(&eval, &grads);
    match write_explanation(&prepared, &labels, &grads, out) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Err(source) => {
            return Err(Failure::Io {
                what: "write the explanation to standard output".into(),
                path: None,
                source,
            });
        }
        Ok(()) => {}
    }

    let mut stderr = non_finite_warnings(&eval);
    if let Some(path) = dot {
        write_file(path, &graph.to_dot(output, Some(&grads)), "DOT")?;
        stderr.push(Diagnostic::note_only(format!(
            "wrote the circuit diagram (Graphviz DOT) to {}",
            path.display()
        )));
    }
    if let Some(path) = svg {
        write_file(path, &graph.to_svg(output, Some(&grads)), "SVG")?;
        stderr.push(Diagnostic::note_only(format!(
            "wrote the circuit diagram (SVG) to {}",
            path.display()
        )));
    }
    Ok(Output {
        stdout: String::new(),
        stderr,
        status: 0,
    })
}

/// The header, the forward table, the backward pass and the gradients.
fn write_explanation(
    prepared: &Prepared,
    labels: &Labels<'_, '_, '_>,
    grads: &Gradients,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let eval = labels.eval;
    let graph = eval.graph();
    let output = eval.output();
    let variables: Vec<(NodeId, &str)> = eval
        .inputs()
        .iter()
        .zip(prepared.expr.variables())
        .map(|(v, var)| (v.id(), var.name.as_str()))
        .collect();
    let no_stages = labels.stages().next().is_none();
    let output_is_constant = no_stages && !labels.is_variable(output.id());

    out.write_all(prepared.header("f").as_bytes())?;

    // Forward pass: one row per input, then per stage.
    out.write_all(b"\nforward pass (inputs, then each stage in evaluation order)\n")?;
    let forward_rows = |each: &mut dyn FnMut([String; 4]) -> io::Result<()>| -> io::Result<()> {
        for &(id, name) in &variables {
            let value = graph.node(id.index()).expect("leaf").value();
            each([
                String::new(),
                name.to_owned(),
                "input".into(),
                number(value),
            ])?;
        }
        if output_is_constant {
            each([
                String::new(),
                "f".into(),
                "constant".into(),
                number(output.value()),
            ])?;
        }
        for id in labels.stages() {
            let gate = graph.gate(id).expect("stages are gates");
            let args: Vec<String> = graph
                .inputs(id)
                .into_iter()
                .map(|x| labels.reference(x))
                .collect();
            let value = graph.node(id.index()).expect("stage").value();
            each([
                labels.reference(id),
                labels.name(id),
                formula(gate, &args),
                number(value),
            ])?;
        }
        Ok(())
    };
    table(out, forward_rows)?;

    // Backward pass.
    out.write_all(
        b"\nbackward pass (each stage, from the output down, sends to each input\n\
         its local derivative times the upstream gradient df/d[stage]; an input\n\
         used several times adds up what it receives, as in the notebook's dx += ...)\n",
    )?;
    if output_is_constant {
        out.write_all(b"  nothing to propagate: f is a constant\n")?;
    } else if no_stages {
        writeln!(
            out,
            "  nothing to propagate: f is the input {}",
            output.label()
        )?;
    } else {
        writeln!(
            out,
            "  df/d{} = 1.0 (the output)",
            labels.reference(output.id())
        )?;
    }
    let mut received: HashMap<NodeId, f64> = HashMap::new();
    let mut failed = None;
    graph.trace_each(output, |step| {
        if failed.is_some() {
            return;
        }
        let mut text = String::new();
        let args: Vec<String> = step.sends.iter().map(|c| labels.reference(c.to)).collect();
        let _ = writeln!(
            text,
            "  {} {} = {}; upstream {}",
            labels.reference(step.node),
            labels.name(step.node),
            formula(step.gate, &args),
            number(step.upstream)
        );
        for send in &step.sends {
            let is_variable = labels.is_variable(send.to);
            if labels.stage(send.to).is_none() && !is_variable {
                continue; // a constant: no gradient worth printing
            }
            let _ = write!(
                text,
                "      to {}: local {} * upstream {} = {}",
                labels.reference(send.to),
                number(send.local),
                number(step.upstream),
                number(send.sent)
            );
            if is_variable {
                let total = received.entry(send.to).or_insert(0.0);
                *total += send.sent;
                let _ = write!(
                    text,
                    "; d{} is now {}",
                    labels.name(send.to),
                    number(*total)
                );
            }
            text.push('\n');
        }
        if let Err(e) = out.write_all(text.as_bytes()) {
            failed = Some(e);
        }
    });
    if let Some(e) = failed {
        return Err(e);
    }

    out.write_all(b"\ngradients\n")?;
    if variables.is_empty() {
        out.write_all(b"  (no variables)\n")?;
    }
    table(
        out,
        |each: &mut dyn FnMut([String; 4]) -> io::Result<()>| {
            for &(id, name) in &variables {
                each([
                    String::new(),
                    format!("df/d{name}"),
                    String::new(),
                    number(grads.of(id)),
                ])?;
            }
            Ok(())
        },
    )?;
    out.flush()
}

/// Rows `[stage, name, formula, value]`, columns aligned:
/// `  [k] name = formula = value` (empty columns are left out).
///
/// `rows` produces the rows by calling its argument once per row; it runs
/// twice, first to measure the columns and then to print, so no table is
/// ever held in memory.
fn table(
    out: &mut dyn io::Write,
    rows: impl Fn(&mut dyn FnMut([String; 4]) -> io::Result<()>) -> io::Result<()>,
) -> io::Result<()> {
    let mut widths = [0; 3];
    rows(&mut |row| {
        for (w, cell) in widths.iter_mut().zip(&row) {
            *w = (*w).max(cell.chars().count());
        }
        Ok(())
    })?;
    let [w0, w1, w2] = widths;
    rows(&mut |[stage, name, formula, value]| {
        let mut line = String::from("  ");
        if w0 > 0 {
            let _ = write!(line, "{stage:<w0$} ");
        }
        let _ = write!(line, "{name:<w1$} = ");
        if w2 > 0 {
            let _ = write!(line, "{formula:<w2$} = ");
        }
        line.push_str(&value);
        let mut line = line.trim_end().to_owned();
        line.push('\n');
        out.write_all(line.as_bytes())
    })
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
        let mut out = Vec::new();
        let rows = |each: &mut dyn FnMut([String; 4]) -> io::Result<()>| {
            each(["".into(), "x".into(), "input".into(), "3.0".into()])?;
            each([
                "[1]".into(),
                "sigmoid(y)".into(),
                "sigmoid(y)".into(),
                "0.5".into(),
            ])
        };
        table(&mut out, rows).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "      x          = input      = 3.0\n  [1] sigmoid(y) = sigmoid(y) = 0.5\n"
        );
    }
}
