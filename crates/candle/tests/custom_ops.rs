//! candle custom ops with planted wrong backward rules must fail with the
//! right status and the blame on the right element; correct ones pass, in
//! f64 and f32, over many seeds.

use backprop_candle::{CheckError, CheckOptions, InputLayout, Status, check};
use backprop_gradcheck::Mode;
use candle_core::{CpuStorage, CustomOp1, CustomOp2, DType, Device, Layout, Shape, Tensor};

/// The contiguous values of a CPU storage as `f64`, with the dtype.
fn read(storage: &CpuStorage, layout: &Layout) -> candle_core::Result<(Vec<f64>, DType)> {
    let (start, end) = layout
        .contiguous_offsets()
        .ok_or_else(|| candle_core::Error::Msg("test ops take contiguous inputs".into()))?;
    Ok(match storage {
        CpuStorage::F64(v) => (v[start..end].to_vec(), DType::F64),
        CpuStorage::F32(v) => (
            v[start..end].iter().map(|&x| f64::from(x)).collect(),
            DType::F32,
        ),
        _ => candle_core::bail!("test ops take f32 or f64"),
    })
}

fn write(values: Vec<f64>, dtype: DType) -> CpuStorage {
    match dtype {
        DType::F32 => CpuStorage::F32(values.into_iter().map(|v| v as f32).collect()),
        _ => CpuStorage::F64(values),
    }
}

/// How the `Cube` op's backward rule is (or is not) written.
#[derive(Clone, Copy, Debug, PartialEq)]
enum CubeRule {
    /// `3x²·g`.
    Correct,
    /// `2x²·g`: a wrong constant, every element wrong.
    WrongFactor,
    /// Correct except element `k` (flat), which gets `0.5` more.
    OneElementOff(usize),
    /// Returns zeros.
    Zeros,
    /// Returns `None` (no gradient).
    NoGradient,
    /// Not implemented (candle's default: "backward not supported").
    Unsupported,
    /// Returns the gradient transposed (wrong shape).
    Transposed,
    /// Panics.
    Panics,
}

/// `y = x³`, elementwise, with a configurable backward rule.
struct Cube {
    rule: CubeRule,
    /// Refuse f64 (to exercise the f32 oracle).
    f32_only: bool,
}

impl CustomOp1 for Cube {
    fn name(&self) -> &'static str {
        "cube"
    }

    fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> candle_core::Result<(CpuStorage, Shape)> {
        let (x, dtype) = read(s, l)?;
        if self.f32_only && dtype == DType::F64 {
            candle_core::bail!("cube: unsupported dtype F64")
        }
        let y = x.iter().map(|v| v * v * v).collect();
        Ok((write(y, dtype), l.shape().clone()))
    }

    fn bwd(&self, x: &Tensor, _y: &Tensor, g: &Tensor) -> candle_core::Result<Option<Tensor>> {
        let correct = || (x.sqr()? * 3.0)?.mul(g);
        match self.rule {
            CubeRule::Correct => Ok(Some(correct()?)),
            CubeRule::WrongFactor => Ok(Some((x.sqr()? * 2.0)?.mul(g)?)),
            CubeRule::OneElementOff(k) => {
                let n = x.elem_count();
                let bump: Vec<f64> = (0..n).map(|i| if i == k { 0.5 } else { 0.0 }).collect();
                let bump = Tensor::from_vec(bump, x.shape(), x.device())?.to_dtype(x.dtype())?;
                Ok(Some((correct()? + bump.mul(g)?)?))
            }
            CubeRule::Zeros => Ok(Some(x.zeros_like()?)),
            CubeRule::NoGradient => Ok(None),
            CubeRule::Unsupported => Err(candle_core::Error::BackwardNotSupported { op: "cube" }),
            CubeRule::Transposed => Ok(Some(correct()?.t()?)),
            CubeRule::Panics => panic!("cube backward: planted panic"),
        }
    }
}

/// `y = a ⊙ b`, with the rule for `b` optionally wrong (`g ⊙ b` instead of
/// `g ⊙ a`).
struct Mul {
    wrong_rhs: bool,
}

impl CustomOp2 for Mul {
    fn name(&self) -> &'static str {
        "mul"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let (a, dtype) = read(s1, l1)?;
        let (b, _) = read(s2, l2)?;
        let y = a.iter().zip(&b).map(|(a, b)| a * b).collect();
        Ok((write(y, dtype), l1.shape().clone()))
    }

    fn bwd(
        &self,
        a: &Tensor,
        b: &Tensor,
        _y: &Tensor,
        g: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>)> {
        let db = if self.wrong_rhs { g.mul(b)? } else { g.mul(a)? };
        Ok((Some(g.mul(b)?), Some(db)))
    }
}

fn cube(rule: CubeRule) -> impl Fn(&[Tensor]) -> candle_core::Result<Tensor> {
    move |t: &[Tensor]| {
        t[0].apply_op1(Cube {
            rule,
            f32_only: false,
        })
    }
}

/// A [2, 3] tensor of distinct values away from zero.
fn x23(dtype: DType) -> Tensor {
    Tensor::new(&[[0.7f64, -1.3, 0.4], [1.9, -0.6, 1.1]], &Device::Cpu)
        .unwrap()
        .to_dtype(dtype)
        .unwrap()
}

/// Standard normal-ish values from a small LCG, reproducible per seed.
fn values(seed: u64, n: usize) -> Vec<f64> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 11) as f64 / (1u64 << 53) as f64) * 4.0 - 2.0
        })
        .collect()
}

fn options(seed: u64, mode: Mode) -> CheckOptions {
    let mut o = CheckOptions::default();
    o.gradcheck.seed = seed;
    o.gradcheck.mode = mode;
    o
}

#[test]
fn a_wrong_constant_is_a_wrong_value_in_both_dtypes() {
    for dtype in [DType::F64, DType::F32] {
        for mode in [Mode::Exhaustive, Mode::Fast] {
            let r = check(
                cube(CubeRule::WrongFactor),
                &[x23(dtype)],
                &options(1, mode),
            )
            .unwrap();
            assert_eq!(r.status, Status::WrongValue, "{r}");
            assert!(r.message.contains("wrong gradient"), "{}", r.message);
            // the blamed element: candle's 2x² against the true 3x²
            let g = r.gradcheck.as_ref().unwrap();
            let (_, worst) = g.worst().unwrap();
            let x = worst.input_value.unwrap();
            if worst.output_index.is_some() {
                let ratio = worst.analytic / worst.numeric;
                assert!((ratio - 2.0 / 3.0).abs() < 1e-3, "{r}");
                assert!(
                    (worst.numeric - 3.0 * x * x).abs() < 1e-3 * (1.0 + x * x),
                    "{r}"
                );
            }
        }
    }
}

#[test]
fn one_wrong_element_is_located() {
    for (k, index) in [(0, vec![0, 0]), (4, vec![1, 1]), (5, vec![1, 2])] {
        for dtype in [DType::F64, DType::F32] {
            for mode in [Mode::Exhaustive, Mode::Fast] {
                let r = check(
                    cube(CubeRule::OneElementOff(k)),
                    &[x23(dtype)],
                    &options(7, mode),
                )
                .unwrap();
                assert_eq!(r.status, Status::WrongValue, "{r}");
                let g = r.gradcheck.as_ref().unwrap();
                let (input, worst) = g.worst().unwrap();
                assert_eq!(input, 0);
                assert_eq!(worst.index, index, "{mode:?} {dtype:?}: {r}");
                assert!(r.message.contains(&format!("{index:?}")), "{}", r.message);
            }
        }
    }
}

#[test]
fn zeros_are_a_silent_zero_and_none_is_a_missing_gradient() {
    for dtype in [DType::F64, DType::F32] {
        let r = check(
            cube(CubeRule::Zeros),
            &[x23(dtype)],
            &options(2, Mode::Auto),
        )
        .unwrap();
        assert_eq!(r.status, Status::SilentZero, "{r}");
        assert!(r.message.contains("exactly zero"), "{}", r.message);
        let r = check(
            cube(CubeRule::NoGradient),
            &[x23(dtype)],
            &options(2, Mode::Auto),
        )
        .unwrap();
        assert_eq!(r.status, Status::MissingGradient, "{r}");
        assert!(r.message.contains("no gradient"), "{}", r.message);
        assert_eq!(r.inputs[0].gradient_shape, None);
    }
}

#[test]
fn no_gradient_is_fine_where_the_true_gradient_is_zero() {
    // floor has zero derivative almost everywhere; candle records no
    // gradient for it.
    let x = Tensor::new(&[0.3f64, 1.6, -2.2], &Device::Cpu).unwrap();
    let r = check(|t| t[0].floor(), &[x], &CheckOptions::default()).unwrap();
    assert_eq!(r.status, Status::Pass, "{r}");
    assert!(r.notes.iter().any(|n| n.contains("no gradient")), "{r}");
}

#[test]
fn backward_errors_wrong_shapes_and_panics_have_their_own_status() {
    let r = check(
        cube(CubeRule::Unsupported),
        &[x23(DType::F64)],
        &CheckOptions::default(),
    )
    .unwrap();
    assert_eq!(r.status, Status::BackwardError, "{r}");
    assert!(r.message.contains("not supported"), "{}", r.message);
    assert!(r.gradcheck.is_none());

    let r = check(
        cube(CubeRule::Transposed),
        &[x23(DType::F64)],
        &CheckOptions::default(),
    )
    .unwrap();
    assert_eq!(r.status, Status::WrongShape, "{r}");
    assert!(
        r.message.contains("[3, 2]") && r.message.contains("[2, 3]"),
        "{}",
        r.message
    );

    let r = check(
        cube(CubeRule::Panics),
        &[x23(DType::F32)],
        &CheckOptions::default(),
    )
    .unwrap();
    assert_eq!(r.status, Status::Panic, "{r}");
    assert!(r.message.contains("planted panic"), "{}", r.message);
    assert!(r.message.contains("backward"), "{}", r.message);
}

#[test]
fn a_panic_in_the_forward_pass_is_caught_too() {
    let r = check(
        |_: &[Tensor]| -> candle_core::Result<Tensor> { panic!("forward boom") },
        &[x23(DType::F64)],
        &CheckOptions::default(),
    )
    .unwrap();
    assert_eq!(r.status, Status::Panic);
    assert!(r.message.contains("forward boom") && r.message.contains("forward"));
}

#[test]
fn a_wrong_rule_for_one_input_fails_only_that_input() {
    let a = x23(DType::F64);
    let b = (x23(DType::F64) * 0.5).unwrap().exp().unwrap();
    for wrong in [false, true] {
        let f = move |t: &[Tensor]| t[0].apply_op2(&t[1], Mul { wrong_rhs: wrong });
        for dtype in [DType::F64, DType::F32] {
            let inputs = [a.to_dtype(dtype).unwrap(), b.to_dtype(dtype).unwrap()];
            let r = check(f, &inputs, &CheckOptions::default()).unwrap();
            assert_eq!(r.inputs[0].status, Status::Pass, "{r}");
            let expected = if wrong {
                Status::WrongValue
            } else {
                Status::Pass
            };
            assert_eq!(r.inputs[1].status, expected, "{r}");
            assert_eq!(r.status, expected);
        }
    }
}

#[test]
fn correct_ops_pass_over_many_seeds_in_both_dtypes() {
    let mut checked = 0;
    for seed in 0..40_u64 {
        let (rows, cols) = (1 + (seed % 3) as usize, 1 + (seed % 4) as usize);
        let n = rows * cols;
        let a = Tensor::from_vec(values(seed, n), (rows, cols), &Device::Cpu).unwrap();
        let b = Tensor::from_vec(values(seed + 1000, n), (rows, cols), &Device::Cpu).unwrap();
        let w = Tensor::from_vec(values(seed + 2000, cols * 2), (cols, 2), &Device::Cpu).unwrap();
        for dtype in [DType::F64, DType::F32] {
            let mode = if seed % 2 == 0 {
                Mode::Exhaustive
            } else {
                Mode::Fast
            };
            let o = options(seed, mode);
            let cast = |t: &Tensor| t.to_dtype(dtype).unwrap();
            let reports = [
                check(cube(CubeRule::Correct), &[cast(&a)], &o).unwrap(),
                check(
                    |t: &[Tensor]| t[0].apply_op2(&t[1], Mul { wrong_rhs: false }),
                    &[cast(&a), cast(&b)],
                    &o,
                )
                .unwrap(),
                check(
                    |t: &[Tensor]| t[0].matmul(&t[1])?.tanh()?.sum_keepdim(1),
                    &[cast(&a), cast(&w)],
                    &o,
                )
                .unwrap(),
            ];
            for r in reports {
                assert_eq!(r.status, Status::Pass, "seed {seed}: {r}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 40 * 2 * 3);
}

#[test]
fn every_layout_passes_for_a_correct_function() {
    let a = Tensor::from_vec(values(3, 12), (3, 4), &Device::Cpu).unwrap();
    let w = Tensor::from_vec(values(4, 8), (4, 2), &Device::Cpu).unwrap();
    for layout in InputLayout::ALL {
        for dtype in [DType::F64, DType::F32] {
            let o = CheckOptions {
                layout,
                ..CheckOptions::default()
            };
            let inputs = [a.to_dtype(dtype).unwrap(), w.to_dtype(dtype).unwrap()];
            let r = check(|t| t[0].matmul(&t[1])?.sin(), &inputs, &o).unwrap();
            assert_eq!(r.status, Status::Pass, "{layout:?}: {r}");
            assert_eq!(r.layout.as_deref(), Some(layout.name()));
        }
    }
}

#[test]
fn an_op_without_f64_is_checked_against_an_f32_oracle_and_says_so() {
    let f = |t: &[Tensor]| {
        t[0].apply_op1(Cube {
            rule: CubeRule::Correct,
            f32_only: true,
        })
    };
    let r = check(f, &[x23(DType::F32)], &CheckOptions::default()).unwrap();
    assert_eq!(r.status, Status::Pass, "{r}");
    assert_eq!(r.oracle, backprop_gradcheck::Dtype::F32);
    assert!(r.notes.iter().any(|n| n.contains("f32")), "{r}");
    // and a planted bug is still caught with the f32 oracle
    let f = |t: &[Tensor]| {
        t[0].apply_op1(Cube {
            rule: CubeRule::WrongFactor,
            f32_only: true,
        })
    };
    let r = check(f, &[x23(DType::F32)], &CheckOptions::default()).unwrap();
    assert_eq!(r.status, Status::WrongValue, "{r}");
}

#[test]
fn bad_calls_are_errors_not_panics() {
    let o = CheckOptions::default();
    let f = |t: &[Tensor]| t[0].exp();
    assert!(matches!(check(f, &[], &o), Err(CheckError::NoInputs)));
    let ints = Tensor::new(&[1u32, 2], &Device::Cpu).unwrap();
    assert!(matches!(
        check(f, &[ints], &o),
        Err(CheckError::UnsupportedDtype { index: 0, .. })
    ));
    let mixed = [x23(DType::F64), x23(DType::F32)];
    assert!(matches!(
        check(|t| t[0].exp(), &mixed, &o),
        Err(CheckError::MixedDtypes { index: 1, .. })
    ));
    let transposed = CheckOptions {
        layout: InputLayout::Transposed,
        ..CheckOptions::default()
    };
    let v = Tensor::new(&[1f64, 2.0], &Device::Cpu).unwrap();
    assert!(matches!(
        check(f, &[v], &transposed),
        Err(CheckError::LayoutNeedsRank { index: 0, rank: 1 })
    ));
    let err = check(|t| t[0].matmul(&t[0]), &[x23(DType::F64)], &o).unwrap_err();
    assert!(matches!(err, CheckError::Forward { .. }), "{err}");
    assert!(err.to_string().contains("matmul"), "{err}");
}

#[test]
fn kinks_pass_as_kinks_and_non_finite_values_are_reported() {
    // relu at exactly 0: left and right slopes differ, no derivative to
    // compare; candle's choice there (1) is not called wrong.
    let x = Tensor::new(&[0.0f64, 0.8, -0.6], &Device::Cpu).unwrap();
    let r = check(|t| t[0].relu(), &[x], &CheckOptions::default()).unwrap();
    assert_eq!(r.status, Status::Kink, "{r}");
    assert!(r.passed());
    assert!(
        r.message.contains("kink") || r.inputs[0].message.contains("kink"),
        "{r}"
    );
    // log at 0: the forward value is -inf, the differences are not finite.
    let x = Tensor::new(&[0.0f64, 1.5], &Device::Cpu).unwrap();
    let r = check(|t| t[0].log(), &[x], &CheckOptions::default()).unwrap();
    assert_eq!(r.status, Status::NonFinite, "{r}");
    assert!(!r.passed());
    assert!(r.inputs[0].message.contains("non-finite"), "{r}");
}
