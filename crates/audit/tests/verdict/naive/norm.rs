//! Softmax, log-softmax, RMS and layer normalisation, along either axis
//! of a matrix and the last of a 3-D array.

use backprop_audit::Reference;
use backprop_audit::naive::norm;

use super::{Rng, array, assert_close, assert_vjp, flat};

const EPS: f64 = 1e-5;

#[test]
fn softmax_vjps_agree_with_finite_differences() {
    let mut rng = Rng::new(90);
    for (shape, dim) in [(vec![3, 4], 0), (vec![3, 4], 1), (vec![2, 2, 5], 2)] {
        let x = [rng.array(&shape, -2.0, 2.0)];
        let softmax = Reference::new(
            move |x| norm::softmax(&x[0], dim),
            move |x, g| vec![norm::softmax_vjp(&x[0], g, dim)],
        );
        assert_vjp(&format!("softmax {shape:?} {dim}"), &softmax, &x, &mut rng);
        let log_softmax = Reference::new(
            move |x| norm::log_softmax(&x[0], dim),
            move |x, g| vec![norm::log_softmax_vjp(&x[0], g, dim)],
        );
        assert_vjp(
            &format!("log_softmax {shape:?} {dim}"),
            &log_softmax,
            &x,
            &mut rng,
        );
    }
}

#[test]
fn normalisation_vjps_agree_with_finite_differences() {
    let mut rng = Rng::new(91);
    let rms = norm::rms_norm_reference(EPS);
    let layer = norm::layer_norm_reference(EPS);
    for shape in [vec![3, 4], vec![2, 5], vec![2, 3, 5]] {
        let n = shape[shape.len() - 1];
        let x = rng.array(&shape, -2.0, 2.0);
        let gamma = rng.array(&[n], 0.5, 1.5);
        let beta = rng.array(&[n], -0.5, 0.5);
        assert_vjp(
            &format!("rms_norm {shape:?}"),
            &rms,
            &[x.clone(), gamma.clone()],
            &mut rng,
        );
        assert_vjp(
            &format!("layer_norm {shape:?}"),
            &layer,
            &[x, gamma, beta],
            &mut rng,
        );
    }
}

#[test]
fn forwards_by_their_formulas() {
    let x = array(&[2, 3], &[0.0, 0.0, 0.0, 1.0, 2.0, 3.0]);
    let y = norm::softmax(&x, 1);
    assert_eq!(flat(&y)[..3], [1.0 / 3.0; 3]);
    let e = [1f64.exp(), 2f64.exp(), 3f64.exp()];
    let total: f64 = e.iter().sum();
    assert_close(
        "softmax",
        &flat(&y)[3..],
        &[e[0] / total, e[1] / total, e[2] / total],
        1e-15,
    );
    let ls = norm::log_softmax(&x, 1);
    let logs: Vec<f64> = flat(&y).iter().map(|v| v.ln()).collect();
    assert_close("log_softmax", &flat(&ls), &logs, 1e-15);
    // Along axis 0: each column sums to one.
    let columns = norm::softmax(&x, 0);
    for c in 0..3 {
        assert!((columns[[0, c]] + columns[[1, c]] - 1.0).abs() < 1e-15);
    }

    // rms_norm of [1, 2, 3] with γ = [1, 2, 1]: x / √(14/3 + ε) ⊙ γ.
    let x = array(&[1, 3], &[1.0, 2.0, 3.0]);
    let r = (14.0 / 3.0 + EPS).sqrt();
    assert_close(
        "rms_norm",
        &flat(&norm::rms_norm(&x, &array(&[3], &[1.0, 2.0, 1.0]), EPS)),
        &[1.0 / r, 4.0 / r, 3.0 / r],
        1e-15,
    );
    // layer_norm of [1, 2, 3]: mean 2, biased variance 2/3.
    let s = (2.0 / 3.0 + EPS).sqrt();
    assert_close(
        "layer_norm",
        &flat(&norm::layer_norm(
            &x,
            &array(&[3], &[1.0, 1.0, 2.0]),
            &array(&[3], &[0.5, 0.0, 0.0]),
            EPS,
        )),
        &[-1.0 / s + 0.5, 0.0, 2.0 / s],
        1e-15,
    );
}
