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
    let [da, db] = binary_vjp_wanted(gate, a, b, y, dy, [true, true])?;
    Ok((da.expect("wanted"), db.expect("wanted")))
}

/// [`binary_vjp`] computing only the gradients `wanted` (an operand that
/// needs no gradient, such as the data, costs nothing).
pub(crate) fn binary_vjp_wanted<A: Element>(
    gate: Binary,
    a: &ArrayViewD<'_, A>,
    b: &ArrayViewD<'_, A>,
    y: &ArrayViewD<'_, A>,
    dy: &ArrayViewD<'_, A>,
    wanted: [bool; 2],
) -> Result<[Option<ArrayD<A>>; 2]> {
    let op = gate.name();
    let shape = broadcast_shapes(op, a.shape(), b.shape())?;
    same_shape(op, &shape, y.shape())?;
    same_shape(op, &shape, dy.shape())?;
    let a_wide = a.broadcast(shape.as_slice()).expect("shapes broadcast");
    let b_wide = b.broadcast(shape.as_slice()).expect("shapes broadcast");
    if wanted == [true, true] {
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
        return Ok([Some(sum_to(da, a.shape())?), Some(sum_to(db, b.shape())?)]);
    }
    let side =
        |which: usize, operand: &ArrayViewD<'_, A>| -> Result<Option<ArrayD<A>>> {
            if !wanted[which] {
                return Ok(None);
            }
            let grad = Zip::from(&a_wide).and(&b_wide).and(y).and(dy).map_collect(
                |&a, &b, &y, &upstream| {
                    let locals = gate.derivatives(a, b, y);
                    chain(if which == 0 { locals.0 } else { locals.1 }, upstream)
                },
            );
            sum_to(grad, operand.shape()).map(Some)
        };
    Ok([side(0, a)?, side(1, b)?])
}

/// Which operand of a two-input gate is the constant in
/// [`binary_const`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// `c ∘ x`: the constant is the left operand (`2.0 - x`, `2.0 / x`).
    Left,
    /// `x ∘ c`: the constant is the right operand (`x - 2.0`, `x / 2.0`).
    Right,
}

/// The gate's two operands with `x` and the constant `c` on their sides.
fn operands<A>(side: Side, x: A, c: A) -> (A, A) {
    match side {
        Side::Left => (c, x),
        Side::Right => (x, c),
    }
}

/// `y = f(x, c)` or `y = f(c, x)` elementwise for a constant `c`: a
/// two-input gate with one operand fixed, so `2.0 / x` is one exact
/// division per element, with the gate's own forward function. `c` is
/// rounded to the element type.
///
/// ```
/// use backprop_gates::Binary;
/// use backprop_tensor::{binary_const, Side};
/// use ndarray::array;
///
/// let x = array![1.0, 4.0].into_dyn();
/// let y = binary_const(Binary::Div, &x.view(), 2.0, Side::Left);
/// assert_eq!(y, array![2.0, 0.5].into_dyn());
/// ```
pub fn binary_const<A: Element>(
    gate: Binary,
    x: &ArrayViewD<'_, A>,
    c: f64,
    side: Side,
) -> ArrayD<A> {
    let c = A::from_f64(c);
    x.mapv(|x| {
        let (a, b) = operands(side, x, c);
        gate.forward(a, b)
    })
}

/// Gradient of [`binary_const`] with respect to `x`: the gate's partial
/// derivative on `x`'s side times `dy`, elementwise.
///
/// # Errors
///
/// [`TensorError::ShapeMismatch`] when `y` or `dy` does not have `x`'s
/// shape.
pub fn binary_const_vjp<A: Element>(
    gate: Binary,
    x: &ArrayViewD<'_, A>,
    c: f64,
    side: Side,
    y: &ArrayViewD<'_, A>,
    dy: &ArrayViewD<'_, A>,
) -> Result<ArrayD<A>> {
    let op = gate.name();
    same_shape(op, x.shape(), y.shape())?;
    same_shape(op, x.shape(), dy.shape())?;
    let c = A::from_f64(c);
    Ok(Zip::from(x)
        .and(y)
        .and(dy)
        .map_collect(|&x, &y, &upstream| {
            let (a, b) = operands(side, x, c);
            let (da, db) = gate.derivatives(a, b, y);
            chain(if side == Side::Right { da } else { db }, upstream)
        }))
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
