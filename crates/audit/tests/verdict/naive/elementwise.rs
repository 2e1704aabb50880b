//! Elementwise functions: each derivative against finite differences of
//! its function, and values from an independent source (Python's `math`).

use backprop_audit::Reference;
use backprop_audit::naive::elementwise as e;

use super::{Rng, assert_vjp};

#[test]
fn derivatives_agree_with_finite_differences() {
    let mut rng = Rng::new(70);
    let any = rng.array(&[4, 5], -3.0, 3.0);
    let smooth: [(&str, Reference); 7] = [
        ("erf", Reference::unary(e::erf, e::erf_d)),
        ("gelu_erf", Reference::unary(e::gelu_erf, e::gelu_erf_d)),
        ("gelu_tanh", Reference::unary(e::gelu_tanh, e::gelu_tanh_d)),
        ("sigmoid", Reference::unary(e::sigmoid, e::sigmoid_d)),
        ("silu", Reference::unary(e::silu, e::silu_d)),
        (
            "sigmoid by silu",
            Reference::unary(|x| e::silu(x) / x, e::sigmoid_d),
        ),
        (
            "fan-out",
            Reference::unary(e::gelu_erf, e::gelu_erf_d).fan_out(),
        ),
    ];
    for (what, reference) in &smooth {
        let x = rng.away(&[4, 5], -3.0, 3.0, &[0.0], 0.05);
        assert_vjp(what, reference, &[x], &mut rng);
    }
    assert_vjp("erf everywhere", &smooth[0].1, &[any], &mut rng);
    // elu has a kink at 0, hard_sigmoid where αx + β is 0 or 1.
    for alpha in [1.0, 0.5, 1.3] {
        let x = rng.away(&[4, 5], -3.0, 3.0, &[0.0], 0.05);
        let elu = Reference::unary(move |x| e::elu(x, alpha), move |x| e::elu_d(x, alpha));
        assert_vjp(&format!("elu({alpha})"), &elu, &[x], &mut rng);
    }
    for (alpha, beta, kinks) in [(0.2, 0.5, [-2.5, 2.5]), (1.0 / 6.0, 0.5, [-3.0, 3.0])] {
        let x = rng.away(&[4, 5], -4.0, 4.0, &kinks, 0.05);
        let hard = Reference::unary(
            move |x| e::hard_sigmoid(x, alpha, beta),
            move |x| e::hard_sigmoid_d(x, alpha, beta),
        );
        assert_vjp(
            &format!("hard_sigmoid({alpha}, {beta})"),
            &hard,
            &[x],
            &mut rng,
        );
    }
}

#[test]
fn values_agree_with_an_independent_implementation() {
    // Python 3's math.erf and math.tanh.
    let cases = [
        (e::gelu_erf(1.0), 0.841_344_746_068_542_9), // Φ(1)
        (e::erf(0.5), 0.520_499_877_813_046_5),
        (e::gelu_tanh(1.0), 0.841_191_990_608_276_8),
        (e::gelu_tanh(-0.7), -0.169_429_865_294_883_2),
        (e::sigmoid(1.5), 0.817_574_476_193_643_7),
    ];
    for (got, want) in cases {
        assert!((got - want).abs() <= 2e-16, "{got} against {want}");
    }
    assert_eq!(e::sigmoid(0.0), 0.5);
    assert_eq!(e::elu(-1.0, 0.5), 0.5 * ((-1f64).exp() - 1.0));
    assert_eq!(e::hard_sigmoid(10.0, 0.2, 0.5), 1.0);
    assert_eq!(e::hard_sigmoid_d(0.0, 0.2, 0.5), 0.2);
    assert_eq!(e::hard_sigmoid_d(-3.0, 0.2, 0.5), 0.0);
}
