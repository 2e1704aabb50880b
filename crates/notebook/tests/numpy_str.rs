//! `array_str` against NumPy's own `str(ndarray)`, for a table that NumPy
//! printed (`data/gen_numpy_str.py` → `data/numpy_str.jsonl`, committed).
//! Every row must match byte for byte.

use backprop_notebook::array_str;
use ndarray::{ArrayD, IxDyn};
use serde::Deserialize;

/// One row of the table: an array given by its exact bits, and NumPy's text.
#[derive(Deserialize)]
struct Row {
    name: String,
    shape: Vec<usize>,
    bits: Vec<String>,
    str: String,
}

fn rows() -> Vec<Row> {
    include_str!("data/numpy_str.jsonl")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| serde_json::from_str(l).expect("a JSON row"))
        .collect()
}

fn array(row: &Row) -> ArrayD<f64> {
    let values: Vec<f64> = row
        .bits
        .iter()
        .map(|h| f64::from_bits(u64::from_str_radix(h, 16).expect("hex bits")))
        .collect();
    ArrayD::from_shape_vec(IxDyn(&row.shape), values).expect("bits fill the shape")
}

#[test]
fn matches_every_row_of_the_numpy_table() {
    let rows = rows();
    let mut failures = Vec::new();
    for row in &rows {
        let ours = array_str(&array(row));
        if ours != row.str {
            failures.push(format!(
                "{}: shape {:?}\n--- numpy\n{}\n--- ours\n{}",
                row.name, row.shape, row.str, ours
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows differ:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n\n")
    );
}

/// The table really covers what it claims to: a mistake in the generator
/// (say, every array landing in fixed notation) must not pass silently.
#[test]
fn the_table_covers_every_feature() {
    let rows = rows();
    assert!(rows.len() > 1500, "only {} rows", rows.len());
    let has = |pred: &dyn Fn(&Row) -> bool| rows.iter().filter(|r| pred(r)).count();
    assert!(has(&|r| r.shape.len() == 1) > 300);
    assert!(has(&|r| r.shape.len() == 2) > 300);
    assert!(has(&|r| r.shape.len() == 3) > 300);
    assert!(has(&|r| r.str.contains("e+") || r.str.contains("e-")) > 200);
    assert!(has(&|r| r.str.contains("nan")) > 20);
    assert!(has(&|r| r.str.contains("inf")) > 20);
    assert!(has(&|r| r.str.contains("-0.")) > 5);
    assert!(has(&|r| r.str.contains("...")) >= 5);
    assert!(has(&|r| r.str.contains("\n\n")) > 100);
    // wrapped rows: a line that is not the start of a new row
    assert!(
        has(&|r| r
            .str
            .lines()
            .skip(1)
            .any(|l| !l.trim_start().starts_with('[')))
            > 50
    );
    assert!(
        rows.iter()
            .flat_map(|r| r.str.lines())
            .all(|l| l.len() <= 75),
        "NumPy never prints past 75 columns"
    );
}
