//! A chain of ten million nodes records, backpropagates and drops without
//! recursion: run on a thread with a deliberately small stack.

use backprop_graph::Graph;

#[test]
fn ten_million_node_chain_on_a_small_stack() {
    const N: usize = 10_000_000;
    let worker = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let g = Graph::with_capacity(N + 1);
            let x = g.var(1.0);
            // y_{k+1} = -y_k: after an even number of steps y = x and dy/dx = 1
            let mut y = x;
            for _ in 0..N {
                y = -y;
            }
            assert_eq!(g.len(), N + 1);
            let grads = g.backward(y);
            (y.value(), grads[x])
            // `g` (and its tape) drops here, still on the small stack
        })
        .expect("spawn");
    assert_eq!(worker.join().expect("no stack overflow"), (1.0, 1.0));
}
