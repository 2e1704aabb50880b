// Temporary micro timing (not committed).
use backprop_gates::Unary;
use ndarray::{ArrayD, IxDyn};
use std::time::Instant;
fn time<R>(name: &str, mut f: impl FnMut() -> R) {
    if let Some(only) = std::env::args().nth(1) { if !name.contains(&only) { return; } }
    let mut best = f64::INFINITY;
    for _ in 0..2000 {
        let s = Instant::now();
        for _ in 0..20 { std::hint::black_box(f()); }
        best = best.min(s.elapsed().as_secs_f64() / 20.0);
    }
    println!("{name:>20}: {:.2} us", best * 1e6);
}
fn main() {
    let x = ArrayD::from_shape_fn(IxDyn(&[300, 100]), |i| ((i[0] * 7 + i[1] * 13) % 17) as f64 - 8.0);
    let d = ArrayD::from_shape_fn(IxDyn(&[300, 100]), |i| ((i[0] * 3 + i[1] * 5) % 11) as f64 - 5.0);
    let y = backprop_tensor::unary(Unary::Relu, &x.view());
    time("relu fwd", || backprop_tensor::unary(Unary::Relu, &x.view()));
    time("relu vjp", || backprop_tensor::unary_vjp(Unary::Relu, &x.view(), &y.view(), &d.view()).unwrap());
    time("hand relu", || { let s = x.as_slice().unwrap(); s.iter().map(|&v| if v > 0.0 { v } else { 0.0 }).collect::<Vec<f64>>() });
    time("vec copy", || x.as_slice().unwrap().to_vec());
    time("sum_to", || backprop_tensor::sum_to(d.view(), &[100]).unwrap());
    let xx = ArrayD::from_shape_fn(IxDyn(&[300, 2]), |i| (i[0] + i[1]) as f64 * 0.01);
    let w = ArrayD::from_shape_fn(IxDyn(&[2, 100]), |i| (i[0] + i[1]) as f64 * 0.01);
    let w2 = ArrayD::from_shape_fn(IxDyn(&[100, 3]), |i| (i[0] + i[1]) as f64 * 0.01);
    let ds = ArrayD::from_shape_fn(IxDyn(&[300, 3]), |i| (i[0] + i[1]) as f64 * 0.01);
    time("X.W", || backprop_tensor::matmul(&xx.view(), &w.view()).unwrap());
    time("H.W2", || backprop_tensor::matmul(&x.view(), &w2.view()).unwrap());
    time("vjp H.W2", || backprop_tensor::matmul_vjp(&x.view(), &w2.view(), &ds.view()).unwrap());
    time("vjp X.W (both)", || backprop_tensor::matmul_vjp(&xx.view(), &w.view(), &d.view()).unwrap());
    let labels = backprop_tensor::Labels::from((0..300).map(|i| i / 100).collect::<Vec<_>>());
    time("sce", || backprop_tensor::softmax_cross_entropy(&ds.view(), &labels).unwrap());
    let one = ndarray::arr0(1.0).into_dyn();
    time("sce vjp", || backprop_tensor::softmax_cross_entropy_vjp(&ds.view(), &labels, &one.view()).unwrap());
    let v: Vec<f64> = ds.iter().copied().collect();
    time("900 exp", || v.iter().map(|x| x.exp()).sum::<f64>());
    time("900 exp dep", || v.iter().fold(0.0, |s, x| s + (x - 0.5).exp()));
    time("300 ln", || v[..300].iter().map(|x| (x + 1.0).ln()).sum::<f64>());
    time("add bias", || backprop_tensor::binary(backprop_gates::Binary::Add, &x.view(), &ndarray::Array1::<f64>::ones(100).into_dyn().view()).unwrap());
}
#[allow(dead_code)]
fn unused() {}
