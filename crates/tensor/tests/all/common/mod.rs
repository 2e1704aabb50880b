//! Independent oracles for the tensor tests: a naive `numpy.matmul`, naive
//! broadcasting, and central finite differences. None of them calls the
//! code under test.

#![allow(dead_code)] // each test file uses a subset

use ndarray::{ArrayD, Dimension, IxDyn};

/// The broadcast shape, computed directly from NumPy's rule.
pub fn naive_broadcast(a: &[usize], b: &[usize]) -> Option<Vec<usize>> {
    let nd = a.len().max(b.len());
    let pad = |s: &[usize]| {
        let mut p = vec![1; nd - s.len()];
        p.extend_from_slice(s);
        p
    };
    let (pa, pb) = (pad(a), pad(b));
    pa.iter()
        .zip(&pb)
        .map(|(&x, &y)| match (x, y) {
            _ if x == y => Some(x),
            (1, _) => Some(y),
            (_, 1) => Some(x),
            _ => None,
        })
        .collect()
}

/// The index into an operand of shape `shape` that broadcasting maps the
/// result index `index` to (trailing-aligned; size-1 axes pinned to 0).
pub fn source_index(index: &[usize], shape: &[usize]) -> Vec<usize> {
    let offset = index.len() - shape.len();
    shape
        .iter()
        .enumerate()
        .map(|(i, &size)| if size == 1 { 0 } else { index[offset + i] })
        .collect()
}

/// `numpy.matmul` by the definition: promote 1-D operands, broadcast batch
/// axes, a triple loop per batch item, drop the promoted axes.
pub fn naive_matmul(a: &ArrayD<f64>, b: &ArrayD<f64>) -> ArrayD<f64> {
    let a_vec = a.ndim() == 1;
    let b_vec = b.ndim() == 1;
    let a_shape: Vec<usize> = if a_vec {
        vec![1, a.len()]
    } else {
        a.shape().to_vec()
    };
    let b_shape: Vec<usize> = if b_vec {
        vec![b.len(), 1]
    } else {
        b.shape().to_vec()
    };
    let a2 = a.to_shape(IxDyn(&a_shape)).unwrap();
    let b2 = b.to_shape(IxDyn(&b_shape)).unwrap();
    let (m, k) = (a_shape[a_shape.len() - 2], a_shape[a_shape.len() - 1]);
    let n = b_shape[b_shape.len() - 1];
    assert_eq!(k, b_shape[b_shape.len() - 2]);
    let a_batch = &a_shape[..a_shape.len() - 2];
    let b_batch = &b_shape[..b_shape.len() - 2];
    let batch = naive_broadcast(a_batch, b_batch).expect("batch axes broadcast");
    let mut out_shape = batch.clone();
    out_shape.extend([m, n]);
    let mut c = ArrayD::<f64>::zeros(IxDyn(&out_shape));
    for bi in ndarray::indices(IxDyn(&batch)) {
        let bi = bi.slice().to_vec();
        let ai_batch = source_index(&bi, a_batch);
        let bi_batch = source_index(&bi, b_batch);
        for i in 0..m {
            for j in 0..n {
                let mut acc = 0.0;
                for p in 0..k {
                    let mut ia = ai_batch.clone();
                    ia.extend([i, p]);
                    let mut ib = bi_batch.clone();
                    ib.extend([p, j]);
                    acc += a2[IxDyn(&ia)] * b2[IxDyn(&ib)];
                }
                let mut ic = bi.clone();
                ic.extend([i, j]);
                c[IxDyn(&ic)] = acc;
            }
        }
    }
    let mut shape = batch;
    if !a_vec {
        shape.push(m);
    }
    if !b_vec {
        shape.push(n);
    }
    c.to_shape(IxDyn(&shape)).unwrap().to_owned()
}

/// Central finite differences of the scalar `loss(inputs)` with respect to
/// every element of every input: `(L(x + h) - L(x - h)) / ((x + h) - (x - h))`
/// with `h = step · max(|x|, 1)`, dividing by the step actually represented.
pub fn finite_differences(
    inputs: &[ArrayD<f64>],
    step: f64,
    loss: impl Fn(&[ArrayD<f64>]) -> f64,
) -> Vec<ArrayD<f64>> {
    let mut work = inputs.to_vec();
    inputs
        .iter()
        .enumerate()
        .map(|(which, input)| {
            let mut grad = ArrayD::<f64>::zeros(input.raw_dim());
            for (index, &x) in input.indexed_iter() {
                let h = step * x.abs().max(1.0);
                let (up, down) = (x + h, x - h);
                work[which][&index] = up;
                let l_up = loss(&work);
                work[which][&index] = down;
                let l_down = loss(&work);
                work[which][&index] = x;
                grad[&index] = (l_up - l_down) / (up - down);
            }
            grad
        })
        .collect()
}

/// `Σ upstream ⊙ output`: the scalar whose gradient is the vector-Jacobian
/// product with `upstream`.
pub fn weighted_sum(output: &ArrayD<f64>, upstream: &ArrayD<f64>) -> f64 {
    assert_eq!(output.shape(), upstream.shape());
    output.iter().zip(upstream).map(|(o, u)| o * u).sum()
}

/// Asserts `|got - want| <= tol · max(1, |want|)` elementwise, naming the
/// first offending element.
pub fn assert_close(what: &str, got: &ArrayD<f64>, want: &ArrayD<f64>, tol: f64) {
    assert_eq!(got.shape(), want.shape(), "{what}: shapes differ");
    for ((index, &g), &w) in got.indexed_iter().zip(want.iter()) {
        assert!(
            (g - w).abs() <= tol * w.abs().max(1.0),
            "{what}: element {index:?} is {g}, expected {w} (tolerance {tol})"
        );
    }
}
