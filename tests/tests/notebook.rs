//! The notebook replays, byte for byte.
//!
//! Each cell's output is an insta snapshot whose committed text is the
//! notebook's own (and is also compared with the output paragraph of the
//! committed notebook, so a snapshot cannot drift from the notebook). Under
//! CI (`CI=true`) insta never writes snapshots, it only compares.

use backprop_gates::ulps_between;
use backprop_notebook::{cell, cells, notebook_output, render_all};

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
        let (staged, graph) = ((check.staged)(), (check.graph)());
        assert_eq!(staged.len(), graph.len(), "cell {}", c.number);
        for ((name, s), (gname, g)) in staged.iter().zip(&graph) {
            assert_eq!(name, gname);
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
fn render_all_frames_each_cell() {
    let all = render_all();
    assert!(all.starts_with("In [3]:\ndfdq = -4\n"));
    assert!(all.contains("\n\nIn [4]:\n"));
    assert!(all.ends_with("dfdy: 1.5922327514838093\n\n"));
}
