//! `backprop explain`: the forward pass stage by stage, then the backward
//! pass stage by stage, in the spirit of the notebook's cells `In [8]` and
//! `In [12]`.

use std::fmt::Write as _;
use std::io;
use std::path::Path;

use backprop_expr::{Evaluation, Naming, Op};
use backprop_gates::{Binary, Gate, Unary};
use backprop_graph::{Gradients, Graph, NodeId};

use crate::args::Input;
use crate::input::{Prepared, non_finite_warnings, push_number};
use crate::output::Output;
use crate::report::{Diagnostic, Failure};

/// Writes a stage's computation in terms of its inputs' references, the
/// way the expression language would (`[4]^2`, `x + [1]`, `sigmoid(y)`);
/// `arg(out, i)` writes the `i`-th input's reference (or `?`).
fn write_formula(out: &mut String, gate: Gate, arg: impl Fn(&mut String, usize)) {
    let a = |out: &mut String| arg(out, 0);
    let b = |out: &mut String| arg(out, 1);
    match gate {
        Gate::Unary(u) => match u {
            Unary::Neg => {
                out.push('-');
                a(out);
            }
            Unary::AddConst(c) if c < 0.0 => {
                a(out);
                out.push_str(" - ");
                push_number(out, -c);
            }
            Unary::AddConst(c) => {
                a(out);
                out.push_str(" + ");
                push_number(out, c);
            }
            Unary::MulConst(c) => {
                push_number(out, c);
                out.push_str(" * ");
                a(out);
            }
            Unary::Powi(n) => {
                a(out);
                let _ = write!(out, "^{n}");
            }
            Unary::Powf(c) => {
                a(out);
                out.push('^');
                push_number(out, c);
            }
            other => {
                out.push_str(other.name());
                out.push('(');
                a(out);
                out.push(')');
            }
        },
        Gate::Binary(g) => {
            let operator = match g {
                Binary::Add => " + ",
                Binary::Sub => " - ",
                Binary::Mul => " * ",
                Binary::Div => " / ",
                Binary::Pow => "^",
                other => {
                    out.push_str(other.name());
                    out.push('(');
                    a(out);
                    out.push_str(", ");
                    b(out);
                    out.push(')');
                    return;
                }
            };
            a(out);
            out.push_str(operator);
            b(out);
        }
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
    /// Per graph node: its stage number (1-based, forward order), or
    /// `VARIABLE | v` for the input of variable `v`, or 0.
    role: Vec<u32>,
    /// Whether the output is called `f` (as `Naming::SubExpressions` does).
    output_is_f: bool,
}

impl<'a, 'g, 'e> Labels<'a, 'g, 'e> {
    const NONE: u32 = u32::MAX;
    /// The flag of a variable's entry in `role` (stage numbers stay below).
    const VARIABLE: u32 = 1 << 31;

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
        let mut role = vec![0; graph.len()];
        let mut stages = 0;
        for (i, role) in role.iter_mut().enumerate() {
            let id = graph.node(i).expect("i < len").id();
            if grads.reached(id) && graph.gate(id).is_some() {
                stages += 1;
                assert!(stages < Self::VARIABLE, "fewer than 2^31 stages");
                *role = stages;
            }
        }
        for (v, input) in eval.inputs().iter().enumerate() {
            let v = u32::try_from(v).expect("fewer than 2^31 variables");
            assert!(v < Self::VARIABLE, "fewer than 2^31 variables");
            role[input.id().index()] = Self::VARIABLE | v;
        }
        let last = expr.nodes().len() - 1;
        let output_is_f = !matches!(expr.nodes()[last].op(), Op::Variable(_))
            && expr.variable_index("f").is_none();
        Labels {
            eval,
            expr_of,
            role,
            output_is_f,
        }
    }

    fn stage(&self, id: NodeId) -> Option<u32> {
        Some(self.role[id.index()]).filter(|&k| k > 0 && k < Self::VARIABLE)
    }

    fn stages(&self) -> impl Iterator<Item = NodeId> + '_ {
        let graph = self.eval.graph();
        (0..self.role.len())
            .filter(|&i| (1..Self::VARIABLE).contains(&self.role[i]))
            .map(move |i| graph.node(i).expect("i < len").id())
    }

    /// The index of the variable whose input `id` is, if it is one.
    fn variable(&self, id: NodeId) -> Option<usize> {
        let role = self.role[id.index()];
        (role & Self::VARIABLE != 0).then_some((role & !Self::VARIABLE) as usize)
    }

    /// Writes the node's name: a variable's own, `f` for the output,
    /// otherwise its sub-expression's text.
    fn write_name(&self, id: NodeId, out: &mut String) {
        let expr = self.eval.expr();
        if self.output_is_f && id == self.eval.output().id() {
            out.push('f');
            return;
        }
        match self.expr_of[id.index()] {
            Self::NONE => out.push_str(&self.eval.graph().label(id)),
            node => match expr.nodes()[node as usize].op() {
                Op::Variable(v) => out.push_str(&expr.variables()[v].name),
                _ => {
                    let _ = expr.write_name_of(expr.nodes()[node as usize].span(), out);
                }
            },
        }
    }

    /// Writes `[k]` for a stage, the name otherwise.
    fn write_reference(&self, id: NodeId, out: &mut String) {
        match self.stage(id) {
            Some(k) => push_stage(out, k),
            None => self.write_name(id, out),
        }
    }
}

/// Appends `[k]` (digits by hand: `write!` would cost as much as the rest
/// of a line's references together).
fn push_stage(out: &mut String, mut k: u32) {
    let mut digits = [0u8; 10];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (k % 10) as u8;
        k /= 10;
        if k == 0 {
            break;
        }
    }
    out.push('[');
    out.push_str(std::str::from_utf8(&digits[start..]).expect("ASCII digits"));
    out.push(']');
}

/// Numbers as [`push_number`] writes them, remembered by their bits in a
/// small direct-mapped table: an explanation prints the same few values
/// (`1.0`, a repeated local derivative) over and over, and looking one up
/// costs a fraction of formatting it. The text is exactly
/// [`push_number`]'s, since equal bits format alike.
struct Numbers {
    slots: Vec<Option<(u64, String)>>,
}

impl Numbers {
    /// Slots, a power of two.
    const SLOTS: usize = 64;

    fn new() -> Self {
        Numbers {
            slots: vec![None; Self::SLOTS],
        }
    }

    /// Appends `push_number(v)`'s text to `out`.
    fn push(&mut self, out: &mut String, v: f64) {
        let bits = v.to_bits();
        // Fibonacci hashing: the top bits of the product mix every bit.
        let index = (bits.wrapping_mul(0x9E37_79B9_7F4A_7C15)
            >> (64 - Self::SLOTS.trailing_zeros())) as usize;
        let slot = &mut self.slots[index];
        match slot {
            Some((cached, text)) if *cached == bits => out.push_str(text),
            _ => {
                let (cached, text) = slot.get_or_insert_with(|| (bits, String::new()));
                *cached = bits;
                text.clear();
                push_number(text, v);
                out.push_str(text);
            }
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
    match write_explanation(&prepared, &labels, &grads, &mut Sink::new(out)) {
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

/// The explanation's text on its way out: lines are written into one
/// reused `String` and passed on to the writer in chunks of at least
/// [`Sink::CHUNK`] bytes, so that a million-line explanation costs neither
/// an allocation nor a write call per line.
struct Sink<'o> {
    text: String,
    out: &'o mut dyn io::Write,
}

impl<'o> Sink<'o> {
    const CHUNK: usize = 1 << 16;

    fn new(out: &'o mut dyn io::Write) -> Self {
        Sink {
            text: String::with_capacity(2 * Self::CHUNK),
            out,
        }
    }

    /// Passes the text on once a chunk is full (call after whole lines).
    fn lines_done(&mut self) -> io::Result<()> {
        if self.text.len() >= Self::CHUNK {
            self.out.write_all(self.text.as_bytes())?;
            self.text.clear();
        }
        Ok(())
    }

    /// Passes everything on and flushes the writer.
    fn finish(&mut self) -> io::Result<()> {
        self.out.write_all(self.text.as_bytes())?;
        self.text.clear();
        self.out.flush()
    }
}

/// The header, the forward table, the backward pass and the gradients.
fn write_explanation(
    prepared: &Prepared,
    labels: &Labels<'_, '_, '_>,
    grads: &Gradients,
    sink: &mut Sink<'_>,
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
    let output_is_constant = no_stages && labels.variable(output.id()).is_none();

    sink.text.push_str(&prepared.header("f"));

    // Forward pass: one row per input, then per stage.
    sink.text
        .push_str("\nforward pass (inputs, then each stage in evaluation order)\n");
    let mut numbers = Numbers::new();
    let forward_rows = |row: &mut Row, each: &mut dyn FnMut(&Row) -> io::Result<()>| {
        for &(id, name) in &variables {
            row.clear();
            row.name.push_str(name);
            row.formula.push_str("input");
            row.set_value(graph.node(id.index()).expect("leaf").value(), &mut numbers);
            each(row)?;
        }
        if output_is_constant {
            row.clear();
            row.name.push('f');
            row.formula.push_str("constant");
            row.set_value(output.value(), &mut numbers);
            each(row)?;
        }
        for id in labels.stages() {
            let gate = graph.gate(id).expect("stages are gates");
            let args = graph.inputs(id);
            row.clear();
            labels.write_reference(id, &mut row.stage);
            labels.write_name(id, &mut row.name);
            write_formula(&mut row.formula, gate, |out, i| match args.get(i) {
                Some(&x) => labels.write_reference(x, out),
                None => out.push('?'),
            });
            row.set_value(graph.node(id.index()).expect("stage").value(), &mut numbers);
            each(row)?;
        }
        Ok(())
    };
    table(sink, forward_rows)?;

    // Backward pass.
    sink.text.push_str(
        "\nbackward pass (each stage, from the output down, sends to each input\n\
         its local derivative times the upstream gradient df/d[stage]; an input\n\
         used several times adds up what it receives, as in the notebook's dx += ...)\n",
    );
    if output_is_constant {
        sink.text
            .push_str("  nothing to propagate: f is a constant\n");
    } else if no_stages {
        let _ = writeln!(
            sink.text,
            "  nothing to propagate: f is the input {}",
            output.label()
        );
    } else {
        sink.text.push_str("  df/d");
        labels.write_reference(output.id(), &mut sink.text);
        sink.text.push_str(" = 1.0 (the output)\n");
    }
    // What each variable has received so far, by variable index.
    let mut received = vec![0.0; variables.len()];
    let mut upstream = String::new();
    let mut failed = None;
    graph.trace_each(output, |step| {
        if failed.is_some() {
            return;
        }
        upstream.clear();
        numbers.push(&mut upstream, step.upstream);
        let text = &mut sink.text;
        text.push_str("  ");
        labels.write_reference(step.node, text);
        text.push(' ');
        labels.write_name(step.node, text);
        text.push_str(" = ");
        write_formula(text, step.gate, |out, i| match step.sends.get(i) {
            Some(send) => labels.write_reference(send.to, out),
            None => out.push('?'),
        });
        text.push_str("; upstream ");
        text.push_str(&upstream);
        text.push('\n');
        for send in &step.sends {
            let variable = labels.variable(send.to);
            if labels.stage(send.to).is_none() && variable.is_none() {
                continue; // a constant: no gradient worth printing
            }
            text.push_str("      to ");
            labels.write_reference(send.to, text);
            text.push_str(": local ");
            numbers.push(text, send.local);
            text.push_str(" * upstream ");
            text.push_str(&upstream);
            text.push_str(" = ");
            numbers.push(text, send.sent);
            if let Some(v) = variable {
                received[v] += send.sent;
                text.push_str("; d");
                labels.write_name(send.to, text);
                text.push_str(" is now ");
                numbers.push(text, received[v]);
            }
            text.push('\n');
        }
        if let Err(e) = sink.lines_done() {
            failed = Some(e);
        }
    });
    if let Some(e) = failed {
        return Err(e);
    }

    sink.text.push_str("\ngradients\n");
    if variables.is_empty() {
        sink.text.push_str("  (no variables)\n");
    }
    table(
        sink,
        |row: &mut Row, each: &mut dyn FnMut(&Row) -> io::Result<()>| {
            for &(id, name) in &variables {
                row.clear();
                row.name.push_str("df/d");
                row.name.push_str(name);
                row.set_value(grads.of(id), &mut numbers);
                each(row)?;
            }
            Ok(())
        },
    )?;
    sink.finish()
}

/// One row of a [`table`]: `[stage, name, formula, value]`, four strings
/// reused from row to row.
#[derive(Default)]
struct Row {
    stage: String,
    name: String,
    formula: String,
    value: String,
    /// Whether the value is printed: the pass that measures the columns
    /// does not need it (values are the last column).
    printing: bool,
}

impl Row {
    fn clear(&mut self) {
        self.stage.clear();
        self.name.clear();
        self.formula.clear();
        self.value.clear();
    }

    /// Sets the value cell, when the row is printed.
    fn set_value(&mut self, v: f64, numbers: &mut Numbers) {
        if self.printing {
            numbers.push(&mut self.value, v);
        }
    }
}

/// Rows `[stage, name, formula, value]`, columns aligned:
/// `  [k] name = formula = value` (empty columns are left out).
///
/// `rows` produces the rows by filling the row it is given and calling its
/// second argument once per row; it runs twice, first to measure the
/// columns and then to print, so no table is ever held in memory (the
/// value cell is only filled for printing: see [`Row::set_value`]).
fn table(
    sink: &mut Sink<'_>,
    mut rows: impl FnMut(&mut Row, &mut dyn FnMut(&Row) -> io::Result<()>) -> io::Result<()>,
) -> io::Result<()> {
    let mut row = Row::default();
    let mut widths = [0; 3];
    rows(&mut row, &mut |row| {
        for (w, cell) in widths.iter_mut().zip([&row.stage, &row.name, &row.formula]) {
            *w = (*w).max(cell.chars().count());
        }
        Ok(())
    })?;
    let [w0, w1, w2] = widths;
    row.printing = true;
    rows(&mut row, &mut |row| {
        let text = &mut sink.text;
        let start = text.len();
        text.push_str("  ");
        if w0 > 0 {
            pad(text, &row.stage, w0);
            text.push(' ');
        }
        pad(text, &row.name, w1);
        text.push_str(" = ");
        if w2 > 0 {
            pad(text, &row.formula, w2);
            text.push_str(" = ");
        }
        text.push_str(&row.value);
        let line = text[start..].trim_end().len();
        text.truncate(start + line);
        text.push('\n');
        sink.lines_done()
    })
}

/// Writes `cell` left-aligned in `width` characters (as `{cell:<width$}`).
fn pad(text: &mut String, cell: &str, width: usize) {
    text.push_str(cell);
    for _ in cell.chars().count()..width {
        text.push(' ');
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

    /// The formula with the given argument texts.
    fn formula(gate: Gate, args: &[&str]) -> String {
        let mut out = String::new();
        write_formula(&mut out, gate, |out, i| {
            out.push_str(args.get(i).copied().unwrap_or("?"));
        });
        out
    }

    #[test]
    fn formulas_read_like_the_expression_language() {
        assert_eq!(formula(Gate::Unary(Unary::Powi(2)), &["[4]"]), "[4]^2");
        assert_eq!(formula(Gate::Unary(Unary::Powi(-3)), &["x"]), "x^-3");
        assert_eq!(
            formula(Gate::Unary(Unary::AddConst(-1.0)), &["x"]),
            "x - 1.0"
        );
        assert_eq!(
            formula(Gate::Unary(Unary::AddConst(0.5)), &["x"]),
            "x + 0.5"
        );
        assert_eq!(
            formula(Gate::Unary(Unary::MulConst(2.0)), &["x"]),
            "2.0 * x"
        );
        assert_eq!(formula(Gate::Unary(Unary::Powf(1e-5)), &["x"]), "x^1e-5");
        assert_eq!(formula(Gate::Unary(Unary::Neg), &["[1]"]), "-[1]");
        assert_eq!(formula(Gate::Unary(Unary::Sigmoid), &["y"]), "sigmoid(y)");
        assert_eq!(
            formula(Gate::Binary(Binary::Div), &["[2]", "[6]"]),
            "[2] / [6]"
        );
        assert_eq!(formula(Gate::Binary(Binary::Pow), &["x", "y"]), "x^y");
        assert_eq!(formula(Gate::Binary(Binary::Max), &["x", "2"]), "max(x, 2)");
        assert_eq!(formula(Gate::Binary(Binary::Sub), &["x"]), "x - ?");
    }

    #[test]
    fn tables_align_columns() {
        let mut out = Vec::new();
        let mut sink = Sink::new(&mut out);
        let rows = |row: &mut Row, each: &mut dyn FnMut(&Row) -> io::Result<()>| {
            for [stage, name, formula, value] in [
                ["", "x", "input", "3.0"],
                ["[1]", "sigmoid(y)", "sigmoid(y)", "0.5"],
                ["", "", "", ""],
            ] {
                row.clear();
                row.stage.push_str(stage);
                row.name.push_str(name);
                row.formula.push_str(formula);
                row.value.push_str(value);
                each(row)?;
            }
            Ok(())
        };
        table(&mut sink, rows).unwrap();
        sink.finish().unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "      x          = input      = 3.0\n  [1] sigmoid(y) = sigmoid(y) = 0.5\n                 =            =\n"
        );
    }
}
