//! The edge table in `README.md` and in each gate's rustdoc, checked
//! against what the gates compute and against PyTorch's and JAX's values as
//! measured by `tests/data/peers.py` (committed output: `peers.json`).
//!
//! If a check fails because the table is out of date, the message prints
//! the table as it should read; paste it between the markers.

use std::collections::BTreeMap;
use std::path::Path;

use backprop_gates::{Binary, Edge, Gate, edges};
use serde_json::Value;

/// One row: a label, a kind, our value and derivatives, and why.
struct Row {
    label: String,
    kind: String,
    value: f64,
    derivatives: Vec<f64>,
    why: String,
}

impl From<&Edge> for Row {
    fn from(e: &Edge) -> Row {
        Row {
            label: e.label(),
            kind: e.kind.to_string(),
            value: e.value,
            derivatives: e.derivatives.to_vec(),
            why: e.why.to_string(),
        }
    }
}

/// Clamp is no gate: it is composed of max and min. Its rows are computed
/// here through the gates, so the numbers below are checked too.
fn composed_rows() -> Vec<Row> {
    [-1.0, 1.0]
        .into_iter()
        .map(|x: f64| {
            // clamp(x, -1, 1) = min(max(x, -1), 1), chained by hand.
            let m = Binary::Max.forward(x, -1.0);
            let y = Binary::Min.forward(m, 1.0);
            let dm = Binary::Max.derivatives(x, -1.0, m).0;
            let dy = Binary::Min.derivatives(m, 1.0, y).0;
            Row {
                label: format!("clamp(-1, 1) at {x}"),
                kind: "kink".into(),
                value: y,
                derivatives: vec![dy * dm],
                why: "Composed as min(max(x, -1), 1): the bound is a tie of max or min, so ½. \
                      PyTorch's clamp gives ½ too when its bounds are tensors \
                      (`torch.clamp(x, torch.tensor(-1.0), torch.tensor(1.0))`, measured)."
                    .into(),
            }
        })
        .collect()
}

fn peers() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/peers.json");
    let text = std::fs::read_to_string(&path).expect("peers.json is committed");
    serde_json::from_str(&text).expect("peers.json is JSON")
}

/// A number as `peers.py` wrote it (Python's `repr`).
fn number(v: &Value) -> f64 {
    let s = v.as_str().expect("numbers are strings");
    s.parse().unwrap_or_else(|_| panic!("not a number: {s}"))
}

/// Value and derivatives of one peer in one dtype.
fn measured(entry: &Value) -> (f64, Vec<f64>) {
    let grads = entry["grad"].as_array().expect("a gradient list");
    (number(&entry["value"]), grads.iter().map(number).collect())
}

fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

fn same_all(a: &(f64, Vec<f64>), b: &(f64, Vec<f64>)) -> bool {
    same(a.0, b.0) && a.1.len() == b.1.len() && a.1.iter().zip(&b.1).all(|(&x, &y)| same(x, y))
}

/// `value; d1, d2`.
fn cell(value: f64, derivatives: &[f64]) -> String {
    let d: Vec<String> = derivatives.iter().map(|v| format!("{v}")).collect();
    format!("{value}; {}", d.join(", "))
}

/// A peer's cell: bold where it differs from ours, with its f32 result
/// added where that differs from its f64 one.
fn peer_cell(row: &Row, peer: &Value) -> String {
    let ours = (row.value, row.derivatives.clone());
    let f64s = measured(&peer["f64"]);
    let f32s = measured(&peer["f32"]);
    let rounded = |(v, d): &(f64, Vec<f64>)| {
        let r = |x: f64| f64::from(x as f32);
        (r(*v), d.iter().map(|&x| r(x)).collect::<Vec<_>>())
    };
    let mut text = cell(f64s.0, &f64s.1);
    if !same_all(&f64s, &ours) {
        text = format!("**{text}**");
    }
    if !same_all(&f32s, &rounded(&f64s)) {
        text.push_str(&format!(" (f32: {})", cell(f32s.0, &f32s.1)));
    }
    text
}

const HEADER: &str =
    "| gate at point | kind | backprop | PyTorch | JAX | why |\n|---|---|---|---|---|---|\n";

/// The table of `rows`, one line each.
fn table(rows: &[Row], data: &Value) -> String {
    let mut out = String::from(HEADER);
    for row in rows {
        let peer = &data["rows"][&row.label];
        assert!(
            !peer.is_null(),
            "{}: no measurement in peers.json (add the row to peers.py and re-run it)",
            row.label
        );
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            row.label,
            row.kind,
            cell(row.value, &row.derivatives),
            peer_cell(row, &peer["torch"]),
            peer_cell(row, &peer["jax"]),
            row.why
        ));
    }
    out
}

/// The README's block between the edge-table markers.
fn readme_block(data: &Value) -> String {
    let gates: Vec<Row> = edges().iter().map(Row::from).collect();
    let v = &data["versions"];
    let s = |k: &str| v[k].as_str().unwrap_or("?").to_string();
    format!(
        "{}\nComposed from gates:\n\n{}\nMeasured with PyTorch {} and JAX {} (jaxlib {}), Python {}, by \
         `tests/data/peers.py` (output: `tests/data/peers.json`).\n",
        table(&gates, data),
        table(&composed_rows(), data),
        s("torch"),
        s("jax"),
        s("jaxlib"),
        s("python"),
    )
}

const BEGIN: &str = "<!-- edge table: generated from gates::edges() and tests/data/peers.json; checked by tests/edge_table.rs -->\n";
const END: &str = "<!-- end of edge table -->";

fn between<'a>(text: &'a str, begin: &str, end: &str) -> Option<&'a str> {
    let start = text.find(begin)? + begin.len();
    let stop = start + text[start..].find(end)?;
    Some(&text[start..stop])
}

#[test]
fn readme_table_matches_the_gates_and_the_measurements() {
    let data = peers();
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let expected = readme_block(&data);
    let found = between(&readme, BEGIN, END).unwrap_or("");
    assert!(
        found == expected,
        "crates/gates/README.md's edge table is out of date; between the markers it should read:\n{BEGIN}{expected}{END}"
    );
}

/// The rule struct behind a gate (`LeakyRelu` for `leaky_relu(0.01)`), and
/// the source file that defines it.
fn rule_struct(gate: Gate) -> (String, &'static str) {
    let (debug, file) = match gate {
        Gate::Unary(u) => (format!("{u:?}"), "src/unary.rs"),
        Gate::Binary(b) => (format!("{b:?}"), "src/binary.rs"),
    };
    let name = debug.split('(').next().unwrap_or_default().to_string();
    (name, file)
}

/// The doc comment of `pub struct name` in `source`, without `///`.
fn doc_comment(source: &str, name: &str) -> String {
    let lines: Vec<&str> = source.lines().collect();
    let at = lines
        .iter()
        .position(|l| {
            l.strip_prefix("pub struct ").is_some_and(|rest| {
                rest.starts_with(&format!("{name};")) || rest.starts_with(&format!("{name}("))
            })
        })
        .unwrap_or_else(|| panic!("pub struct {name} not found"));
    let mut doc = Vec::new();
    for line in lines[..at].iter().rev() {
        let line = line.trim_start();
        if line.starts_with("#[") {
            continue;
        }
        match line.strip_prefix("///") {
            Some(text) => doc.push(text.strip_prefix(' ').unwrap_or(text)),
            None => break,
        }
    }
    doc.reverse();
    doc.join("\n") + "\n"
}

#[test]
fn each_gates_rustdoc_lists_its_edges() {
    let data = peers();
    let mut by_struct: BTreeMap<(String, &str), Vec<Row>> = BTreeMap::new();
    for e in edges() {
        by_struct
            .entry(rule_struct(e.gate))
            .or_default()
            .push(Row::from(e));
    }
    let mut stale = String::new();
    for ((name, file), rows) in &by_struct {
        let source = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file))
            .expect("gate source");
        let doc = doc_comment(&source, name);
        let expected = table(rows, &data);
        if !doc.contains(&expected) {
            let commented: String = expected.lines().map(|l| format!("/// {l}\n")).collect();
            stale.push_str(&format!("\n{file}, pub struct {name}:\n{commented}"));
        }
    }
    assert!(
        stale.is_empty(),
        "rustdoc edge tables out of date; they should read:{stale}"
    );
}

/// Where PyTorch and JAX agree on a number, we return it too; where both
/// give a finite number, so do we. (No exceptions today: a deliberate one
/// would be listed here with the notebook's reason.)
#[test]
fn we_follow_the_peers_where_they_agree() {
    let data = peers();
    let rows: Vec<Row> = edges()
        .iter()
        .map(Row::from)
        .chain(composed_rows())
        .collect();
    let mut problems = Vec::new();
    for row in &rows {
        let peer = &data["rows"][&row.label];
        for dtype in ["f64", "f32"] {
            let torch = measured(&peer["torch"][dtype]);
            let jax = measured(&peer["jax"][dtype]);
            let round = |x: f64| {
                if dtype == "f32" {
                    f64::from(x as f32)
                } else {
                    x
                }
            };
            let ours = std::iter::once(row.value).chain(row.derivatives.iter().copied());
            let theirs = std::iter::once((torch.0, jax.0))
                .chain(torch.1.iter().copied().zip(jax.1.iter().copied()));
            for (k, (o, (t, j))) in ours.zip(theirs).enumerate() {
                let o = round(o);
                let what = if k == 0 {
                    "value".to_string()
                } else {
                    format!("derivative {}", k - 1)
                };
                if same(t, j) && !same(o, t) {
                    problems.push(format!(
                        "{} {dtype} {what}: ours {o}, PyTorch and JAX {t}",
                        row.label
                    ));
                }
                if t.is_finite() && j.is_finite() && !o.is_finite() {
                    problems.push(format!(
                        "{} {dtype} {what}: ours {o}, PyTorch {t}, JAX {j}",
                        row.label
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Every measured row is a row of ours, and the extra PyTorch measurement
/// quoted in the clamp rows says what their text claims.
#[test]
fn the_measurements_and_the_rows_correspond() {
    let data = peers();
    let ours: Vec<String> = edges()
        .iter()
        .map(Edge::label)
        .chain(composed_rows().into_iter().map(|r| r.label))
        .collect();
    let rows = data["rows"].as_object().expect("rows");
    for label in rows.keys() {
        assert!(
            ours.contains(label),
            "peers.json measures {label}, which no row documents"
        );
    }
    for row in composed_rows() {
        let also = &data["rows"][&row.label]["also"];
        let tensor_bounds = &also["torch.clamp(x, torch.tensor(-1.0), torch.tensor(1.0))"];
        for dtype in ["f64", "f32"] {
            assert_eq!(
                measured(&tensor_bounds[dtype]).1,
                [0.5],
                "{} {dtype}",
                row.label
            );
        }
    }
    // The inputs measured are the points documented.
    for e in edges() {
        let inputs: Vec<f64> = data["rows"][&e.label()]["inputs"]
            .as_array()
            .expect("inputs")
            .iter()
            .map(number)
            .collect();
        let bits = |p: &[f64]| p.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&inputs), bits(e.at), "{}", e.label());
    }
    // The composed rows are computed through the gates; at each bound the
    // chain must come out as the tie's ½.
    for r in composed_rows() {
        assert_eq!(
            (r.value.abs(), r.derivatives.as_slice()),
            (1.0, &[0.5][..]),
            "{}",
            r.label
        );
    }
}
