//! `module::interpolate` (nearest, bilinear and the rest) and
//! `module::embedding`.

use burn_tensor::module::{embedding, interpolate};
use burn_tensor::ops::{InterpolateMode, InterpolateOptions};

use crate::audit::{Case, Sampler};
use backprop_audit::Reference;
use backprop_audit::naive::resample::{bilinear, bilinear_vjp};

fn mode_name(mode: &InterpolateMode) -> &'static str {
    match mode {
        InterpolateMode::Nearest => "Nearest",
        InterpolateMode::NearestExact => "NearestExact",
        InterpolateMode::Bilinear => "Bilinear",
        InterpolateMode::Bicubic => "Bicubic",
        InterpolateMode::Lanczos3 => "Lanczos3",
    }
}

/// The cases.
pub fn cases(seed: u64) -> Vec<Case> {
    let mut cases = Vec::new();
    // `NearestExact` is left out: the ndarray backend has no forward for it.
    let modes = [
        InterpolateMode::Nearest,
        InterpolateMode::Bilinear,
        InterpolateMode::Bicubic,
        InterpolateMode::Lanczos3,
    ];
    for mode in modes {
        for align_corners in [true, false] {
            for (input, output) in [([4, 5], [7, 8]), ([6, 6], [4, 3]), ([3, 4], [6, 8])] {
                let x = [1, 2, input[0], input[1]];
                let name = format!(
                    "module::interpolate(InterpolateMode::{}, align_corners={align_corners}, output_size={output:?}) x={x:?}",
                    mode_name(&mode)
                );
                let xs = Sampler::new(seed, &name).uniform(&x, -2.0, 2.0);
                let bilinear_mode = matches!(mode, InterpolateMode::Bilinear);
                let mode = mode.clone();
                let case = Case::new(name, vec![("x", xs)], move |t| {
                    let o = InterpolateOptions::new(mode.clone())
                        .with_align_corners(align_corners)
                        .with_output_size(output);
                    Ok(interpolate(t.tensor::<4>(0)?, o))
                });
                cases.push(if bilinear_mode {
                    case.with_reference(Reference::new(
                        move |v| bilinear(&v[0], output, align_corners),
                        move |v, g| vec![bilinear_vjp(&v[0], g, output, align_corners)],
                    ))
                } else {
                    case
                });
            }
        }
    }
    // embedding: repeated indices accumulate into the same weight row.
    let name = "module::embedding(weights=[6, 3], indices=[2, 4])";
    let mut r = Sampler::new(seed, name);
    let weights = r.uniform(&[6, 3], -2.0, 2.0);
    let mut idx = r.indices(&[2, 4], 6);
    idx[[1, 3]] = idx[[0, 0]];
    cases.push(Case::new(name, vec![("weights", weights)], move |t| {
        Ok(embedding(t.tensor::<2>(0)?, t.int::<2>(&idx)?))
    }));
    cases
}
