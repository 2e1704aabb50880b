//! The README example: a two-layer network's gradients from one backward call.
//!
//! `cargo run -p backprop-tensor --example two_layer`

use backprop_tensor::{TensorError, TensorGraph};
use ndarray::array;

fn main() -> Result<(), TensorError> {
    // loss = sum(sigmoid(X·W1 + b1)·W2): every gradient from one backward call.
    let g = TensorGraph::<f64>::new();
    let x = g.leaf(array![[0.5, -1.0], [2.0, 0.25], [1.0, 1.0]]); // (3, 2)
    let w1 = g.leaf(array![[0.1, 0.2, -0.3], [0.4, -0.5, 0.6]]); // (2, 3)
    let b1 = g.leaf(array![0.01, -0.02, 0.03]); // (3,), broadcast
    let w2 = g.leaf(array![1.0, -2.0, 0.5]); // (3,): matrix·vector
    let hidden = (x.matmul(w1)? + b1)?.sigmoid();
    let loss = hidden.matmul(w2)?.sum();
    let grads = g.backward(loss)?;
    println!("dL/dW1 =\n{}", grads.wrt(w1));
    Ok(())
}
