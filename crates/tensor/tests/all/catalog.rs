//! The op catalog for gradient checkers: complete, deterministic, sampled
//! where each rule is differentiable, and its `vjp` agrees with central
//! finite differences of its own `forward` in f64 (and with f64 in f32).

use crate::common;

use backprop_gates::{Gate, Kinks};
use backprop_tensor::{Axes, KINK_MARGIN, TensorOp, op_catalog};
use common::{assert_close, finite_differences, naive_broadcast, source_index, weighted_sum};
use ndarray::{ArrayD, Dimension, IxDyn};

fn upstream_for(shape: &[usize]) -> ArrayD<f64> {
    let mut k = 0.0_f64;
    ArrayD::from_shape_simple_fn(IxDyn(shape), || {
        k += 1.0;
        (k * 0.7).cos()
    })
}

#[test]
fn every_case_has_a_unique_name_and_small_inputs() {
    let cases = op_catalog();
    let mut names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    names.sort_unstable();
    let n = names.len();
    names.dedup();
    assert_eq!(names.len(), n, "duplicate case names");
    for c in &cases {
        match c.op().arity() {
            Some(n) => assert_eq!(c.inputs.len(), n, "{}", c.name),
            None => assert!(!c.inputs.is_empty(), "{}", c.name),
        }
        for x in &c.inputs {
            assert!(x.len() <= 64 * 64, "{}: input too large", c.name);
            assert!(x.iter().all(|v| v.is_finite()), "{}", c.name);
        }
    }
}

#[test]
fn the_catalog_is_deterministic() {
    let (a, b) = (op_catalog(), op_catalog());
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.name, y.name);
        assert_eq!(x.inputs, y.inputs, "{}", x.name);
    }
}

#[test]
fn every_gate_appears_and_binary_gates_also_broadcast() {
    let cases = op_catalog();
    for &gate in Gate::catalog() {
        let op = match gate {
            Gate::Unary(u) => TensorOp::Unary(u),
            Gate::Binary(b) => TensorOp::Binary(b),
        };
        let mine: Vec<_> = cases.iter().filter(|c| c.op() == &op).collect();
        assert!(!mine.is_empty(), "{gate} has no case");
        assert_eq!(
            mine.iter().all(|c| c.has_kinks),
            gate.kinks() != Kinks::None,
            "{gate}: has_kinks"
        );
        if gate.arity() == 2 {
            assert!(
                mine.iter()
                    .any(|c| c.inputs[0].shape() != c.inputs[1].shape()),
                "{gate} is never broadcast"
            );
        }
    }
}

#[test]
fn samples_are_in_each_domain_and_away_from_kinks() {
    for c in op_catalog() {
        let gate = match c.op() {
            TensorOp::Unary(u) => Gate::Unary(*u),
            TensorOp::Binary(b) => Gate::Binary(*b),
            _ => continue,
        };
        for (x, domain) in c.inputs.iter().zip(gate.domain()) {
            assert!(
                x.iter().all(|&v| domain.contains(v)),
                "{}: outside {domain:?}",
                c.name
            );
        }
        // Every pair of elements that meet under broadcasting.
        let shapes: Vec<&[usize]> = c.inputs.iter().map(|x| x.shape()).collect();
        let out = naive_broadcast(shapes[0], shapes.get(1).copied().unwrap_or(shapes[0])).unwrap();
        for i in ndarray::indices(IxDyn(&out)) {
            let args: Vec<f64> = c
                .inputs
                .iter()
                .map(|x| x[IxDyn(&source_index(i.slice(), x.shape()))])
                .collect();
            assert!(
                !gate.is_near_kink(&args, KINK_MARGIN),
                "{}: {args:?} is near a kink",
                c.name
            );
        }
    }
}

#[test]
fn matmul_appears_in_every_numpy_form() {
    let forms: Vec<(Vec<usize>, Vec<usize>)> = op_catalog()
        .iter()
        .filter(|c| c.op() == &TensorOp::MatMul)
        .map(|c| (c.inputs[0].shape().to_vec(), c.inputs[1].shape().to_vec()))
        .collect();
    let has = |pred: &dyn Fn(&[usize], &[usize]) -> bool, what: &str| {
        assert!(
            forms.iter().any(|(a, b)| pred(a, b)),
            "no matmul case for {what}: {forms:?}"
        );
    };
    has(&|a, b| a.len() == 1 && b.len() == 1, "vector · vector");
    has(&|a, b| a.len() == 1 && b.len() == 2, "vector · matrix");
    has(&|a, b| a.len() == 2 && b.len() == 1, "matrix · vector");
    has(&|a, b| a.len() == 2 && b.len() == 2, "matrix · matrix");
    has(
        &|a, b| a.len() == 3 && b.len() == 3 && a[0] == b[0],
        "batched",
    );
    has(
        &|a, b| a.len() == 4 && b.len() == 4 && a[1] == 1 && b[0] == 1,
        "(B,1,M,K) @ (1,H,K,N)",
    );
    has(&|a, b| a.len() == 2 && b.len() == 3, "(M,K) @ (B,K,N)");
    has(&|a, b| a.len() == 3 && b.len() == 2, "(B,M,K) @ (K,N)");
    has(&|a, b| a.len() == 1 && b.len() == 3, "vector · batch");
    has(&|a, b| a.len() == 3 && b.len() == 1, "batch · vector");
}

#[test]
fn reductions_appear_over_all_negative_and_kept_axes() {
    let ops: Vec<TensorOp> = op_catalog().iter().map(|c| c.op().clone()).collect();
    let reductions = |o: &TensorOp| match o {
        TensorOp::Sum { axes, keepdims }
        | TensorOp::Mean { axes, keepdims }
        | TensorOp::Max { axes, keepdims }
        | TensorOp::Min { axes, keepdims }
        | TensorOp::LogSumExp { axes, keepdims } => Some((o.name(), axes.clone(), *keepdims)),
        _ => None,
    };
    for name in ["sum", "mean", "amax", "amin", "logsumexp"] {
        let mine: Vec<(Axes, bool)> = ops
            .iter()
            .filter_map(reductions)
            .filter(|(n, _, _)| *n == name)
            .map(|(_, a, k)| (a, k))
            .collect();
        assert!(mine.iter().any(|(a, _)| *a == Axes::All), "{name}: all");
        assert!(
            mine.iter()
                .any(|(a, _)| matches!(a, Axes::List(l) if l.iter().any(|&x| x < 0))),
            "{name}: a negative axis"
        );
        assert!(mine.iter().any(|(_, k)| *k), "{name}: keepdims");
        assert!(mine.iter().any(|(_, k)| !*k), "{name}: axes removed");
    }
}

#[test]
fn max_and_min_samples_have_no_near_ties_and_kink_cases_have_ties() {
    for c in op_catalog() {
        if !matches!(c.op(), TensorOp::Max { .. } | TensorOp::Min { .. }) {
            continue;
        }
        assert!(c.has_kinks, "{}", c.name);
        let mut values: Vec<f64> = c.inputs[0].iter().copied().collect();
        values.sort_by(f64::total_cmp);
        assert!(
            values.windows(2).all(|w| w[1] - w[0] >= KINK_MARGIN),
            "{}: values closer than the kink margin",
            c.name
        );
    }
    for c in backprop_tensor::op_kink_cases() {
        let mut values: Vec<f64> = c.inputs[0].iter().copied().collect();
        values.sort_by(f64::total_cmp);
        assert!(
            values.windows(2).any(|w| w[0] == w[1]),
            "{}: no tie",
            c.name
        );
    }
}

#[test]
fn every_case_vjp_matches_finite_differences_in_f64() {
    for c in op_catalog() {
        let output = c.forward(&c.inputs).unwrap();
        let up = upstream_for(output.shape());
        let grads = c.vjp(&c.inputs, &up).unwrap();
        let numeric = finite_differences(&c.inputs, 1e-6, |x| {
            weighted_sum(&c.forward(x).unwrap(), &up)
        });
        for (i, (g, n)) in grads.iter().zip(&numeric).enumerate() {
            assert_close(&format!("{} input {i}", c.name), g, n, 1e-6);
        }
    }
}

#[test]
fn every_case_runs_in_f32_close_to_f64() {
    for c in op_catalog() {
        let inputs32: Vec<ArrayD<f32>> = c.inputs.iter().map(|x| x.mapv(|v| v as f32)).collect();
        let rounded: Vec<ArrayD<f64>> = inputs32.iter().map(|x| x.mapv(f64::from)).collect();
        let out32 = c.forward(&inputs32).unwrap();
        let out64 = c.forward(&rounded).unwrap();
        assert_close(&c.name, &out32.mapv(f64::from), &out64, 1e-5);
        let up = upstream_for(out64.shape());
        let g32 = c.vjp(&inputs32, &up.mapv(|v| v as f32)).unwrap();
        let g64 = c.vjp(&rounded, &up.mapv(|v| f64::from(v as f32))).unwrap();
        for (a, b) in g32.iter().zip(&g64) {
            assert_close(&c.name, &a.mapv(f64::from), b, 1e-4);
        }
    }
}
