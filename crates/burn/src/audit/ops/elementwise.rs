//! Elementwise math on `Tensor`: `exp`, `log`, ..., `clamp`.

use burn_tensor::Tensor;
use ndarray::ArrayD;

use crate::audit::{Case, Sampler};

const SHAPE: [usize; 2] = [3, 4];

/// A one-input elementwise case on a `[3, 4]` tensor.
pub(crate) fn unary(
    seed: u64,
    name: &str,
    sample: impl FnOnce(&mut Sampler) -> ArrayD<f64>,
    f: fn(Tensor<2>) -> Tensor<2>,
) -> Case {
    let x = sample(&mut Sampler::new(seed, name));
    Case::new(name, vec![("x", x)], move |t| Ok(f(t.tensor::<2>(0)?)))
}

/// The cases.
pub fn cases(seed: u64) -> Vec<Case> {
    let s = &SHAPE;
    let any = |s2: &mut Sampler| s2.uniform(s, -2.0, 2.0);
    let positive = |s2: &mut Sampler| s2.uniform(s, 0.2, 3.0);
    let nonzero = |s2: &mut Sampler| s2.away(s, -2.0, 2.0, &[0.0], 0.2);
    let mut cases = vec![
        unary(seed, "Tensor::exp", any, Tensor::exp),
        unary(seed, "Tensor::log", positive, Tensor::log),
        unary(
            seed,
            "Tensor::log1p",
            |r| r.uniform(s, -0.7, 2.0),
            Tensor::log1p,
        ),
        unary(seed, "Tensor::sqrt", positive, Tensor::sqrt),
        unary(seed, "Tensor::recip", nonzero, Tensor::recip),
        unary(seed, "Tensor::abs", nonzero, Tensor::abs),
        unary(seed, "Tensor::neg", any, Tensor::neg),
        unary(seed, "Tensor::square", any, |x| x.square()),
        unary(
            seed,
            "Tensor::sin",
            |r| r.uniform(s, -4.0, 4.0),
            Tensor::sin,
        ),
        unary(
            seed,
            "Tensor::cos",
            |r| r.uniform(s, -4.0, 4.0),
            Tensor::cos,
        ),
        unary(
            seed,
            "Tensor::tan",
            |r| r.uniform(s, -1.2, 1.2),
            Tensor::tan,
        ),
        unary(
            seed,
            "Tensor::tanh",
            |r| r.uniform(s, -3.0, 3.0),
            Tensor::tanh,
        ),
        unary(seed, "Tensor::sinh", any, Tensor::sinh),
        unary(seed, "Tensor::cosh", any, Tensor::cosh),
        unary(
            seed,
            "Tensor::atan",
            |r| r.uniform(s, -3.0, 3.0),
            Tensor::atan,
        ),
        unary(
            seed,
            "Tensor::asin",
            |r| r.uniform(s, -0.9, 0.9),
            Tensor::asin,
        ),
        unary(
            seed,
            "Tensor::acos",
            |r| r.uniform(s, -0.9, 0.9),
            Tensor::acos,
        ),
        unary(
            seed,
            "Tensor::erf",
            |r| r.uniform(s, -2.5, 2.5),
            Tensor::erf,
        ),
        unary(seed, "Tensor::powf_scalar(2.5)", positive, |x| {
            x.powf_scalar(2.5)
        }),
        unary(seed, "Tensor::powf_scalar(-0.5)", positive, |x| {
            x.powf_scalar(-0.5)
        }),
        unary(seed, "Tensor::powi_scalar(3)", any, |x| x.powi_scalar(3)),
        unary(seed, "Tensor::powi_scalar(-2)", nonzero, |x| {
            x.powi_scalar(-2)
        }),
        unary(
            seed,
            "Tensor::clamp(-0.5, 0.8)",
            |r| r.away(s, -2.0, 2.0, &[-0.5, 0.8], 0.05),
            |x| x.clamp(-0.5, 0.8),
        ),
        unary(
            seed,
            "Tensor::clamp_min(0.3)",
            |r| r.away(s, -2.0, 2.0, &[0.3], 0.05),
            |x| x.clamp_min(0.3),
        ),
        unary(
            seed,
            "Tensor::clamp_max(0.3)",
            |r| r.away(s, -2.0, 2.0, &[0.3], 0.05),
            |x| x.clamp_max(0.3),
        ),
    ];
    // Tensor-valued exponents: the base's and the exponent's gradient.
    let name = "Tensor::powf(base, exponent)";
    let mut r = Sampler::new(seed, name);
    let (base, exponent) = (r.uniform(s, 0.3, 2.5), r.uniform(s, -2.0, 2.0));
    cases.push(Case::new(
        name,
        vec![("base", base), ("exponent", exponent)],
        |t| Ok(t.tensor::<2>(0)?.powf(t.tensor::<2>(1)?)),
    ));
    // Integer exponents held in a float tensor (a constant: no gradient).
    let name = "Tensor::powi(base, exponent=[-2..3])";
    let mut r = Sampler::new(seed, name);
    let base = r.away(s, -2.0, 2.0, &[0.0], 0.3);
    let exponent = r.indices(s, 6).mapv(|k| k as f64 - 2.0);
    cases.push(Case::new(name, vec![("base", base)], move |t| {
        Ok(t.tensor::<2>(0)?.powi(t.float::<2>(&exponent)?))
    }));
    cases
}
