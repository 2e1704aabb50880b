//! burn custom backward rules (burn-autodiff's `Backward` trait on the
//! ndarray backend) with planted bugs: each must be reported with the right
//! status, input and element; the correct rule must pass over many seeds in
//! f64 and f32.

use std::sync::Mutex;

use backprop_burn::{CheckError, CheckOptions, Inputs, Phase, Status, check, check_arrays};
use backprop_gradcheck::Mode;
use burn_autodiff::Autodiff;
use burn_autodiff::checkpoint::{base::Checkpointer, strategy::NoCheckpointing};
use burn_autodiff::grads::Gradients;
use burn_autodiff::ops::{Backward, Ops, OpsKind, unary};
use burn_backend::{BackendTypes, Scalar, TensorMetadata, ops::FloatTensorOps};
#[allow(deprecated)] // the ndarray backend is the one audited
use burn_ndarray::NdArray;
use burn_tensor::{Slice, Tensor, TensorData};
use ndarray::{ArrayD, IxDyn};

#[allow(deprecated)]
type B = NdArray;
type Ad = Autodiff<B>;
type Prim = <B as BackendTypes>::FloatTensorPrimitive;

/// The ways the planted rule can be wrong.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Plant {
    /// `g·3x²`: correct.
    Correct,
    /// `g·3x²` but element `[1, 2]` dropped (an off-by-one loop bound).
    DropsElement,
    /// `g·2x²`: the wrong constant.
    WrongFactor,
    /// Zero: the model would learn nothing.
    Zero,
    /// Registers nothing for its input.
    Nothing,
    /// Panics.
    Panics,
}

/// `y = x³` as a custom burn op whose backward rule is `plant`.
#[derive(Debug)]
struct Cube(Plant);

impl Backward<B, 1> for Cube {
    type State = Prim;

    fn backward(self, ops: Ops<Self::State, 1>, grads: &mut Gradients, _: &mut Checkpointer) {
        let x = ops.state;
        let plant = self.0;
        if plant == Plant::Nothing {
            // Consume the output's gradient and register none for the input.
            let _ = grads.consume::<B>(&ops.node);
            return;
        }
        unary::<B, _>(ops.parents, ops.node, grads, |grad| {
            let x2 = B::float_mul(x.clone(), x);
            let factor = if plant == Plant::WrongFactor {
                2.0
            } else {
                3.0
            };
            let g = B::float_mul(grad, B::float_mul_scalar(x2, Scalar::from(factor)));
            match plant {
                Plant::Zero => B::float_mul_scalar(g, Scalar::from(0.0)),
                Plant::Panics => panic!("planted: backward of cube not implemented"),
                Plant::DropsElement => {
                    let zero = B::float_zeros([1, 1].into(), &g.device(), g.dtype().into());
                    B::float_slice_assign(g, &[Slice::from(1..2), Slice::from(2..3)], zero)
                }
                _ => g,
            }
        });
    }
}

/// The custom op on a `Tensor<2>` of the autodiff ndarray device.
fn cube(x: Tensor<2>, plant: Plant) -> Tensor<2> {
    let x = x
        .try_into_primitive::<Ad>()
        .expect("an autodiff ndarray tensor");
    let node = x.node();
    let x = x.into_primitive();
    let y = B::float_mul(B::float_mul(x.clone(), x.clone()), x.clone());
    let out = match Cube(plant)
        .prepare::<NoCheckpointing>([node])
        .compute_bound()
        .stateful()
    {
        OpsKind::Tracked(prep) => prep.finish(x, y),
        OpsKind::UnTracked(prep) => prep.finish(y),
    };
    Tensor::from_primitive::<Ad>(out)
}

fn input(seed: u64) -> ArrayD<f64> {
    ArrayD::from_shape_fn(IxDyn(&[3, 4]), |i| {
        let k = (i[0] * 4 + i[1]) as f64;
        ((k * 0.73 + seed as f64 * 0.31).sin() * 1.7) + 0.05
    })
}

fn run(plant: Plant, seed: u64, mode: Mode) -> backprop_burn::GradientReport {
    let mut options = CheckOptions::default();
    options.gradcheck.seed = seed;
    options.gradcheck.mode = mode;
    options.name = format!("cube {plant:?}");
    check_arrays(
        move |t: &Inputs| Ok(cube(t.tensor::<2>(0)?, plant)),
        &[input(seed)],
        &options,
    )
    .expect("the check runs")
}

/// Panics inside burn print through the panic hook; keep the test output
/// readable by running the panicking cases one at a time.
static QUIET: Mutex<()> = Mutex::new(());

#[test]
fn the_correct_rule_passes_over_many_seeds_in_f64_and_f32() {
    for seed in 0..25 {
        for mode in [Mode::Exhaustive, Mode::Fast] {
            let r = run(Plant::Correct, seed, mode);
            assert_eq!(r.status, Status::Pass, "{r}");
            let x32: Vec<ArrayD<f32>> = vec![input(seed).mapv(|v| v as f32)];
            let mut options = CheckOptions::default();
            options.gradcheck.seed = seed;
            options.gradcheck.mode = mode;
            let r = check_arrays(
                |t: &Inputs| Ok(cube(t.tensor::<2>(0)?, Plant::Correct)),
                &x32,
                &options,
            )
            .expect("runs");
            assert_eq!(r.status, Status::Pass, "{r}");
        }
    }
}

#[test]
fn a_dropped_element_is_located() {
    for mode in [Mode::Exhaustive, Mode::Fast] {
        let r = run(Plant::DropsElement, 1, mode);
        assert_eq!(r.status, Status::WrongValue, "{r}");
        let g = r.gradcheck.as_ref().expect("compared");
        let (input, worst) = g.worst().expect("a worst element");
        assert_eq!(input, 0);
        assert_eq!(worst.index, vec![1, 2], "{r}");
        assert_eq!(worst.analytic, 0.0, "{r}");
        assert!(r.message.contains("[1, 2]"), "{}", r.message);
    }
}

#[test]
fn a_wrong_factor_is_a_wrong_value() {
    let r = run(Plant::WrongFactor, 2, Mode::Auto);
    assert_eq!(r.status, Status::WrongValue, "{r}");
    // 2x² against 3x²: the relative error is 1/5 everywhere.
    let worst = r.gradcheck.as_ref().unwrap().max_rel_error();
    assert!((worst - 0.2).abs() < 1e-6, "{worst}");
}

#[test]
fn a_zero_gradient_is_silent_zero() {
    let r = run(Plant::Zero, 3, Mode::Auto);
    assert_eq!(r.status, Status::SilentZero, "{r}");
}

#[test]
fn no_gradient_is_missing() {
    let r = run(Plant::Nothing, 4, Mode::Auto);
    assert_eq!(r.status, Status::MissingGradient, "{r}");
    assert_eq!(r.inputs[0].gradient_shape, None);
}

#[test]
fn a_panicking_backward_is_caught() {
    let _quiet = QUIET.lock();
    let r = run(Plant::Panics, 5, Mode::Auto);
    assert_eq!(r.status, Status::Panic, "{r}");
    assert!(
        r.message.contains(&Phase::Backward.to_string()),
        "{}",
        r.message
    );
    assert!(r.message.contains("planted"), "{}", r.message);
}

#[test]
fn two_inputs_blame_the_right_one() {
    // y = cube(a) + b·c with the planted drop in cube: a is wrong, b and c
    // are right.
    let a = input(6);
    let b = input(7);
    let c = input(8);
    let r = check_arrays(
        |t: &Inputs| {
            Ok(cube(t.tensor::<2>(0)?, Plant::DropsElement)
                + t.tensor::<2>(1)? * t.tensor::<2>(2)?)
        },
        &[a, b, c],
        &CheckOptions::default(),
    )
    .expect("runs");
    assert_eq!(r.inputs[0].status, Status::WrongValue, "{r}");
    assert_eq!(r.inputs[1].status, Status::Pass, "{r}");
    assert_eq!(r.inputs[2].status, Status::Pass, "{r}");
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let x = TensorData::new(vec![1.0f64, 2.0], [2]);
    // asks for rank 2, input is rank 1
    let e = check(
        |t: &Inputs| Ok(t.tensor::<2>(0)?.exp()),
        std::slice::from_ref(&x),
        &CheckOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            CheckError::RankMismatch {
                index: 0,
                rank: 2,
                ..
            }
        ),
        "{e}"
    );
    let e = check(
        |t: &Inputs| Ok(t.tensor::<1>(3)?.exp()),
        std::slice::from_ref(&x),
        &CheckOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(e, CheckError::NoSuchInput { index: 3, count: 1 }),
        "{e}"
    );
    let e = check(
        |t: &Inputs| Ok(t.tensor::<1>(0)?.exp()),
        &[],
        &CheckOptions::default(),
    )
    .unwrap_err();
    assert_eq!(e, CheckError::NoInputs);
    let mixed = [x, TensorData::new(vec![1.0f32], [1])];
    let e = check(
        |t: &Inputs| Ok(t.tensor::<1>(0)?.exp()),
        &mixed,
        &CheckOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(e, CheckError::MixedDtypes { index: 1, .. }), "{e}");
    let ints = [TensorData::new(vec![1i64, 2], [2])];
    let e = check(
        |t: &Inputs| Ok(t.tensor::<1>(0)?.exp()),
        &ints,
        &CheckOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(e, CheckError::UnsupportedDtype { index: 0, .. }),
        "{e}"
    );
}
