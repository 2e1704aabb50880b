//! Beyond the list, where backward rules are long and bugs hide:
//! asymmetric padding, 3-D convolutions, deformable convolution,
//! `unfold4d`/`fold4d`, attention, grid sampling, CTC loss.

use burn_tensor::module::{
    attention, conv_transpose3d, conv1d, conv2d, conv3d, ctc_loss, deform_conv2d, fold4d, unfold4d,
};
use burn_tensor::ops::{
    AttentionModuleOptions, ConvOptions, ConvTransposeOptions, DeformConvOptions,
    GridSampleOptions, GridSamplePaddingMode, InterpolateMode, UnfoldOptions,
};
use ndarray::{Array1, Axis};

use crate::audit::{Case, Sampler};
use backprop_audit::naive::conv::{ConvParams, Kind, reference};
use backprop_audit::naive::deform::{self, DeformParams};

fn asymmetric(seed: u64) -> Vec<Case> {
    let mut cases = Vec::new();
    // (begin, end) padding, stride, groups
    for (pad, stride, groups) in [
        ((1, 0), 1, 1),
        ((0, 2), 2, 1),
        ((2, 1), 2, 2),
        ((1, 3), 3, 1),
    ] {
        let (cin, cout) = if groups == 1 { (3, 2) } else { (4, 6) };
        let x = [2, cin, 8];
        let w = [cout, cin / groups, 3];
        let name = format!(
            "module::conv1d(padding=({}, {}), stride={stride}, groups={groups}) x={x:?} w={w:?}",
            pad.0, pad.1
        );
        let mut r = Sampler::new(seed, &name);
        let inputs = vec![
            ("x", r.uniform(&x, -1.0, 1.0)),
            ("weight", r.uniform(&w, -1.0, 1.0)),
        ];
        let naive = ConvParams {
            padding: pad,
            ..ConvParams::new(0, stride, 1, groups)
        };
        cases.push(
            Case::new(name, inputs, move |t| {
                let o = ConvOptions::new_with_padding([stride], [pad], [1], groups);
                Ok(conv1d(t.tensor::<3>(0)?, t.tensor::<3>(1)?, None, o))
            })
            .with_reference(reference(Kind::Conv1d, naive)),
        );
        let x = [1, cin, 6, 7];
        let w = [cout, cin / groups, 3, 3];
        let name = format!(
            "module::conv2d(padding=[({}, {}), ({}, {})], stride={stride}, groups={groups}) x={x:?} w={w:?}",
            pad.0, pad.1, pad.1, pad.0
        );
        let mut r = Sampler::new(seed, &name);
        let inputs = vec![
            ("x", r.uniform(&x, -1.0, 1.0)),
            ("weight", r.uniform(&w, -1.0, 1.0)),
        ];
        cases.push(Case::new(name, inputs, move |t| {
            let o =
                ConvOptions::new_with_padding([stride; 2], [pad, (pad.1, pad.0)], [1; 2], groups);
            Ok(conv2d(t.tensor::<4>(0)?, t.tensor::<4>(1)?, None, o))
        }));
    }
    cases
}

fn three_d(seed: u64) -> Vec<Case> {
    let mut cases = Vec::new();
    for (padding, stride, dilation, groups) in
        [(0, 1, 1, 1), (1, 2, 1, 2), (1, 1, 2, 1), (0, 2, 1, 1)]
    {
        let (cin, cout) = if groups == 1 { (2, 3) } else { (4, 4) };
        let x = [1, cin, 5, 4, 5];
        let w = [cout, cin / groups, 2, 3, 2];
        let label =
            format!("padding={padding}, stride={stride}, dilation={dilation}, groups={groups}");
        let name = format!("module::conv3d({label}, bias) x={x:?} w={w:?}");
        let mut r = Sampler::new(seed, &name);
        let inputs = vec![
            ("x", r.uniform(&x, -1.0, 1.0)),
            ("weight", r.uniform(&w, -1.0, 1.0)),
            ("bias", r.uniform(&[cout], -1.0, 1.0)),
        ];
        cases.push(Case::new(name, inputs, move |t| {
            let o = ConvOptions::new([stride; 3], [padding; 3], [dilation; 3], groups);
            Ok(conv3d(
                t.tensor::<5>(0)?,
                t.tensor::<5>(1)?,
                Some(t.tensor::<1>(2)?),
                o,
            ))
        }));
        let x = [1, cin, 3, 2, 3];
        let w = [cin, cout / groups, 2, 3, 2];
        let padding_out = usize::from(stride > 1);
        let name =
            format!("module::conv_transpose3d({label}, padding_out={padding_out}) x={x:?} w={w:?}");
        let mut r = Sampler::new(seed, &name);
        let inputs = vec![
            ("x", r.uniform(&x, -1.0, 1.0)),
            ("weight", r.uniform(&w, -1.0, 1.0)),
        ];
        cases.push(Case::new(name, inputs, move |t| {
            let o = ConvTransposeOptions::new(
                [stride; 3],
                [padding; 3],
                [padding_out; 3],
                [dilation; 3],
                groups,
            );
            Ok(conv_transpose3d(
                t.tensor::<5>(0)?,
                t.tensor::<5>(1)?,
                None,
                o,
            ))
        }));
    }
    cases
}

fn deform(seed: u64) -> Vec<Case> {
    let mut cases = Vec::new();
    for (mask, offset_groups) in [(false, 1), (true, 1), (false, 2), (true, 2)] {
        // x [1, 2, 5, 5], weight [2, 2, 3, 3], output 3×3; offsets and
        // mask per output position and kernel tap.
        let og = offset_groups;
        let name = format!(
            "module::deform_conv2d(offset_groups={og}{}) x=[1, 2, 5, 5] w=[2, 2, 3, 3]",
            if mask { ", mask" } else { "" }
        );
        let mut r = Sampler::new(seed, &name);
        let mut inputs = vec![
            ("x", r.uniform(&[1, 2, 5, 5], -1.0, 1.0)),
            (
                "offset",
                r.away(&[1, 2 * og * 9, 3, 3], -0.9, 0.9, &[0.0], 0.05),
            ),
            ("weight", r.uniform(&[2, 2, 3, 3], -1.0, 1.0)),
        ];
        if mask {
            inputs.push(("mask", r.uniform(&[1, og * 9, 3, 3], 0.2, 1.0)));
        }
        let naive = DeformParams {
            stride: 1,
            padding: 0,
            dilation: 1,
            offset_groups: og,
        };
        cases.push(
            Case::new(name, inputs, move |t| {
                let m = if mask { Some(t.tensor::<4>(3)?) } else { None };
                let o = DeformConvOptions::new([1, 1], [0, 0], [1, 1], 1, og);
                Ok(deform_conv2d(
                    t.tensor::<4>(0)?,
                    t.tensor::<4>(1)?,
                    t.tensor::<4>(2)?,
                    m,
                    None,
                    o,
                ))
            })
            .with_reference(deform::reference(naive)),
        );
    }
    cases
}

fn unfold(seed: u64) -> Vec<Case> {
    let mut cases = Vec::new();
    for (stride, padding, dilation) in [(1, 0, 1), (2, 1, 1), (1, 1, 2)] {
        let label =
            format!("kernel=[2, 3], stride={stride}, padding={padding}, dilation={dilation}");
        let name = format!("module::unfold4d({label}) x=[2, 2, 5, 6]");
        let x = Sampler::new(seed, &name).uniform(&[2, 2, 5, 6], -1.0, 1.0);
        cases.push(Case::new(name, vec![("x", x)], move |t| {
            let o = UnfoldOptions::new([stride; 2], [padding; 2], [dilation; 2]);
            Ok(unfold4d(t.tensor::<4>(0)?, [2, 3], o))
        }));
    }
    // fold4d: the adjoint, from columns back to a [5, 6] image.
    let name = "module::fold4d(kernel=[2, 3], stride=1, output_size=[5, 6]) x=[1, 12, 16]";
    let x = Sampler::new(seed, name).uniform(&[1, 12, 16], -1.0, 1.0);
    cases.push(Case::new(name, vec![("x", x)], |t| {
        Ok(fold4d(
            t.tensor::<3>(0)?,
            [5, 6],
            [2, 3],
            UnfoldOptions::new([1, 1], [0, 0], [1, 1]),
        ))
    }));
    cases
}

fn attend(seed: u64) -> Vec<Case> {
    let mut cases = Vec::new();
    type Variant = (&'static str, bool, bool, Option<f64>, Option<f64>);
    let variants: [Variant; 4] = [
        ("", false, false, None, None),
        ("is_causal", true, false, None, None),
        ("mask, attn_bias", false, true, None, None),
        ("scale=0.3, softcap=2", false, false, Some(0.3), Some(2.0)),
    ];
    for (label, is_causal, masked, scale, softcap) in variants {
        let name =
            format!("module::attention({label}) q=[1, 2, 3, 4] k=[1, 2, 5, 4] v=[1, 2, 5, 3]");
        let mut r = Sampler::new(seed, &name);
        let mut inputs = vec![
            ("query", r.uniform(&[1, 2, 3, 4], -1.0, 1.0)),
            ("key", r.uniform(&[1, 2, 5, 4], -1.0, 1.0)),
            ("value", r.uniform(&[1, 2, 5, 3], -1.0, 1.0)),
        ];
        let mut mask = r.mask(&[1, 2, 3, 5]);
        // every query keeps at least one key
        mask.index_axis_mut(Axis(3), 0).fill(false);
        if masked {
            inputs.push(("attn_bias", r.uniform(&[1, 2, 3, 5], -1.0, 1.0)));
        }
        cases.push(Case::new(name, inputs, move |t| {
            let (m, b) = if masked {
                (Some(t.bool::<4>(&mask)?), Some(t.tensor::<4>(3)?))
            } else {
                (None, None)
            };
            let o = AttentionModuleOptions {
                scale,
                softcap,
                is_causal,
            };
            Ok(attention(
                t.tensor::<4>(0)?,
                t.tensor::<4>(1)?,
                t.tensor::<4>(2)?,
                m,
                b,
                o,
            ))
        }));
    }
    cases
}

fn grid_sample(seed: u64) -> Vec<Case> {
    let mut cases = Vec::new();
    let paddings = [
        ("Zeros", GridSamplePaddingMode::Zeros),
        ("Border", GridSamplePaddingMode::Border),
        ("Reflection", GridSamplePaddingMode::Reflection),
    ];
    for (label, padding) in paddings {
        for align_corners in [false, true] {
            let name = format!(
                "Tensor::grid_sample_2d(Bilinear, padding_mode={label}, align_corners={align_corners}) x=[1, 2, 4, 5] grid=[1, 3, 3, 2]"
            );
            let mut r = Sampler::new(seed, &name);
            let x = r.uniform(&[1, 2, 4, 5], -1.0, 1.0);
            // Away from pixel centres and the border, where bilinear
            // sampling has kinks.
            let grid = r.uniform(&[1, 3, 3, 2], -1.1, 1.1).mapv(|v| {
                let centre = ((v + 1.0) * 2.0).round() / 2.0 - 1.0;
                if (v - centre).abs() < 0.05 {
                    v + 0.1
                } else {
                    v
                }
            });
            cases.push(Case::new(name, vec![("x", x), ("grid", grid)], move |t| {
                let o = GridSampleOptions::new(InterpolateMode::Bilinear)
                    .with_padding_mode(padding)
                    .with_align_corners(align_corners);
                Ok(t.tensor::<4>(0)?.grid_sample_2d(t.tensor::<4>(1)?, o))
            }));
        }
    }
    cases
}

fn ctc(seed: u64) -> Vec<Case> {
    // T = 6 steps, N = 2, C = 4 classes (blank 0), targets of length 2
    // and 3.
    let targets = ndarray::arr2(&[[1i64, 2, 0], [3, 3, 1]]).into_dyn();
    let input_lengths = Array1::from(vec![6i64, 5]).into_dyn();
    let target_lengths = Array1::from(vec![2i64, 3]).into_dyn();
    let mut cases = Vec::new();
    for composed in [true, false] {
        let name = if composed {
            "module::ctc_loss(activation::log_softmax(x, 2)) x=[6, 2, 4]".to_string()
        } else {
            "module::ctc_loss(log_probs) log_probs=[6, 2, 4]".to_string()
        };
        let mut r = Sampler::new(seed, &name);
        let x = r.uniform(&[6, 2, 4], -1.0, 1.0);
        let x = if composed {
            x
        } else {
            // log-probabilities: each step's classes sum to one
            let lse = x
                .mapv(f64::exp)
                .sum_axis(Axis(2))
                .mapv(f64::ln)
                .insert_axis(Axis(2));
            &x - &lse
        };
        let (targets, il, tl) = (
            targets.clone(),
            input_lengths.clone(),
            target_lengths.clone(),
        );
        cases.push(Case::new(
            name,
            vec![(if composed { "x" } else { "log_probs" }, x)],
            move |t| {
                let lp = t.tensor::<3>(0)?;
                let lp = if composed {
                    burn_tensor::activation::log_softmax(lp, 2)
                } else {
                    lp
                };
                Ok(ctc_loss(
                    lp,
                    t.int::<2>(&targets)?,
                    t.int::<1>(&il)?,
                    t.int::<1>(&tl)?,
                    0,
                ))
            },
        ));
    }
    cases
}

/// The cases.
pub fn cases(seed: u64) -> Vec<Case> {
    let mut cases = asymmetric(seed);
    cases.extend(three_d(seed));
    cases.extend(deform(seed));
    cases.extend(unfold(seed));
    cases.extend(attend(seed));
    cases.extend(grid_sample(seed));
    cases.extend(ctc(seed));
    cases
}
