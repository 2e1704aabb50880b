//! Constants on either side of every arithmetic operator, of the tensor's
//! element type (`f64` for `f64` tensors, `f32` for `f32` tensors): exact values (one IEEE operation per
//! element, as NumPy computes them) and the textbook derivatives; constant
//! leaves get no gradient; argmax/argmin; the `ndarray` re-export.

use backprop_tensor::ndarray::{ArrayD, array};
use backprop_tensor::{TensorGraph, argmax};

#[test]
fn f64_constants_on_either_side() {
    let x0 = array![0.5, -2.0, 3.0];
    let g = TensorGraph::<f64>::new();
    let x = g.leaf(x0.clone());
    let c = 2.0;
    let cases: [(_, Vec<f64>, Vec<f64>); 8] = [
        (x + c, x0.mapv(|v| v + c).to_vec(), vec![1.0; 3]),
        (c + x, x0.mapv(|v| c + v).to_vec(), vec![1.0; 3]),
        (x - c, x0.mapv(|v| v - c).to_vec(), vec![1.0; 3]),
        (c - x, x0.mapv(|v| c - v).to_vec(), vec![-1.0; 3]),
        (x * c, x0.mapv(|v| v * c).to_vec(), vec![c; 3]),
        (c * x, x0.mapv(|v| c * v).to_vec(), vec![c; 3]),
        (x / c, x0.mapv(|v| v / c).to_vec(), vec![1.0 / c; 3]),
        // d(c/x)/dx = -c/x²
        (
            c / x,
            x0.mapv(|v| c / v).to_vec(),
            x0.mapv(|v| -c / (v * v)).to_vec(),
        ),
    ];
    for (i, (y, value, derivative)) in cases.into_iter().enumerate() {
        assert_eq!(y.value().as_slice().unwrap(), value.as_slice(), "case {i}");
        let dx = g.backward(y.sum()).unwrap().wrt(x);
        for (d, want) in dx.iter().zip(&derivative) {
            assert!(
                (d - want).abs() <= 1e-15 * want.abs(),
                "case {i}: {d} vs {want}"
            );
        }
    }
}

#[test]
fn f32_constants_on_f32_tensors() {
    let x0 = array![0.1_f32, -3.0, 7.0];
    let g = TensorGraph::<f32>::new();
    let x = g.leaf(x0.clone());
    let c = 0.3_f32; // not representable in binary: must not go through f64 rounding twice
    assert_eq!((c / x).value(), x0.mapv(|v| c / v).into_dyn());
    assert_eq!((x - c).value(), x0.mapv(|v| v - c).into_dyn());
    assert_eq!((c - x).value(), x0.mapv(|v| c - v).into_dyn());
    assert_eq!((x * c).value(), x0.mapv(|v| v * c).into_dyn());
    // An f64 value is converted by the caller (f32 tensors take f32
    // constants only; see `literals.rs`).
    let c64 = 2.0_f64;
    assert_eq!((x / c64 as f32).value(), x0.mapv(|v| v / 2.0).into_dyn());
    let dx = g.backward((c / x).sum()).unwrap().wrt(x);
    assert_eq!(dx, x0.mapv(|v| -(c / v) / v).into_dyn());
}

#[test]
fn constants_get_no_gradient_and_cost_no_work() {
    let g = TensorGraph::<f64>::new();
    let data = g.constant(array![[1.0, 2.0], [3.0, 4.0]]);
    let w = g.leaf(array![[0.5], [-1.0]]);
    let scaled = data * 3.0; // depends on constants only
    let loss = scaled.matmul(w).unwrap().sum();
    let grads = g.backward(loss).unwrap();
    assert!(grads.get(data).is_none());
    assert!(grads.get(scaled).is_none());
    assert_eq!(grads.wrt(w), array![[12.0], [18.0]].into_dyn());
    assert_eq!(grads.wrt(data), ArrayD::zeros(vec![2, 2]));
    // A loss of constants only has no gradients at all.
    let c = g.constant(array![1.0, 2.0]);
    let only = g.backward(c.sum()).unwrap();
    assert!(only.get(c).is_none());
}

#[test]
fn argmax_and_argmin_take_the_first_of_ties() {
    let scores = array![[0.2, 0.9, 0.9], [-1.0, -1.0, -3.0]].into_dyn();
    assert_eq!(argmax(&scores.view(), -1).unwrap(), array![1, 0].into_dyn());
    assert_eq!(
        argmax(&scores.view(), 0).unwrap(),
        array![0, 0, 0].into_dyn()
    );
    let g = TensorGraph::<f64>::new();
    let t = g.leaf(scores);
    assert_eq!(t.argmin(1).unwrap(), array![0, 2].into_dyn());
    assert!(t.argmax(2).is_err());
}
