//! Convolutions over padding 0/1/2, stride 1/2, dilation 1/2, groups 1/2,
//! batch 1 and several, one channel per group and several, kernel sizes,
//! lengths the forward pass divides evenly and lengths whose tail it drops,
//! square and non-square images, channels-last (transposed) inputs.

use backprop_audit::naive::conv::{ConvParams, Kind, reference};

use crate::InputLayout;
use crate::audit::case::{Case, Package, Values};

/// The padding candle takes: the same at both ends.
fn pad(p: &ConvParams) -> usize {
    debug_assert_eq!(p.padding.0, p.padding.1, "candle pads both ends alike");
    p.padding.0
}

fn conv1d(p: ConvParams, x: &[usize], w: &[usize]) -> Case {
    Case::new(
        Package::Core,
        "conv1d",
        format!(
            "conv1d(padding={}, stride={}, dilation={}, groups={})",
            pad(&p),
            p.stride,
            p.dilation,
            p.groups
        ),
        move |t| t[0].conv1d(&t[1], pad(&p), p.stride, p.dilation, p.groups),
    )
    .input("x", x, Values::Normal)
    .input("kernel", w, Values::Normal)
    .reference(reference(Kind::Conv1d, p))
}

fn conv2d(p: ConvParams, x: &[usize], w: &[usize]) -> Case {
    Case::new(
        Package::Core,
        "conv2d",
        format!(
            "conv2d(padding={}, stride={}, dilation={}, groups={})",
            pad(&p),
            p.stride,
            p.dilation,
            p.groups
        ),
        move |t| t[0].conv2d(&t[1], pad(&p), p.stride, p.dilation, p.groups),
    )
    .input("x", x, Values::Normal)
    .input("kernel", w, Values::Normal)
    .reference(reference(Kind::Conv2d, p))
}

fn conv_transpose1d(p: ConvParams, x: &[usize], w: &[usize]) -> Case {
    Case::new(
        Package::Core,
        "conv_transpose1d",
        format!(
            "conv_transpose1d(padding={}, output_padding={}, stride={}, dilation={}, groups={})",
            pad(&p),
            p.output_padding,
            p.stride,
            p.dilation,
            p.groups
        ),
        move |t| {
            t[0].conv_transpose1d(
                &t[1],
                pad(&p),
                p.output_padding,
                p.stride,
                p.dilation,
                p.groups,
            )
        },
    )
    .input("x", x, Values::Normal)
    .input("kernel", w, Values::Normal)
    .reference(reference(Kind::ConvTranspose1d, p))
}

fn conv_transpose2d(p: ConvParams, x: &[usize], w: &[usize]) -> Case {
    Case::new(
        Package::Core,
        "conv_transpose2d",
        format!(
            "conv_transpose2d(padding={}, output_padding={}, stride={}, dilation={})",
            pad(&p),
            p.output_padding,
            p.stride,
            p.dilation
        ),
        move |t| t[0].conv_transpose2d(&t[1], pad(&p), p.output_padding, p.stride, p.dilation),
    )
    .input("x", x, Values::Normal)
    .input("kernel", w, Values::Normal)
    .reference(reference(Kind::ConvTranspose2d, p))
}

/// Every combination of padding 0/1/2, stride 1/2, dilation 1/2 and groups
/// 1/2.
fn sweep() -> Vec<ConvParams> {
    let mut all = Vec::new();
    for padding in [0, 1, 2] {
        for stride in [1, 2] {
            for dilation in [1, 2] {
                for groups in [1, 2] {
                    all.push(ConvParams::new(padding, stride, dilation, groups));
                }
            }
        }
    }
    all
}

/// The convolution cases.
pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for p in sweep() {
        let g = p.groups;
        // batch 1, one channel per group, even length
        cases.push(conv1d(p, &[1, g, 8], &[g, 1, 3]));
        // batch 2, two channels per group, three outputs per group, odd
        // length
        cases.push(conv1d(p, &[2, 2 * g, 9], &[3 * g, 2, 3]));
        // square and non-square images
        cases.push(conv2d(p, &[1, g, 5, 5], &[g, 1, 3, 3]));
        cases.push(conv2d(p, &[2, 2 * g, 6, 6], &[2 * g, 2, 3, 3]));
        cases.push(conv2d(p, &[2, 2 * g, 6, 7], &[2 * g, 2, 3, 3]));
        let output_paddings: &[usize] = if p.stride == 2 { &[0, 1] } else { &[0] };
        for &output_padding in output_paddings {
            let p = ConvParams {
                output_padding,
                ..p
            };
            cases.push(conv_transpose1d(p, &[1, g, 5], &[g, 1, 3]));
            cases.push(conv_transpose1d(p, &[2, 2 * g, 4], &[2 * g, 2, 3]));
            if g == 1 {
                cases.push(conv_transpose2d(p, &[1, 1, 4, 4], &[1, 1, 3, 3]));
                cases.push(conv_transpose2d(p, &[2, 2, 3, 4], &[2, 3, 3, 3]));
            }
        }
    }
    // Kernel sizes 1, 2, 4 and 5; kernel 4 with stride 4 drops the tail of
    // lengths 10 and 11 (burn #4806's configuration).
    for (p, x, w) in [
        (ConvParams::new(0, 1, 1, 1), [2, 3, 6], [2, 3, 1]),
        (ConvParams::new(1, 1, 1, 1), [1, 2, 7], [3, 2, 2]),
        (ConvParams::new(0, 4, 1, 1), [1, 1, 10], [2, 1, 4]),
        (ConvParams::new(0, 4, 1, 1), [2, 2, 11], [1, 2, 4]),
        (ConvParams::new(2, 3, 1, 1), [1, 2, 9], [2, 2, 5]),
    ] {
        cases.push(conv1d(p, &x, &w));
    }
    for (p, x, w) in [
        (ConvParams::new(0, 1, 1, 1), [2, 3, 4, 4], [2, 3, 1, 1]),
        (ConvParams::new(1, 1, 1, 1), [1, 2, 5, 6], [3, 2, 2, 3]),
        (ConvParams::new(0, 4, 1, 1), [1, 1, 10, 11], [2, 1, 4, 4]),
        (ConvParams::new(1, 2, 1, 1), [1, 1, 7, 5], [1, 1, 3, 2]),
    ] {
        cases.push(conv2d(p, &x, &w));
    }
    // channels-last inputs and strided ones
    for layout in [InputLayout::Transposed, InputLayout::Strided] {
        cases.push(conv1d(ConvParams::new(1, 2, 1, 1), &[2, 4, 7], &[3, 4, 3]).layout(layout));
        cases
            .push(conv2d(ConvParams::new(1, 1, 1, 1), &[1, 2, 5, 5], &[2, 2, 3, 3]).layout(layout));
    }
    cases
}
