//! Every gate lifted to tensors: forward values equal the gate's own rule
//! applied element by element (with NumPy broadcasting done by hand), and
//! gradients match central finite differences, over random shapes.

use crate::common;

use backprop_gates::{Domain, Gate};
use backprop_tensor::{TensorOp, binary_vjp, unary_vjp};
use common::{assert_close, finite_differences, naive_broadcast, source_index, weighted_sum};
use ndarray::{ArrayD, IxDyn};
use proptest::prelude::*;

/// Keep this far from kinks and from 0 where 0 is excluded, well beyond
/// the finite-difference steps below.
const MARGIN: f64 = 0.05;

fn sample(domain: Domain) -> BoxedStrategy<f64> {
    match domain {
        Domain::Real => (-2.0f64..2.0).boxed(),
        Domain::Positive => (0.25f64..2.0).boxed(),
        Domain::NonZero => (0.25f64..2.0, any::<bool>())
            .prop_map(|(m, neg)| if neg { -m } else { m })
            .boxed(),
    }
}

fn array_in(shape: Vec<usize>, domain: Domain) -> impl Strategy<Value = ArrayD<f64>> {
    let len = shape.iter().product::<usize>();
    prop::collection::vec(sample(domain), len)
        .prop_map(move |v| ArrayD::from_shape_vec(IxDyn(&shape), v).unwrap())
}

/// Two shapes that broadcast: a common shape with some axes set to 1 and
/// some leading axes dropped, per operand.
fn broadcast_pair() -> impl Strategy<Value = (Vec<usize>, Vec<usize>)> {
    (
        prop::collection::vec(1usize..=3, 0..=3),
        (0usize..=3, 0usize..=3),
        (any::<[bool; 3]>(), any::<[bool; 3]>()),
    )
        .prop_map(|(shape, (drop_a, drop_b), (ones_a, ones_b))| {
            let derive = |drop: usize, ones: [bool; 3]| -> Vec<usize> {
                shape[drop.min(shape.len())..]
                    .iter()
                    .enumerate()
                    .map(|(i, &s)| if ones[i] { 1 } else { s })
                    .collect()
            };
            (derive(drop_a, ones_a), derive(drop_b, ones_b))
        })
}

fn unary_gates() -> Vec<Gate> {
    Gate::catalog()
        .iter()
        .copied()
        .filter(|g| g.arity() == 1)
        .collect()
}

fn binary_gates() -> Vec<Gate> {
    Gate::catalog()
        .iter()
        .copied()
        .filter(|g| g.arity() == 2)
        .collect()
}

fn op_of(gate: Gate) -> TensorOp {
    match gate {
        Gate::Unary(u) => TensorOp::Unary(u),
        Gate::Binary(b) => TensorOp::Binary(b),
    }
}

fn unary_case() -> impl Strategy<Value = (Gate, ArrayD<f64>, ArrayD<f64>)> {
    (
        0..unary_gates().len(),
        prop::collection::vec(1usize..=4, 0..=3),
    )
        .prop_flat_map(|(i, shape)| {
            let gate = unary_gates()[i];
            let x = array_in(shape.clone(), gate.domain()[0])
                .prop_filter("away from kinks", move |x| {
                    x.iter().all(|&v| !gate.is_near_kink(&[v], MARGIN))
                });
            (Just(gate), x, array_in(shape, Domain::Real))
        })
}

type BinaryCase = (Gate, ArrayD<f64>, ArrayD<f64>, ArrayD<f64>);

fn binary_case() -> impl Strategy<Value = BinaryCase> {
    (0..binary_gates().len(), broadcast_pair()).prop_flat_map(|(i, (sa, sb))| {
        let gate = binary_gates()[i];
        let out = naive_broadcast(&sa, &sb).unwrap();
        let domain = gate.domain();
        (
            Just(gate),
            array_in(sa, domain[0]),
            array_in(sb, domain[1]),
            array_in(out, Domain::Real),
        )
            .prop_filter("no broadcast pair at a kink", |(gate, a, b, up)| {
                ndarray::indices(IxDyn(up.shape())).into_iter().all(|i| {
                    let x = a[IxDyn(&source_index(i.slice(), a.shape()))];
                    let y = b[IxDyn(&source_index(i.slice(), b.shape()))];
                    !gate.is_near_kink(&[x, y], MARGIN)
                })
            })
    })
}

use ndarray::Dimension;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn unary_forward_is_the_gate_rule_per_element((gate, x, _) in unary_case()) {
        let y = op_of(gate).forward(&[x.view()]).unwrap();
        prop_assert_eq!(y, x.mapv(|v| gate.forward(&[v])));
    }

    #[test]
    fn unary_gradients_match_finite_differences((gate, x, up) in unary_case()) {
        let y = op_of(gate).forward(&[x.view()]).unwrap();
        let dx = unary_vjp(match gate { Gate::Unary(u) => u, _ => unreachable!() }, &x.view(), &y.view(), &up.view()).unwrap();
        prop_assert_eq!(dx.shape(), x.shape());
        let numeric = finite_differences(std::slice::from_ref(&x), 1e-6, |v| {
            weighted_sum(&v[0].mapv(|e| gate.forward(&[e])), &up)
        });
        assert_close(&format!("d{gate}"), &dx, &numeric[0], 1e-6);
    }

    #[test]
    fn binary_forward_broadcasts_like_numpy((gate, a, b, up) in binary_case()) {
        let y = op_of(gate).forward(&[a.view(), b.view()]).unwrap();
        prop_assert_eq!(y.shape(), up.shape());
        for (i, &v) in y.indexed_iter() {
            let x = a[IxDyn(&source_index(i.slice(), a.shape()))];
            let z = b[IxDyn(&source_index(i.slice(), b.shape()))];
            prop_assert_eq!(v.to_bits(), gate.forward(&[x, z]).to_bits());
        }
    }

    #[test]
    fn binary_gradients_are_summed_to_input_shapes((gate, a, b, up) in binary_case()) {
        let Gate::Binary(rule) = gate else { unreachable!() };
        let y = op_of(gate).forward(&[a.view(), b.view()]).unwrap();
        let (da, db) = binary_vjp(rule, &a.view(), &b.view(), &y.view(), &up.view()).unwrap();
        prop_assert_eq!(da.shape(), a.shape());
        prop_assert_eq!(db.shape(), b.shape());
        let naive = |x: &[ArrayD<f64>]| {
            ArrayD::from_shape_fn(IxDyn(up.shape()), |i| {
                let p = x[0][IxDyn(&source_index(i.slice(), x[0].shape()))];
                let q = x[1][IxDyn(&source_index(i.slice(), x[1].shape()))];
                gate.forward(&[p, q])
            })
        };
        let numeric = finite_differences(&[a.clone(), b.clone()], 1e-6, |x| weighted_sum(&naive(x), &up));
        assert_close(&format!("d{gate}/da"), &da, &numeric[0], 1e-6);
        assert_close(&format!("d{gate}/db"), &db, &numeric[1], 1e-6);
    }
}
