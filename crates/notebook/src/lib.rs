//! The backpropagation lecture notebook, replayed in Rust.
//!
//! Each cell is ported stage by stage, taking every local derivative from
//! `backprop-gates`, and prints exactly what the notebook printed, down to
//! Python's number formatting ([`float_repr`], [`PyNum`]) and NumPy's array
//! printing ([`array_str`]). Each scalar cell that
//! computes gradients is also rebuilt on a `backprop-graph` graph so the two
//! can be compared.
//!
//! ```
//! use backprop_notebook::{cell, notebook_output};
//!
//! let chain_rule = cell(3).unwrap();
//! assert_eq!((chain_rule.replay)(), "dfdq = -4\ndfdx = -4.0, dfdy = -4.0, dfdz = 3\n");
//! assert_eq!(notebook_output(3).unwrap(), (chain_rule.replay)());
//! ```

mod cells;
mod numpy;
mod pyfmt;
mod source;

pub use cells::{Cell, Circuit, CrossCheck, cell, cells, chain_rule, matmul, neuron, staged};
pub use numpy::array_str;
pub use pyfmt::{PyNum, float_repr, py_list};
pub use source::{NOTEBOOK, notebook_output};

/// Everything `cargo xtask notebook` prints: for each cell in order, a line
/// `In [N]:`, the cell's output, and a blank line.
pub fn render_all() -> String {
    cells()
        .iter()
        .map(|c| format!("In [{}]:\n{}\n", c.number, (c.replay)()))
        .collect()
}
