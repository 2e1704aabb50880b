//! The CS231n case study trained twice from the same start: once through
//! this crate's autodiff (`case_study::train`: a graph per step, the fused
//! cross-entropy, `Sgd`), once through the case study's own hand-derived
//! backward pass written directly with ndarray, line by line as the case
//! study writes it in NumPy. The loss trajectories and the final parameters
//! must agree within 1e-12 relative.

use backprop_tensor::case_study::{
    self, Classifier, Hyperparameters, LinearClassifier, Spiral, TwoLayerNet,
};
use ndarray::{Array1, Array2, Axis, Ix1, Ix2};
use rand::SeedableRng;

const TOLERANCE: f64 = 1e-12;

fn data_and_rng() -> (Spiral, rand_chacha::ChaCha8Rng) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0x5b17a1);
    let data = case_study::spiral(100, 3, &mut rng);
    (data, rng)
}

/// The case study's forward pass and data + regularization loss, and its
/// `dscores`, for `scores` of the whole batch.
fn softmax_loss_and_dscores(scores: &Array2<f64>, y: &[usize]) -> (f64, Array2<f64>) {
    let num_examples = y.len();
    // exp_scores = np.exp(scores)
    let exp_scores = scores.mapv(f64::exp);
    // probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    let probs = &exp_scores / &exp_scores.sum_axis(Axis(1)).insert_axis(Axis(1));
    // correct_logprobs = -np.log(probs[range(num_examples),y])
    // data_loss = np.sum(correct_logprobs)/num_examples
    let data_loss = (0..num_examples)
        .map(|i| -probs[[i, y[i]]].ln())
        .sum::<f64>()
        / num_examples as f64;
    // dscores = probs; dscores[range(num_examples),y] -= 1; dscores /= num_examples
    let mut dscores = probs;
    for i in 0..num_examples {
        dscores[[i, y[i]]] -= 1.0;
    }
    dscores /= num_examples as f64;
    (data_loss, dscores)
}

/// The network's parameters, as the case study's variables.
struct Net {
    w: Array2<f64>,
    b: Array1<f64>,
    w2: Array2<f64>,
    b2: Array1<f64>,
}

/// The case study's training loop for the two-layer network.
fn train_network_by_hand(
    x: &Array2<f64>,
    y: &[usize],
    mut p: Net,
    hyper: &Hyperparameters,
) -> (Vec<f64>, Net) {
    let (step_size, reg) = (hyper.step_size, hyper.reg);
    let mut losses = Vec::new();
    for _ in 0..hyper.iterations {
        // hidden_layer = np.maximum(0, np.dot(X, W) + b)
        let hidden_layer = (x.dot(&p.w) + &p.b).mapv(|v| v.max(0.0));
        // scores = np.dot(hidden_layer, W2) + b2
        let scores = hidden_layer.dot(&p.w2) + &p.b2;
        let (data_loss, dscores) = softmax_loss_and_dscores(&scores, y);
        // reg_loss = 0.5*reg*np.sum(W*W) + 0.5*reg*np.sum(W2*W2)
        let reg_loss = 0.5 * reg * (&p.w * &p.w).sum() + 0.5 * reg * (&p.w2 * &p.w2).sum();
        losses.push(data_loss + reg_loss);
        // dW2 = np.dot(hidden_layer.T, dscores); db2 = np.sum(dscores, axis=0)
        let mut dw2 = hidden_layer.t().dot(&dscores);
        let db2 = dscores.sum_axis(Axis(0));
        // dhidden = np.dot(dscores, W2.T); dhidden[hidden_layer <= 0] = 0
        let mut dhidden = dscores.dot(&p.w2.t());
        ndarray::Zip::from(&mut dhidden)
            .and(&hidden_layer)
            .for_each(|d, &h| {
                if h <= 0.0 {
                    *d = 0.0;
                }
            });
        // dW = np.dot(X.T, dhidden); db = np.sum(dhidden, axis=0)
        let mut dw = x.t().dot(&dhidden);
        let db = dhidden.sum_axis(Axis(0));
        // dW2 += reg * W2; dW += reg * W
        dw2 += &(reg * &p.w2);
        dw += &(reg * &p.w);
        // W += -step_size * dW; ...
        p.w += &(-step_size * &dw);
        p.b += &(-step_size * &db);
        p.w2 += &(-step_size * &dw2);
        p.b2 += &(-step_size * &db2);
    }
    (losses, p)
}

/// The case study's training loop for the linear classifier.
fn train_linear_by_hand(
    x: &Array2<f64>,
    y: &[usize],
    mut w: Array2<f64>,
    mut b: Array1<f64>,
    hyper: &Hyperparameters,
) -> (Vec<f64>, Array2<f64>, Array1<f64>) {
    let (step_size, reg) = (hyper.step_size, hyper.reg);
    let mut losses = Vec::new();
    for _ in 0..hyper.iterations {
        let scores = x.dot(&w) + &b;
        let (data_loss, dscores) = softmax_loss_and_dscores(&scores, y);
        losses.push(data_loss + 0.5 * reg * (&w * &w).sum());
        let mut dw = x.t().dot(&dscores);
        let db = dscores.sum_axis(Axis(0));
        dw += &(reg * &w);
        w += &(-step_size * &dw);
        b += &(-step_size * &db);
    }
    (losses, w, b)
}

/// The largest relative difference between two loss trajectories.
fn worst_loss_difference(autodiff: &[f64], by_hand: &[f64]) -> f64 {
    assert_eq!(autodiff.len(), by_hand.len());
    autodiff
        .iter()
        .zip(by_hand)
        .map(|(a, h)| (a - h).abs() / h.abs())
        .fold(0.0, f64::max)
}

/// `max |a - h| / max |h|` over an array.
fn relative_difference<'a>(
    a: impl IntoIterator<Item = &'a f64>,
    h: impl IntoIterator<Item = &'a f64> + Clone,
) -> f64 {
    let scale = h.clone().into_iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    let diff = a
        .into_iter()
        .zip(h)
        .fold(0.0_f64, |m, (a, h)| m.max((a - h).abs()));
    diff / scale
}

#[test]
fn the_network_trained_by_autodiff_matches_the_hand_derived_backward_pass() {
    let (data, mut rng) = data_and_rng();
    let mut net = TwoLayerNet::new(2, 100, 3, &mut rng);
    let [w, b, w2, b2] = net.ids();
    let param = |net: &TwoLayerNet, id| net.parameters().value(id).to_owned();
    let start = Net {
        w: param(&net, w).into_dimensionality::<Ix2>().unwrap(),
        b: param(&net, b).into_dimensionality::<Ix1>().unwrap(),
        w2: param(&net, w2).into_dimensionality::<Ix2>().unwrap(),
        b2: param(&net, b2).into_dimensionality::<Ix1>().unwrap(),
    };
    let hyper = Hyperparameters {
        iterations: 500,
        ..Hyperparameters::NETWORK
    };
    let losses = case_study::train(&mut net, &data, &hyper, |_, _| {}).unwrap();
    let (hand_losses, hand) = train_network_by_hand(&data.x, &data.y, start, &hyper);

    assert!(
        (hand_losses[0] - 3f64.ln()).abs() < 1e-3,
        "the loss starts near ln 3"
    );
    assert!(
        hand_losses[499] < 0.75 * hand_losses[0],
        "and the network learns"
    );
    let worst = worst_loss_difference(&losses, &hand_losses);
    eprintln!("network: losses differ by at most {worst:e} relative");
    assert!(
        worst <= TOLERANCE,
        "loss trajectories differ by {worst:e} relative"
    );
    for (id, hand) in [
        (w, hand.w.iter().collect::<Vec<_>>()),
        (b, hand.b.iter().collect()),
        (w2, hand.w2.iter().collect()),
        (b2, hand.b2.iter().collect()),
    ] {
        let ours = param(&net, id);
        let diff = relative_difference(ours.iter(), hand.iter().copied());
        eprintln!(
            "network: {} differs by {diff:e} relative",
            net.parameters().name(id)
        );
        assert!(
            diff <= TOLERANCE,
            "{} differs by {diff:e} relative",
            net.parameters().name(id)
        );
    }
}

#[test]
fn the_linear_classifier_trained_by_autodiff_matches_the_hand_derived_backward_pass() {
    let (data, mut rng) = data_and_rng();
    let mut linear = LinearClassifier::new(2, 3, &mut rng);
    let (w0, b0) = linear.weights_and_bias();
    let (w0, b0) = (
        w0.to_owned(),
        b0.to_owned().into_dimensionality::<Ix1>().unwrap(),
    );
    let hyper = Hyperparameters::LINEAR;
    let losses = case_study::train(&mut linear, &data, &hyper, |_, _| {}).unwrap();
    let (hand_losses, hand_w, hand_b) = train_linear_by_hand(&data.x, &data.y, w0, b0, &hyper);
    let worst = worst_loss_difference(&losses, &hand_losses);
    eprintln!("linear: losses differ by at most {worst:e} relative");
    assert!(
        worst <= TOLERANCE,
        "loss trajectories differ by {worst:e} relative"
    );
    let (w, b) = linear.weights_and_bias();
    let (dw, db) = (
        relative_difference(w.iter(), hand_w.iter()),
        relative_difference(b.iter(), hand_b.iter()),
    );
    eprintln!("linear: W differs by {dw:e}, b by {db:e} relative");
    assert!(dw <= TOLERANCE && db <= TOLERANCE);
}
