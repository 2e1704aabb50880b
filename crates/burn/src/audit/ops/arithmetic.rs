//! Binary and broadcast arithmetic, and arithmetic with scalars.

use burn_tensor::Tensor;

use super::elementwise::unary;
use crate::audit::{Case, Sampler};

type Binary = fn(Tensor<3>, Tensor<3>) -> Tensor<3>;

/// The shapes each binary op is checked at: equal, and broadcast either
/// way along one or two axes.
const SHAPES: [([usize; 3], [usize; 3]); 4] = [
    ([2, 3, 4], [2, 3, 4]),
    ([2, 3, 4], [1, 3, 1]),
    ([2, 1, 4], [2, 3, 4]),
    ([1, 3, 1], [2, 1, 4]),
];

/// The cases.
pub fn cases(seed: u64) -> Vec<Case> {
    let ops: [(&str, Binary, bool); 6] = [
        ("Tensor::add", Tensor::add, false),
        ("Tensor::sub", Tensor::sub, false),
        ("Tensor::mul", Tensor::mul, false),
        ("Tensor::div", Tensor::div, true),
        ("Tensor::max_pair", Tensor::max_pair, false),
        ("Tensor::min_pair", Tensor::min_pair, false),
    ];
    let mut cases = Vec::new();
    for (op, f, positive_rhs) in ops {
        for (a, b) in SHAPES {
            let name = format!("{op}(lhs={a:?}, rhs={b:?})");
            let mut r = Sampler::new(seed, &name);
            // Distinct values: no ties for max_pair / min_pair.
            let lhs = r.distinct(&a, -2.0, 2.0);
            let rhs = if positive_rhs {
                r.uniform(&b, 0.5, 2.0)
            } else {
                r.distinct(&b, -1.9, 1.9)
            };
            cases.push(Case::new(
                name,
                vec![("lhs", lhs), ("rhs", rhs)],
                move |t| Ok(f(t.tensor::<3>(0)?, t.tensor::<3>(1)?)),
            ));
        }
    }
    let s = &[3usize, 4];
    let any = |r: &mut Sampler| r.uniform(s, -2.0, 2.0);
    cases.extend([
        unary(seed, "Tensor::add_scalar(0.7)", any, |x| x.add_scalar(0.7)),
        unary(seed, "Tensor::sub_scalar(0.7)", any, |x| x.sub_scalar(0.7)),
        unary(seed, "Tensor::mul_scalar(-1.5)", any, |x| {
            x.mul_scalar(-1.5)
        }),
        unary(seed, "Tensor::div_scalar(-1.5)", any, |x| {
            x.div_scalar(-1.5)
        }),
    ]);
    // remainder: ∂/∂a = 1, ∂/∂b = -floor(a/b), away from the jumps.
    let name = "Tensor::remainder(lhs, rhs)";
    let mut r = Sampler::new(seed, name);
    let rhs = r.uniform(s, 0.6, 1.4);
    let lhs = r.uniform(s, -2.0, 2.0).mapv(|v| {
        // keep a / b at least 0.1 away from an integer (the jumps)
        let frac = v - v.floor();
        if frac < 0.1 {
            v + 0.2
        } else if frac > 0.9 {
            v - 0.2
        } else {
            v
        }
    });
    let lhs = &lhs * &rhs;
    cases.push(Case::new(name, vec![("lhs", lhs), ("rhs", rhs)], |t| {
        Ok(t.tensor::<2>(0)?.remainder(t.tensor::<2>(1)?))
    }));
    cases
}
