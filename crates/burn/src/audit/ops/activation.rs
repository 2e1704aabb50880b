//! burn's `activation` module.

use burn_tensor::activation as act;

use super::elementwise::unary;
use crate::audit::{Case, Sampler};
use backprop_audit::Reference;
use backprop_audit::naive::elementwise::{
    gelu_erf, gelu_erf_d, hard_sigmoid, hard_sigmoid_d, sigmoid, sigmoid_d, silu, silu_d,
};

/// The cases.
pub fn cases(seed: u64) -> Vec<Case> {
    let s = &[3usize, 4];
    let any = |r: &mut Sampler| r.uniform(s, -3.0, 3.0);
    let off0 = |r: &mut Sampler| r.away(s, -3.0, 3.0, &[0.0], 0.1);
    let mut cases = vec![
        unary(seed, "activation::relu", off0, act::relu),
        unary(seed, "activation::leaky_relu(0.2)", off0, |x| {
            act::leaky_relu(x, 0.2)
        }),
        unary(seed, "activation::gelu", any, act::gelu)
            .with_reference(Reference::unary(gelu_erf, gelu_erf_d)),
        unary(
            seed,
            "activation::gelu_approximate",
            any,
            act::gelu_approximate,
        ),
        unary(seed, "activation::silu", any, act::silu)
            .with_reference(Reference::unary(silu, silu_d)),
        unary(seed, "activation::sigmoid", any, act::sigmoid)
            .with_reference(Reference::unary(sigmoid, sigmoid_d)),
        unary(
            seed,
            "activation::log_sigmoid",
            |r| r.uniform(s, -6.0, 6.0),
            act::log_sigmoid,
        ),
        unary(seed, "activation::softplus(beta=1)", any, |x| {
            act::softplus(x, 1.0)
        }),
        unary(seed, "activation::softplus(beta=2)", any, |x| {
            act::softplus(x, 2.0)
        }),
        unary(seed, "activation::mish", any, act::mish),
        unary(
            seed,
            "activation::hard_sigmoid(alpha=0.2, beta=0.5)",
            |r| r.away(s, -4.0, 4.0, &[-2.5, 2.5], 0.1),
            |x| act::hard_sigmoid(x, 0.2, 0.5),
        )
        .with_reference(Reference::unary(
            |x| hard_sigmoid(x, 0.2, 0.5),
            |x| hard_sigmoid_d(x, 0.2, 0.5),
        )),
        unary(
            seed,
            "activation::hard_swish",
            |r| r.away(s, -4.0, 4.0, &[-3.0, 3.0], 0.1),
            act::hard_swish,
        )
        .with_reference(Reference::unary(
            |x| x * hard_sigmoid(x, 1.0 / 6.0, 0.5),
            |x| {
                if x <= -3.0 {
                    0.0
                } else if x >= 3.0 {
                    1.0
                } else {
                    x / 3.0 + 0.5
                }
            },
        )),
        unary(seed, "activation::tanh", any, act::tanh),
        unary(seed, "activation::elu(alpha=1.3)", off0, |x| {
            act::elu(x, 1.3)
        }),
        unary(seed, "activation::celu(alpha=0.7)", off0, |x| {
            act::celu(x, 0.7)
        }),
        unary(seed, "activation::selu", off0, act::selu),
        unary(
            seed,
            "activation::relu6",
            |r| r.away(s, -2.0, 8.0, &[0.0, 6.0], 0.1),
            act::relu6,
        ),
        unary(
            seed,
            "activation::hardtanh(-1, 1)",
            |r| r.away(s, -2.0, 2.0, &[-1.0, 1.0], 0.1),
            |x| act::hardtanh(x, -1.0, 1.0),
        ),
        unary(seed, "activation::softsign", any, act::softsign),
        unary(seed, "activation::tanhshrink", any, act::tanhshrink),
        unary(seed, "activation::softmax(dim=1)", any, |x| {
            act::softmax(x, 1)
        }),
        unary(seed, "activation::softmax(dim=0)", any, |x| {
            act::softmax(x, 0)
        }),
        unary(seed, "activation::log_softmax(dim=1)", any, |x| {
            act::log_softmax(x, 1)
        }),
        unary(seed, "activation::log_softmax(dim=0)", any, |x| {
            act::log_softmax(x, 0)
        }),
        unary(seed, "activation::softmin(dim=1)", any, |x| {
            act::softmin(x, 1)
        }),
        unary(seed, "activation::quiet_softmax(dim=1)", any, |x| {
            act::quiet_softmax(x, 1)
        }),
        unary(seed, "activation::glu(dim=1)", any, |x| act::glu(x, 1)),
    ];
    // prelu: one slope per channel (dim 1), and one shared slope.
    for channels in [4usize, 1] {
        let name = format!("activation::prelu(alpha=[{channels}])");
        let mut r = Sampler::new(seed, &name);
        let x = r.away(&[2, 4, 3], -3.0, 3.0, &[0.0], 0.1);
        let alpha = r.uniform(&[channels], 0.05, 0.5);
        cases.push(Case::new(name, vec![("x", x), ("alpha", alpha)], |t| {
            Ok(act::prelu(t.tensor::<3>(0)?, t.tensor::<1>(1)?))
        }));
    }
    cases
}
