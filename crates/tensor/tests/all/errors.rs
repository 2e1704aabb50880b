//! Every kind of shape mismatch is a `TensorError` naming the operation and
//! the shapes — never a panic, never a silently wrong result — and a failed
//! operation records nothing.

use backprop_gates::{Binary, Unary};
use backprop_tensor::{
    Axes, Operand, TensorError, TensorGraph, TensorOp, binary, binary_vjp, matmul, matmul_vjp,
    mean, op_catalog, reshape, sum, sum_to, sum_vjp, transpose, unary_vjp,
};
use ndarray::{ArrayD, IxDyn};

fn zeros(shape: &[usize]) -> ArrayD<f64> {
    ArrayD::zeros(IxDyn(shape))
}

/// Asserts that the message names every fragment (the op, the shapes).
fn assert_names(err: &TensorError, fragments: &[&str]) {
    let message = err.to_string();
    for f in fragments {
        assert!(message.contains(f), "{message:?} does not mention {f:?}");
    }
}

#[test]
fn matmul_inner_dimension_mismatches() {
    for (a, b, inner) in [
        (&[2, 3][..], &[4, 5][..], (3, 4)),  // matrix · matrix
        (&[3], &[4], (3, 4)),                // vector · vector
        (&[3], &[4, 5], (3, 4)),             // vector · matrix
        (&[2, 3], &[4], (3, 4)),             // matrix · vector
        (&[2, 2, 3], &[2, 5, 6], (3, 5)),    // batched
        (&[7, 1, 2, 3], &[4, 2, 6], (3, 2)), // broadcast batch
    ] {
        let err = matmul(&zeros(a).view(), &zeros(b).view()).unwrap_err();
        assert_eq!(
            err,
            TensorError::InnerDimension {
                op: "matmul",
                left: a.to_vec(),
                right: b.to_vec(),
                left_inner: inner.0,
                right_inner: inner.1,
            }
        );
        assert_names(&err, &["matmul", &format!("{a:?}"), &format!("{b:?}")]);
        let dc = zeros(&[1]);
        assert_eq!(
            matmul_vjp(&zeros(a).view(), &zeros(b).view(), &dc.view()).unwrap_err(),
            err
        );
    }
}

#[test]
fn matmul_batch_axes_that_do_not_broadcast() {
    let err = matmul(&zeros(&[2, 3, 4]).view(), &zeros(&[3, 4, 5]).view()).unwrap_err();
    assert_eq!(
        err,
        TensorError::BatchBroadcast {
            op: "matmul",
            left: vec![2, 3, 4],
            right: vec![3, 4, 5]
        }
    );
    // The message names the batch axes that clash, not only the shapes.
    assert_eq!(
        err.to_string(),
        "matmul: batch axes [2] of the left operand [2, 3, 4] and [3] of the right operand \
         [3, 4, 5] do not broadcast: batch axis -1 has size 2 on the left, 3 on the right"
    );
    let err = matmul(&zeros(&[7, 5, 2, 3]).view(), &zeros(&[2, 3, 4]).view()).unwrap_err();
    assert_names(
        &err,
        &[
            "batch axes [7, 5]",
            "[2] of the right",
            "batch axis -1 has size 5",
        ],
    );
}

#[test]
fn matmul_messages_say_which_operand_and_axis() {
    let err = matmul(&zeros(&[2, 3]).view(), &zeros(&[4, 5]).view()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "matmul: inner dimensions differ: [2, 3] @ [4, 5]: the left operand's last axis has \
         size 3, the right operand's second-to-last axis has size 4"
    );
    let err = matmul(&zeros(&[2, 3]).view(), &zeros(&[4]).view()).unwrap_err();
    assert_names(&err, &["the right operand's only axis has size 4"]);
    let err = matmul(&zeros(&[3]).view(), &zeros(&[]).view()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "matmul: the right operand has shape [] with 0 axes, needs at least 1"
    );
}

#[test]
fn matmul_of_a_0d_operand() {
    for (a, b) in [(&[][..], &[3][..]), (&[3], &[])] {
        let err = matmul(&zeros(a).view(), &zeros(b).view()).unwrap_err();
        assert!(
            matches!(
                err,
                TensorError::TooFewAxes {
                    op: "matmul",
                    min: 1,
                    ..
                }
            ),
            "{err}"
        );
    }
}

#[test]
fn matmul_upstream_gradient_of_the_wrong_shape() {
    let err = matmul_vjp(
        &zeros(&[2, 3]).view(),
        &zeros(&[3, 4]).view(),
        &zeros(&[4, 2]).view(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        TensorError::ShapeMismatch {
            op: "matmul",
            expected: vec![2, 4],
            got: vec![4, 2]
        }
    );
}

#[test]
fn elementwise_shapes_that_do_not_broadcast() {
    for gate in [
        Binary::Add,
        Binary::Sub,
        Binary::Mul,
        Binary::Div,
        Binary::Pow,
        Binary::Max,
        Binary::Min,
    ] {
        let err = binary(gate, &zeros(&[2, 3]).view(), &zeros(&[4]).view()).unwrap_err();
        assert_eq!(
            err,
            TensorError::Broadcast {
                op: gate.name(),
                left: vec![2, 3],
                right: vec![4]
            }
        );
        assert_eq!(
            err.to_string(),
            format!(
                "{}: shapes [2, 3] and [4] do not broadcast: axis -1 has size 3 on the left, 4 on the right",
                gate.name()
            )
        );
    }
    let err = binary(
        Binary::Add,
        &zeros(&[5, 1, 3]).view(),
        &zeros(&[2, 7, 3]).view(),
    )
    .unwrap_err();
    assert_names(&err, &["axis -3 has size 5 on the left, 2 on the right"]);
    let (a, b) = (zeros(&[3, 1]), zeros(&[2, 1]));
    let y = zeros(&[3, 1]);
    assert!(matches!(
        binary_vjp(Binary::Mul, &a.view(), &b.view(), &y.view(), &y.view()),
        Err(TensorError::Broadcast { op: "mul", .. })
    ));
}

#[test]
fn elementwise_upstream_gradients_of_the_wrong_shape() {
    let x = zeros(&[2, 3]);
    let bad = zeros(&[3, 2]);
    assert_eq!(
        unary_vjp(Unary::Tanh, &x.view(), &x.view(), &bad.view()).unwrap_err(),
        TensorError::ShapeMismatch {
            op: "tanh",
            expected: vec![2, 3],
            got: vec![3, 2]
        }
    );
    let b = zeros(&[3]);
    assert!(matches!(
        binary_vjp(Binary::Add, &x.view(), &b.view(), &x.view(), &bad.view()),
        Err(TensorError::ShapeMismatch { op: "add", .. })
    ));
}

#[test]
fn reduction_axes_out_of_range_or_repeated() {
    let x = zeros(&[2, 3]);
    for axis in [2, -3] {
        let err = sum(&x.view(), &Axes::List(vec![axis]), false).unwrap_err();
        assert_eq!(
            err,
            TensorError::AxisOutOfRange {
                op: "sum",
                axis,
                shape: vec![2, 3],
                ndim: 2,
            }
        );
        assert_eq!(
            err.to_string(),
            format!("sum: axis {axis} is out of range for shape [2, 3] (valid axes are -2..=1)")
        );
    }
    let err = mean(&x.view(), &Axes::List(vec![1, 0, -1]), true).unwrap_err();
    assert!(
        matches!(
            err,
            TensorError::RepeatedAxis {
                op: "mean",
                axis: 1,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(
        sum_vjp(&[2, 3], &Axes::List(vec![0]), false, &zeros(&[2]).view()).unwrap_err(),
        TensorError::ShapeMismatch {
            op: "sum",
            expected: vec![3],
            got: vec![2]
        }
    );
}

#[test]
fn transpose_needs_two_axes() {
    for shape in [&[][..], &[4]] {
        let x = zeros(shape);
        let err = transpose(x.view()).unwrap_err();
        assert_eq!(
            err,
            TensorError::TooFewAxes {
                op: "transpose",
                operand: Operand::Only,
                shape: shape.to_vec(),
                min: 2
            }
        );
    }
    let err = transpose(zeros(&[4]).view()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "transpose: the operand has shape [4] with 1 axis, needs at least 2"
    );
}

#[test]
fn reshape_must_keep_the_element_count() {
    let err = reshape(&zeros(&[2, 3]).view(), &[4, 2]).unwrap_err();
    assert_eq!(
        err,
        TensorError::ElementCount {
            op: "reshape",
            from: vec![2, 3],
            to: vec![4, 2]
        }
    );
    assert_names(
        &err,
        &["reshape", "[2, 3]", "6 elements", "[4, 2]", "8 elements"],
    );
    let op = TensorOp::Reshape(vec![6]);
    let x = zeros(&[2, 3]);
    let bad = zeros(&[5]);
    assert!(matches!(
        op.vjp(&[x.view()], &zeros(&[6]).view(), &bad.view()),
        Err(TensorError::ShapeMismatch { op: "reshape", .. })
    ));
}

#[test]
fn sum_to_a_shape_that_was_not_broadcast() {
    for (from, to) in [
        (&[2, 3][..], &[3, 2][..]),
        (&[3][..], &[2, 3][..]),
        (&[4, 3][..], &[2, 3][..]),
    ] {
        let err = sum_to(zeros(from), to).unwrap_err();
        assert_eq!(
            err,
            TensorError::SumTo {
                op: "sum_to",
                from: from.to_vec(),
                to: to.to_vec()
            }
        );
    }
}

#[test]
fn wrong_number_of_inputs() {
    let x = zeros(&[2]);
    assert_eq!(
        TensorOp::MatMul.forward(&[x.view()]).unwrap_err(),
        TensorError::Arity {
            op: "matmul",
            expected: 2,
            got: 1
        }
    );
    let case = op_catalog()
        .into_iter()
        .find(|c| c.op() == &TensorOp::Transpose)
        .unwrap();
    assert!(matches!(
        case.forward::<f64>(&[]),
        Err(TensorError::Arity {
            op: "transpose",
            expected: 1,
            got: 0
        })
    ));
    let g = TensorGraph::<f64>::new();
    let t = g.leaf(x);
    assert!(matches!(
        g.apply(TensorOp::Unary(Unary::Exp), &[t, t]),
        Err(TensorError::Arity { .. })
    ));
}

#[test]
fn graph_operations_report_errors_and_record_nothing() {
    let g = TensorGraph::<f64>::new();
    let a = g.leaf(zeros(&[2, 3]));
    let b = g.leaf(zeros(&[4, 5]));
    let before = g.len();
    assert!(matches!(
        a.matmul(b),
        Err(TensorError::InnerDimension { .. })
    ));
    assert!(matches!(
        a + b,
        Err(TensorError::Broadcast { op: "add", .. })
    ));
    assert!(matches!(
        a.max(b),
        Err(TensorError::Broadcast { op: "max", .. })
    ));
    assert!(matches!(
        a.sum_axes(&[5]),
        Err(TensorError::AxisOutOfRange { .. })
    ));
    assert!(matches!(
        a.reshape(&[7]),
        Err(TensorError::ElementCount { .. })
    ));
    assert!(matches!(
        a.sum().t(),
        Err(TensorError::TooFewAxes {
            op: "transpose",
            ..
        })
    ));
    assert_eq!(g.len(), before + 1, "only the successful sum was recorded");
}

#[test]
fn backward_needs_a_scalar_or_a_seed_of_the_output_shape() {
    let g = TensorGraph::<f64>::new();
    let y = g.leaf(zeros(&[2, 3])).exp();
    assert_eq!(
        g.backward(y).unwrap_err(),
        TensorError::NotScalar {
            op: "backward",
            shape: vec![2, 3]
        }
    );
    assert_eq!(
        g.backward_with(y, zeros(&[3, 2])).unwrap_err(),
        TensorError::ShapeMismatch {
            op: "backward",
            expected: vec![2, 3],
            got: vec![3, 2]
        }
    );
    let case = op_catalog()
        .into_iter()
        .find(|c| c.op() == &TensorOp::MatMul)
        .unwrap();
    assert!(matches!(
        case.vjp(&case.inputs, &zeros(&[99])),
        Err(TensorError::ShapeMismatch { op: "backward", .. })
    ));
}

/// Tensors of two graphs do not combine: an error naming the operation and
/// the foreign input, from an operation and from `backward` alike.
#[test]
fn mixing_two_graphs_is_an_error_value() {
    let g = TensorGraph::<f64>::new();
    let h = TensorGraph::<f64>::new();
    let a = g.leaf(ndarray::arr2(&[[1.0, 2.0], [3.0, 4.0]]));
    let b = h.leaf(ndarray::arr2(&[[0.5, -1.0], [2.0, 0.0]]));
    match a.matmul(b) {
        Err(TensorError::ForeignTensor { op, index }) => assert_eq!((op, index), ("matmul", 1)),
        other => panic!("{other:?}"),
    }
    let err = (a + b).unwrap_err();
    assert!(
        err.to_string()
            .contains("input 1 is a tensor of another TensorGraph"),
        "{err}"
    );
    let loss = b.sum();
    assert_eq!(
        g.backward(loss).unwrap_err(),
        TensorError::ForeignTensor {
            op: "backward",
            index: 0
        }
    );
    // Its own graph still works after the refusals.
    let own = a.matmul(a).unwrap().sum();
    assert_eq!(own.item().unwrap(), 7.0 + 10.0 + 15.0 + 22.0);
    assert!(h.backward(loss).is_ok());
}
