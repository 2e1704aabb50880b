//! Prints the exact values of the cell `In [16]` replay, one array per
//! line: `name rows cols` and the 16-hex-digit bits of each element in row
//! order. `tests/data/gen_cell16_numpy.py` reads this to let NumPy print the
//! very same arrays.
//!
//! ```text
//! cargo run -p backprop-notebook --example cell16_values \
//!     > crates/notebook/tests/data/cell16_values.txt
//! ```

use backprop_notebook::matmul::MatmulCell;

fn main() {
    let cell = MatmulCell::seeded();
    println!("# cell In [16] replay values: name rows cols bits...");
    for (name, a) in cell.named() {
        let bits: Vec<String> = a.iter().map(|x| format!("{:016x}", x.to_bits())).collect();
        println!("{name} {} {} {}", a.nrows(), a.ncols(), bits.join(" "));
    }
}
