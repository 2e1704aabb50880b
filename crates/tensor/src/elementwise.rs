//! Every gate of `backprop-gates`, lifted to tensors elementwise.
//!
//! No formula lives here: forward values come from each gate's own
//! `forward`, local derivatives from its own `derivative(s)`, and the chain
//! rule multiplies them by the upstream gradient element by element. Binary
//! gates broadcast like NumPy, and their gradients are summed back to each
//! operand's shape by [`sum_to`].

use backprop_gates::{
    Binary, BinaryRule, BinaryVisitor, DerivativeFrom, Unary, UnaryRule, UnaryVisitor, chain,
};
use ndarray::{ArrayD, ArrayViewD};

use crate::broadcast::{broadcast_shapes, sum_to};
use crate::kernel::{zip_map1, zip_map2, zip_map3, zip_map4};
use crate::op::Grad;
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
    struct Forward<'v, 'a, A>(&'v ArrayViewD<'a, A>);
    impl<A: Element> UnaryVisitor for Forward<'_, '_, A> {
        type Output = ArrayD<A>;
        fn visit<R: UnaryRule>(self, rule: R) -> ArrayD<A> {
            zip_map1(self.0.shape(), self.0, |x| rule.f(x))
        }
    }
    gate.visit(Forward(x))
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
    struct Vjp<'v, 'a, A>([&'v ArrayViewD<'a, A>; 3]);
    impl<A: Element> UnaryVisitor for Vjp<'_, '_, A> {
        type Output = ArrayD<A>;
        fn visit<R: UnaryRule>(self, rule: R) -> ArrayD<A> {
            let [x, y, dy] = self.0;
            // `df` reads only the value its rule names (checked for every
            // gate in backprop-gates), so one operand less is read.
            match R::DERIVATIVE_FROM {
                DerivativeFrom::Input => zip_map2(x.shape(), x, dy, |x, upstream| {
                    chain(rule.df(x, x), upstream)
                }),
                DerivativeFrom::Output => zip_map2(y.shape(), y, dy, |y, upstream| {
                    chain(rule.df(y, y), upstream)
                }),
            }
        }
    }
    Ok(gate.visit(Vjp([x, y, dy])))
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
    struct Forward<'v, 'a, A>([&'v ArrayViewD<'a, A>; 2]);
    impl<A: Element> BinaryVisitor for Forward<'_, '_, A> {
        type Output = ArrayD<A>;
        fn visit<R: BinaryRule>(self, rule: R) -> ArrayD<A> {
            zip_map2(self.0[0].shape(), self.0[0], self.0[1], |a, b| rule.f(a, b))
        }
    }
    Ok(gate.visit(Forward([&a, &b])))
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
    let array = |g: Option<Grad<A>>| g.expect("wanted").into_array(dy);
    Ok((array(da), array(db)))
}

/// [`binary_vjp`] computing only the gradients `wanted` (an operand that
/// needs no gradient, such as the data, costs nothing). Where the gate's
/// local derivative is the constant 1 ([`Binary::constant_derivatives`]),
/// the gradient is `sum_to(dy)` without an elementwise pass, and
/// [`Grad::Upstream`] — `dy` itself, not copied — when the operand was not
/// broadcast: the bias add of a network layer costs one row sum.
pub(crate) fn binary_vjp_wanted<A: Element>(
    gate: Binary,
    a: &ArrayViewD<'_, A>,
    b: &ArrayViewD<'_, A>,
    y: &ArrayViewD<'_, A>,
    dy: &ArrayViewD<'_, A>,
    wanted: [bool; 2],
) -> Result<[Option<Grad<A>>; 2]> {
    let op = gate.name();
    let shape = broadcast_shapes(op, a.shape(), b.shape())?;
    same_shape(op, &shape, y.shape())?;
    same_shape(op, &shape, dy.shape())?;
    let a_wide = a.broadcast(shape.as_slice()).expect("shapes broadcast");
    let b_wide = b.broadcast(shape.as_slice()).expect("shapes broadcast");
    /// One operand's gradient over the broadcast shape, before `sum_to`.
    struct Partial<'v, 'a, A> {
        which: usize,
        operands: [&'v ArrayViewD<'a, A>; 4],
    }
    impl<A: Element> BinaryVisitor for Partial<'_, '_, A> {
        type Output = ArrayD<A>;
        fn visit<R: BinaryRule>(self, rule: R) -> ArrayD<A> {
            let which = self.which;
            let [a, b, y, dy] = self.operands;
            zip_map4(a.shape(), a, b, y, dy, |a, b, y, upstream| {
                let locals = rule.df(a, b, y);
                chain(if which == 0 { locals.0 } else { locals.1 }, upstream)
            })
        }
    }
    let constant = gate.constant_derivatives();
    let mut grads = [None, None];
    for (which, operand) in [a, b].into_iter().enumerate() {
        if !wanted[which] {
            continue;
        }
        let local = constant.map(|(da, db)| if which == 0 { da } else { db });
        grads[which] = Some(match local {
            // chain(1, dy) = dy (up to the sign of a zero).
            Some(1.0) if operand.shape() == shape.as_slice() => Grad::Upstream,
            Some(1.0) => Grad::New(sum_to(dy.view(), operand.shape())?),
            _ => {
                let operands = [&a_wide, &b_wide, y, dy];
                let full = gate.visit(Partial { which, operands });
                Grad::New(sum_to(full, operand.shape())?)
            }
        });
    }
    Ok(grads)
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
    struct Forward<'v, 'a, A>(&'v ArrayViewD<'a, A>, A, Side);
    impl<A: Element> BinaryVisitor for Forward<'_, '_, A> {
        type Output = ArrayD<A>;
        fn visit<R: BinaryRule>(self, rule: R) -> ArrayD<A> {
            let Forward(x, c, side) = self;
            zip_map1(x.shape(), x, |x| {
                let (a, b) = operands(side, x, c);
                rule.f(a, b)
            })
        }
    }
    gate.visit(Forward(x, A::from_f64(c), side))
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
    struct Vjp<'v, 'a, A>([&'v ArrayViewD<'a, A>; 3], A, Side);
    impl<A: Element> BinaryVisitor for Vjp<'_, '_, A> {
        type Output = ArrayD<A>;
        fn visit<R: BinaryRule>(self, rule: R) -> ArrayD<A> {
            let Vjp(xyd, c, side) = self;
            let [x, y, dy] = xyd;
            zip_map3(x.shape(), x, y, dy, |x, y, upstream| {
                let (a, b) = operands(side, x, c);
                let (da, db) = rule.df(a, b, y);
                chain(if side == Side::Right { da } else { db }, upstream)
            })
        }
    }
    Ok(gate.visit(Vjp([x, y, dy], A::from_f64(c), side)))
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
