//! Indexing: index_select, gather, scatter_add, scatter and index_add
//! along either axis, with repeated indices (which add up) and, for
//! scatter, indices that never collide.

use backprop_audit::Reference;
use backprop_audit::naive::index;
use ndarray::{ArrayD, IxDyn};

use super::{Rng, array, assert_vjp, flat};

/// An index array of `shape` with values below `bound`.
fn idx(shape: &[usize], values: Vec<usize>) -> ArrayD<usize> {
    ArrayD::from_shape_vec(IxDyn(shape), values).unwrap()
}

#[test]
fn index_vjps_agree_with_finite_differences() {
    let mut rng = Rng::new(80);
    for dim in [0usize, 1] {
        let x = [rng.array(&[4, 5], -2.0, 2.0)];
        let len = x[0].shape()[dim];
        // index_select and index_add with a repeated id.
        let mut ids = rng.indices(5, len);
        ids[4] = ids[0];
        let (a, b) = (ids.clone(), ids.clone());
        let select = Reference::new(
            move |x| index::index_select(&x[0], &a, dim),
            move |x, g| vec![index::index_select_vjp(&x[0], g, &b, dim)],
        );
        assert_vjp(&format!("index_select dim {dim}"), &select, &x, &mut rng);
        let mut src_shape = vec![4, 5];
        src_shape[dim] = ids.len();
        let inputs = [x[0].clone(), rng.array(&src_shape, -2.0, 2.0)];
        let (a, b) = (ids.clone(), ids.clone());
        let add = Reference::new(
            move |x| index::index_add(&x[0], &a, &x[1], dim),
            move |_, g| {
                let (di, ds) = index::index_add_vjp(g, &b, dim);
                vec![di, ds]
            },
        );
        assert_vjp(&format!("index_add dim {dim}"), &add, &inputs, &mut rng);

        // gather and scatter_add with colliding indices.
        let mut shape = vec![4, 5];
        shape[dim] = 3;
        let n: usize = shape.iter().product();
        let gi = idx(&shape, rng.indices(n, len));
        let (a, b) = (gi.clone(), gi.clone());
        let gather = Reference::new(
            move |x| index::gather(&x[0], &a, dim),
            move |x, g| vec![index::gather_vjp(&x[0], g, &b, dim)],
        );
        assert_vjp(&format!("gather dim {dim}"), &gather, &x, &mut rng);
        let inputs = [x[0].clone(), rng.array(&shape, -2.0, 2.0)];
        let (a, b) = (gi.clone(), gi.clone());
        let scatter_add = Reference::new(
            move |x| index::scatter_add(&x[0], &a, &x[1], dim),
            move |_, g| {
                let (di, ds) = index::scatter_add_vjp(g, &b, dim);
                vec![di, ds]
            },
        );
        assert_vjp(
            &format!("scatter_add dim {dim}"),
            &scatter_add,
            &inputs,
            &mut rng,
        );
    }
    // scatter: per row a distinct column, so no two writes collide.
    let init = rng.array(&[3, 5], -2.0, 2.0);
    let src = rng.array(&[3, 2], -2.0, 2.0);
    let si = idx(&[3, 2], vec![1, 3, 0, 2, 4, 1]);
    let (a, b) = (si.clone(), si.clone());
    let scatter = Reference::new(
        move |x| index::scatter(&x[0], &a, &x[1], 1),
        move |_, g| {
            let (di, ds) = index::scatter_vjp(g, &b, 1);
            vec![di, ds]
        },
    );
    assert_vjp("scatter", &scatter, &[init, src], &mut rng);
}

#[test]
fn index_ops_by_hand() {
    let x = array(&[2, 3], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    assert_eq!(
        flat(&index::index_select(&x, &[2, 0, 2], 1)),
        [3.0, 1.0, 3.0, 6.0, 4.0, 6.0]
    );
    let g = array(&[2, 3], &[1.0, 10.0, 100.0, 1.0, 10.0, 100.0]);
    // Column 2 was read twice (slots 0 and 2), column 0 once, column 1 never.
    assert_eq!(
        flat(&index::index_select_vjp(&x, &g, &[2, 0, 2], 1)),
        [10.0, 0.0, 101.0, 10.0, 0.0, 101.0]
    );
    let gi = idx(&[2, 2], vec![0, 0, 2, 1]);
    assert_eq!(flat(&index::gather(&x, &gi, 1)), [1.0, 1.0, 6.0, 5.0]);
    let ones = array(&[2, 2], &[1.0; 4]);
    assert_eq!(
        flat(&index::gather_vjp(&x, &ones, &gi, 1)),
        [2.0, 0.0, 0.0, 0.0, 1.0, 1.0]
    );
    let zeros = array(&[2, 3], &[0.0; 6]);
    let src = array(&[2, 2], &[1.0, 2.0, 3.0, 4.0]);
    assert_eq!(
        flat(&index::scatter_add(&zeros, &gi, &src, 1)),
        [3.0, 0.0, 0.0, 0.0, 4.0, 3.0]
    );
    let si = idx(&[1, 2], vec![2, 0]);
    let row = array(&[1, 3], &[7.0, 8.0, 9.0]);
    let put = array(&[1, 2], &[-1.0, -2.0]);
    assert_eq!(flat(&index::scatter(&row, &si, &put, 1)), [-2.0, 8.0, -1.0]);
    // Only the element src did not overwrite passes the gradient to init.
    let (dinit, dsrc) = index::scatter_vjp(&array(&[1, 3], &[1.0, 2.0, 3.0]), &si, 1);
    assert_eq!(
        (flat(&dinit), flat(&dsrc)),
        (vec![0.0, 2.0, 0.0], vec![3.0, 1.0])
    );
    assert_eq!(
        flat(&index::index_add(
            &row,
            &[1, 1],
            &array(&[1, 2], &[1.0, 2.0]),
            1
        )),
        [7.0, 11.0, 9.0]
    );
}
