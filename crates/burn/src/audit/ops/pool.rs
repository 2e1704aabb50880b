//! Pooling: `module::avg_pool1d/2d`, `max_pool1d/2d`,
//! `adaptive_avg_pool1d/2d`, over kernel, stride, padding, dilation,
//! `count_include_pad` and `ceil_mode`, including windows that drop the
//! tail.

use burn_tensor::module::{
    adaptive_avg_pool1d, adaptive_avg_pool2d, avg_pool1d, avg_pool2d, max_pool1d, max_pool2d,
};
use burn_tensor::ops::{AvgPoolOptions, MaxPoolOptions};

use crate::audit::{Case, Sampler};

/// One pooling window configuration.
#[derive(Clone, Copy, Debug)]
struct Window {
    kernel: usize,
    stride: usize,
    padding: usize,
    length: usize,
    ceil: bool,
}

fn windows() -> Vec<Window> {
    let w = |kernel, stride, padding, length, ceil| Window {
        kernel,
        stride,
        padding,
        length,
        ceil,
    };
    vec![
        w(2, 2, 0, 6, false),
        w(3, 1, 0, 6, false),
        w(3, 2, 1, 7, false),
        w(3, 2, 0, 8, false),  // the last input is in no window
        w(4, 4, 0, 11, false), // three tail inputs in no window
        w(3, 2, 1, 8, true),
        w(2, 3, 0, 7, true),
    ]
}

fn label(w: &Window) -> String {
    format!(
        "kernel={}, stride={}, padding={}{}",
        w.kernel,
        w.stride,
        w.padding,
        if w.ceil { ", ceil_mode" } else { "" }
    )
}

/// The cases.
pub fn cases(seed: u64) -> Vec<Case> {
    let mut cases = Vec::new();
    for w in windows() {
        for count_include_pad in [true, false] {
            if w.padding == 0 && !count_include_pad {
                continue; // the same as with it
            }
            let pad = if count_include_pad {
                ""
            } else {
                ", count_include_pad=false"
            };
            let x = [2, 3, w.length];
            let name = format!("module::avg_pool1d({}{pad}) x={x:?}", label(&w));
            let xs = Sampler::new(seed, &name).uniform(&x, -2.0, 2.0);
            cases.push(Case::new(name, vec![("x", xs)], move |t| {
                let o = AvgPoolOptions::new([w.kernel])
                    .with_stride([w.stride])
                    .with_padding([w.padding])
                    .with_count_include_pad(count_include_pad)
                    .with_ceil_mode(w.ceil);
                Ok(avg_pool1d(t.tensor::<3>(0)?, o))
            }));
            let x = [1, 2, w.length, w.length - 1];
            let name = format!("module::avg_pool2d({}{pad}) x={x:?}", label(&w));
            let xs = Sampler::new(seed, &name).uniform(&x, -2.0, 2.0);
            cases.push(Case::new(name, vec![("x", xs)], move |t| {
                let o = AvgPoolOptions::new([w.kernel; 2])
                    .with_stride([w.stride; 2])
                    .with_padding([w.padding; 2])
                    .with_count_include_pad(count_include_pad)
                    .with_ceil_mode(w.ceil);
                Ok(avg_pool2d(t.tensor::<4>(0)?, o))
            }));
        }
        for dilation in [1, 2] {
            if dilation == 2 && w.kernel == 4 {
                continue;
            }
            let dil = if dilation > 1 { ", dilation=2" } else { "" };
            // Distinct values: no ties between window elements.
            let x = [2, 3, w.length];
            let name = format!("module::max_pool1d({}{dil}) x={x:?}", label(&w));
            let xs = Sampler::new(seed, &name).distinct(&x, -2.0, 2.0);
            cases.push(Case::new(name, vec![("x", xs)], move |t| {
                let o = MaxPoolOptions::new([w.kernel])
                    .with_stride([w.stride])
                    .with_padding([w.padding])
                    .with_dilation([dilation])
                    .with_ceil_mode(w.ceil);
                Ok(max_pool1d(t.tensor::<3>(0)?, o))
            }));
            let x = [1, 2, w.length, w.length - 1];
            let name = format!("module::max_pool2d({}{dil}) x={x:?}", label(&w));
            let xs = Sampler::new(seed, &name).distinct(&x, -2.0, 2.0);
            cases.push(Case::new(name, vec![("x", xs)], move |t| {
                let o = MaxPoolOptions::new([w.kernel; 2])
                    .with_stride([w.stride; 2])
                    .with_padding([w.padding; 2])
                    .with_dilation([dilation; 2])
                    .with_ceil_mode(w.ceil);
                Ok(max_pool2d(t.tensor::<4>(0)?, o))
            }));
        }
    }
    // Asymmetric padding (begin, end), alone and with ceil_mode.
    for (pad, ceil) in [((1, 0), false), ((0, 2), false), ((2, 1), true)] {
        let label = format!(
            "kernel=3, stride=2, padding=({}, {}){}",
            pad.0,
            pad.1,
            if ceil { ", ceil_mode" } else { "" }
        );
        let x = [2, 2, 8];
        let name = format!("module::max_pool1d({label}) x={x:?}");
        let xs = Sampler::new(seed, &name).distinct(&x, -2.0, 2.0);
        cases.push(Case::new(name, vec![("x", xs)], move |t| {
            let o = MaxPoolOptions::new([3])
                .with_stride([2])
                .with_padding_pairs([pad])
                .with_ceil_mode(ceil);
            Ok(max_pool1d(t.tensor::<3>(0)?, o))
        }));
        for count_include_pad in [true, false] {
            let cip = if count_include_pad {
                ""
            } else {
                ", count_include_pad=false"
            };
            let x = [1, 2, 7, 8];
            let name = format!("module::avg_pool2d({label}{cip}) x={x:?}");
            let xs = Sampler::new(seed, &name).uniform(&x, -2.0, 2.0);
            cases.push(Case::new(name, vec![("x", xs)], move |t| {
                let o = AvgPoolOptions::new([3, 3])
                    .with_stride([2, 2])
                    .with_padding_pairs([pad, (pad.1, pad.0)])
                    .with_count_include_pad(count_include_pad)
                    .with_ceil_mode(ceil);
                Ok(avg_pool2d(t.tensor::<4>(0)?, o))
            }));
        }
    }
    // Adaptive: divisible, non-divisible (overlapping windows), identity,
    // and upsampling sizes.
    for (length, out) in [(8, 4), (7, 3), (5, 5), (4, 6), (10, 1)] {
        let x = [2, 3, length];
        let name = format!("module::adaptive_avg_pool1d(output_size={out}) x={x:?}");
        let xs = Sampler::new(seed, &name).uniform(&x, -2.0, 2.0);
        cases.push(Case::new(name, vec![("x", xs)], move |t| {
            Ok(adaptive_avg_pool1d(t.tensor::<3>(0)?, out))
        }));
        let x = [1, 2, length, length + 1];
        let o = [out, out + 1];
        let name = format!("module::adaptive_avg_pool2d(output_size={o:?}) x={x:?}");
        let xs = Sampler::new(seed, &name).uniform(&x, -2.0, 2.0);
        cases.push(Case::new(name, vec![("x", xs)], move |t| {
            Ok(adaptive_avg_pool2d(t.tensor::<4>(0)?, o))
        }));
    }
    cases
}
