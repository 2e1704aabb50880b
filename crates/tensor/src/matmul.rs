//! `numpy.matmul` semantics, forward and backward.
//!
//! - 1-D operands are promoted — the left to a row `(1, K)`, the right to a
//!   column `(K, 1)` — and the added axis is removed from the result again,
//!   so vector·matrix, matrix·vector and vector·vector (a 0-d result) work.
//! - 2-D operands multiply as matrices.
//! - Operands with more axes are stacks of matrices in their last two axes;
//!   the batch axes before them broadcast (NumPy rules), so `(B,1,M,K) @
//!   (1,H,K,N)` gives `(B,H,M,N)` and `(M,K) @ (B,K,N)` gives `(B,M,N)`.
//!
//! Backward, for `C = A·B` with upstream gradient `dC` (in the promoted,
//! broadcast shapes): `dA = dC·Bᵀ` and `dB = Aᵀ·dC`, each then reduced to its
//! operand's shape by [`sum_to`] (summing the batch axes broadcasting added
//! or stretched) and the promoted axis removed. Transposes and broadcasts
//! are strided views, handed to the GEMM kernel as they are (which copies
//! only a transposed operand whose rows are a multiple of 4 KiB, see
//! `gemm.rs`).

use ndarray::{ArrayD, ArrayViewD, Axis};

use crate::broadcast::{broadcast_shapes, sum_to};
use crate::error::Operand;
use crate::gemm::{batched_matmul, batched_matmuls};
use crate::{Element, Result, TensorError};

const OP: &str = "matmul";

/// The shapes of one `numpy.matmul` call, checked.
#[derive(Debug)]
struct Plan {
    /// The left operand was 1-D (promoted to a row).
    left_vector: bool,
    /// The right operand was 1-D (promoted to a column).
    right_vector: bool,
    /// The broadcast batch axes.
    batch: Vec<usize>,
    m: usize,
    k: usize,
    n: usize,
}

impl Plan {
    fn new(left: &[usize], right: &[usize]) -> Result<Plan> {
        for (shape, operand) in [(left, Operand::Left), (right, Operand::Right)] {
            if shape.is_empty() {
                return Err(TensorError::TooFewAxes {
                    op: OP,
                    operand,
                    shape: shape.to_vec(),
                    min: 1,
                });
            }
        }
        let left_vector = left.len() == 1;
        let right_vector = right.len() == 1;
        let l = left.len();
        let r = right.len();
        let (m, k) = if left_vector {
            (1, left[0])
        } else {
            (left[l - 2], left[l - 1])
        };
        let (right_k, n) = if right_vector {
            (right[0], 1)
        } else {
            (right[r - 2], right[r - 1])
        };
        if k != right_k {
            return Err(TensorError::InnerDimension {
                op: OP,
                left: left.to_vec(),
                right: right.to_vec(),
                left_inner: k,
                right_inner: right_k,
            });
        }
        let left_batch = &left[..l.saturating_sub(2)];
        let right_batch = &right[..r.saturating_sub(2)];
        let batch = broadcast_shapes(OP, left_batch, right_batch).map_err(|_| {
            TensorError::BatchBroadcast {
                op: OP,
                left: left.to_vec(),
                right: right.to_vec(),
            }
        })?;
        Ok(Plan {
            left_vector,
            right_vector,
            batch,
            m,
            k,
            n,
        })
    }

    /// Shape of the result, with promoted axes removed.
    fn output_shape(&self) -> Vec<usize> {
        let mut shape = self.batch.clone();
        if !self.left_vector {
            shape.push(self.m);
        }
        if !self.right_vector {
            shape.push(self.n);
        }
        shape
    }

    /// `batch + dims`.
    fn full(&self, dims: [usize; 2]) -> Vec<usize> {
        let mut shape = self.batch.clone();
        shape.extend(dims);
        shape
    }

    /// The left operand with 1-D promotion applied (`(K,)` -> `(1, K)`).
    fn promote_left<'a, A>(&self, a: &ArrayViewD<'a, A>) -> ArrayViewD<'a, A> {
        if self.left_vector {
            a.clone().insert_axis(Axis(0))
        } else {
            a.clone()
        }
    }

    /// The right operand with 1-D promotion applied (`(K,)` -> `(K, 1)`).
    fn promote_right<'a, A>(&self, b: &ArrayViewD<'a, A>) -> ArrayViewD<'a, A> {
        if self.right_vector {
            b.clone().insert_axis(Axis(1))
        } else {
            b.clone()
        }
    }

    /// An output-shaped array (such as `dC`) as a `batch + [m, n]` view.
    fn output_view<'a, A>(&self, c: &'a ArrayViewD<'_, A>) -> ArrayViewD<'a, A> {
        let mut v = c.view();
        if self.left_vector {
            v = v.insert_axis(Axis(self.batch.len()));
        }
        if self.right_vector {
            v = v.insert_axis(Axis(self.batch.len() + 1));
        }
        v
    }

    /// Removes the promoted axes from a `batch + [m, n]` result.
    fn squeeze<A>(&self, mut c: ArrayD<A>) -> ArrayD<A> {
        let nd = c.ndim();
        if self.right_vector {
            c.index_axis_inplace(Axis(nd - 1), 0);
        }
        if self.left_vector {
            c.index_axis_inplace(Axis(nd - 2), 0);
        }
        c
    }
}

/// Broadcasts a promoted operand to `shape` (a strided view with zero
/// strides on stretched axes).
macro_rules! broadcast_to {
    ($view:expr, $shape:expr) => {
        $view
            .broadcast($shape)
            .expect("Plan::new checked that the operands broadcast")
    };
}

/// The last two axes swapped (a strided view, no copy).
fn transposed<'a, A>(v: &ArrayViewD<'a, A>) -> ArrayViewD<'a, A> {
    let mut t = v.clone();
    let nd = t.ndim();
    t.swap_axes(nd - 2, nd - 1);
    t
}

/// The product `a @ b` with `numpy.matmul` semantics.
///
/// - 1-D operands are promoted — the left to a row `(1, K)`, the right to a
///   column `(K, 1)` — and the added axis is removed from the result again:
///   vector·matrix, matrix·vector, and vector·vector (a 0-d result).
/// - 2-D operands multiply as matrices.
/// - Operands with more axes are stacks of matrices in their last two axes;
///   the batch axes before them broadcast (NumPy rules): `(B,1,M,K) @
///   (1,H,K,N)` gives `(B,H,M,N)`, `(M,K) @ (B,K,N)` gives `(B,M,N)`.
///
/// Transposed and broadcast operands are read through their strides, not
/// copied; batch items (and panels of large products) run in parallel.
///
/// ```
/// use backprop_tensor::matmul;
/// use ndarray::{array, ArrayD};
///
/// let a = array![[1.0, 2.0], [3.0, 4.0]].into_dyn();
/// let v = array![1.0, 1.0].into_dyn();
/// // matrix·vector: (2, 2) @ (2,) -> (2,)
/// assert_eq!(matmul(&a.view(), &v.view()).unwrap(), array![3.0, 7.0].into_dyn());
/// // batch axes broadcast: (3, 1, 2, 2) @ (4, 2, 2) -> (3, 4, 2, 2)
/// let stack = ArrayD::<f64>::ones(vec![3, 1, 2, 2]);
/// let other = ArrayD::<f64>::ones(vec![4, 2, 2]);
/// assert_eq!(matmul(&stack.view(), &other.view()).unwrap().shape(), &[3, 4, 2, 2]);
/// ```
///
/// # Errors
///
/// [`TensorError::TooFewAxes`] for a 0-d operand,
/// [`TensorError::InnerDimension`] when the contracted sizes differ,
/// [`TensorError::BatchBroadcast`] when the batch axes do not broadcast.
pub fn matmul<A: Element>(a: &ArrayViewD<'_, A>, b: &ArrayViewD<'_, A>) -> Result<ArrayD<A>> {
    let plan = Plan::new(a.shape(), b.shape())?;
    let (a_promoted, b_promoted) = (plan.promote_left(a), plan.promote_right(b));
    let a_full = broadcast_to!(a_promoted, plan.full([plan.m, plan.k]));
    let b_full = broadcast_to!(b_promoted, plan.full([plan.k, plan.n]));
    Ok(plan.squeeze(batched_matmul(&a_full, &b_full)))
}

/// The gradients `(dA, dB)` of `C = a @ b` given the upstream gradient
/// `dc = dL/dC`: `dA = dC·Bᵀ`, `dB = Aᵀ·dC`, computed on the promoted,
/// broadcast operands, then each summed back to its operand's shape by
/// [`sum_to`] (the batch axes that broadcasting added or stretched) and the
/// promoted axis of a 1-D operand removed.
///
/// ```
/// use backprop_tensor::matmul_vjp;
/// use ndarray::{array, ArrayD};
///
/// // (M,K) @ (B,K,N): the shared left operand's gradient sums over the batch.
/// let a = array![[1.0, 2.0]].into_dyn();        // (1, 2)
/// let b = ArrayD::<f64>::ones(vec![3, 2, 1]);   // (3, 2, 1)
/// let dc = ArrayD::<f64>::ones(vec![3, 1, 1]);  // (3, 1, 1)
/// let (da, db) = matmul_vjp(&a.view(), &b.view(), &dc.view()).unwrap();
/// assert_eq!(da, array![[3.0, 3.0]].into_dyn());
/// assert_eq!(db.shape(), &[3, 2, 1]);
/// ```
///
/// # Errors
///
/// The errors of [`matmul`], and [`TensorError::ShapeMismatch`] when `dc`
/// does not have the product's shape.
pub fn matmul_vjp<A: Element>(
    a: &ArrayViewD<'_, A>,
    b: &ArrayViewD<'_, A>,
    dc: &ArrayViewD<'_, A>,
) -> Result<(ArrayD<A>, ArrayD<A>)> {
    let [da, db] = matmul_vjp_wanted(a, b, dc, [true, true])?;
    Ok((da.expect("wanted"), db.expect("wanted")))
}

/// [`matmul_vjp`] computing only the gradients `wanted`: the product for
/// an operand that needs no gradient (such as the data in `X·W`) is
/// skipped.
pub(crate) fn matmul_vjp_wanted<A: Element>(
    a: &ArrayViewD<'_, A>,
    b: &ArrayViewD<'_, A>,
    dc: &ArrayViewD<'_, A>,
    wanted: [bool; 2],
) -> Result<[Option<ArrayD<A>>; 2]> {
    let plan = Plan::new(a.shape(), b.shape())?;
    let expected = plan.output_shape();
    if dc.shape() != expected {
        return Err(TensorError::ShapeMismatch {
            op: OP,
            expected,
            got: dc.shape().to_vec(),
        });
    }
    let dc_full = plan.output_view(dc);
    let (a_promoted, b_promoted) = (plan.promote_left(a), plan.promote_right(b));
    let a_full = broadcast_to!(a_promoted, plan.full([plan.m, plan.k]));
    let b_full = broadcast_to!(b_promoted, plan.full([plan.k, plan.n]));
    // dA = dC · Bᵀ : (m, n) @ (n, k); dB = Aᵀ · dC : (k, m) @ (m, n).
    let (b_t, a_t) = (transposed(&b_full), transposed(&a_full));
    let (da, db) = match wanted {
        [true, true] => {
            let [da, db] = batched_matmuls([(&dc_full, &b_t), (&a_t, &dc_full)]);
            (Some(da), Some(db))
        }
        [true, false] => (Some(batched_matmul(&dc_full, &b_t)), None),
        [false, true] => (None, Some(batched_matmul(&a_t, &dc_full))),
        [false, false] => (None, None),
    };
    let da = da
        .map(|da| sum_to(da, a_promoted.shape()).map(|g| unpromote(g, plan.left_vector, 0)))
        .transpose()?;
    let db = db
        .map(|db| sum_to(db, b_promoted.shape()).map(|g| unpromote(g, plan.right_vector, 1)))
        .transpose()?;
    Ok([da, db])
}

/// Removes the size-1 axis that promotion added to a 1-D operand.
fn unpromote<A>(mut grad: ArrayD<A>, was_vector: bool, axis: usize) -> ArrayD<A> {
    if was_vector {
        grad.index_axis_inplace(Axis(axis), 0);
    }
    grad
}
