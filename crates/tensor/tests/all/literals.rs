//! Float literals with tensors need no annotation: a constant has the
//! tensor's element type, so `x / 3.0`, `3.0 - x`, `x * 2.0` and `x + 1.0`
//! infer `f32` on an `f32` tensor and `f64` on an `f64` tensor (with
//! constants of both types accepted on `f32` tensors, `x / 3.0` there was
//! error E0282, "type annotations needed"). Values are computed directly
//! from the input array, derivatives by their formulas.

use backprop_tensor::TensorGraph;
use backprop_tensor::ndarray::{ArrayD, array};

#[test]
fn float_literals_on_f32_tensors() {
    let x0 = array![0.7_f32, -3.0, 11.0, 1e-3].into_dyn();
    let g = TensorGraph::<f32>::new();
    let x = g.leaf(x0.clone());

    let quotient = x / 3.0;
    let difference = 3.0 - x;
    let product = x * 2.0;
    let sum = x + 1.0;
    assert_eq!(quotient.value(), x0.mapv(|v| v / 3.0));
    assert_eq!(difference.value(), x0.mapv(|v| 3.0 - v));
    assert_eq!(product.value(), x0.mapv(|v| v * 2.0));
    assert_eq!(sum.value(), x0.mapv(|v| v + 1.0));

    // Literals on the left of the other operators, and chained.
    assert_eq!((1.0 + x).value(), x0.mapv(|v| 1.0 + v));
    assert_eq!((2.0 * x).value(), x0.mapv(|v| 2.0 * v));
    assert_eq!((3.0 / x).value(), x0.mapv(|v| 3.0 / v));
    assert_eq!((x - 1.0).value(), x0.mapv(|v| v - 1.0));
    let chained = (3.0 - x / 3.0) * 2.0 + 1.0;
    assert_eq!(chained.value(), x0.mapv(|v| (3.0 - v / 3.0) * 2.0 + 1.0));

    // d/dx of each: 1/3, -1, 2, 1 (computed in f32, as the rules are).
    for (y, slope) in [
        (quotient, 1.0_f32 / 3.0),
        (difference, -1.0),
        (product, 2.0),
        (sum, 1.0),
    ] {
        let dx = g.backward(y.sum()).unwrap().wrt(x);
        assert_eq!(dx, ArrayD::from_elem(x0.shape(), slope));
    }
}

#[test]
fn float_literals_on_f64_tensors() {
    let x0 = array![[0.7, -3.0], [11.0, 1e-3]].into_dyn();
    let g = TensorGraph::<f64>::new();
    let x = g.leaf(x0.clone());

    let quotient = x / 3.0;
    let difference = 3.0 - x;
    let product = x * 2.0;
    let sum = x + 1.0;
    assert_eq!(quotient.value(), x0.mapv(|v| v / 3.0));
    assert_eq!(difference.value(), x0.mapv(|v| 3.0 - v));
    assert_eq!(product.value(), x0.mapv(|v| v * 2.0));
    assert_eq!(sum.value(), x0.mapv(|v| v + 1.0));
    let chained = (3.0 - x / 3.0) * 2.0 + 1.0;
    assert_eq!(chained.value(), x0.mapv(|v| (3.0 - v / 3.0) * 2.0 + 1.0));

    for (y, slope) in [
        (quotient, 1.0 / 3.0),
        (difference, -1.0),
        (product, 2.0),
        (sum, 1.0),
    ] {
        let dx = g.backward(y.sum()).unwrap().wrt(x);
        assert_eq!(dx, ArrayD::from_elem(x0.shape(), slope));
    }
}
