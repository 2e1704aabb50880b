//! Resizing: nearest-neighbour along one and two trailing axes by integer
//! and non-integer factors, up and down; bilinear with and without aligned
//! corners, up and down.

use backprop_audit::Reference;
use backprop_audit::naive::resample;

use super::{Rng, array, assert_vjp, flat};

#[test]
fn nearest_vjp_agrees_with_finite_differences() {
    let mut rng = Rng::new(110);
    let cases: [(Vec<usize>, Vec<usize>); 9] = [
        (vec![8], vec![1, 1, 4]),
        (vec![12], vec![2, 3, 4]),
        (vec![6], vec![1, 2, 4]),
        (vec![4], vec![1, 1, 4]),
        (vec![3], vec![1, 2, 5]),
        (vec![4, 6], vec![1, 1, 2, 3]),
        (vec![6, 6], vec![2, 2, 2, 2]),
        (vec![4, 9], vec![1, 1, 2, 3]),
        (vec![5, 2], vec![1, 1, 2, 3]),
    ];
    for (targets, x) in cases {
        let (t1, t2) = (targets.clone(), targets.clone());
        let nearest = Reference::new(
            move |x| resample::nearest(&x[0], &t1),
            move |x, g| vec![resample::nearest_vjp(&x[0], g, &t2)],
        );
        let inputs = [rng.array(&x, -2.0, 2.0)];
        assert_vjp(
            &format!("nearest {targets:?} {x:?}"),
            &nearest,
            &inputs,
            &mut rng,
        );
        assert_vjp("nearest fan-out", &nearest.fan_out(), &inputs, &mut rng);
    }
}

#[test]
fn bilinear_vjp_agrees_with_finite_differences() {
    let mut rng = Rng::new(111);
    for align_corners in [true, false] {
        for (input, output) in [
            ([4, 5], [7, 8]),
            ([6, 6], [4, 3]),
            ([3, 4], [6, 8]),
            ([2, 2], [3, 3]),
        ] {
            let bilinear = Reference::new(
                move |x| resample::bilinear(&x[0], output, align_corners),
                move |x, g| vec![resample::bilinear_vjp(&x[0], g, output, align_corners)],
            );
            let inputs = [rng.array(&[1, 2, input[0], input[1]], -2.0, 2.0)];
            let what = format!("bilinear {input:?} → {output:?} align_corners={align_corners}");
            assert_vjp(&what, &bilinear, &inputs, &mut rng);
        }
    }
}

#[test]
fn resizing_by_hand() {
    // Nearest: output i reads floor(i·in/out).
    let x = array(&[1, 1, 2], &[1.0, 2.0]);
    assert_eq!(flat(&resample::nearest(&x, &[4])), [1.0, 1.0, 2.0, 2.0]);
    assert_eq!(flat(&resample::nearest(&x, &[3])), [1.0, 1.0, 2.0]);
    let g = array(&[1, 1, 3], &[1.0, 10.0, 100.0]);
    assert_eq!(flat(&resample::nearest_vjp(&x, &g, &[3])), [11.0, 100.0]);
    // Bilinear with aligned corners: 2×2 to 3×3 puts the means between.
    let x = array(&[1, 1, 2, 2], &[1.0, 2.0, 3.0, 4.0]);
    assert_eq!(
        flat(&resample::bilinear(&x, [3, 3], true)),
        [1.0, 1.5, 2.0, 2.0, 2.5, 3.0, 3.0, 3.5, 4.0]
    );
    // Without: the row [1, 2] to 4 samples at -¼ (clamped to 0), ¼, ¾, 1¼
    // (clamped to 1).
    let row = array(&[1, 1, 1, 2], &[1.0, 2.0]);
    assert_eq!(
        flat(&resample::bilinear(&row, [1, 4], false)),
        [1.0, 1.25, 1.75, 2.0]
    );
    // The same size is the identity either way.
    let mut rng = Rng::new(112);
    let x = rng.array(&[1, 2, 3, 4], -1.0, 1.0);
    for align_corners in [true, false] {
        assert_eq!(resample::bilinear(&x, [3, 4], align_corners), x);
        assert_eq!(resample::nearest(&x, &[3, 4]), x);
    }
}
