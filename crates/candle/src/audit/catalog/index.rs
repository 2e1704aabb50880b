//! Indexing: index_select, gather, scatter, scatter_add, index_add,
//! where_cond, with repeated indices (gradients that must add up) and,
//! for scatter_add, colliding ones.

use std::sync::Arc;

use candle_core::{Device, Tensor};
use ndarray::{ArrayD, IxDyn};

use crate::InputLayout;
use crate::audit::case::{Case, Package, Values};
use backprop_audit::Reference;
use backprop_audit::naive::index as naive;

/// An index tensor (u32) of `shape` holding `ids`, and the same as an
/// `ndarray` array.
fn ids(shape: &[usize], ids: &[usize]) -> (Tensor, ArrayD<usize>) {
    let t = Tensor::from_vec(
        ids.iter().map(|&i| i as u32).collect::<Vec<_>>(),
        shape,
        &Device::Cpu,
    )
    .expect("index tensor");
    let a = ArrayD::from_shape_vec(IxDyn(shape), ids.to_vec()).expect("index shape");
    (t, a)
}

fn in_layouts(case: Case, layouts: &[InputLayout]) -> Vec<Case> {
    layouts.iter().map(|&l| case.clone().layout(l)).collect()
}

/// candle's index_select, gather, scatter, scatter_add and index_add
/// accept contiguous inputs only (an error otherwise, in the forward pass).
const LAYOUTS: [InputLayout; 1] = [InputLayout::Contiguous];

/// The indexing cases.
pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();

    // index_select with a repeated index along each axis
    for (dim, shape, list) in [(0, [4, 3], vec![2, 0, 2, 3]), (1, [3, 4], vec![1, 3, 1])] {
        let (t, _) = ids(&[list.len()], &list);
        let l2 = list.clone();
        let l3 = list.clone();
        let case = Case::new(
            Package::Core,
            "index_select",
            format!("index_select(ids={list:?}, {dim})"),
            move |x| x[0].index_select(&t, dim),
        )
        .input("x", &shape, Values::Normal)
        .reference(Reference::new(
            move |x| naive::index_select(&x[0], &l2, dim),
            move |x, g| vec![naive::index_select_vjp(&x[0], g, &l3, dim)],
        ));
        cases.extend(in_layouts(case, &LAYOUTS));
    }

    // gather along each axis, indices repeating
    for (dim, shape, idx_shape, list) in [
        (1, [3, 4], [3, 2], vec![3, 0, 1, 1, 2, 3]),
        (0, [3, 4], [2, 4], vec![2, 0, 1, 2, 0, 0, 1, 2]),
    ] {
        let (t, a) = ids(&idx_shape, &list);
        let (a2, a3) = (Arc::new(a.clone()), Arc::new(a));
        let case = Case::new(
            Package::Core,
            "gather",
            format!("gather(idx={list:?}, {dim})"),
            move |x| x[0].gather(&t, dim),
        )
        .input("x", &shape, Values::Normal)
        .reference(Reference::new(
            move |x| naive::gather(&x[0], &a2, dim),
            move |x, g| vec![naive::gather_vjp(&x[0], g, &a3, dim)],
        ));
        cases.extend(in_layouts(case, &LAYOUTS));
    }

    // scatter_add with colliding indices, a source smaller than the
    // destination and one of the same shape; scatter with distinct indices
    for (dim, src_shape, list) in [
        (1, vec![3, 2], vec![1, 1, 3, 0, 2, 2]),
        (0, vec![2, 4], vec![2, 0, 0, 1, 1, 1, 0, 2]),
        (1, vec![3, 4], vec![1, 1, 3, 0, 2, 2, 0, 0, 3, 2, 3, 3]),
    ] {
        let (t, a) = ids(&src_shape, &list);
        let (a2, a3) = (Arc::new(a.clone()), Arc::new(a));
        let case = Case::new(
            Package::Core,
            "scatter_add",
            format!("scatter_add(idx={list:?}, {dim})"),
            move |x| x[0].scatter_add(&t, &x[1], dim),
        )
        .input("init", &[3, 4], Values::Normal)
        .input("src", &src_shape, Values::Normal)
        .reference(Reference::new(
            move |x| naive::scatter_add(&x[0], &a2, &x[1], dim),
            move |_, g| {
                let (di, ds) = naive::scatter_add_vjp(g, &a3, dim);
                vec![di, ds]
            },
        ));
        cases.extend(in_layouts(case, &LAYOUTS));
    }
    for (dim, list) in [
        (1, vec![1, 3, 0, 2, 3, 1]),
        (0, vec![2, 0, 1, 1, 0, 1, 0, 2]),
    ] {
        let src_shape = if dim == 1 { [3, 2] } else { [2, 4] };
        let (t, a) = ids(&src_shape, &list);
        let (a2, a3) = (Arc::new(a.clone()), Arc::new(a));
        let case = Case::new(
            Package::Core,
            "scatter",
            format!("scatter(idx={list:?}, {dim})"),
            move |x| x[0].scatter(&t, &x[1], dim),
        )
        .input("init", &[3, 4], Values::Normal)
        .input("src", &src_shape, Values::Normal)
        .reference(Reference::new(
            move |x| naive::scatter(&x[0], &a2, &x[1], dim),
            move |_, g| {
                let (di, ds) = naive::scatter_vjp(g, &a3, dim);
                vec![di, ds]
            },
        ));
        cases.extend(in_layouts(case, &LAYOUTS));
    }

    // index_add with a repeated index
    for (dim, init, src, list) in [
        (0, [4, 3], [3, 3], vec![1, 3, 1]),
        (1, [3, 4], [3, 2], vec![2, 2]),
    ] {
        let (t, _) = ids(&[list.len()], &list);
        let (l2, l3) = (list.clone(), list.clone());
        let case = Case::new(
            Package::Core,
            "index_add",
            format!("index_add(ids={list:?}, {dim})"),
            move |x| x[0].index_add(&t, &x[1], dim),
        )
        .input("init", &init, Values::Normal)
        .input("src", &src, Values::Normal)
        .reference(Reference::new(
            move |x| naive::index_add(&x[0], &l2, &x[1], dim),
            move |_, g| {
                let (di, ds) = naive::index_add_vjp(g, &l3, dim);
                vec![di, ds]
            },
        ));
        cases.extend(in_layouts(case, &LAYOUTS));
    }

    // where_cond: the mask picks from on_true or on_false
    let mask_values = [1u8, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1];
    let mask = Tensor::from_vec(mask_values.to_vec(), (3, 4), &Device::Cpu).expect("mask");
    let m = Arc::new(ArrayD::from_shape_fn(IxDyn(&[3, 4]), |i| {
        f64::from(mask_values[i[0] * 4 + i[1]])
    }));
    let (m2, m3) = (m.clone(), m);
    let case = Case::new(
        Package::Core,
        "where_cond",
        "mask.where_cond(on_true, on_false)",
        move |x| mask.where_cond(&x[0], &x[1]),
    )
    .input("on_true", &[3, 4], Values::Normal)
    .input("on_false", &[3, 4], Values::Normal)
    .reference(Reference::new(
        move |x| &*m2 * &x[0] + &(1.0 - &*m2) * &x[1],
        move |_, g| vec![g * &*m3, g * &(1.0 - &*m3)],
    ));
    cases.extend(in_layouts(case, &InputLayout::ALL));
    cases
}
