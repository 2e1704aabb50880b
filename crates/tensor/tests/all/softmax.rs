//! Softmax, log-softmax, log-sum-exp, per-row selection and the fused
//! cross-entropy: forward values against the textbook formulas written out
//! with plain loops (moderate scores, where the naive formulas are exact
//! enough), stability where the naive formulas overflow, and the
//! cross-entropy's gradient against `(probs - one_hot) / N` written out.

use crate::common;

use backprop_tensor::{
    Axes, Labels, TensorError, TensorGraph, log_softmax, logsumexp, pick_per_row, softmax,
    softmax_cross_entropy,
};
use common::assert_close;
use ndarray::{Array2, ArrayD, IxDyn, array};

/// Scores with a spread of magnitudes, deterministic.
fn scores(rows: usize, cols: usize) -> Array2<f64> {
    Array2::from_shape_fn((rows, cols), |(i, j)| {
        ((i * 7 + j * 3) as f64 * 0.37).sin() * 3.0
    })
}

/// `exp(s) / Σ exp(s)` row by row, as the case study computes it.
fn naive_softmax(s: &Array2<f64>) -> Array2<f64> {
    let mut p = s.mapv(f64::exp);
    for mut row in p.rows_mut() {
        let total: f64 = row.iter().sum();
        row.mapv_inplace(|v| v / total);
    }
    p
}

#[test]
fn softmax_log_softmax_and_logsumexp_match_the_formulas() {
    let s = scores(5, 4);
    let p = naive_softmax(&s);
    let x = s.clone().into_dyn();
    assert_close(
        "softmax",
        &softmax(&x.view(), -1).unwrap(),
        &p.clone().into_dyn(),
        1e-14,
    );
    assert_close(
        "log_softmax",
        &log_softmax(&x.view(), 1).unwrap(),
        &p.mapv(f64::ln).into_dyn(),
        1e-14,
    );
    let lse: Vec<f64> = s
        .rows()
        .into_iter()
        .map(|r| r.mapv(f64::exp).sum().ln())
        .collect();
    assert_close(
        "logsumexp",
        &logsumexp(&x.view(), &Axes::from([-1]), false).unwrap(),
        &ArrayD::from_shape_vec(IxDyn(&[5]), lse.clone()).unwrap(),
        1e-14,
    );
    assert_close(
        "logsumexp keepdims",
        &logsumexp(&x.view(), &Axes::from([1]), true).unwrap(),
        &ArrayD::from_shape_vec(IxDyn(&[5, 1]), lse).unwrap(),
        1e-14,
    );
    let all = s.mapv(f64::exp).sum().ln();
    assert_close(
        "logsumexp(all)",
        &logsumexp(&x.view(), &Axes::All, false).unwrap(),
        &ndarray::arr0(all).into_dyn(),
        1e-14,
    );
    // Along the first axis: the same formulas on the transpose.
    let by_column = softmax(&x.view(), 0).unwrap();
    let expected = naive_softmax(&s.t().to_owned()).t().to_owned().into_dyn();
    assert_close("softmax(axis=0)", &by_column, &expected, 1e-14);
}

#[test]
fn large_scores_stay_finite_and_correct() {
    let x = array![[1000.0, 999.0, -1000.0], [-1000.0, -1001.0, -3000.0]].into_dyn();
    // Shifted by the row maximum, these are the rows [0, -1, -2000].
    let reference = array![[0.0, -1.0, -2000.0], [0.0, -1.0, -2000.0]];
    let expected = naive_softmax(&reference).into_dyn();
    assert_close(
        "softmax",
        &softmax(&x.view(), -1).unwrap(),
        &expected,
        1e-15,
    );
    let log_p = log_softmax(&x.view(), -1).unwrap();
    let log_expected = -(1.0 + (-1.0f64).exp()).ln();
    assert_eq!(log_p[[0, 2]], -2000.0 + log_expected);
    assert!((log_p[[1, 0]] - log_expected).abs() < 1e-15);
    let lse = logsumexp(&x.view(), &Axes::from([-1]), false).unwrap();
    assert!((lse[0] - (1000.0 - log_expected)).abs() < 1e-12);
    let loss = softmax_cross_entropy(&x.view(), &Labels::from([2, 0])).unwrap();
    // -ln p = 2000 - log_expected for row 0, -log_expected for row 1.
    assert!((loss[[]] - (2000.0 - 2.0 * log_expected) / 2.0).abs() < 1e-12);
    // An all -inf row is NaN, as in NumPy and PyTorch (0 / 0), not a panic.
    let hopeless = array![[f64::NEG_INFINITY, f64::NEG_INFINITY]].into_dyn();
    assert!(
        softmax(&hopeless.view(), -1)
            .unwrap()
            .iter()
            .all(|v| v.is_nan())
    );
}

#[test]
fn pick_per_row_selects_and_scatters() -> Result<(), TensorError> {
    let g = TensorGraph::<f64>::new();
    let x = g.leaf(scores(4, 3));
    let labels = [2, 0, 0, 1];
    let picked = x.pick_per_row(labels)?;
    let s = scores(4, 3);
    let expected: Vec<f64> = labels.iter().enumerate().map(|(i, &y)| s[[i, y]]).collect();
    assert_eq!(picked.value().as_slice().unwrap(), expected.as_slice());
    let grads = g.backward_with(picked, array![1.0, 2.0, 3.0, 4.0])?;
    let mut scatter = Array2::<f64>::zeros((4, 3));
    for (i, &y) in labels.iter().enumerate() {
        scatter[[i, y]] = (i + 1) as f64;
    }
    assert_eq!(grads.wrt(x), scatter.into_dyn());
    assert_eq!(
        pick_per_row(&s.view().into_dyn(), &Labels::from([0, 1, 2, 0])).unwrap()[3],
        s[[3, 0]]
    );
    Ok(())
}

#[test]
fn cross_entropy_is_the_case_studys_data_loss_and_its_gradient_is_probs_minus_one_hot()
-> Result<(), TensorError> {
    let s = scores(6, 3);
    let labels = [0, 2, 1, 1, 0, 2];
    let p = naive_softmax(&s);
    let n = labels.len() as f64;
    // The case study: data_loss = sum(-log(probs[range(N), y])) / N.
    let data_loss: f64 = labels
        .iter()
        .enumerate()
        .map(|(i, &y)| -p[[i, y]].ln())
        .sum::<f64>()
        / n;
    // dscores = probs; dscores[range(N), y] -= 1; dscores /= N.
    let mut dscores = p.clone();
    for (i, &y) in labels.iter().enumerate() {
        dscores[[i, y]] -= 1.0;
    }
    dscores /= n;

    let g = TensorGraph::<f64>::new();
    let x = g.leaf(s.clone());
    let loss = x.softmax_cross_entropy(labels)?;
    assert!((loss.item()? - data_loss).abs() < 1e-15);
    let grads = g.backward(loss)?;
    let dscores = dscores.into_dyn();
    assert_close("dscores", &grads.wrt(x), &dscores, 1e-15);

    // The unfused route, softmax → pick → -ln → mean, agrees.
    let g = TensorGraph::<f64>::new();
    let x = g.leaf(s);
    let unfused = (-x.softmax(-1)?.pick_per_row(labels)?.ln()).mean();
    let unfused_grads = g.backward(unfused)?;
    assert!((unfused.item()? - data_loss).abs() < 1e-15);
    assert_close("unfused", &unfused_grads.wrt(x), &dscores, 1e-14);
    Ok(())
}

#[test]
fn labels_are_checked() {
    let x = scores(3, 4).into_dyn();
    let err = softmax_cross_entropy(&x.view(), &Labels::from([0, 1])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "softmax_cross_entropy: 2 labels for 3 rows (scores of shape [3, 4])"
    );
    let err = pick_per_row(&x.view(), &Labels::from([0, 4, 1])).unwrap_err();
    assert_eq!(
        err,
        TensorError::LabelOutOfRange {
            op: "pick_per_row",
            row: 1,
            label: 4,
            classes: 4
        }
    );
    assert_eq!(
        err.to_string(),
        "pick_per_row: label 4 of row 1 is out of range for 4 classes"
    );
    let one_row = scores(1, 1).into_dyn();
    let err = pick_per_row(&one_row.view(), &Labels::from([0, 0])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "pick_per_row: 2 labels for 1 row (scores of shape [1, 1])"
    );
    let vector = array![1.0, 2.0].into_dyn();
    let err = softmax_cross_entropy(&vector.view(), &Labels::from([0])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "softmax_cross_entropy: the operand has shape [2] with 1 axis, needs exactly 2"
    );
    let empty = Array2::<f64>::zeros((0, 3)).into_dyn();
    assert!(matches!(
        softmax_cross_entropy(&empty.view(), &Labels::from(Vec::new())),
        Err(TensorError::EmptyReduction { .. })
    ));
}

/// The graph keeps the forward pass's probabilities for the backward pass;
/// the free function recomputes them from the scores: the two routes must
/// agree to the last bit, with an upstream gradient other than 1.
#[test]
fn the_kept_probabilities_give_the_recomputed_gradient_exactly() -> Result<(), TensorError> {
    let s = scores(7, 5);
    let labels = Labels::from([4, 0, 2, 2, 1, 3, 0]);
    let g = TensorGraph::<f64>::new();
    let x = g.leaf(s.clone());
    let loss = x.softmax_cross_entropy(labels.clone())?;
    let grads = g.backward_with(loss, ndarray::arr0(-2.5))?;
    let recomputed = backprop_tensor::softmax_cross_entropy_vjp(
        &s.into_dyn().view(),
        &labels,
        &ndarray::arr0(-2.5).into_dyn().view(),
    )?;
    assert_eq!(grads.wrt(x), recomputed);
    Ok(())
}
