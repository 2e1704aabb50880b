//! Convolutions: padding (alike and different at the two ends), stride,
//! dilation, groups, batch, bias, kernel sizes, lengths whose tail the
//! forward pass drops, the transposed convolutions with output padding.

use backprop_audit::naive::conv::{self, ConvParams, Kind};
use ndarray::ArrayD;

use super::{Rng, array, assert_close, assert_vjp, dot, flat};

/// Every combination of padding 0/1/2, stride 1/2, dilation 1/2 and groups
/// 1/2 (both catalogs' sweep).
fn sweep() -> Vec<ConvParams> {
    let mut all = Vec::new();
    for padding in 0..3 {
        for stride in 1..3 {
            for dilation in 1..3 {
                for groups in 1..3 {
                    all.push(ConvParams::new(padding, stride, dilation, groups));
                }
            }
        }
    }
    all
}

/// `conv::reference(kind, p)` on `x` and `w` (and a bias when `bias`)
/// drawn from `rng`.
fn check(kind: Kind, p: ConvParams, x: &[usize], w: &[usize], bias: bool, rng: &mut Rng) {
    let mut inputs = vec![rng.array(x, -1.0, 1.0), rng.array(w, -1.0, 1.0)];
    if bias {
        let channels = if matches!(kind, Kind::Conv1d | Kind::Conv2d) {
            w[0]
        } else {
            w[1] * p.groups
        };
        inputs.push(rng.array(&[channels], -1.0, 1.0));
    }
    let what = format!("{kind:?} {p:?} x={x:?} w={w:?} bias={bias}");
    assert_vjp(&what, &conv::reference(kind, p), &inputs, rng);
}

#[test]
fn conv1d_vjp_agrees_with_finite_differences() {
    let mut rng = Rng::new(10);
    for (n, p) in sweep().into_iter().enumerate() {
        let g = p.groups;
        check(
            Kind::Conv1d,
            p,
            &[1, g, 8],
            &[g, 1, 3],
            n % 2 == 0,
            &mut rng,
        );
        check(
            Kind::Conv1d,
            p,
            &[2, 2 * g, 9],
            &[3 * g, 2, 3],
            n % 2 == 1,
            &mut rng,
        );
    }
    // Padding different at the two ends (burn's asymmetric cases), kernel
    // sizes 1, 2, 4 and 5, and kernel 4 with stride 4 dropping the tail of
    // lengths 10 and 11.
    for (padding, stride, groups, x, w) in [
        ((1, 0), 1, 1, [2, 3, 8], [2, 3, 3]),
        ((0, 2), 2, 1, [2, 3, 8], [2, 3, 3]),
        ((2, 1), 2, 2, [2, 4, 8], [6, 2, 3]),
        ((1, 3), 3, 1, [2, 3, 8], [2, 3, 3]),
        ((0, 0), 1, 1, [2, 3, 6], [2, 3, 1]),
        ((1, 1), 1, 1, [1, 2, 7], [3, 2, 2]),
        ((0, 0), 4, 1, [1, 1, 10], [2, 1, 4]),
        ((0, 0), 4, 2, [2, 2, 11], [2, 1, 4]),
        ((2, 2), 3, 1, [1, 2, 9], [2, 2, 5]),
    ] {
        let p = ConvParams {
            padding,
            ..ConvParams::new(0, stride, 1, groups)
        };
        check(Kind::Conv1d, p, &x, &w, true, &mut rng);
        check(Kind::Conv1d, p, &x, &w, false, &mut rng);
    }
}

#[test]
fn conv2d_vjp_agrees_with_finite_differences() {
    let mut rng = Rng::new(20);
    for (n, p) in sweep().into_iter().enumerate() {
        let g = p.groups;
        check(
            Kind::Conv2d,
            p,
            &[1, g, 5, 5],
            &[g, 1, 3, 3],
            false,
            &mut rng,
        );
        check(
            Kind::Conv2d,
            p,
            &[2, 2 * g, 5, 6],
            &[2 * g, 2, 3, 3],
            n % 2 == 0,
            &mut rng,
        );
    }
    for (p, x, w) in [
        (ConvParams::new(0, 1, 1, 1), [2, 3, 4, 4], [2, 3, 1, 1]),
        (ConvParams::new(1, 1, 1, 1), [1, 2, 5, 6], [3, 2, 2, 3]),
        (ConvParams::new(0, 4, 1, 1), [1, 1, 10, 11], [2, 1, 4, 4]),
        (ConvParams::new(1, 2, 1, 1), [1, 1, 7, 5], [1, 1, 3, 2]),
        (
            ConvParams {
                padding: (2, 1),
                ..ConvParams::new(0, 2, 1, 2)
            },
            [1, 4, 6, 7],
            [6, 2, 3, 3],
        ),
    ] {
        check(Kind::Conv2d, p, &x, &w, true, &mut rng);
    }
}

#[test]
fn transposed_conv_vjps_agree_with_finite_differences() {
    let mut rng = Rng::new(30);
    for p in sweep() {
        let g = p.groups;
        let output_paddings: &[usize] = if p.stride == 2 { &[0, 1] } else { &[0] };
        for &output_padding in output_paddings {
            let p = ConvParams {
                output_padding,
                ..p
            };
            let t1 = Kind::ConvTranspose1d;
            check(t1, p, &[1, g, 5], &[g, 1, 3], false, &mut rng);
            check(
                t1,
                p,
                &[2, 2 * g, 4],
                &[2 * g, 2, 3],
                output_padding == 0,
                &mut rng,
            );
            let t2 = Kind::ConvTranspose2d;
            check(t2, p, &[1, g, 4, 4], &[g, 1, 3, 3], false, &mut rng);
            check(t2, p, &[2, 2 * g, 3, 4], &[2 * g, 3, 3, 3], true, &mut rng);
        }
    }
    // Padding different at the two ends.
    let p = ConvParams {
        padding: (2, 0),
        ..ConvParams::new(0, 2, 1, 1)
    };
    check(
        Kind::ConvTranspose1d,
        p,
        &[1, 2, 4],
        &[2, 3, 3],
        true,
        &mut rng,
    );
}

#[test]
fn conv1d_by_hand() {
    // out[i] = x[i - 1]·1 + x[i]·10 with one zero of padding at the start
    // and none at the end: [10·1, 1 + 10·2, 2 + 10·3, 3 + 10·4].
    let x = array(&[1, 1, 4], &[1.0, 2.0, 3.0, 4.0]);
    let w = array(&[1, 1, 2], &[1.0, 10.0]);
    let p = ConvParams {
        padding: (1, 0),
        ..ConvParams::new(0, 1, 1, 1)
    };
    assert_eq!(flat(&conv::conv1d(&x, &w, &p)), [10.0, 21.0, 32.0, 43.0]);
    // Stride 2, dilation 2: out[i] = x[2i] + 10·x[2i + 2], one window in
    // [0, 4); the tail x[3] is dropped.
    let p = ConvParams::new(0, 2, 2, 1);
    assert_eq!(flat(&conv::conv1d(&x, &w, &p)), [31.0]);
    // Two groups: channel 0 with its kernel, channel 1 with its own.
    let x = array(&[1, 2, 2], &[1.0, 2.0, 3.0, 4.0]);
    let w = array(&[2, 1, 1], &[2.0, -1.0]);
    assert_eq!(
        flat(&conv::conv1d(&x, &w, &ConvParams::new(0, 1, 1, 2))),
        [2.0, 4.0, -3.0, -4.0]
    );
    // A bias of output channel o adds to every position of o.
    let out = conv::add_bias(&array(&[1, 2, 2], &[0.0; 4]), &array(&[2], &[1.0, 5.0]));
    assert_eq!(flat(&out), [1.0, 1.0, 5.0, 5.0]);
    assert_eq!(
        flat(&conv::add_bias_vjp(&array(
            &[2, 2, 2],
            &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
        ))),
        [1.0 + 2.0 + 5.0 + 6.0, 3.0 + 4.0 + 7.0 + 8.0]
    );
}

#[test]
fn output_lengths_follow_pytorchs_formulas() {
    // floor((L + p₀ + p₁ - d(K - 1) - 1)/s) + 1 and (L - 1)s - p₀ - p₁ +
    // d(K - 1) + output_padding + 1.
    let p = ConvParams::new(1, 2, 2, 1);
    assert_eq!(p.output_len(9, 3), 4); // (9 + 2 - 4 - 1)/2 + 1
    assert_eq!(p.output_len(10, 3), 4); // (10 + 2 - 4 - 1)/2 + 1, floored
    let p = ConvParams {
        output_padding: 1,
        ..p
    };
    assert_eq!(p.transpose_output_len(4, 3), 3 * 2 - 2 + 4 + 1 + 1);
}

/// `⟨conv(x, w), y⟩ = ⟨x, conv_transpose(y, w)⟩`: the transposed
/// convolution (with the output padding that restores `x`'s length) is the
/// adjoint of the convolution with the same kernel.
fn assert_adjoint(p: ConvParams, x: &[usize], w: &[usize], rng: &mut Rng) {
    let (xs, ws) = (rng.array(x, -1.0, 1.0), rng.array(w, -1.0, 1.0));
    let two_d = x.len() == 4;
    let out = if two_d {
        conv::conv2d(&xs, &ws, &p)
    } else {
        conv::conv1d(&xs, &ws, &p)
    };
    let ys = rng.array(out.shape(), -1.0, 1.0);
    let len = x[x.len() - 1];
    let k = w[w.len() - 1];
    let rest = (len + p.padding.0 + p.padding.1 - p.dilation * (k - 1) - 1) % p.stride;
    let t = ConvParams {
        output_padding: rest,
        ..p
    };
    let back: ArrayD<f64> = if two_d {
        conv::conv_transpose2d(&ys, &ws, &t)
    } else {
        conv::conv_transpose1d(&ys, &ws, &t)
    };
    assert_eq!(back.shape(), x, "{p:?} x={x:?}");
    let (lhs, rhs) = (dot(&out, &ys), dot(&xs, &back));
    assert_close(&format!("{p:?} x={x:?} w={w:?}"), &[lhs], &[rhs], 1e-12);
}

#[test]
fn the_transposed_convolution_is_the_adjoint_of_the_convolution() {
    let mut rng = Rng::new(40);
    for p in sweep() {
        let g = p.groups;
        assert_adjoint(p, &[2, 2 * g, 9], &[3 * g, 2, 3], &mut rng);
        assert_adjoint(p, &[1, 2 * g, 8], &[g, 2, 2], &mut rng);
        // Height and width with the same remainder, so that one output
        // padding restores both.
        let w = 5 + p.stride;
        assert_adjoint(p, &[2, 2 * g, 5, w], &[2 * g, 2, 3, 3], &mut rng);
    }
    let p = ConvParams {
        padding: (2, 1),
        ..ConvParams::new(0, 2, 1, 2)
    };
    assert_adjoint(p, &[2, 4, 8], &[6, 2, 3], &mut rng);
}
