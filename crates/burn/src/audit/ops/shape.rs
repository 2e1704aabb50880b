//! Shape and layout: `expand`, `repeat`, `flip`, `permute`, `swap_dims`,
//! `narrow`, `cat`, `stack`, `reshape`, `transpose`, ...

use burn_tensor::Tensor;

use crate::audit::{Case, Sampler};

fn case<const D: usize>(
    seed: u64,
    name: &str,
    shape: &[usize],
    f: impl Fn(Tensor<3>) -> Tensor<D> + 'static,
) -> Case {
    let x = Sampler::new(seed, name).uniform(shape, -2.0, 2.0);
    Case::new(name, vec![("x", x)], move |t| Ok(f(t.tensor::<3>(0)?)))
}

/// The cases.
pub fn cases(seed: u64) -> Vec<Case> {
    let s = &[2, 3, 4];
    let mut cases = vec![
        case(seed, "Tensor::expand([2, 3, 4] → [3, 2, 3, 4])", s, |x| {
            x.expand([3, 2, 3, 4])
        }),
        case(
            seed,
            "Tensor::expand([2, 1, 4] → [2, 3, 4])",
            &[2, 1, 4],
            |x| x.expand([2, 3, 4]),
        ),
        case(seed, "Tensor::repeat(&[2, 1, 3])", s, |x| {
            x.repeat(&[2, 1, 3])
        }),
        case(seed, "Tensor::repeat_dim(1, 3)", s, |x| x.repeat_dim(1, 3)),
        case(seed, "Tensor::flip([0, 2])", s, |x| x.flip([0, 2])),
        case(seed, "Tensor::flip([1])", s, |x| x.flip([1])),
        case(seed, "Tensor::permute([2, 0, 1])", s, |x| {
            x.permute([2, 0, 1])
        }),
        case(seed, "Tensor::swap_dims(0, 2)", s, |x| x.swap_dims(0, 2)),
        case(seed, "Tensor::transpose", s, Tensor::transpose),
        case(seed, "Tensor::narrow(1, 1, 2)", s, |x| x.narrow(1, 1, 2)),
        case(seed, "Tensor::narrow(2, 0, 3)", s, |x| x.narrow(2, 0, 3)),
        case(seed, "Tensor::reshape([4, 6])", s, |x| x.reshape([4, 6])),
        case(seed, "Tensor::unsqueeze_dim(1)", s, |x| {
            x.unsqueeze_dim::<4>(1)
        }),
        case(seed, "Tensor::squeeze_dim(1)", &[2, 1, 4], |x| {
            x.squeeze_dim::<2>(1)
        }),
        case(seed, "Tensor::flatten(0, 1)", s, |x| x.flatten::<2>(0, 1)),
        // A layout change followed by a reduction: the gradient must land on
        // the right elements of the non-contiguous view.
        case(seed, "Tensor::permute([2, 0, 1]).cumsum(0)", s, |x| {
            x.permute([2, 0, 1]).cumsum(0)
        }),
    ];
    for dim in 0..3 {
        let name = format!("Tensor::cat(dim={dim})");
        let mut r = Sampler::new(seed, &name);
        let mut b_shape = [2, 3, 4];
        b_shape[dim] = 2;
        let (a, b, c) = (
            r.uniform(s, -2.0, 2.0),
            r.uniform(&b_shape, -2.0, 2.0),
            r.uniform(s, -2.0, 2.0),
        );
        cases.push(Case::new(
            name,
            vec![("a", a), ("b", b), ("c", c)],
            move |t| {
                Ok(Tensor::cat(
                    vec![t.tensor::<3>(0)?, t.tensor::<3>(1)?, t.tensor::<3>(2)?],
                    dim,
                ))
            },
        ));
    }
    for dim in [0, 1, 3] {
        let name = format!("Tensor::stack(dim={dim})");
        let mut r = Sampler::new(seed, &name);
        let (a, b) = (r.uniform(s, -2.0, 2.0), r.uniform(s, -2.0, 2.0));
        cases.push(Case::new(name, vec![("a", a), ("b", b)], move |t| {
            Ok(Tensor::stack::<4>(
                vec![t.tensor::<3>(0)?, t.tensor::<3>(1)?],
                dim,
            ))
        }));
    }
    cases
}
