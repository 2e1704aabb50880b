//! `matmul` against a naive triple loop, and its gradients against central
//! finite differences, over random shapes: 1-D operands, 2-D, batched, and
//! broadcast batch axes.

use crate::common;

use backprop_tensor::{TensorGraph, matmul, matmul_vjp};
use common::{assert_close, finite_differences, naive_matmul, weighted_sum};
use ndarray::{ArrayD, Dimension, IxDyn};
use proptest::prelude::*;

/// Shapes `(a, b)` that `numpy.matmul` accepts: a random batch shape that
/// each operand keeps a suffix of, with some axes shrunk to 1; either
/// operand may instead be a 1-D vector.
fn matmul_shapes() -> impl Strategy<Value = (Vec<usize>, Vec<usize>)> {
    (
        prop::collection::vec(1usize..=3, 0..=3),
        (1usize..=4, 1usize..=4, 1usize..=4),
        (0usize..=3, 0usize..=3),
        (any::<[bool; 3]>(), any::<[bool; 3]>()),
        (prop::bool::weighted(0.2), prop::bool::weighted(0.2)),
    )
        .prop_map(
            |(batch, (m, k, n), (drop_a, drop_b), (ones_a, ones_b), (a_vec, b_vec))| {
                let operand_batch = |drop: usize, ones: [bool; 3]| -> Vec<usize> {
                    let kept = &batch[drop.min(batch.len())..];
                    kept.iter()
                        .enumerate()
                        .map(|(i, &size)| if ones[i] { 1 } else { size })
                        .collect()
                };
                let a = if a_vec {
                    vec![k]
                } else {
                    let mut s = operand_batch(drop_a, ones_a);
                    s.extend([m, k]);
                    s
                };
                let b = if b_vec {
                    vec![k]
                } else {
                    let mut s = operand_batch(drop_b, ones_b);
                    s.extend([k, n]);
                    s
                };
                (a, b)
            },
        )
}

fn array(shape: &[usize]) -> impl Strategy<Value = ArrayD<f64>> + use<> {
    let shape = shape.to_vec();
    let len = shape.iter().product::<usize>();
    prop::collection::vec(-2.0f64..2.0, len)
        .prop_map(move |v| ArrayD::from_shape_vec(IxDyn(&shape), v).unwrap())
}

/// Two operands and an upstream gradient of the product's shape.
fn matmul_case() -> impl Strategy<Value = (ArrayD<f64>, ArrayD<f64>, ArrayD<f64>)> {
    matmul_shapes().prop_flat_map(|(sa, sb)| {
        let out_shape = naive_matmul(&ArrayD::zeros(IxDyn(&sa)), &ArrayD::zeros(IxDyn(&sb)))
            .shape()
            .to_vec();
        (array(&sa), array(&sb), array(&out_shape))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn forward_matches_a_naive_triple_loop((a, b, _) in matmul_case()) {
        let c = matmul(&a.view(), &b.view()).unwrap();
        assert_close("matmul", &c, &naive_matmul(&a, &b), 1e-12);
    }

    #[test]
    fn gradients_have_input_shapes_and_match_finite_differences((a, b, dc) in matmul_case()) {
        let (da, db) = matmul_vjp(&a.view(), &b.view(), &dc.view()).unwrap();
        prop_assert_eq!(da.shape(), a.shape());
        prop_assert_eq!(db.shape(), b.shape());
        // The loss is bilinear, so central differences are exact up to rounding.
        let numeric = finite_differences(&[a.clone(), b.clone()], 1e-3, |x| {
            weighted_sum(&naive_matmul(&x[0], &x[1]), &dc)
        });
        assert_close("dA", &da, &numeric[0], 1e-9);
        assert_close("dB", &db, &numeric[1], 1e-9);
    }

    #[test]
    fn the_graph_gives_the_same_gradients_as_the_array_functions((a, b, dc) in matmul_case()) {
        let g = TensorGraph::<f64>::new();
        let (ta, tb) = (g.leaf(a.clone()), g.leaf(b.clone()));
        let c = ta.matmul(tb).unwrap();
        let grads = g.backward_with(c, dc.clone()).unwrap();
        let (da, db) = matmul_vjp(&a.view(), &b.view(), &dc.view()).unwrap();
        prop_assert_eq!(grads.wrt(ta), da);
        prop_assert_eq!(grads.wrt(tb), db);
    }

    #[test]
    fn f32_products_agree_with_f64((a, b, dc) in matmul_case()) {
        let (a32, b32, dc32) = (a.mapv(|v| v as f32), b.mapv(|v| v as f32), dc.mapv(|v| v as f32));
        let c32 = matmul(&a32.view(), &b32.view()).unwrap().mapv(f64::from);
        let (da32, db32) = matmul_vjp(&a32.view(), &b32.view(), &dc32.view()).unwrap();
        // Inputs rounded to f32 move each product by ~k·4·2⁻²⁴ relative.
        let a_r = a32.mapv(f64::from);
        let b_r = b32.mapv(f64::from);
        assert_close("f32 matmul", &c32, &naive_matmul(&a_r, &b_r), 1e-5);
        let (da, db) = matmul_vjp(&a_r.view(), &b_r.view(), &dc32.mapv(f64::from).view()).unwrap();
        assert_close("f32 dA", &da32.mapv(f64::from), &da, 1e-5);
        assert_close("f32 dB", &db32.mapv(f64::from), &db, 1e-5);
    }
}

/// Products large enough to take the parallel path (output blocks and batch
/// items on rayon's pool) agree with the naive loop too.
#[test]
fn parallel_paths_match_the_naive_loop() {
    let fill = |shape: &[usize], seed: f64| {
        ArrayD::from_shape_fn(IxDyn(shape), |i| {
            let s: usize = i
                .slice()
                .iter()
                .enumerate()
                .map(|(j, &x)| (j + 3) * x)
                .sum();
            ((s as f64 * 0.37 + seed).sin() * 100.0).round() / 100.0
        })
    };
    for (sa, sb) in [
        (vec![300, 50], vec![50, 20]),  // one product split into row panels
        (vec![8, 120], vec![120, 300]), // wide: column panels
        (vec![300, 30], vec![30, 300]), // square: row blocks (a grid on more threads)
        (vec![3, 1, 40, 50], vec![4, 50, 40]), // broadcast batch, parallel over items
        (vec![70], vec![5, 70, 80]),    // vector · batch
    ] {
        let (a, b) = (fill(&sa, 0.1), fill(&sb, 0.7));
        let c = matmul(&a.view(), &b.view()).unwrap();
        assert_close("parallel matmul", &c, &naive_matmul(&a, &b), 1e-12);
        // L = <dC, A·B> is linear in each operand, so its derivative along
        // any direction U (shaped like A) is exactly <dC, U·B>: <dA, U> must
        // equal it, and likewise <dB, V> = <dC, A·V>.
        let dc = fill(c.shape(), 0.3);
        let (da, db) = matmul_vjp(&a.view(), &b.view(), &dc.view()).unwrap();
        let (u, v) = (fill(&sa, 0.9), fill(&sb, 0.2));
        let inner = |x: &ArrayD<f64>, y: &ArrayD<f64>| weighted_sum(x, y);
        let along_u = inner(&dc, &naive_matmul(&u, &b));
        let along_v = inner(&dc, &naive_matmul(&a, &v));
        assert!((inner(&da, &u) - along_u).abs() <= 1e-10 * along_u.abs().max(1.0));
        assert!((inner(&db, &v) - along_v).abs() <= 1e-10 * along_v.abs().max(1.0));
        assert_eq!((da.shape(), db.shape()), (a.shape(), b.shape()));
    }
}
