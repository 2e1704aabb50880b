//! `backprop explain --html FILE`: the step-by-step page of the forward and
//! backward pass, written by `backprop-graph` (`Graph::to_html`).

use std::io;
use std::path::Path;

use backprop_expr::Naming;
use backprop_graph::Graph;

use crate::args::Input;
use crate::input::{Prepared, read_expression};
use crate::output::Output;
use crate::report::{Diagnostic, Failure};

/// `explain` (streaming its text to `out`), and the page when `html` names
/// a file.
pub fn explain(
    input: &Input,
    dot: Option<&Path>,
    svg: Option<&Path>,
    html: Option<&Path>,
    out: &mut dyn io::Write,
) -> Result<Output, Failure> {
    let Some(path) = html else {
        return crate::explain::run(input, dot, svg, out);
    };
    let input = resolve(input)?;
    let mut output = crate::explain::run(&input, dot, svg, out)?;
    output.stderr.push(write(&input, path)?);
    Ok(output)
}

/// `input` with an expression read from standard input (`-`) replaced by
/// its text, so that `explain` and the page can both read it.
fn resolve(input: &Input) -> Result<Input, Failure> {
    Ok(Input {
        expr: read_expression(&input.expr)?,
        values: input.values.clone(),
        at: input.at.clone(),
    })
}

/// Writes the page for `input` (already resolved) to `path`; the note to
/// print says where it went.
fn write(input: &Input, path: &Path) -> Result<Diagnostic, Failure> {
    let prepared = Prepared::new(input)?;
    let graph = Graph::with_capacity(prepared.expr.nodes().len());
    let eval = prepared.evaluate(&graph, Naming::SubExpressions)?;
    let html = graph.to_html(eval.output(), &prepared.header("f"));
    std::fs::write(path, html).map_err(|source| Failure::Io {
        what: "write the step-by-step page to".into(),
        path: Some(path.to_owned()),
        source,
    })?;
    Ok(Diagnostic::note_only(format!(
        "wrote the step-by-step page (HTML; open it in a browser) to {}",
        path.display()
    )))
}
