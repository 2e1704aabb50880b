//! Losses and norms: burn-nn's modules (`CrossEntropyLoss`, `MseLoss`,
//! `LayerNorm`, `GroupNorm`, `BatchNorm` in training, `RmsNorm`) and
//! burn-tensor's functional forms (`loss::cross_entropy_with_logits`,
//! `module::layer_norm`, `module::batch_norm_train`, `module::linear`).

use burn_core::module::{Param, RunningState};
use burn_nn::loss::{CrossEntropyLossConfig, MseLoss, Reduction};
use burn_nn::{BatchNormConfig, GroupNormConfig, LayerNormConfig, RmsNormConfig};

use burn_tensor::loss::cross_entropy_with_logits;
use burn_tensor::module::{batch_norm_train, layer_norm, linear};
use ndarray::{ArrayD, IxDyn};

use crate::audit::{Case, Sampler};
use backprop_audit::naive::norm::rms_norm_reference;

fn cross_entropy(seed: u64) -> Vec<Case> {
    let mut cases = Vec::new();
    // (label, smoothing, weights, pad token, logits)
    type Variant = (
        &'static str,
        Option<f32>,
        Option<Vec<f32>>,
        Option<usize>,
        bool,
    );
    let variants: [Variant; 5] = [
        ("", None, None, None, true),
        ("smoothing=0.1", Some(0.1), None, None, true),
        (
            "weights=[0.5, 1, 2, 1.5]",
            None,
            Some(vec![0.5, 1.0, 2.0, 1.5]),
            None,
            true,
        ),
        ("pad_tokens=[3]", None, None, Some(3), true),
        ("logits=false", None, None, None, false),
    ];
    for (label, smoothing, weights, pad, logits) in variants {
        let name = format!("nn::CrossEntropyLoss::forward({label}) logits=[5, 4]");
        let mut r = Sampler::new(seed, &name);
        let x = if logits {
            r.uniform(&[5, 4], -2.0, 2.0)
        } else {
            // probabilities, away from the clamp at the smallest float
            r.uniform(&[5, 4], 0.05, 1.0)
        };
        let mut targets = r.indices(&[5], 4);
        if pad.is_some() {
            targets[[1]] = 3;
        }
        let config = CrossEntropyLossConfig::new()
            .with_smoothing(smoothing)
            .with_weights(weights.clone())
            .with_pad_tokens(pad.map(|p| vec![p]))
            .with_logits(logits);
        cases.push(Case::new(name, vec![("logits", x)], move |t| {
            let mut loss = config.init(t.device());
            // The class weights in the run's float type, as a model built in
            // it would hold them.
            loss.weights = loss.weights.map(|w| w.cast(t.dtype()));
            Ok(loss.forward(t.tensor::<2>(0)?, t.int::<1>(&targets)?))
        }));
    }
    let name = "loss::cross_entropy_with_logits(logits=[5, 4], target_probs=[5, 4])";
    let mut r = Sampler::new(seed, name);
    let x = r.uniform(&[5, 4], -2.0, 2.0);
    let p = r.uniform(&[5, 4], 0.1, 1.0);
    let p = &p / &p.sum_axis(ndarray::Axis(1)).insert_axis(ndarray::Axis(1));
    cases.push(Case::new(
        name,
        vec![("logits", x), ("target_probs", p)],
        |t| {
            Ok(cross_entropy_with_logits(
                t.tensor::<2>(0)?,
                t.tensor::<2>(1)?,
            ))
        },
    ));
    cases
}

fn mse(seed: u64) -> Vec<Case> {
    [
        ("Reduction::Mean", Reduction::Mean),
        ("Reduction::Sum", Reduction::Sum),
        ("Reduction::Auto", Reduction::Auto),
    ]
    .into_iter()
    .map(|(label, reduction)| {
        let name = format!("nn::loss::MseLoss::forward({label}) [3, 4]");
        let mut r = Sampler::new(seed, &name);
        let (a, b) = (r.uniform(&[3, 4], -2.0, 2.0), r.uniform(&[3, 4], -2.0, 2.0));
        Case::new(name, vec![("logits", a), ("targets", b)], move |t| {
            Ok(MseLoss::new().forward(t.tensor::<2>(0)?, t.tensor::<2>(1)?, reduction.clone()))
        })
    })
    .collect()
}

fn norms(seed: u64) -> Vec<Case> {
    let mut cases = Vec::new();
    for bias in [true, false] {
        let name = format!(
            "nn::LayerNorm::forward(d_model=5{}) x=[2, 3, 5]",
            if bias { "" } else { ", bias=false" }
        );
        let mut r = Sampler::new(seed, &name);
        let mut inputs = vec![
            ("x", r.uniform(&[2, 3, 5], -2.0, 2.0)),
            ("gamma", r.uniform(&[5], 0.5, 1.5)),
        ];
        if bias {
            inputs.push(("beta", r.uniform(&[5], -0.5, 0.5)));
        }
        cases.push(Case::new(name, inputs, move |t| {
            let mut m = LayerNormConfig::new(5).with_bias(bias).init(t.device());
            m.gamma = Param::from_tensor(t.tensor::<1>(1)?);
            m.beta = if bias {
                Some(Param::from_tensor(t.tensor::<1>(2)?))
            } else {
                None
            };
            Ok(m.forward(t.tensor::<3>(0)?))
        }));
    }
    for groups in [2, 4, 1] {
        let name =
            format!("nn::GroupNorm::forward(num_groups={groups}, num_channels=4) x=[2, 4, 3]");
        let mut r = Sampler::new(seed, &name);
        let inputs = vec![
            ("x", r.uniform(&[2, 4, 3], -2.0, 2.0)),
            ("gamma", r.uniform(&[4], 0.5, 1.5)),
            ("beta", r.uniform(&[4], -0.5, 0.5)),
        ];
        cases.push(Case::new(name, inputs, move |t| {
            let mut m = GroupNormConfig::new(groups, 4).init(t.device());
            m.gamma = Some(Param::from_tensor(t.tensor::<1>(1)?));
            m.beta = Some(Param::from_tensor(t.tensor::<1>(2)?));
            Ok(m.forward(t.tensor::<3>(0)?))
        }));
    }
    for x in [[4usize, 3, 2], [2, 3, 5]] {
        let name = format!("nn::BatchNorm::forward(training, num_features=3) x={x:?}");
        let mut r = Sampler::new(seed, &name);
        let inputs = vec![
            ("x", r.uniform(&x, -2.0, 2.0)),
            ("gamma", r.uniform(&[3], 0.5, 1.5)),
            ("beta", r.uniform(&[3], -0.5, 0.5)),
        ];
        cases.push(Case::new(name, inputs, move |t| {
            let mut m = BatchNormConfig::new(3).init(t.device());
            m.gamma = Param::from_tensor(t.tensor::<1>(1)?);
            m.beta = Param::from_tensor(t.tensor::<1>(2)?);
            // Running statistics in the run's float type, as a model built in
            // it would hold them.
            m.running_mean = RunningState::new(t.float::<1>(&ArrayD::zeros(IxDyn(&[3])))?);
            m.running_var = RunningState::new(t.float::<1>(&ArrayD::ones(IxDyn(&[3])))?);
            Ok(m.forward(t.tensor::<3>(0)?))
        }));
    }
    let name = "nn::RmsNorm::forward(d_model=5) x=[2, 3, 5]";
    let mut r = Sampler::new(seed, name);
    let inputs = vec![
        ("x", r.uniform(&[2, 3, 5], -2.0, 2.0)),
        ("gamma", r.uniform(&[5], 0.5, 1.5)),
    ];
    cases.push(
        Case::new(name, inputs, |t| {
            let mut m = RmsNormConfig::new(5).init(t.device());
            m.gamma = Param::from_tensor(t.tensor::<1>(1)?);
            Ok(m.forward(t.tensor::<3>(0)?))
        })
        .with_reference(rms_norm_reference(1e-5)),
    );
    // The functional forms in burn-tensor.
    let name = "module::layer_norm(epsilon=1e-5) x=[2, 3, 5]";
    let mut r = Sampler::new(seed, name);
    let inputs = vec![
        ("x", r.uniform(&[2, 3, 5], -2.0, 2.0)),
        ("gamma", r.uniform(&[5], 0.5, 1.5)),
        ("beta", r.uniform(&[5], -0.5, 0.5)),
    ];
    cases.push(Case::new(name, inputs, |t| {
        Ok(layer_norm(
            t.tensor::<3>(0)?,
            t.tensor::<1>(1)?,
            Some(t.tensor::<1>(2)?),
            1e-5,
        ))
    }));
    let name = "module::batch_norm_train(epsilon=1e-5) x=[4, 3, 2]";
    let mut r = Sampler::new(seed, name);
    let inputs = vec![
        ("x", r.uniform(&[4, 3, 2], -2.0, 2.0)),
        ("gamma", r.uniform(&[3], 0.5, 1.5)),
        ("beta", r.uniform(&[3], -0.5, 0.5)),
    ];
    cases.push(Case::new(name, inputs, |t| {
        Ok(batch_norm_train(
            t.tensor::<3>(0)?,
            t.tensor::<1>(1)?,
            t.tensor::<1>(2)?,
            1e-5,
        )
        .output)
    }));
    let name = "module::linear(x=[2, 3, 4], weight=[4, 5], bias=[5])";
    let mut r = Sampler::new(seed, name);
    let inputs = vec![
        ("x", r.uniform(&[2, 3, 4], -2.0, 2.0)),
        ("weight", r.uniform(&[4, 5], -1.0, 1.0)),
        ("bias", r.uniform(&[5], -1.0, 1.0)),
    ];
    cases.push(Case::new(name, inputs, |t| {
        Ok(linear(
            t.tensor::<3>(0)?,
            t.tensor::<2>(1)?,
            Some(t.tensor::<1>(2)?),
        ))
    }));
    cases
}

/// The cases.
pub fn cases(seed: u64) -> Vec<Case> {
    let mut cases = cross_entropy(seed);
    cases.extend(mse(seed));
    cases.extend(norms(seed));
    cases
}
