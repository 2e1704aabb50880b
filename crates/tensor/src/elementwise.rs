//! Every gate of `backprop-gates`, lifted to tensors elementwise.
//!
//! No formula lives here: forward values come from each gate's own
//! `forward`, local derivatives from its own `derivative(s)`, and the chain
//! rule multiplies them by the upstream gradient element by element. Binary
//! gates broadcast like NumPy, and their gradients are summed back to each
//! operand's shape by [`sum_to`].

use backprop_gates::{Binary, Unary, chain};
use ndarray::{ArrayD, ArrayViewD, Zip};

use crate::broadcast::{broadcast_shapes, sum_to};
use crate::{Element, Result, TensorError};

/// `y = f(x)` elementwise, with `f` the gate's forward function.
///
/// ```
/// use backprop_gates::Unary;
/// use backprop_tensor::unary;
/// use ndarray::array;
///
/// let y = unary(Unary::Sigmoid, &array![0.0, 1000.0].into_dyn().view());
/// assert_eq!(y, array![0.5, 1.0].into_dyn());
/// ```
pub fn unary<A: Element>(gate: Unary, x: &ArrayViewD<'_, A>) -> ArrayD<A> {
    x.mapv(|v| gate.forward(v))
}

/// The gradient with respect to `x` of `y = f(x)` given `dy = dL/dy`:
/// `dx = f'(x, y) · dy` elementwise, with `f'` the gate's own derivative
/// (which may read the input `x` or the output `y`).
///
/// # Errors
///
/// [`TensorError::ShapeMismatch`] when `y` or `dy` does not have `x`'s
/// shape.
pub fn unary_vjp<A: Element>(
    gate: Unary,
    x: &ArrayViewD<'_, A>,
    y: &ArrayViewD<'_, A>,
    dy: &ArrayViewD<'_, A>,
) -> Result<ArrayD<A>> {
    let op = gate.name();
    same_shape(op, x.shape(), y.shape())?;
    same_shape(op, x.shape(), dy.shape())?;
    Ok(Zip::from(x)
        .and(y)
        .and(dy)
        .map_collect(|&x, &y, &upstream| chain(gate.derivative(x, y), upstream)))
}

/// `y = f(a, b)` elementwise, with `a` and `b` broadcast against each other
/// (NumPy rules) and `f` the gate's forward function.
///
/// ```
/// use backprop_gates::Binary;
/// use backprop_tensor::binary;
/// use ndarray::array;
///
/// let rows = array![[1.0], [2.0]].into_dyn();   // (2, 1)
/// let cols = array![10.0, 20.0, 30.0].into_dyn(); // (3,)
/// let sum = binary(Binary::Add, &rows.view(), &cols.view()).unwrap();
/// assert_eq!(sum, array![[11.0, 21.0, 31.0], [12.0, 22.0, 32.0]].into_dyn());
/// ```
///
/// # Errors
///
/// [`TensorError::Broadcast`] when the shapes do not broadcast.
pub fn binary<A: Element>(
    gate: Binary,
    a: &ArrayViewD<'_, A>,
    b: &ArrayViewD<'_, A>,
) -> Result<ArrayD<A>> {
    let shape = broadcast_shapes(gate.name(), a.shape(), b.shape())?;
    let a = a.broadcast(shape.as_slice()).expect("shapes broadcast");
    let b = b.broadcast(shape.as_slice()).expect("shapes broadcast");
    Ok(Zip::from(&a)
        .and(&b)
        .map_collect(|&a, &b| gate.forward(a, b)))
}

/// The gradients `(da, db)` of `y = f(a, b)` given `dy = dL/dy`:
/// `∂f/∂a · dy` and `∂f/∂b · dy` elementwise over the broadcast shape, with
/// the gate's own derivatives, each then summed back to its operand's shape
/// by [`sum_to`].
///
/// # Errors
///
/// [`TensorError::Broadcast`] when `a` and `b` do not broadcast,
/// [`TensorError::ShapeMismatch`] when `y` or `dy` does not have the
/// broadcast shape.
pub fn binary_vjp<A: Element>(
    gate: Binary,
    a: &ArrayViewD<'_, A>,
    b: &ArrayViewD<'_, A>,
    y: &ArrayViewD<'_, A>,
    dy: &ArrayViewD<'_, A>,
) -> Result<(ArrayD<A>, ArrayD<A>)> {
    let op = gate.name();
    let shape = broadcast_shapes(op, a.shape(), b.shape())?;
    same_shape(op, &shape, y.shape())?;
    same_shape(op, &shape, dy.shape())?;
    let a_wide = a.broadcast(shape.as_slice()).expect("shapes broadcast");
    let b_wide = b.broadcast(shape.as_slice()).expect("shapes broadcast");
    let mut da = ArrayD::<A>::zeros(shape.as_slice());
    let mut db = ArrayD::<A>::zeros(shape.as_slice());
    Zip::from(&mut da)
        .and(&mut db)
        .and(&a_wide)
        .and(&b_wide)
        .and(y)
        .and(dy)
        .for_each(|da, db, &a, &b, &y, &upstream| {
            let (local_a, local_b) = gate.derivatives(a, b, y);
            *da = chain(local_a, upstream);
            *db = chain(local_b, upstream);
        });
    Ok((sum_to(da, a.shape())?, sum_to(db, b.shape())?))
}

/// `Ok` when `got` equals `expected`.
pub(crate) fn same_shape(op: &'static str, expected: &[usize], got: &[usize]) -> Result<()> {
    if expected == got {
        Ok(())
    } else {
        Err(TensorError::ShapeMismatch {
            op,
            expected: expected.to_vec(),
            got: got.to_vec(),
        })
    }
}
