// Temporary timing harness (not committed).
use backprop_tensor::case_study::{self, Hyperparameters, TwoLayerNet};
use backprop_tensor::optim::Sgd;
use rand::SeedableRng;
use std::time::Instant;
fn main() {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
    let data = case_study::spiral(100, 3, &mut rng);
    let mut net = TwoLayerNet::new(2, 100, 3, &mut rng);
    let hyper = Hyperparameters::NETWORK;
    let mut sgd = Sgd::new(hyper.step_size);
    let x = data.x.clone().into_dyn().into_shared();
    let secs: f64 = std::env::args().nth(1).map_or(3.0, |s| s.parse().unwrap());
    let t0 = Instant::now();
    let mut best = f64::INFINITY;
    while t0.elapsed().as_secs_f64() < secs {
        let s = Instant::now();
        for _ in 0..20 { case_study::step(&mut net, &x, &data.y, hyper.reg, &mut sgd).unwrap(); }
        best = best.min(s.elapsed().as_secs_f64() / 20.0);
    }
    println!("best step {:.1} us", best * 1e6);
}
