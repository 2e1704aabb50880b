//! Permute, reverse_axes, squeeze, expand_dims, broadcast_to, concat and
//! stack on a graph: values by index mapping written out, gradients moved
//! back the same way, and their errors. (Finite-difference checks of every
//! one are in the catalog tests.)

use backprop_tensor::ndarray::{ArrayD, IxDyn, array};
use backprop_tensor::{TensorError, TensorGraph, concat, stack};

/// `0, 1, 2, ...` in the given shape.
fn iota(shape: &[usize]) -> ArrayD<f64> {
    let n = shape.iter().product::<usize>();
    ArrayD::from_shape_vec(IxDyn(shape), (0..n).map(|i| i as f64).collect()).unwrap()
}

#[test]
fn permute_maps_every_index_and_its_gradient_maps_back() -> Result<(), TensorError> {
    let g = TensorGraph::<f64>::new();
    let x0 = iota(&[2, 3, 4]);
    let x = g.leaf(x0.clone());
    let y = x.permute(&[2, -3, 1])?; // = [2, 0, 1]
    assert_eq!(y.shape(), [4, 2, 3]);
    let yv = y.value();
    for (i, &v) in x0.indexed_iter() {
        let (a, b, c) = (i[0], i[1], i[2]);
        assert_eq!(yv[[c, a, b]], v);
    }
    let up = iota(&[4, 2, 3]);
    let grads = g.backward_with(y, up.clone())?;
    let dx = grads.wrt(x);
    for (i, &v) in dx.indexed_iter() {
        assert_eq!(v, up[[i[2], i[0], i[1]]]);
    }
    Ok(())
}

#[test]
fn reverse_axes_is_numpys_dot_t() {
    let g = TensorGraph::<f64>::new();
    let x0 = iota(&[2, 3, 4]);
    let y = g.leaf(x0.clone()).reverse_axes().value();
    assert_eq!(y.shape(), [4, 3, 2]);
    for (i, &v) in x0.indexed_iter() {
        assert_eq!(y[[i[2], i[1], i[0]]], v);
    }
    let m = g.leaf(iota(&[2, 3]));
    assert_eq!(m.reverse_axes().value(), m.t().unwrap().value());
}

#[test]
fn squeeze_expand_dims_and_reshape_keep_the_elements() -> Result<(), TensorError> {
    let g = TensorGraph::<f64>::new();
    let x = g.leaf(iota(&[1, 3, 1]));
    assert_eq!(x.squeeze(&[])?.shape(), [3]);
    assert_eq!(x.squeeze(&[0])?.shape(), [3, 1]);
    assert_eq!(x.squeeze(&[-1])?.shape(), [1, 3]);
    let v = g.leaf(iota(&[3]));
    assert_eq!(v.expand_dims(0)?.shape(), [1, 3]);
    assert_eq!(v.expand_dims(-1)?.shape(), [3, 1]);
    assert_eq!(v.expand_dims(1)?.value(), iota(&[3, 1]));
    let r = g.leaf(iota(&[2, 3, 4])).reshape(&[-1, 4])?;
    assert_eq!(r.value(), iota(&[6, 4]));
    // Their gradients are the upstream gradient in the input's shape.
    let grads = g.backward_with(x.squeeze(&[])?, array![1.0, 2.0, 3.0])?;
    assert_eq!(grads.wrt(x), array![[[1.0], [2.0], [3.0]]].into_dyn());
    Ok(())
}

#[test]
fn broadcast_to_copies_and_sums_back() -> Result<(), TensorError> {
    let g = TensorGraph::<f64>::new();
    let b = g.leaf(array![[1.0], [2.0]]); // (2, 1)
    let wide = b.broadcast_to(&[3, 2, 4])?;
    let expected = ArrayD::from_shape_fn(IxDyn(&[3, 2, 4]), |i| (i[1] + 1) as f64);
    assert_eq!(wide.value(), expected);
    let grads = g.backward(wide.sum())?;
    assert_eq!(grads.wrt(b), array![[12.0], [12.0]].into_dyn());
    let err = b.broadcast_to(&[3, 4]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "broadcast_to: shape [2, 1] cannot be broadcast to [3, 4]: its axis 0 has size 2, the \
         target's axis 0 has size 3 (only size 1 stretches)"
    );
    Ok(())
}

#[test]
fn concat_and_stack_join_and_split_gradients() -> Result<(), TensorError> {
    let g = TensorGraph::<f64>::new();
    let a = g.leaf(array![[1.0, 2.0], [3.0, 4.0]]);
    let b = g.leaf(array![[5.0], [6.0]]);
    let c = g.concat(&[a, b], -1)?;
    assert_eq!(
        c.value(),
        array![[1.0, 2.0, 5.0], [3.0, 4.0, 6.0]].into_dyn()
    );
    let grads = g.backward_with(c, array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])?;
    assert_eq!(grads.wrt(a), array![[1.0, 2.0], [4.0, 5.0]].into_dyn());
    assert_eq!(grads.wrt(b), array![[3.0], [6.0]].into_dyn());

    let u = g.leaf(array![1.0, 2.0]);
    let v = g.leaf(array![3.0, 4.0]);
    let s = g.stack(&[u, v, u], 0)?;
    assert_eq!(
        s.value(),
        array![[1.0, 2.0], [3.0, 4.0], [1.0, 2.0]].into_dyn()
    );
    let grads = g.backward_with(s, array![[1.0, 1.0], [2.0, 2.0], [10.0, 10.0]])?;
    assert_eq!(grads.wrt(u), array![11.0, 11.0].into_dyn()); // fan-out accumulates
    assert_eq!(grads.wrt(v), array![2.0, 2.0].into_dyn());
    Ok(())
}

#[test]
fn join_errors_name_the_input_that_does_not_fit() {
    let (a, b) = (iota(&[2, 3]), iota(&[3, 3]));
    let err = concat(&[a.view(), b.view()], 1).unwrap_err();
    assert_eq!(
        err.to_string(),
        "concat: input 1 has shape [3, 3], input 0 has [2, 3]: they may differ only along axis 1"
    );
    assert!(concat(&[a.view(), b.view()], 0).is_ok());
    let err = stack(&[a.view(), b.view()], 0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "stack: input 1 has shape [3, 3], input 0 has [2, 3]: stacked inputs need equal shapes"
    );
    let g = TensorGraph::<f64>::new();
    assert_eq!(
        g.concat(&[], 0).unwrap_err(),
        TensorError::NoInputs { op: "concat" }
    );
    let err = stack(&[a.view()], 3).unwrap_err();
    assert_eq!(
        err.to_string(),
        "stack: axis 3 is out of range for shape [2, 3] (valid axes are -3..=2)"
    );
}

#[test]
fn shape_errors_are_precise() {
    let g = TensorGraph::<f64>::new();
    let x = g.leaf(iota(&[2, 3]));
    assert_eq!(
        x.squeeze(&[1]).unwrap_err().to_string(),
        "squeeze: axis 1 of shape [2, 3] has size 3, only axes of size 1 can be removed"
    );
    assert_eq!(
        x.reshape(&[-1, -1]).unwrap_err().to_string(),
        "reshape: invalid shape [-1, -1] for [2, 3] (6 elements): at most one size can be -1"
    );
    assert_eq!(
        x.reshape(&[4, -1]).unwrap_err().to_string(),
        "reshape: invalid shape [4, -1] for [2, 3] (6 elements): no size for the -1 makes the \
         element counts agree"
    );
    assert_eq!(
        x.reshape(&[1]).unwrap_err().to_string(),
        "reshape: cannot reshape [2, 3] (6 elements) into [1] (1 element)"
    );
    assert_eq!(
        x.permute(&[0]).unwrap_err().to_string(),
        "permute: [0] is not a permutation of the 2 axes of shape [2, 3]"
    );
    assert_eq!(
        x.permute(&[1, -1]).unwrap_err().to_string(),
        "permute: axis 1 is named twice in [1, -1] (shape [2, 3])"
    );
    assert_eq!(
        x.expand_dims(-4).unwrap_err().to_string(),
        "expand_dims: axis -4 is out of range for shape [2, 3] (valid axes are -3..=2)"
    );
    let scalar = g.leaf(ndarray::arr0(1.0));
    assert_eq!(
        scalar.softmax(0).unwrap_err().to_string(),
        "softmax: axis 0 is out of range for shape [] (a 0-d shape has no axes)"
    );
    assert_eq!(
        x.item().unwrap_err().to_string(),
        "item: shape [2, 3] holds 6 elements, not 1"
    );
}
