//! The elementwise loop every elementwise op runs: a function of `K`
//! operands, element by element, over their (broadcast) shape, into a new
//! row-major array.
//!
//! Small tensors make per-element overhead decide a training step's speed,
//! so the loop takes the fastest route the operands allow: plain slices
//! when every operand is row-major and of the result's shape; row slices
//! for matrices (a bias broadcast over rows is a slice repeated); an
//! indexed walk otherwise.

use ndarray::{ArrayD, ArrayViewD, Ix2};

/// Defines `$name(shape, x0, x1, …, f)`: `f(x0, x1, …)` for every element
/// of `shape`, with each operand already a view of exactly `shape`
/// (broadcast views are fine). One function per operand count, so that
/// the slice loops are plain zips the compiler vectorises.
macro_rules! zip_map {
    ($(#[$doc:meta])* $name:ident: $($x:ident),+) => {
        $(#[$doc])*
        pub(crate) fn $name<A: Copy>(
            shape: &[usize],
            $($x: &ArrayViewD<'_, A>,)+
            f: impl Fn($(zip_map!(@elem $x A)),+) -> A,
        ) -> ArrayD<A> {
            $(debug_assert_eq!($x.shape(), shape);)+
            let n: usize = shape.iter().product();
            let mut out = Vec::with_capacity(n);
            if let ($(Some($x),)+) = ($($x.as_slice(),)+) {
                $(let $x = &$x[..n];)+
                out.extend((0..n).map(|i| f($($x[i]),+)));
            } else if let ($(Some($x),)+) = ($(rows_of($x, shape),)+) {
                // Matrices whose rows are slices at a fixed step (0 for a
                // row broadcast over the others, such as a bias).
                let cols = shape[1];
                for i in 0..shape[0] {
                    $(let $x = &$x.0[i * $x.1..i * $x.1 + cols];)+
                    out.extend((0..cols).map(|j| f($($x[j]),+)));
                }
            } else if shape.len() == 2 {
                $(let $x = $x.view().into_dimensionality::<Ix2>().expect("2 axes");)+
                let cols = shape[1];
                for i in 0..shape[0] {
                    $(let $x = $x.row(i);)+
                    if let ($(Some($x),)+) = ($($x.to_slice(),)+) {
                        $(let $x = &$x[..cols];)+
                        out.extend((0..cols).map(|j| f($($x[j]),+)));
                    } else {
                        out.extend((0..cols).map(|j| f($($x[j]),+)));
                    }
                }
            } else {
                for index in ndarray::indices(shape) {
                    out.push(f($($x[&index]),+));
                }
            }
            ArrayD::from_shape_vec(shape, out).expect("one value per element")
        }
    };
    (@elem $x:ident $a:ident) => { $a };
}

/// A matrix view of `shape` as one slice and the step between its rows:
/// `cols` for a row-major matrix, `0` for one row broadcast over all rows.
/// `None` for any other layout (or not two axes).
fn rows_of<'a, A>(x: &ArrayViewD<'a, A>, shape: &[usize]) -> Option<(&'a [A], usize)> {
    let &[rows, cols] = shape else { return None };
    if rows == 0 || cols == 0 {
        return None;
    }
    let strides = x.strides();
    if strides[1] != 1 && cols != 1 {
        return None;
    }
    match strides[0] {
        0 => {
            let row = x.clone().index_axis_move(ndarray::Axis(0), 0);
            row.to_slice().map(|row| (row, 0))
        }
        s if s == cols as isize => x.to_slice().map(|all| (all, cols)),
        _ => None,
    }
}

zip_map!(
    /// `f(x)` elementwise.
    zip_map1: x0
);
zip_map!(
    /// `f(x0, x1)` elementwise.
    zip_map2: x0, x1
);
zip_map!(
    /// `f(x0, x1, x2)` elementwise.
    zip_map3: x0, x1, x2
);
zip_map!(
    /// `f(x0, x1, x2, x3)` elementwise.
    zip_map4: x0, x1, x2, x3
);

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{IxDyn, array};

    #[test]
    fn every_route_gives_the_same_row_major_result() {
        let a = array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]].into_dyn();
        let b = array![10.0, 20.0, 30.0].into_dyn();
        let b_wide = b.broadcast(IxDyn(&[2, 3])).unwrap();
        let sum = zip_map2(&[2, 3], &a.view(), &b_wide, |x, y| x + y);
        assert_eq!(
            sum,
            array![[11.0, 22.0, 33.0], [14.0, 25.0, 36.0]].into_dyn()
        );
        // A transposed operand: no slices at all.
        let t = a.t().to_owned();
        let t_back = t.t();
        assert_eq!(zip_map1(&[2, 3], &t_back, |x| x), a);
        // A column broadcast over rows (stride 0 along the row).
        let c = array![[1.0], [2.0]].into_dyn();
        let c_wide = c.broadcast(IxDyn(&[2, 3])).unwrap();
        let prod = zip_map2(&[2, 3], &a.view(), &c_wide, |x, y| x * y);
        assert_eq!(prod, array![[1.0, 2.0, 3.0], [8.0, 10.0, 12.0]].into_dyn());
        // Three axes: the indexed walk.
        let d = ArrayD::from_shape_fn(IxDyn(&[2, 2, 2]), |i| (i[0] * 4 + i[1] * 2 + i[2]) as f64);
        let e = array![100.0, 200.0].into_dyn();
        let e_wide = e.broadcast(IxDyn(&[2, 2, 2])).unwrap();
        let out = zip_map2(&[2, 2, 2], &d.view(), &e_wide, |x, y| x + y);
        assert_eq!(
            out.iter().copied().collect::<Vec<_>>(),
            [100.0, 201.0, 102.0, 203.0, 104.0, 205.0, 106.0, 207.0]
        );
    }
}
