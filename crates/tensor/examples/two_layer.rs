//! The README example: a two-layer network's gradients from one backward
//! call, and (with `--svg FILE` or `--dot FILE`) its computational graph
//! with every shape, value and gradient.
//!
//! `cargo run -p backprop-tensor --example two_layer -- --svg network.svg`

use backprop_tensor::{TensorError, TensorGraph};
use ndarray::array;

fn main() -> Result<(), TensorError> {
    // loss = sum(sigmoid(X·W1 + b1)·W2): every gradient from one backward call.
    let g = TensorGraph::<f64>::new();
    let x = g.named("X", array![[0.5, -1.0], [2.0, 0.25], [1.0, 1.0]]); // (3, 2)
    let w1 = g.named("W1", array![[0.1, 0.2, -0.3], [0.4, -0.5, 0.6]]); // (2, 3)
    let b1 = g.named("b1", array![0.01, -0.02, 0.03]); // (3,), broadcast
    let w2 = g.named("W2", array![1.0, -2.0, 0.5]); // (3,): matrix·vector
    let hidden = (x.matmul(w1)? + b1)?.sigmoid().named("hidden");
    let loss = hidden.matmul(w2)?.sum().named("loss");
    let grads = g.backward(loss)?;
    println!("dL/dW1 =\n{}", grads.wrt(w1));

    // The network's graph, if asked for.
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let (text, what) = match pair {
            [flag, file] if flag == "--svg" => (g.to_svg(loss, Some(&grads)), file),
            [flag, file] if flag == "--dot" => (g.to_dot(loss, Some(&grads)), file),
            _ => {
                eprintln!("usage: two_layer [--svg FILE] [--dot FILE]");
                std::process::exit(2);
            }
        };
        if let Err(e) = std::fs::write(what, text) {
            eprintln!("error: cannot write {what}: {e}");
            std::process::exit(3);
        }
        eprintln!("wrote the network's graph to {what}");
    }
    Ok(())
}
