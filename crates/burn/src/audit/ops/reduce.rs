//! Reductions and scans: `sum`, `sum_dim`, `mean_dim`, `max_dim`, ...,
//! `cumsum`.

use burn_tensor::Tensor;

use crate::audit::{Case, Sampler};

/// Where a case's values come from.
#[derive(Clone, Copy)]
enum Domain {
    /// Uniform in [-2, 2).
    Any,
    /// Spread apart: no ties for max, min and their scans.
    Distinct,
    /// At least 0.2 from zero: products divide by their factors.
    NonZero,
}
use Domain::{Any, Distinct, NonZero};

fn case<const D: usize>(
    seed: u64,
    name: &str,
    domain: Domain,
    f: impl Fn(Tensor<3>) -> Tensor<D> + 'static,
) -> Case {
    let mut r = Sampler::new(seed, name);
    let shape = [2, 3, 4];
    let x = match domain {
        Any => r.uniform(&shape, -2.0, 2.0),
        Distinct => r.distinct(&shape, -2.0, 2.0),
        NonZero => r.away(&shape, -2.0, 2.0, &[0.0], 0.2),
    };
    Case::new(name, vec![("x", x)], move |t| Ok(f(t.tensor::<3>(0)?)))
}

/// The cases.
pub fn cases(seed: u64) -> Vec<Case> {
    let mut cases = vec![
        case(seed, "Tensor::sum", Any, Tensor::sum),
        case(seed, "Tensor::mean", Any, Tensor::mean),
        case(seed, "Tensor::max", Distinct, Tensor::max),
        case(seed, "Tensor::min", Distinct, Tensor::min),
        case(seed, "Tensor::prod", NonZero, Tensor::prod),
    ];
    for dim in 0..3 {
        cases.extend([
            case(seed, &format!("Tensor::sum_dim({dim})"), Any, move |x| {
                x.sum_dim(dim)
            }),
            case(seed, &format!("Tensor::mean_dim({dim})"), Any, move |x| {
                x.mean_dim(dim)
            }),
            case(
                seed,
                &format!("Tensor::max_dim({dim})"),
                Distinct,
                move |x| x.max_dim(dim),
            ),
            case(
                seed,
                &format!("Tensor::min_dim({dim})"),
                Distinct,
                move |x| x.min_dim(dim),
            ),
            case(
                seed,
                &format!("Tensor::prod_dim({dim})"),
                NonZero,
                move |x| x.prod_dim(dim),
            ),
            case(seed, &format!("Tensor::var({dim})"), Any, move |x| {
                x.var(dim)
            }),
            case(seed, &format!("Tensor::cumsum({dim})"), Any, move |x| {
                x.cumsum(dim)
            }),
            case(
                seed,
                &format!("Tensor::cumprod({dim})"),
                NonZero,
                move |x| x.cumprod(dim),
            ),
            case(
                seed,
                &format!("Tensor::cummax({dim})"),
                Distinct,
                move |x| x.cummax(dim),
            ),
            case(
                seed,
                &format!("Tensor::cummin({dim})"),
                Distinct,
                move |x| x.cummin(dim),
            ),
        ]);
    }
    cases
}
