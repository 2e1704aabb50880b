//! `Tensor::matmul`: plain, batched, broadcast over batch axes, and on
//! transposed (non-contiguous) operands.

use burn_tensor::Tensor;

use crate::audit::{Case, Sampler};

fn case<const D: usize>(
    seed: u64,
    name: String,
    a: &[usize],
    b: &[usize],
    transposed: bool,
) -> Case {
    let mut r = Sampler::new(seed, &name);
    let lhs = r.uniform(a, -1.5, 1.5);
    let rhs = r.uniform(b, -1.5, 1.5);
    Case::new(name, vec![("lhs", lhs), ("rhs", rhs)], move |t| {
        let (x, y): (Tensor<D>, Tensor<D>) = (t.tensor(0)?, t.tensor(1)?);
        // A transposed case stores each operand transposed and multiplies
        // the transposed views, as `x.matmul(w.transpose())` does.
        Ok(if transposed {
            x.transpose().matmul(y.transpose())
        } else {
            x.matmul(y)
        })
    })
}

/// The cases.
pub fn cases(seed: u64) -> Vec<Case> {
    vec![
        case::<2>(
            seed,
            "Tensor::matmul([3, 4]·[4, 5])".into(),
            &[3, 4],
            &[4, 5],
            false,
        ),
        case::<2>(
            seed,
            "Tensor::matmul([1, 4]·[4, 1])".into(),
            &[1, 4],
            &[4, 1],
            false,
        ),
        case::<3>(
            seed,
            "Tensor::matmul(batched [2, 3, 4]·[2, 4, 5])".into(),
            &[2, 3, 4],
            &[2, 4, 5],
            false,
        ),
        case::<3>(
            seed,
            "Tensor::matmul(broadcast [1, 3, 4]·[3, 4, 2])".into(),
            &[1, 3, 4],
            &[3, 4, 2],
            false,
        ),
        case::<3>(
            seed,
            "Tensor::matmul(broadcast [3, 3, 4]·[1, 4, 2])".into(),
            &[3, 3, 4],
            &[1, 4, 2],
            false,
        ),
        case::<4>(
            seed,
            "Tensor::matmul(broadcast [2, 1, 3, 4]·[1, 3, 4, 2])".into(),
            &[2, 1, 3, 4],
            &[1, 3, 4, 2],
            false,
        ),
        case::<2>(
            seed,
            "Tensor::matmul(transposed [4, 3]ᵀ·[5, 4]ᵀ)".into(),
            &[4, 3],
            &[5, 4],
            true,
        ),
        case::<3>(
            seed,
            "Tensor::matmul(transposed batched [2, 4, 3]ᵀ·[2, 5, 4]ᵀ)".into(),
            &[2, 4, 3],
            &[2, 5, 4],
            true,
        ),
    ]
}
