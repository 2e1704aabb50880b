//! Every known finding still reproduces through its own reproducer program,
//! its expected values agree with the audit's naive loops (a route that does
//! not use candle), and each finding file is well formed: its front matter
//! parses, its Markdown carries the reproducer verbatim, its patterns name
//! audit checks.

#[allow(dead_code)]
#[path = "../findings/CANDLE-0001.rs"]
mod c0001;
#[allow(dead_code)]
#[path = "../findings/CANDLE-0002.rs"]
mod c0002;
#[allow(dead_code)]
#[path = "../findings/CANDLE-0003.rs"]
mod c0003;
#[allow(dead_code)]
#[path = "../findings/CANDLE-0004.rs"]
mod c0004;
#[allow(dead_code)]
#[path = "../findings/CANDLE-0005.rs"]
mod c0005;
#[allow(dead_code)]
#[path = "../findings/CANDLE-0006.rs"]
mod c0006;
#[allow(dead_code)]
#[path = "../findings/CANDLE-0007.rs"]
mod c0007;
#[allow(dead_code)]
#[path = "../findings/CANDLE-0008.rs"]
mod c0008;
#[allow(dead_code)]
#[path = "../findings/CANDLE-0009.rs"]
mod c0009;
#[allow(dead_code)]
#[path = "../findings/CANDLE-0010.rs"]
mod c0010;
#[allow(dead_code)]
#[path = "../findings/CANDLE-0011.rs"]
mod c0011;
#[allow(dead_code)]
#[path = "../findings/CANDLE-0012.rs"]
mod c0012;
#[allow(dead_code)]
#[path = "../findings/CANDLE-0013.rs"]
mod c0013;
#[allow(dead_code)]
#[path = "../findings/CANDLE-0014.rs"]
mod c0014;

use backprop_audit::naive::{conv, elementwise, index, norm, pool, resample};
use backprop_candle::audit::{FINDING_FILES, catalog, known_findings};
use backprop_gradcheck::Dtype;
use ndarray::{ArrayD, IxDyn};

type Reproduce = fn() -> candle_core::Result<Vec<f64>>;

fn array(shape: &[usize], values: &[f64]) -> ArrayD<f64> {
    ArrayD::from_shape_vec(IxDyn(shape), values.to_vec()).unwrap()
}

fn ones(shape: &[usize]) -> ArrayD<f64> {
    ArrayD::from_elem(IxDyn(shape), 1.0)
}

fn flat(a: &ArrayD<f64>) -> Vec<f64> {
    a.iter().copied().collect()
}

fn arange(shape: &[usize]) -> ArrayD<f64> {
    let n: usize = shape.iter().product();
    array(shape, &(0..n).map(|i| i as f64).collect::<Vec<_>>())
}

/// candle returns a value, and it is not the expected one.
fn wrong_value(id: &str, reproduce: Reproduce, expected: &[f64]) {
    let got = reproduce().unwrap_or_else(|e| panic!("{id}: candle failed instead: {e}"));
    assert_eq!(got.len(), expected.len(), "{id}");
    assert_ne!(
        got, expected,
        "{id} no longer reproduces: candle now gives the expected {got:?}"
    );
}

/// candle's backward pass (or lookup) fails with a message containing `what`.
fn fails(id: &str, reproduce: Reproduce, what: &str) {
    match reproduce() {
        Ok(got) => panic!("{id} no longer reproduces: candle now returns {got:?}"),
        Err(e) => assert!(e.to_string().contains(what), "{id}: {e}"),
    }
}

#[test]
fn every_finding_reproduces_and_its_expected_values_follow_from_the_definition() {
    // CANDLE-0001: max_pool2d's gradient is divided by the window size.
    wrong_value("CANDLE-0001", c0001::reproduce, &c0001::expected());
    assert_eq!(c0001::reproduce().unwrap(), vec![0., 0., 0., 0.25]);
    let p = pool::PoolParams {
        kernel: (2, 2),
        stride: (2, 2),
    };
    let x = array(&[1, 1, 2, 2], &[1., 2., 3., 4.]);
    assert_eq!(
        flat(&pool::max_pool2d_vjp(&x, &ones(&[1, 1, 1, 1]), &p)),
        c0001::expected()
    );

    // CANDLE-0002: avg_pool2d on 3×3 spreads the gradient over all nine.
    wrong_value("CANDLE-0002", c0002::reproduce, &c0002::expected());
    let x = arange(&[1, 1, 3, 3]);
    assert_eq!(
        flat(&pool::avg_pool2d_vjp(&x, &ones(&[1, 1, 1, 1]), &p)),
        c0002::expected()
    );
    assert_eq!(flat(&pool::avg_pool2d(&x, &p)), vec![2.0]);

    // CANDLE-0003: no backward for stride ≠ kernel.
    fails("CANDLE-0003", c0003::reproduce, "not supported");
    let overlapping = pool::PoolParams {
        kernel: (2, 2),
        stride: (1, 1),
    };
    assert_eq!(
        flat(&pool::avg_pool2d_vjp(
            &x,
            &ones(&[1, 1, 2, 2]),
            &overlapping
        )),
        c0003::expected()
    );

    // CANDLE-0004: conv1d's kernel gradient for a batch of two, and the
    // forward pass with a transposed kernel.
    wrong_value("CANDLE-0004", c0004::reproduce, &c0004::expected());
    let x = array(&[2, 1, 3], &[1., 2., 3., 4., 5., 6.]);
    let w = array(&[2, 1, 2], &[1., 0., 0., 1.]);
    let c = array(&[2, 2, 2], &[1., 2., 3., 4., 5., 6., 7., 8.]);
    let params = conv::ConvParams::new(0, 1, 1, 1);
    let (_, dw) = conv::conv1d_vjp(&x, &w, &c, &params);
    assert_eq!(flat(&dw), c0004::expected());
    let (strided, copied) = c0004::forward_with_strided_kernel().unwrap();
    assert_ne!(
        strided, copied,
        "CANDLE-0004's forward root cause no longer reproduces"
    );
    let x = array(&[1, 2, 3], &[1., 2., 3., 4., 5., 6.]);
    let wt = array(&[2, 2, 2], &[1., 2., 5., 6., 3., 4., 7., 8.]); // the transposed kernel, copied
    assert_eq!(flat(&conv::conv1d(&x, &wt, &params)), copied);

    // CANDLE-0005: matmul with a broadcast right operand and a transposed
    // left one.
    wrong_value("CANDLE-0005", c0005::reproduce, &c0005::expected());
    assert_eq!(c0005::with_contiguous_lhs().unwrap(), c0005::expected());
    let a = [[[1., 2.], [3., 4.]], [[5., 6.], [7., 8.]]];
    let b = [1., 10.];
    let product: Vec<f64> = a
        .iter()
        .flat_map(|m| m.iter().map(|row| row[0] * b[0] + row[1] * b[1]))
        .collect();
    assert_eq!(product, c0005::expected());

    // CANDLE-0006: conv2d's input gradient with the wrong width.
    fails("CANDLE-0006", c0006::reproduce, "shape mismatch in add");
    let strided = conv::ConvParams {
        stride: 2,
        ..params
    };
    let (dx, _) = conv::conv2d_vjp(
        &arange(&[1, 1, 3, 4]),
        &ones(&[1, 1, 1, 1]),
        &ones(&[1, 1, 2, 2]),
        &strided,
    );
    assert_eq!(flat(&dx), c0006::expected());

    // CANDLE-0007: no backward for conv_transpose1d.
    fails("CANDLE-0007", c0007::reproduce, "not supported");
    let (dx, _) = conv::conv_transpose1d_vjp(
        &array(&[1, 1, 2], &[1., 2.]),
        &array(&[1, 1, 2], &[1., 2.]),
        &ones(&[1, 1, 3]),
        &params,
    );
    assert_eq!(flat(&dx), c0007::expected());

    // CANDLE-0008: the overflow panics in debug builds only.
    let padded = conv::ConvParams::new(1, 1, 1, 1);
    let y = conv::conv_transpose1d(
        &array(&[1, 1, 2], &[1., 2.]),
        &array(&[1, 1, 3], &[1., 2., 3.]),
        &padded,
    );
    assert_eq!(flat(&y), c0008::expected());
    let outcome = std::panic::catch_unwind(c0008::reproduce);
    if cfg!(debug_assertions) {
        let payload = outcome.expect_err("CANDLE-0008 no longer panics in a debug build");
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        assert!(message.contains("overflow"), "{message}");
    } else {
        assert_eq!(
            outcome.unwrap().unwrap(),
            c0008::expected(),
            "release builds wrap around"
        );
    }

    // CANDLE-0009: scatter passes gradient to overwritten elements.
    wrong_value("CANDLE-0009", c0009::reproduce, &c0009::expected());
    let idx = ArrayD::from_shape_vec(IxDyn(&[1, 1]), vec![1usize]).unwrap();
    let (dinit, _) = index::scatter_vjp(&ones(&[1, 3]), &idx, 1);
    assert_eq!(flat(&dinit), c0009::expected());

    // CANDLE-0010: scatter_add zeroes the destination's gradient, and fails
    // for a smaller source.
    wrong_value("CANDLE-0010", c0010::reproduce, &c0010::expected());
    let err = c0010::smaller_source().expect_err("CANDLE-0010's error no longer reproduces");
    assert!(err.to_string().contains("shape mismatch"), "{err}");
    let idx = ArrayD::from_shape_vec(IxDyn(&[1, 2]), vec![0usize, 0]).unwrap();
    let (dinit, _) = index::scatter_add_vjp(&ones(&[1, 2]), &idx, 1);
    assert_eq!(flat(&dinit), c0010::expected());

    // CANDLE-0011: upsampling overwrites the other use's gradient.
    wrong_value("CANDLE-0011", c0011::reproduce, &c0011::expected());
    let x = array(&[1, 1, 2], &[1., 2.]);
    let through_upsampling = resample::nearest_vjp(&x, &ones(&[1, 1, 4]), &[4]);
    assert_eq!(flat(&(through_upsampling + 1.0)), c0011::expected());

    // CANDLE-0012: no backward for a non-integer factor.
    fails("CANDLE-0012", c0012::reproduce, "not supported");
    assert_eq!(
        flat(&resample::nearest_vjp(&x, &ones(&[1, 1, 3]), &[3])),
        c0012::expected()
    );

    // CANDLE-0013: no gradient through the fused softmax.
    fails("CANDLE-0013", c0013::reproduce, "no gradient");
    let g = array(&[1, 2], &[1., 0.]);
    assert_eq!(
        flat(&norm::softmax_vjp(&array(&[1, 2], &[0., 0.]), &g, 1)),
        c0013::expected()
    );

    // CANDLE-0014: gelu's gradient off by about 2e-7 in f64 — well above f64
    // rounding, well below f32's.
    let got = c0014::reproduce().unwrap()[0];
    let expected = c0014::expected()[0];
    assert!((expected - elementwise::gelu_tanh_d(1.0)).abs() < 1e-15);
    let gap = (got - expected).abs();
    assert!(
        gap > 1e-8,
        "CANDLE-0014 no longer reproduces: candle gives {got}"
    );
    assert!(gap < 1e-6, "CANDLE-0014: {gap}");
}

#[test]
fn every_finding_file_is_well_formed_and_listed() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/findings");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .collect();
    on_disk.sort();
    let listed: Vec<String> = FINDING_FILES.iter().map(|(f, _)| f.to_string()).collect();
    assert_eq!(
        listed, on_disk,
        "FINDING_FILES lists every finding file, in order"
    );

    let runner = include_str!("../examples/reproduce.rs");
    let findings = known_findings().unwrap();
    let names: Vec<String> = catalog()
        .iter()
        .flat_map(|c| Dtype::ALL.map(|d| c.name(d)))
        .collect();
    for f in &findings {
        let id = &f.advisory.id;
        let program = std::fs::read_to_string(format!("{dir}/{id}.rs")).unwrap();
        assert!(
            f.body.contains(&format!("```rust\n{program}```")),
            "{id}: the Markdown carries the reproducer verbatim"
        );
        let module = id.to_lowercase().replace('-', "_");
        assert!(
            runner.contains(&format!("#[path = \"../findings/{id}.rs\"]\nmod {module};"))
                && runner.contains(&format!("(\"{id}\", || {module}::main().report())")),
            "{id}: the reproducer runs through `--example reproduce`"
        );
        assert!(
            program.contains("=0.11.1") && f.versions.affected == ["=0.11.1"],
            "{id}"
        );
        for pattern in &f.advisory.cases {
            assert!(
                names
                    .iter()
                    .any(|n| backprop_candle::audit::glob(pattern, n)),
                "{id}: the pattern {pattern:?} matches no audit check"
            );
        }
        for section in [
            "## Reproducer",
            "## Expected versus candle",
            "## Where in candle",
            "## How it was confirmed",
        ] {
            assert!(f.body.contains(section), "{id}: no {section:?}");
        }
    }
    // The version the findings name is the version the adapter pins (its
    // manifest is its own workspace's).
    let workspace = include_str!("../Cargo.toml");
    for package in ["candle-core", "candle-nn"] {
        let pin = format!(
            "{package} = {{ version = \"={}\"",
            backprop_candle::CANDLE_VERSION
        );
        assert!(
            workspace.contains(&pin),
            "the adapter's manifest pins {pin}"
        );
    }
    let ids: Vec<&str> = findings.iter().map(|f| f.advisory.id.as_str()).collect();
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(ids, unique, "ids are unique");
}
