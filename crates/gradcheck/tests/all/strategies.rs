//! The proptest strategies in use: tensor matmul over broadcast batched
//! shapes, and gates over their domains.

use backprop_gates::Gate;
use backprop_gradcheck::strategies::{
    array, batched_broadcast_shapes, broadcast_matmul_shapes, rule_inputs,
};
use backprop_gradcheck::{Dtype, Mode, Options, Upstream, check_rule_at, check_vjp};
use backprop_tensor::{matmul, matmul_vjp};
use ndarray::ArrayD;
use proptest::prelude::*;

fn matmul_forward(v: &[ArrayD<f64>]) -> ArrayD<f64> {
    matmul(&v[0].view(), &v[1].view()).unwrap()
}

fn matmul_backward<A: backprop_tensor::Element>(v: &[ArrayD<A>], g: &ArrayD<A>) -> Vec<ArrayD<A>> {
    let (da, db) = matmul_vjp(&v[0].view(), &v[1].view(), &g.view()).unwrap();
    vec![da, db]
}

fn operands() -> impl Strategy<Value = (ArrayD<f64>, ArrayD<f64>)> {
    broadcast_matmul_shapes().prop_flat_map(|(a, b)| (array(a), array(b)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn broadcast_matmul_gradients_pass(((a, b), seed) in (operands(), any::<u64>())) {
        for mode in [Mode::Exhaustive, Mode::Fast] {
            let o = Options { seed, mode, ..Options::default() };
            let r = check_vjp(matmul_forward, matmul_backward::<f64>, &[a.clone(), b.clone()], Upstream::Random, &o).unwrap();
            prop_assert!(r.passed(), "{}", r);
            let inputs32 = [a.mapv(|v| v as f32), b.mapv(|v| v as f32)];
            let r = check_vjp(matmul_forward, matmul_backward::<f32>, &inputs32, Upstream::Random, &o).unwrap();
            prop_assert!(r.passed(), "{}", r);
        }
    }

    #[test]
    fn batched_shapes_have_the_documented_form((a, b) in batched_broadcast_shapes()) {
        prop_assert_eq!(a.len(), 4);
        prop_assert_eq!((a[1], b[0]), (1, 1));
        prop_assert_eq!(a[3], b[2]);
    }

    #[test]
    fn gates_pass_inside_their_domains(index in 0..Gate::catalog().len(), seed in any::<u64>()) {
        let gate = Gate::catalog()[index];
        let o = Options { seed, ..Options::default() };
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        for dtype in [Dtype::F64, Dtype::F32] {
            let point = rule_inputs(gate, dtype).new_tree(&mut runner).unwrap().current();
            let r = match dtype {
                Dtype::F64 => check_rule_at::<f64, _>(&gate, &[point], &o),
                Dtype::F32 => check_rule_at::<f32, _>(&gate, &[point], &o),
            };
            prop_assert!(r.status.is_pass(), "{}", r);
        }
    }
}
