//! Convolutions: `module::conv1d`, `conv2d`, `conv_transpose1d`,
//! `conv_transpose2d`, over padding, stride, dilation and groups, batch 1
//! and several, with and without bias, and shapes where the forward pass
//! drops the last inputs (burn PR #4806).

use burn_tensor::module::{conv_transpose1d, conv_transpose2d, conv1d, conv2d};
use burn_tensor::ops::{ConvOptions, ConvTransposeOptions};

use crate::audit::{Case, Sampler};
use backprop_audit::naive::conv::{ConvParams, Kind, reference};

/// One convolution configuration.
#[derive(Clone, Copy, Debug)]
struct Config {
    padding: usize,
    stride: usize,
    dilation: usize,
    groups: usize,
    kernel: usize,
    batch: usize,
    length: usize,
    bias: bool,
}

impl Config {
    fn label(&self) -> String {
        format!(
            "padding={}, stride={}, dilation={}, groups={}{}",
            self.padding,
            self.stride,
            self.dilation,
            self.groups,
            if self.bias { ", bias" } else { "" }
        )
    }

    /// Channels in and out: one group has 3 in and 2 out; two groups have
    /// 2 in and 3 out each.
    fn channels(&self) -> (usize, usize) {
        if self.groups == 1 { (3, 2) } else { (4, 6) }
    }
}

/// The swept configurations: padding 0/1/2 × stride 1/2 × dilation 1/2 ×
/// groups 1/2 (batch and bias alternate), and the tail-dropping shapes.
fn sweep() -> Vec<Config> {
    let mut out = Vec::new();
    for padding in 0..3 {
        for stride in 1..3 {
            for dilation in 1..3 {
                for groups in 1..3 {
                    let odd = (padding + stride + dilation + groups) % 2 == 1;
                    out.push(Config {
                        padding,
                        stride,
                        dilation,
                        groups,
                        kernel: 3,
                        batch: if odd { 1 } else { 2 },
                        length: 7,
                        bias: !odd,
                    });
                }
            }
        }
    }
    // The forward pass drops the tail: kernel 4, stride 4, odd length
    // (11 = 2·4 + 3 leaves 3 inputs unused), and kernel 3, stride 2, even
    // length (the last input is unused).
    for (kernel, stride, length) in [(4, 4, 11), (3, 2, 8)] {
        for groups in 1..3 {
            out.push(Config {
                padding: 0,
                stride,
                dilation: 1,
                groups,
                kernel,
                batch: 2,
                length,
                bias: true,
            });
        }
    }
    out
}

fn conv_cases(seed: u64) -> Vec<Case> {
    let mut cases = Vec::new();
    for c in sweep() {
        let (cin, cout) = c.channels();
        let (k, l) = (c.kernel, c.length);
        // conv1d
        let x = [c.batch, cin, l];
        let w = [cout, cin / c.groups, k];
        let name = format!("module::conv1d({}) x={x:?} w={w:?}", c.label());
        let mut r = Sampler::new(seed, &name);
        let mut inputs = vec![
            ("x", r.uniform(&x, -1.0, 1.0)),
            ("weight", r.uniform(&w, -1.0, 1.0)),
        ];
        if c.bias {
            inputs.push(("bias", r.uniform(&[cout], -1.0, 1.0)));
        }
        let naive = ConvParams::new(c.padding, c.stride, c.dilation, c.groups);
        cases.push(
            Case::new(name, inputs, move |t| {
                let bias = if c.bias {
                    Some(t.tensor::<1>(2)?)
                } else {
                    None
                };
                let options = ConvOptions::new([c.stride], [c.padding], [c.dilation], c.groups);
                Ok(conv1d(t.tensor::<3>(0)?, t.tensor::<3>(1)?, bias, options))
            })
            .with_reference(reference(Kind::Conv1d, naive)),
        );
        // conv2d, on a non-square image (one side one shorter)
        let x = [c.batch, cin, l - 1, l];
        let w = [cout, cin / c.groups, k, k];
        let name = format!("module::conv2d({}) x={x:?} w={w:?}", c.label());
        let mut r = Sampler::new(seed, &name);
        let mut inputs = vec![
            ("x", r.uniform(&x, -1.0, 1.0)),
            ("weight", r.uniform(&w, -1.0, 1.0)),
        ];
        if c.bias {
            inputs.push(("bias", r.uniform(&[cout], -1.0, 1.0)));
        }
        cases.push(Case::new(name, inputs, move |t| {
            let bias = if c.bias {
                Some(t.tensor::<1>(2)?)
            } else {
                None
            };
            let options =
                ConvOptions::new([c.stride; 2], [c.padding; 2], [c.dilation; 2], c.groups);
            Ok(conv2d(t.tensor::<4>(0)?, t.tensor::<4>(1)?, bias, options))
        }));
    }
    cases
}

fn transpose_cases(seed: u64) -> Vec<Case> {
    let mut cases = Vec::new();
    for c in sweep() {
        // Transposed convolutions take a shorter input; output padding
        // (below the stride or dilation) selects among the output lengths.
        let padding_out = usize::from(c.stride > 1 && c.padding % 2 == 1);
        let (cin, cout) = c.channels();
        let (k, l) = (c.kernel, c.length / 2 + 1);
        let label = format!("{}, padding_out={padding_out}", c.label());
        let x = [c.batch, cin, l];
        let w = [cin, cout / c.groups, k];
        let name = format!("module::conv_transpose1d({label}) x={x:?} w={w:?}");
        let mut r = Sampler::new(seed, &name);
        let mut inputs = vec![
            ("x", r.uniform(&x, -1.0, 1.0)),
            ("weight", r.uniform(&w, -1.0, 1.0)),
        ];
        if c.bias {
            inputs.push(("bias", r.uniform(&[cout], -1.0, 1.0)));
        }
        cases.push(Case::new(name, inputs, move |t| {
            let bias = if c.bias {
                Some(t.tensor::<1>(2)?)
            } else {
                None
            };
            let options = ConvTransposeOptions::new(
                [c.stride],
                [c.padding],
                [padding_out],
                [c.dilation],
                c.groups,
            );
            Ok(conv_transpose1d(
                t.tensor::<3>(0)?,
                t.tensor::<3>(1)?,
                bias,
                options,
            ))
        }));
        let x = [c.batch, cin, l, l - 1];
        let w = [cin, cout / c.groups, k, k];
        let name = format!("module::conv_transpose2d({label}) x={x:?} w={w:?}");
        let mut r = Sampler::new(seed, &name);
        let mut inputs = vec![
            ("x", r.uniform(&x, -1.0, 1.0)),
            ("weight", r.uniform(&w, -1.0, 1.0)),
        ];
        if c.bias {
            inputs.push(("bias", r.uniform(&[cout], -1.0, 1.0)));
        }
        cases.push(Case::new(name, inputs, move |t| {
            let bias = if c.bias {
                Some(t.tensor::<1>(2)?)
            } else {
                None
            };
            let options = ConvTransposeOptions::new(
                [c.stride; 2],
                [c.padding; 2],
                [padding_out; 2],
                [c.dilation; 2],
                c.groups,
            );
            Ok(conv_transpose2d(
                t.tensor::<4>(0)?,
                t.tensor::<4>(1)?,
                bias,
                options,
            ))
        }));
    }
    cases
}

/// The cases.
pub fn cases(seed: u64) -> Vec<Case> {
    let mut cases = conv_cases(seed);
    cases.extend(transpose_cases(seed));
    cases
}
