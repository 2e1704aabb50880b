//! Reductions: sum, mean, max, min (with and without keepdim), var,
//! log_sum_exp, cumsum. Their rules are checked by finite differences
//! alone; the reductions candle composes from other ops (mean, var,
//! log_sum_exp, cumsum) exercise those ops' rules together.

use candle_core::Tensor;

use crate::InputLayout;
use crate::audit::case::{Case, Package, Values};

type Reduce = fn(&Tensor) -> candle_core::Result<Tensor>;

fn reductions() -> Vec<(&'static str, &'static str, Reduce)> {
    vec![
        ("sum", "sum(1)", |x| x.sum(1)),
        ("sum_keepdim", "sum_keepdim(1)", |x| x.sum_keepdim(1)),
        ("sum", "sum((0, 1))", |x| x.sum((0, 1))),
        ("sum_all", "sum_all()", |x| x.sum_all()),
        ("mean", "mean(0)", |x| x.mean(0)),
        ("mean_keepdim", "mean_keepdim(1)", |x| x.mean_keepdim(1)),
        ("mean_all", "mean_all()", |x| x.mean_all()),
        ("max", "max(1)", |x| x.max(1)),
        ("max_keepdim", "max_keepdim(0)", |x| x.max_keepdim(0)),
        ("min", "min(0)", |x| x.min(0)),
        ("min_keepdim", "min_keepdim(1)", |x| x.min_keepdim(1)),
        ("var", "var(1)", |x| x.var(1)),
        ("var_keepdim", "var_keepdim(0)", |x| x.var_keepdim(0)),
        ("log_sum_exp", "log_sum_exp(1)", |x| x.log_sum_exp(1)),
        ("log_sum_exp", "log_sum_exp((0, 1))", |x| {
            x.log_sum_exp((0, 1))
        }),
        ("cumsum", "cumsum(0)", |x| x.cumsum(0)),
        ("cumsum", "cumsum(1)", |x| x.cumsum(1)),
    ]
}

/// Each reduction on a matrix in every layout and on a 3-D tensor.
pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for (function, call, r) in reductions() {
        let base = Case::new(Package::Core, function, call, move |t| r(&t[0]));
        for (shape, layout) in [
            (&[3, 4][..], InputLayout::Contiguous),
            (&[3, 4][..], InputLayout::Transposed),
            (&[3, 4][..], InputLayout::Strided),
            (&[2, 3, 4][..], InputLayout::Contiguous),
        ] {
            cases.push(
                base.clone()
                    .input("x", shape, Values::Normal)
                    .layout(layout),
            );
        }
    }
    cases
}
