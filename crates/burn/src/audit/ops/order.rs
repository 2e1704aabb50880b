//! Sorting and selection: `sort`, `sort_descending`, `topk`, `max_abs`,
//! `max_abs_dim`, `cross`, `dot`.

use burn_tensor::Tensor;

use crate::audit::{Case, Sampler};

fn case<const D: usize>(
    seed: u64,
    name: &str,
    f: impl Fn(Tensor<3>) -> Tensor<D> + 'static,
) -> Case {
    let x = Sampler::new(seed, name).distinct(&[2, 3, 4], -2.0, 2.0);
    Case::new(name, vec![("x", x)], move |t| Ok(f(t.tensor::<3>(0)?)))
}

/// The cases.
pub fn cases(seed: u64) -> Vec<Case> {
    let mut cases = vec![
        case(seed, "Tensor::sort(2)", |x| x.sort(2)),
        case(seed, "Tensor::sort(0)", |x| x.sort(0)),
        case(seed, "Tensor::sort_descending(1)", |x| x.sort_descending(1)),
        case(seed, "Tensor::topk(2, 2)", |x| x.topk(2, 2)),
        case(seed, "Tensor::topk(2, 1)", |x| x.topk(2, 1)),
        case(seed, "Tensor::max_abs", Tensor::max_abs),
        case(seed, "Tensor::max_abs_dim(1)", |x| x.max_abs_dim(1)),
    ];
    for dim in [0, 2] {
        let name = format!("Tensor::cross(dim={dim})");
        let shape = if dim == 0 { [3, 2, 4] } else { [2, 4, 3] };
        let mut r = Sampler::new(seed, &name);
        let (a, b) = (r.uniform(&shape, -2.0, 2.0), r.uniform(&shape, -2.0, 2.0));
        cases.push(Case::new(name, vec![("lhs", a), ("rhs", b)], move |t| {
            Ok(t.tensor::<3>(0)?.cross(t.tensor::<3>(1)?, dim))
        }));
    }
    let name = "Tensor::dot([5]·[5])";
    let mut r = Sampler::new(seed, name);
    let (a, b) = (r.uniform(&[5], -2.0, 2.0), r.uniform(&[5], -2.0, 2.0));
    cases.push(Case::new(name, vec![("lhs", a), ("rhs", b)], |t| {
        Ok(t.tensor::<1>(0)?.dot(t.tensor::<1>(1)?))
    }));
    cases
}
