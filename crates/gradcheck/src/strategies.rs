//! proptest strategies (feature `proptest`): inputs inside a rule's domain,
//! and shapes for broadcast batched matrix products.

use backprop_gates::Domain;
use ndarray::ArrayD;
use proptest::prelude::*;

use crate::samples::acceptable;
use crate::{Dtype, Options, ScalarRule};

/// Values inside `domain`: magnitudes from `1e-3` to `1e2` (log-uniform) or
/// up to `4` (uniform), with a sign when the domain allows it.
///
/// ```
/// use backprop_gates::Domain;
/// use backprop_gradcheck::strategies::in_domain;
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
///
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..100 {
///     let x = in_domain(Domain::Positive).new_tree(&mut runner).unwrap().current();
///     assert!(x > 0.0);
/// }
/// ```
pub fn in_domain(domain: Domain) -> BoxedStrategy<f64> {
    let magnitude = prop_oneof![(-3.0..2.0_f64).prop_map(|e| 10f64.powf(e)), 0.05..4.0_f64,];
    match domain {
        Domain::Positive => magnitude.boxed(),
        Domain::Real | Domain::NonZero => (magnitude, any::<bool>())
            .prop_map(|(m, negative)| if negative { -m } else { m })
            .boxed(),
    }
}

/// Points (one value per input, representable in `dtype`) where `rule` can
/// be checked: inside its domain, with finite forward values at the point
/// and at the finite-difference offsets, and away from its kinks, exactly
/// as [`sample_points`](crate::sample_points) chooses them.
///
/// ```
/// use backprop_gates::{Binary, Gate};
/// use backprop_gradcheck::{check_rule_at, strategies::rule_inputs, Dtype, Options};
/// use proptest::prelude::*;
///
/// proptest!(|(p in rule_inputs(Gate::Binary(Binary::Max), Dtype::F64))| {
///     prop_assert_ne!(p[0], p[1]); // never a tie
///     let report = check_rule_at::<f64, _>(&Gate::Binary(Binary::Max), &[p], &Options::default());
///     prop_assert!(report.status.is_pass(), "{}", report);
/// });
/// ```
pub fn rule_inputs<R: ScalarRule + Clone + 'static>(
    rule: R,
    dtype: Dtype,
) -> BoxedStrategy<Vec<f64>> {
    let domains = rule.domain();
    let per_input: Vec<BoxedStrategy<f64>> = domains.iter().map(|&d| in_domain(d)).collect();
    let options = Options::default();
    per_input
        .prop_map(move |p| match dtype {
            Dtype::F64 => p,
            Dtype::F32 => p.into_iter().map(|v| f64::from(v as f32)).collect(),
        })
        .prop_filter("inside the domain, finite and away from kinks", move |p| {
            acceptable(&rule, dtype, &options, &domains, p, false)
        })
        .boxed()
}

/// Shapes `(left, right)` of a `numpy.matmul` whose batch axes broadcast:
/// `(B,1,M,K) × (1,H,K,N)`, `(M,K) × (B,K,N)`, `(B,M,K) × (K,N)`, plain
/// matrices, and 1-D operands on either side. Every size is 1 to 4.
///
/// ```
/// use backprop_gradcheck::strategies::broadcast_matmul_shapes;
/// use proptest::prelude::*;
///
/// proptest!(|((a, b) in broadcast_matmul_shapes())| {
///     // the contracted axes agree
///     let k_left = a[a.len() - 1];
///     let k_right = if b.len() == 1 { b[0] } else { b[b.len() - 2] };
///     prop_assert_eq!(k_left, k_right);
/// });
/// ```
pub fn broadcast_matmul_shapes() -> BoxedStrategy<(Vec<usize>, Vec<usize>)> {
    let size = 1..=4usize;
    (
        size.clone(),
        size.clone(),
        size.clone(),
        size.clone(),
        size,
        0..6u8,
    )
        .prop_map(|(b, h, m, k, n, form)| match form {
            0 => (vec![b, 1, m, k], vec![1, h, k, n]),
            1 => (vec![m, k], vec![b, k, n]),
            2 => (vec![b, m, k], vec![k, n]),
            3 => (vec![m, k], vec![k, n]),
            4 => (vec![k], vec![b, k, n]),
            _ => (vec![b, h, m, k], vec![k]),
        })
        .boxed()
}

/// The batched form `(B,1,M,K) × (1,H,K,N)` alone, sizes 1 to 4.
pub fn batched_broadcast_shapes() -> BoxedStrategy<(Vec<usize>, Vec<usize>)> {
    let size = 1..=4usize;
    (size.clone(), size.clone(), size.clone(), size.clone(), size)
        .prop_map(|(b, h, m, k, n)| (vec![b, 1, m, k], vec![1, h, k, n]))
        .boxed()
}

/// Arrays of `shape` with entries uniform in `[-2, 2)`.
pub fn array(shape: Vec<usize>) -> BoxedStrategy<ArrayD<f64>> {
    let len: usize = shape.iter().product();
    proptest::collection::vec(-2.0..2.0_f64, len)
        .prop_map(move |v| ArrayD::from_shape_vec(shape.clone(), v).expect("length matches shape"))
        .boxed()
}
