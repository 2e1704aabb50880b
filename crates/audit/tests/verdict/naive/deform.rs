//! Deformable convolution: offset groups 1 and 2, with and without a mask,
//! stride, padding and dilation.

use backprop_audit::naive::conv::{self, ConvParams};
use backprop_audit::naive::deform::{self, DeformParams};

use super::{Rng, array, assert_close, assert_vjp, flat};

#[test]
fn deform_conv2d_vjp_agrees_with_finite_differences() {
    let mut rng = Rng::new(60);
    for (stride, padding, dilation) in [(1, 0, 1), (2, 1, 1), (1, 1, 2)] {
        for (mask, offset_groups) in [(false, 1), (true, 1), (false, 2), (true, 2)] {
            let p = DeformParams {
                stride,
                padding,
                dilation,
                offset_groups,
            };
            let (h, w) = (5, 6);
            let oh = (h + 2 * padding - dilation * 2 - 1) / stride + 1;
            let ow = (w + 2 * padding - dilation * 2 - 1) / stride + 1;
            let taps = offset_groups * 9;
            // Offsets away from whole numbers: the bilinear sample has a
            // kink wherever a sampling position crosses one.
            let mut inputs = vec![
                rng.array(&[1, 2, h, w], -1.0, 1.0),
                rng.away(&[1, 2 * taps, oh, ow], -0.9, 0.9, &[0.0], 0.05),
                rng.array(&[2, 2, 3, 3], -1.0, 1.0),
            ];
            if mask {
                inputs.push(rng.array(&[1, taps, oh, ow], 0.2, 1.0));
            }
            assert_vjp(
                &format!("{p:?} mask={mask}"),
                &deform::reference(p),
                &inputs,
                &mut rng,
            );
        }
    }
}

#[test]
fn without_offsets_it_is_the_plain_convolution() {
    let mut rng = Rng::new(61);
    for (stride, padding, dilation) in [(1, 0, 1), (2, 1, 1), (1, 2, 2)] {
        let p = DeformParams {
            stride,
            padding,
            dilation,
            offset_groups: 1,
        };
        let x = rng.array(&[2, 3, 6, 5], -1.0, 1.0);
        let w = rng.array(&[2, 3, 3, 3], -1.0, 1.0);
        let plain = conv::conv2d(&x, &w, &ConvParams::new(padding, stride, dilation, 1));
        let s = plain.shape();
        let offset = ndarray::ArrayD::zeros(ndarray::IxDyn(&[s[0], 18, s[2], s[3]]));
        let ones = ndarray::ArrayD::ones(ndarray::IxDyn(&[s[0], 9, s[2], s[3]]));
        let deformed = deform::deform_conv2d(&x, &offset, &w, None, &p);
        assert_close(&format!("{p:?}"), &flat(&deformed), &flat(&plain), 1e-14);
        let masked = deform::deform_conv2d(&x, &offset, &w, Some(&ones), &p);
        assert_eq!(
            flat(&masked),
            flat(&deformed),
            "a mask of ones changes nothing"
        );
    }
}

#[test]
fn an_offset_samples_between_pixels() {
    // One 1×1 tap moved a quarter pixel right on the row [1, 2, 4]: each
    // output is ¾ of its pixel and ¼ of the next (zero past the end).
    let x = array(&[1, 1, 1, 3], &[1.0, 2.0, 4.0]);
    let w = array(&[1, 1, 1, 1], &[1.0]);
    let offset = array(&[1, 2, 1, 3], &[0.0, 0.0, 0.0, 0.25, 0.25, 0.25]);
    let p = DeformParams {
        stride: 1,
        padding: 0,
        dilation: 1,
        offset_groups: 1,
    };
    let out = deform::deform_conv2d(&x, &offset, &w, None, &p);
    assert_eq!(flat(&out), [1.25, 2.5, 3.0]);
}
