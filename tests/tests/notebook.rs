//! The notebook replays, byte for byte.
//!
//! Each scalar cell's output is an insta snapshot whose committed text is the
//! notebook's own (and is also compared with the output paragraph of the
//! committed notebook, so a snapshot cannot drift from the notebook). Under
//! CI (`CI=true`) insta never writes snapshots, it only compares.
//!
//! Cell `In [16]` draws its own random matrices (the notebook's NumPy state
//! was unseeded), so its snapshot is compared with what NumPy printed for
//! the replay's exact values, and its arithmetic with the notebook's printed
//! matrices.

use backprop_gates::ulps_between;
use backprop_notebook::matmul::MatmulCell;
use backprop_notebook::{cell, cells, notebook_output, render_all};
use backprop_tensor::TensorGraph;
use ndarray::{Array2, ArrayD};

fn replay(number: u32) -> String {
    let c = cell(number).unwrap_or_else(|| panic!("cell {number} is not replayed"));
    (c.replay)()
}

#[test]
fn cell_3_chain_rule() {
    insta::assert_snapshot!("cell_3", replay(3));
}

#[test]
fn cell_4_sigmoid_neuron() {
    insta::assert_snapshot!("cell_4", replay(4));
}

#[test]
fn cell_8_staged_forward() {
    insta::assert_snapshot!("cell_8", replay(8));
}

#[test]
fn cell_12_staged_backward() {
    insta::assert_snapshot!("cell_12", replay(12));
}

#[test]
fn every_scalar_replay_equals_the_notebook_text() {
    for number in [3, 4, 8, 12] {
        let expected = notebook_output(number).expect("cell in the notebook");
        assert_eq!(replay(number), expected, "cell In [{number}]");
    }
}

#[test]
fn graph_gradients_agree_with_the_staged_ones_within_2_ulp() {
    let mut compared = 0;
    for c in cells() {
        let Some(check) = c.cross_check else { continue };
        let (staged, graph) = ((check.staged)(), check.circuit.results());
        assert_eq!(staged.len(), graph.len(), "cell {}", c.number);
        for ((name, s), (gname, g)) in staged.iter().zip(&graph) {
            assert_eq!(*name, gname.as_str());
            assert!(
                ulps_between(*s, *g) <= 2,
                "cell {} {name}: staged {s:?} vs graph {g:?}",
                c.number
            );
            compared += 1;
        }
    }
    assert!(compared >= 13, "compared only {compared} values");
}

#[test]
fn render_all_frames_each_cell_in_notebook_order() {
    let all = render_all();
    assert!(all.starts_with("In [3]:\ndfdq = -4\n"));
    let headers: Vec<&str> = all.lines().filter(|l| l.starts_with("In [")).collect();
    assert_eq!(
        headers,
        ["In [3]:", "In [4]:", "In [8]:", "In [12]:", "In [16]:"]
    );
    assert!(all.contains("dfdy: 1.5922327514838093\n\nIn [16]:\nW: [["));
    assert!(all.ends_with(&format!("{}\n", replay(16))));
}

// ---- cell In [16]: D = W·X and its backward pass ---------------------------

/// The replay's exact values, as bits (written by the notebook crate's
/// `cell16_values` example; what `gen_cell16_numpy.py` hands to NumPy).
const CELL16_VALUES: &str = include_str!("../../crates/notebook/tests/data/cell16_values.txt");
/// What NumPy printed for the replay's exact values
/// (`crates/notebook/tests/data/gen_cell16_numpy.py`).
const CELL16_NUMPY: &str = include_str!("../../crates/notebook/tests/data/cell16_numpy.txt");

#[test]
fn cell_16_matmul_backward() {
    insta::assert_snapshot!("cell_16", replay(16));
}

#[test]
fn cell_16_prints_what_numpy_prints_for_the_same_values() {
    assert_eq!(replay(16), CELL16_NUMPY);
}

#[test]
fn cell_16_values_are_the_ones_numpy_printed() {
    let cell = MatmulCell::seeded();
    let mut lines = CELL16_VALUES.lines().filter(|l| !l.starts_with('#'));
    for (name, ours) in cell.named() {
        let line = lines.next().unwrap_or_else(|| panic!("no line for {name}"));
        let mut fields = line.split_whitespace();
        assert_eq!(fields.next(), Some(name));
        let rows: usize = fields.next().unwrap().parse().unwrap();
        let cols: usize = fields.next().unwrap().parse().unwrap();
        assert_eq!(ours.dim(), (rows, cols), "{name}");
        let bits: Vec<u64> = fields
            .map(|h| u64::from_str_radix(h, 16).unwrap())
            .collect();
        let our_bits: Vec<u64> = ours.iter().map(|x| x.to_bits()).collect();
        assert_eq!(our_bits, bits, "{name}: the values NumPy printed");
    }
    assert_eq!(lines.next(), None);
}

/// The arrays of a printed cell: `label: [[...]\n [...]]` blocks, each a
/// 2-D NumPy `str()` whose rows fit on one line.
fn printed_matrices(text: &str) -> Vec<(String, Array2<f64>)> {
    let mut blocks: Vec<(String, Vec<&str>)> = Vec::new();
    for line in text.lines() {
        match line.split_once(": [[") {
            Some((label, rest)) if !label.starts_with(' ') => {
                blocks.push((label.to_string(), vec![rest]));
            }
            _ => blocks.last_mut().expect("a label first").1.push(line),
        }
    }
    blocks
        .into_iter()
        .map(|(label, rows)| {
            let rows: Vec<Vec<f64>> = rows
                .iter()
                .map(|r| {
                    r.replace(['[', ']'], " ")
                        .split_whitespace()
                        .map(|n| n.parse().expect("a number"))
                        .collect()
                })
                .collect();
            let cols = rows[0].len();
            assert!(rows.iter().all(|r| r.len() == cols), "{label}: ragged");
            let flat: Vec<f64> = rows.concat();
            let a = Array2::from_shape_vec((flat.len() / cols, cols), flat).unwrap();
            (label, a)
        })
        .collect()
}

#[test]
fn cell_16_from_the_notebooks_own_inputs_reproduces_its_products() {
    let notebook = notebook_output(16).expect("cell 16 in the notebook");
    let printed = printed_matrices(&notebook);
    let labels: Vec<&str> = printed.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(labels, ["W", "X", "D", "dLdD", "dLdW", "dLdX"]);
    let get = |name: &str| &printed.iter().find(|(l, _)| l == name).unwrap().1;
    assert_eq!(get("W").dim(), (4, 2));
    assert_eq!(get("X").dim(), (2, 3));
    assert_eq!(get("dLdD").dim(), (4, 3));

    let ours =
        MatmulCell::from_inputs(get("W").view(), get("X").view(), get("dLdD").view()).unwrap();
    for (name, computed) in [("D", &ours.d), ("dLdW", &ours.dw), ("dLdX", &ours.dx)] {
        let expected = get(name);
        assert_eq!(computed.dim(), expected.dim(), "{name}");
        for ((i, j), e) in expected.indexed_iter() {
            let c = computed[(i, j)];
            assert!(
                (c - e).abs() <= 5e-8,
                "{name}[{i},{j}]: ours {c} vs notebook {e}"
            );
        }
    }
}

#[test]
fn cell_16_has_the_notebooks_layout() {
    let (ours, notebook) = (replay(16), notebook_output(16).unwrap());
    let layout = |t: &str| -> Vec<(String, usize)> {
        t.lines()
            .map(|l| (l.split(' ').next().unwrap().to_string(), l.len()))
            .collect()
    };
    assert_eq!(layout(&ours), layout(&notebook));
}

#[test]
fn cell_16_through_the_tensor_graph_gives_the_same_gradients() {
    let cell = MatmulCell::seeded();
    let g = TensorGraph::<f64>::new();
    let w = g.named("W", cell.w.clone());
    let x = g.named("X", cell.x.clone());
    let d = w.matmul(x).expect("(4,2)·(2,3)");
    let grads = g
        .backward_with(d, cell.dd.clone())
        .expect("dD shaped like D");

    let close = |name: &str, graph: &ArrayD<f64>, staged: &Array2<f64>| {
        assert_eq!(graph.shape(), staged.shape(), "{name}");
        for (gv, sv) in graph.iter().zip(staged.iter()) {
            assert!(
                ulps_between(*gv, *sv) <= 2,
                "{name}: graph {gv:?} vs cell {sv:?}"
            );
        }
    };
    close("D", &d.value(), &cell.d);
    close("dLdW", &grads.wrt(w), &cell.dw);
    close("dLdX", &grads.wrt(x), &cell.dx);
}
