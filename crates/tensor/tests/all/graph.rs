//! Tensor graphs on the shared engine: a whole network's gradients from one
//! backward call, fan-out accumulation, repeated backward passes, f32, and
//! the zero-copy transpose and reshape paths.

use crate::common;

use backprop_tensor::{TensorError, TensorGraph};
use common::{assert_close, finite_differences};
use ndarray::{ArrayD, IxDyn, array};

fn det(shape: &[usize], seed: f64) -> ArrayD<f64> {
    let mut k = 0.0_f64;
    ArrayD::from_shape_simple_fn(IxDyn(shape), || {
        k += 1.0;
        ((k * 0.618 + seed).sin() * 1.7 * 1000.0).round() / 1000.0
    })
}

/// `loss = sum(sigmoid(X·W1 + b1)·W2)` written out with explicit loops, as
/// the independent oracle.
fn two_layer_loss(x: &ArrayD<f64>, w1: &ArrayD<f64>, b1: &ArrayD<f64>, w2: &ArrayD<f64>) -> f64 {
    let (rows, inner, hidden, outs) = (x.shape()[0], x.shape()[1], w1.shape()[1], w2.shape()[1]);
    let mut loss = 0.0;
    for r in 0..rows {
        for o in 0..outs {
            for h in 0..hidden {
                let mut z = b1[[h]];
                for i in 0..inner {
                    z += x[[r, i]] * w1[[i, h]];
                }
                loss += 1.0 / (1.0 + (-z).exp()) * w2[[h, o]];
            }
        }
    }
    loss
}

#[test]
fn one_backward_call_gives_every_gradient_of_a_two_layer_network() -> Result<(), TensorError> {
    let (x0, w10, b10, w20) = (
        det(&[5, 3], 0.1),
        det(&[3, 4], 0.2),
        det(&[4], 0.3),
        det(&[4, 2], 0.4),
    );
    let g = TensorGraph::<f64>::new();
    let (x, w1, b1, w2) = (
        g.leaf(x0.clone()),
        g.leaf(w10.clone()),
        g.leaf(b10.clone()),
        g.leaf(w20.clone()),
    );
    let hidden = (x.matmul(w1)? + b1)?.sigmoid();
    let loss = hidden.matmul(w2)?.sum();
    assert!((loss.value().sum() - two_layer_loss(&x0, &w10, &b10, &w20)).abs() < 1e-12);

    let grads = g.backward(loss)?;
    let numeric = finite_differences(&[x0, w10, b10, w20], 1e-6, |p| {
        two_layer_loss(&p[0], &p[1], &p[2], &p[3])
    });
    for (name, t, n) in [
        ("dX", x, &numeric[0]),
        ("dW1", w1, &numeric[1]),
        ("db1", b1, &numeric[2]),
        ("dW2", w2, &numeric[3]),
    ] {
        assert_close(name, &grads.wrt(t), n, 1e-7);
    }
    // Intermediate gradients are observable too: d loss / d hidden = 1·W2ᵀ.
    let d_hidden = grads
        .get(hidden)
        .expect("the loss depends on the hidden layer");
    assert_eq!(d_hidden.shape(), &[5, 4]);
    Ok(())
}

#[test]
fn fan_out_accumulates_and_repeated_backward_calls_agree() -> Result<(), TensorError> {
    // y = sum(x·x + x): dy/dx = 2x + 1, with x reaching y along three paths.
    let x0 = array![[0.5, -1.5], [2.0, 0.25]].into_dyn();
    let g = TensorGraph::<f64>::new();
    let x = g.leaf(x0.clone());
    let y = ((x * x)? + x)?.sum();
    let first = g.backward(y)?.wrt(x);
    assert_eq!(first, x0.mapv(|v| 2.0 * v + 1.0));
    assert_eq!(g.backward(y)?.wrt(x), first, "no stale accumulation");
    // b = a + a; c = b + b gives dc/da = 4.
    let a = g.leaf(array![1.0, 2.0]);
    let b = (a + a)?;
    let c = (b + b)?.sum();
    assert_eq!(g.backward(c)?.wrt(a), array![4.0, 4.0].into_dyn());
    Ok(())
}

#[test]
fn nodes_off_the_path_get_no_gradient() -> Result<(), TensorError> {
    let g = TensorGraph::<f64>::new();
    let x = g.leaf(array![1.0, 2.0]);
    let unused = g.leaf(array![0.0, -1.0]).ln(); // NaN and -inf: never visited
    let y = x.exp().sum();
    let grads = g.backward(y)?;
    assert!(grads.get(unused).is_none());
    assert_eq!(grads.wrt(unused), ArrayD::<f64>::zeros(IxDyn(&[2])));
    assert_eq!(grads.wrt(x), array![1.0f64.exp(), 2.0f64.exp()].into_dyn());
    Ok(())
}

#[test]
fn transpose_and_reshape_views_feed_products_and_gradients() -> Result<(), TensorError> {
    // loss = sum((Xᵀ·X) reshaped to a row) with X (3, 2): d/dX = 2·X·1.
    let x0 = det(&[3, 2], 0.9);
    let g = TensorGraph::<f64>::new();
    let x = g.leaf(x0.clone());
    let gram = x.t()?.matmul(x)?;
    let flat = gram.reshape(&[4])?;
    let loss = flat.sum();
    let grads = g.backward(loss)?;
    // ∂/∂X Σᵢⱼ (XᵀX)ᵢⱼ = X·(1 + 1ᵀ) = 2·X·J with J the all-ones 2×2.
    let row_sums = x0.sum_axis(ndarray::Axis(1)).insert_axis(ndarray::Axis(1));
    let expected = (&row_sums * 2.0)
        .broadcast(IxDyn(&[3, 2]))
        .unwrap()
        .to_owned();
    assert_close("d sum(XᵀX)", &grads.wrt(x), &expected, 1e-12);
    // A reshape of the (non-contiguous) transpose follows row-major order.
    let t_flat = x.t()?.reshape(&[6])?.value();
    let logical: Vec<f64> = x0.t().iter().copied().collect();
    assert_eq!(t_flat.iter().copied().collect::<Vec<_>>(), logical);
    Ok(())
}

#[test]
fn f32_graphs_agree_with_f64_graphs() -> Result<(), TensorError> {
    let (x0, w0, b0) = (det(&[4, 3], 0.5), det(&[2, 3, 5], 0.6), det(&[5], 0.7));
    let run64 = {
        let g = TensorGraph::<f64>::new();
        let (x, w, b) = (g.leaf(x0.clone()), g.leaf(w0.clone()), g.leaf(b0.clone()));
        let loss = (x.matmul(w)? + b)?.tanh().mean();
        let grads = g.backward(loss)?;
        [grads.wrt(x), grads.wrt(w), grads.wrt(b)]
    };
    let g = TensorGraph::<f32>::new();
    let to32 = |a: &ArrayD<f64>| a.mapv(|v| v as f32);
    let (x, w, b) = (g.leaf(to32(&x0)), g.leaf(to32(&w0)), g.leaf(to32(&b0)));
    let loss = (x.matmul(w)? + b)?.tanh().mean();
    let grads = g.backward(loss)?;
    for (got, want) in [grads.wrt(x), grads.wrt(w), grads.wrt(b)]
        .iter()
        .zip(&run64)
    {
        assert_close("f32 vs f64", &got.mapv(f64::from), want, 1e-5);
    }
    Ok(())
}

#[test]
fn operators_with_constants_use_the_gates() -> Result<(), TensorError> {
    let g = TensorGraph::<f64>::new();
    let x = g.leaf(array![1.0, -2.0]);
    let y = (2.0 * x + 1.0) - 0.5;
    assert_eq!(y.value(), array![2.5, -3.5].into_dyn());
    let z = (-y * 3.0).sum();
    assert_eq!(g.backward(z)?.wrt(x), array![-6.0, -6.0].into_dyn());
    Ok(())
}

#[test]
fn a_branch_max_ignores_contributes_zero_not_nan() {
    // y = max(x, x / 0) elementwise at x = -1: max picks x (x/0 = -inf),
    // so dy/dx = 1 although the losing branch has local derivative inf.
    let g = backprop_tensor::TensorGraph::<f64>::new();
    let x = g.leaf(ndarray::array![-1.0, -2.0]);
    let zero = g.leaf(ndarray::array![0.0, 0.0]);
    let y = x
        .max((x / zero).expect("same shape"))
        .expect("same shape")
        .sum();
    let d = g.backward(y).expect("backward");
    assert_eq!(d.wrt(x), ndarray::array![1.0, 1.0].into_dyn());
    assert_eq!(d.wrt(zero), ndarray::array![0.0, 0.0].into_dyn());
}

/// `a + b` hands its upstream gradient on to a same-shaped operand without
/// copying it; when that operand later receives a second contribution, the
/// sum must go to the operand alone, the add node's own gradient staying
/// as it was.
#[test]
fn a_shared_add_gradient_is_copied_before_accumulating() -> Result<(), TensorError> {
    let g = TensorGraph::<f64>::new();
    let x = g.leaf(det(&[2, 3], 0.1));
    let y = g.leaf(det(&[2, 3], 0.2));
    let c = det(&[2, 3], 0.3);
    let d = det(&[2, 3], 0.4);
    // Recorded after `x * d`, so its (shared) contribution reaches x first.
    let p = (x * g.constant(d.clone()))?;
    let h = (x + y)?;
    let loss = ((h * g.constant(c.clone()))?.sum() + p.sum())?;
    let grads = g.backward(loss)?;
    assert_eq!(grads.wrt(h), c);
    assert_eq!(grads.wrt(y), c);
    assert_eq!(grads.wrt(x), &c + &d);
    // A bias broadcast over rows receives the column sums.
    let g = TensorGraph::<f64>::new();
    let m = g.leaf(det(&[4, 3], 0.5));
    let b = g.leaf(array![1.0, 2.0, 3.0]);
    let grads = g.backward_with((m + b)?, det(&[4, 3], 0.6))?;
    let upstream = det(&[4, 3], 0.6);
    assert_eq!(grads.wrt(m), upstream);
    assert_close(
        "bias",
        &grads.wrt(b),
        &upstream.sum_axis(ndarray::Axis(0)),
        1e-15,
    );
    Ok(())
}
