//! candle-nn: softmax and log-softmax, the fused and the module
//! normalisations, and the losses.

use candle_core::{Device, Module, Tensor};
use ndarray::{ArrayD, IxDyn};

use crate::InputLayout;
use crate::audit::case::{Case, Package, Values};
use backprop_audit::Reference;
use backprop_audit::naive::{elementwise::sigmoid, norm};

const EPS: f64 = 1e-5;

/// The softmax family over an axis.
fn softmaxes() -> Vec<Case> {
    let mut cases = Vec::new();
    for dim in [0usize, 1] {
        let case = Case::new(
            Package::Nn,
            "ops::softmax",
            format!("candle_nn::ops::softmax({dim})"),
            move |t| candle_nn::ops::softmax(&t[0], dim),
        )
        .reference(Reference::new(
            move |x| norm::softmax(&x[0], dim),
            move |x, g| vec![norm::softmax_vjp(&x[0], g, dim)],
        ));
        for layout in [InputLayout::Contiguous, InputLayout::Transposed] {
            cases.push(
                case.clone()
                    .input("x", &[3, 4], Values::Normal)
                    .layout(layout),
            );
        }
        let case = Case::new(
            Package::Nn,
            "ops::log_softmax",
            format!("candle_nn::ops::log_softmax({dim})"),
            move |t| candle_nn::ops::log_softmax(&t[0], dim),
        )
        .reference(Reference::new(
            move |x| norm::log_softmax(&x[0], dim),
            move |x, g| vec![norm::log_softmax_vjp(&x[0], g, dim)],
        ));
        for layout in [InputLayout::Contiguous, InputLayout::Transposed] {
            cases.push(
                case.clone()
                    .input("x", &[3, 4], Values::Normal)
                    .layout(layout),
            );
        }
    }
    let last = |x: &ArrayD<f64>| x.ndim() - 1;
    let case = Case::new(
        Package::Nn,
        "ops::softmax_last_dim",
        "candle_nn::ops::softmax_last_dim()",
        |t| candle_nn::ops::softmax_last_dim(&t[0]),
    )
    .reference(Reference::new(
        move |x| norm::softmax(&x[0], last(&x[0])),
        move |x, g| vec![norm::softmax_vjp(&x[0], g, last(&x[0]))],
    ));
    cases.push(case.clone().input("x", &[3, 4], Values::Normal));
    cases.push(case.input("x", &[2, 2, 5], Values::Normal));
    cases
}

/// Fused ops and modules of the normalisations.
fn norms() -> Vec<Case> {
    let rms = norm::rms_norm_reference(EPS);
    let layer = norm::layer_norm_reference(EPS);
    let mut cases = Vec::new();
    for shape in [[3, 4], [2, 5]] {
        let n = shape[1];
        cases.push(
            Case::new(
                Package::Nn,
                "ops::rms_norm",
                "candle_nn::ops::rms_norm(eps=1e-5)",
                |t| candle_nn::ops::rms_norm(&t[0], &t[1], EPS as f32),
            )
            .input("x", &shape, Values::Normal)
            .input("alpha", &[n], Values::Uniform(0.5, 1.5))
            .reference(rms.clone()),
        );
        cases.push(
            Case::new(
                Package::Nn,
                "RmsNorm::forward",
                "candle_nn::RmsNorm::new(alpha, 1e-5).forward()",
                |t| candle_nn::RmsNorm::new(t[1].clone(), EPS).forward(&t[0]),
            )
            .input("x", &shape, Values::Normal)
            .input("alpha", &[n], Values::Uniform(0.5, 1.5))
            .reference(rms.clone()),
        );
        cases.push(
            Case::new(
                Package::Nn,
                "ops::layer_norm",
                "candle_nn::ops::layer_norm(eps=1e-5)",
                |t| candle_nn::ops::layer_norm(&t[0], &t[1], &t[2], EPS as f32),
            )
            .input("x", &shape, Values::Normal)
            .input("alpha", &[n], Values::Uniform(0.5, 1.5))
            .input("beta", &[n], Values::Normal)
            .reference(layer.clone()),
        );
        cases.push(
            Case::new(
                Package::Nn,
                "LayerNorm::forward",
                "candle_nn::LayerNorm::new(alpha, beta, 1e-5).forward()",
                |t| candle_nn::LayerNorm::new(t[1].clone(), t[2].clone(), EPS).forward(&t[0]),
            )
            .input("x", &shape, Values::Normal)
            .input("alpha", &[n], Values::Uniform(0.5, 1.5))
            .input("beta", &[n], Values::Normal)
            .reference(layer.clone()),
        );
    }
    cases
}

/// The losses: cross_entropy (targets as u32 labels), mse,
/// binary_cross_entropy_with_logit (targets in [0, 1]).
fn losses() -> Vec<Case> {
    let labels = [2u32, 0, 3];
    let target = Tensor::new(&labels, &Device::Cpu).expect("labels");
    let n = labels.len() as f64;
    let cross_entropy = Case::new(
        Package::Nn,
        "loss::cross_entropy",
        "candle_nn::loss::cross_entropy(labels=[2, 0, 3])",
        move |t| candle_nn::loss::cross_entropy(&t[0], &target),
    )
    .input("logits", &[3, 4], Values::Normal)
    .reference(Reference::new(
        move |x| {
            let ls = norm::log_softmax(&x[0], 1);
            let loss = -labels
                .iter()
                .enumerate()
                .map(|(r, &c)| ls[[r, c as usize]])
                .sum::<f64>()
                / n;
            ArrayD::from_elem(IxDyn(&[]), loss)
        },
        move |x, g| {
            let mut d = norm::softmax(&x[0], 1);
            for (r, &c) in labels.iter().enumerate() {
                d[[r, c as usize]] -= 1.0;
            }
            vec![d * (g[IxDyn(&[])] / n)]
        },
    ));
    let mse = Case::new(Package::Nn, "loss::mse", "candle_nn::loss::mse()", |t| {
        candle_nn::loss::mse(&t[0], &t[1])
    })
    .input("input", &[3, 4], Values::Normal)
    .input("target", &[3, 4], Values::Normal)
    .reference(Reference::new(
        |x| {
            let d = &x[0] - &x[1];
            ArrayD::from_elem(IxDyn(&[]), d.mapv(|v| v * v).mean().unwrap_or(0.0))
        },
        |x, g| {
            let scale = 2.0 * g[IxDyn(&[])] / x[0].len() as f64;
            let d = (&x[0] - &x[1]) * scale;
            vec![d.clone(), -d]
        },
    ));
    let bce = Case::new(
        Package::Nn,
        "loss::binary_cross_entropy_with_logit",
        "candle_nn::loss::binary_cross_entropy_with_logit()",
        |t| candle_nn::loss::binary_cross_entropy_with_logit(&t[0], &t[1]),
    )
    .input("logits", &[3, 4], Values::Normal)
    .input("target", &[3, 4], Values::Uniform(0.0, 1.0))
    .reference(Reference::new(
        |x| {
            let n = x[0].len() as f64;
            let total: f64 = ndarray::Zip::from(&x[0])
                .and(&x[1])
                .fold(0.0, |acc, &z, &t| {
                    let s = sigmoid(z);
                    acc - (t * s.ln() + (1.0 - t) * (1.0 - s).ln())
                });
            ArrayD::from_elem(IxDyn(&[]), total / n)
        },
        |x, g| {
            let scale = g[IxDyn(&[])] / x[0].len() as f64;
            let dz = ndarray::Zip::from(&x[0])
                .and(&x[1])
                .map_collect(|&z, &t| (sigmoid(z) - t) * scale);
            let dt = ndarray::Zip::from(&x[0]).and(&x[1]).map_collect(|&z, _| {
                let s = sigmoid(z);
                -(s.ln() - (1.0 - s).ln()) * scale
            });
            vec![dz, dt]
        },
    ));
    vec![cross_entropy, mse, bce]
}

/// The candle-nn cases.
pub fn cases() -> Vec<Case> {
    let mut cases = softmaxes();
    cases.extend(norms());
    cases.extend(losses());
    cases
}
