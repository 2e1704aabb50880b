//! Views and copies that move elements around: narrow, cat, transpose,
//! permute, reshape, squeeze/unsqueeze, broadcast_as, chunk, pad_with_zeros,
//! pad_with_same. Checked by finite differences; each is linear, so any
//! error in its rule shows at every seed.

use candle_core::Tensor;

use crate::InputLayout;
use crate::audit::case::{Case, Package, Values};

type Unary = fn(&Tensor) -> candle_core::Result<Tensor>;

fn views() -> Vec<(&'static str, &'static str, Unary)> {
    vec![
        ("narrow", "narrow(1, 1, 2)", |x| x.narrow(1, 1, 2)),
        ("narrow", "narrow(0, 0, 1)", |x| x.narrow(0, 0, 1)),
        ("transpose", "transpose(0, 1)", |x| x.transpose(0, 1)),
        ("t", "t()", |x| x.t()),
        ("permute", "permute((2, 0, 1))", |x| {
            x.unsqueeze(2)?.permute((2, 0, 1))
        }),
        ("reshape", "reshape((2, 6))", |x| x.reshape((2, 6))),
        ("flatten_all", "flatten_all()", |x| x.flatten_all()),
        ("squeeze", "unsqueeze(1).squeeze(1)", |x| {
            x.unsqueeze(1)?.squeeze(1)
        }),
        ("unsqueeze", "unsqueeze(0)", |x| x.unsqueeze(0)),
        ("broadcast_as", "broadcast_as((2, 3, 4))", |x| {
            x.broadcast_as((2, 3, 4))
        }),
        ("chunk", "chunk(2, 1)[1]", |x| Ok(x.chunk(2, 1)?[1].clone())),
        ("pad_with_zeros", "pad_with_zeros(1, 1, 2)", |x| {
            x.pad_with_zeros(1, 1, 2)
        }),
        ("pad_with_zeros", "pad_with_zeros(0, 2, 0)", |x| {
            x.pad_with_zeros(0, 2, 0)
        }),
        ("pad_with_same", "pad_with_same(1, 1, 2)", |x| {
            x.pad_with_same(1, 1, 2)
        }),
        ("pad_with_same", "pad_with_same(0, 0, 2)", |x| {
            x.pad_with_same(0, 0, 2)
        }),
    ]
}

/// Each view of a 3×4 matrix in every layout, with fan-out; `cat` of two
/// and three tensors along each axis.
pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for (function, call, f) in views() {
        let base = Case::new(Package::Core, function, call, move |t| f(&t[0]));
        for layout in InputLayout::ALL {
            cases.push(
                base.clone()
                    .input("x", &[3, 4], Values::Normal)
                    .layout(layout),
            );
        }
        cases.push(base.input("x", &[3, 4], Values::Normal).fan_out());
    }
    for dim in [0, 1] {
        let two = Case::new(
            Package::Core,
            "cat",
            format!("cat(&[a, b], {dim})"),
            move |t| Tensor::cat(&[&t[0], &t[1]], dim),
        );
        let (sa, sb) = if dim == 0 {
            ([2, 3], [1, 3])
        } else {
            ([2, 3], [2, 2])
        };
        for layout in InputLayout::ALL {
            cases.push(
                two.clone()
                    .input("a", &sa, Values::Normal)
                    .input("b", &sb, Values::Normal)
                    .layout(layout),
            );
        }
        let three = Case::new(
            Package::Core,
            "cat",
            format!("cat(&[a, b, a], {dim})"),
            move |t| Tensor::cat(&[&t[0], &t[1], &t[0]], dim),
        );
        cases.push(
            three
                .input("a", &sa, Values::Normal)
                .input("b", &sb, Values::Normal),
        );
    }
    cases
}
