//! The optimizers against their update rules written out as scalar loops,
//! on a loss whose gradient is known in closed form; the tape-per-step
//! model (no accumulation across steps); and their errors.

use backprop_tensor::ndarray::{Array1, array};
use backprop_tensor::optim::{Adam, Optimizer, ParamGradients, Parameters, Sgd};
use backprop_tensor::{TensorError, TensorGraph};

/// `L = Σ aᵢ·xᵢ² / 2` has gradient `aᵢ·xᵢ`.
const CURVATURE: [f64; 3] = [1.0, 4.0, 0.25];

/// One step's gradients of `L` through a fresh graph.
fn gradients(params: &Parameters<f64>) -> ParamGradients<f64> {
    let g = TensorGraph::new();
    let p = params.record(&g);
    let x = params.ids().next().unwrap();
    let a = g.constant(Array1::from(CURVATURE.to_vec()));
    let loss = ((p[x].powi(2) * a).unwrap() * 0.5).sum();
    p.gradients(&g.backward(loss).unwrap())
}

fn start() -> (Parameters<f64>, Vec<f64>) {
    let x0 = vec![1.0, -2.0, 3.0];
    let mut params = Parameters::new();
    params.add("x", Array1::from(x0.clone()));
    (params, x0)
}

fn current(params: &Parameters<f64>) -> Vec<f64> {
    let x = params.ids().next().unwrap();
    params.value(x).iter().copied().collect()
}

#[test]
fn sgd_with_momentum_follows_its_rule() {
    let (lr, mu) = (0.1, 0.9);
    let (mut params, mut x) = start();
    let mut sgd = Sgd::with_momentum(lr, mu);
    let mut v: Vec<Option<f64>> = vec![None; 3];
    for _ in 0..20 {
        let grads = gradients(&params);
        sgd.step(&mut params, &grads).unwrap();
        for i in 0..3 {
            let g = CURVATURE[i] * x[i];
            let vi = v[i].map_or(g, |v| mu * v + g);
            v[i] = Some(vi);
            x[i] -= lr * vi;
        }
        assert_eq!(current(&params), x);
    }
}

#[test]
fn plain_sgd_is_the_case_studys_update_to_the_bit() {
    let step_size = 1.0;
    let (mut params, mut x) = start();
    let mut sgd = Sgd::new(step_size);
    for _ in 0..5 {
        let grads = gradients(&params);
        sgd.step(&mut params, &grads).unwrap();
        for i in 0..3 {
            let dx = CURVATURE[i] * x[i];
            x[i] += -step_size * dx; // W += -step_size * dW
        }
        assert_eq!(current(&params), x);
    }
}

#[test]
fn adam_follows_algorithm_1_of_the_paper() {
    let (lr, b1, b2, eps) = (0.05, 0.9, 0.999, 1e-8);
    let (mut params, mut x) = start();
    let mut adam = Adam::new(lr);
    let (mut m, mut v) = ([0.0; 3], [0.0; 3]);
    for t in 1..=30 {
        let grads = gradients(&params);
        adam.step(&mut params, &grads).unwrap();
        for i in 0..3 {
            let g = CURVATURE[i] * x[i];
            m[i] = b1 * m[i] + (1.0 - b1) * g;
            v[i] = b2 * v[i] + (1.0 - b2) * g * g;
            let m_hat = m[i] / (1.0 - f64::powi(b1, t));
            let v_hat = v[i] / (1.0 - f64::powi(b2, t));
            x[i] -= lr * m_hat / (v_hat.sqrt() + eps);
        }
        for (got, want) in current(&params).iter().zip(&x) {
            assert!(
                (got - want).abs() <= 1e-15 * want.abs().max(1.0),
                "step {t}"
            );
        }
    }
}

#[test]
fn adam_reaches_the_minimum() {
    let (mut params, _) = start();
    let mut adam = Adam::new(0.05);
    for _ in 0..2000 {
        let grads = gradients(&params);
        adam.step(&mut params, &grads).unwrap();
    }
    assert!(
        current(&params).iter().all(|v| v.abs() < 1e-3),
        "{:?}",
        current(&params)
    );
}

#[test]
fn gradients_never_accumulate_across_steps() {
    // The same parameters give the same gradients, step after step: each
    // step's graph is new.
    let (params, _) = start();
    let first = gradients(&params);
    let x = params.ids().next().unwrap();
    for _ in 0..3 {
        assert_eq!(gradients(&params).get(x), first.get(x));
    }
    assert_eq!(first.get(x).unwrap(), array![1.0, -8.0, 0.75].into_dyn());
}

#[test]
fn a_parameter_the_loss_ignores_is_left_alone() {
    let mut params = Parameters::<f64>::new();
    let used = params.add("used", array![1.0]);
    let unused = params.add("unused", array![5.0]);
    let grads = {
        let g = TensorGraph::new();
        let p = params.record(&g);
        p.gradients(&g.backward(p[used].powi(2).sum()).unwrap())
    };
    assert!(grads.get(unused).is_none());
    let mut adam = Adam::new(0.1);
    adam.step(&mut params, &grads).unwrap();
    assert_eq!(params.value(unused)[0], 5.0);
    assert!(params.value(used)[0] < 1.0);
}

#[test]
fn gradients_of_another_parameter_set_are_refused() {
    let (mut params, _) = start();
    let mut other = Parameters::<f64>::new();
    other.add("a", array![1.0]);
    other.add("b", array![2.0]);
    let foreign = {
        let g = TensorGraph::new();
        let p = other.record(&g);
        let ids: Vec<_> = other.ids().collect();
        let loss = (p[ids[0]] + p[ids[1]]).unwrap().sum();
        p.gradients(&g.backward(loss).unwrap())
    };
    let err = Sgd::new(0.1).step(&mut params, &foreign).unwrap_err();
    assert_eq!(
        err,
        TensorError::Parameters {
            op: "sgd",
            what: "gradients for 2 parameters, but the set has 1".into()
        }
    );
    let mut one = Parameters::<f64>::new();
    one.add("wide", array![1.0, 2.0, 3.0, 4.0]);
    let err = Adam::new(0.1)
        .step(&mut one, &gradients(&params))
        .unwrap_err();
    assert!(
        err.to_string().contains("has shape [3], the parameter [4]"),
        "{err}"
    );
}

#[test]
fn an_optimizer_refuses_a_set_that_changed_size() {
    let (mut params, _) = start();
    let mut sgd = Sgd::with_momentum(0.1, 0.9);
    let grads = gradients(&params);
    sgd.step(&mut params, &grads).unwrap();
    params.add("late", array![0.0]);
    let grads = {
        let g = TensorGraph::new();
        let p = params.record(&g);
        let ids: Vec<_> = params.ids().collect();
        p.gradients(&g.backward(p[ids[1]].sum()).unwrap())
    };
    assert_eq!(
        sgd.step(&mut params, &grads).unwrap_err().to_string(),
        "sgd: the optimizer has state for 1 parameter, the set now has 2"
    );
}
