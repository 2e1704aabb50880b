//! Pooling and nearest-neighbour resizing: max_pool2d and avg_pool2d with
//! and without an explicit stride (equal to, smaller than and larger than
//! the kernel), sizes the kernel divides and sizes whose tail the forward
//! pass drops; upsample_nearest1d/2d and their aliases interpolate1d/2d by
//! integer and non-integer factors, alone and with their input used again
//! (fan-out).

use crate::audit::case::{Case, Package, Values};
use backprop_audit::Reference;
use backprop_audit::naive::pool::{self as naive, PoolParams};
use backprop_audit::naive::resample;

fn avg(p: PoolParams, explicit: bool, x: &[usize]) -> Case {
    let (function, call) = if explicit {
        (
            "avg_pool2d_with_stride",
            format!("avg_pool2d_with_stride({:?}, {:?})", p.kernel, p.stride),
        )
    } else {
        ("avg_pool2d", format!("avg_pool2d({:?})", p.kernel))
    };
    Case::new(Package::Core, function, call, move |t| {
        if explicit {
            t[0].avg_pool2d_with_stride(p.kernel, p.stride)
        } else {
            t[0].avg_pool2d(p.kernel)
        }
    })
    .input("x", x, Values::Normal)
    .reference(Reference::new(
        move |x| naive::avg_pool2d(&x[0], &p),
        move |x, g| vec![naive::avg_pool2d_vjp(&x[0], g, &p)],
    ))
}

fn max(p: PoolParams, explicit: bool, x: &[usize]) -> Case {
    let (function, call) = if explicit {
        (
            "max_pool2d_with_stride",
            format!("max_pool2d_with_stride({:?}, {:?})", p.kernel, p.stride),
        )
    } else {
        ("max_pool2d", format!("max_pool2d({:?})", p.kernel))
    };
    Case::new(Package::Core, function, call, move |t| {
        if explicit {
            t[0].max_pool2d_with_stride(p.kernel, p.stride)
        } else {
            t[0].max_pool2d(p.kernel)
        }
    })
    .input("x", x, Values::Normal)
    .reference(Reference::new(
        move |x| naive::max_pool2d(&x[0], &p),
        move |x, g| vec![naive::max_pool2d_vjp(&x[0], g, &p)],
    ))
}

fn nearest(function: &'static str, targets: Vec<usize>, x: &[usize]) -> Case {
    let (t1, t2) = (targets.clone(), targets.clone());
    let call = match targets.as_slice() {
        [l] => format!("{function}({l})"),
        [h, w] => format!("{function}({h}, {w})"),
        _ => unreachable!("1-D or 2-D"),
    };
    Case::new(Package::Core, function, call, move |t| {
        match (function, targets.as_slice()) {
            ("upsample_nearest1d", [l]) => t[0].upsample_nearest1d(*l),
            ("interpolate1d", [l]) => t[0].interpolate1d(*l),
            ("upsample_nearest2d", [h, w]) => t[0].upsample_nearest2d(*h, *w),
            (_, [h, w]) => t[0].interpolate2d(*h, *w),
            _ => unreachable!("1-D or 2-D"),
        }
    })
    .input("x", x, Values::Normal)
    .reference(Reference::new(
        move |x| resample::nearest(&x[0], &t1),
        move |x, g| vec![resample::nearest_vjp(&x[0], g, &t2)],
    ))
}

/// The pooling and resizing cases.
pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let same = |k: (usize, usize)| PoolParams {
        kernel: k,
        stride: k,
    };
    // kernel = stride: sizes it divides, sizes whose tail is dropped
    for (k, x) in [
        ((2, 2), [1, 1, 4, 4]),
        ((2, 2), [2, 3, 6, 4]),
        ((2, 3), [1, 2, 4, 6]),
        ((2, 2), [1, 1, 5, 5]),
        ((2, 2), [2, 2, 4, 5]),
        ((3, 3), [1, 1, 7, 6]),
    ] {
        for explicit in [false, true] {
            cases.push(avg(same(k), explicit, &x));
            cases.push(max(same(k), explicit, &x));
        }
    }
    // stride ≠ kernel: overlapping windows, and gaps between windows
    for (k, s, x) in [
        ((2, 2), (1, 1), [1, 1, 4, 4]),
        ((3, 3), (2, 2), [2, 2, 7, 7]),
        ((2, 2), (3, 3), [1, 2, 8, 8]),
        ((2, 3), (1, 2), [1, 1, 5, 7]),
    ] {
        let p = PoolParams {
            kernel: k,
            stride: s,
        };
        cases.push(avg(p, true, &x));
        cases.push(max(p, true, &x));
    }
    for x in [[1, 1, 4, 4], [2, 2, 4, 4], [1, 1, 5, 5]] {
        cases.push(max(same((2, 2)), false, &x).fan_out());
        cases.push(avg(same((2, 2)), false, &x).fan_out());
    }
    // nearest-neighbour resizing
    for function in ["upsample_nearest1d", "interpolate1d"] {
        for (target, x) in [
            (8, [1, 1, 4]),
            (12, [2, 3, 4]),
            (6, [1, 2, 4]),
            (4, [1, 1, 4]),
        ] {
            cases.push(nearest(function, vec![target], &x));
        }
        cases.push(nearest(function, vec![8], &[1, 2, 4]).fan_out());
    }
    for function in ["upsample_nearest2d", "interpolate2d"] {
        for (targets, x) in [
            (vec![4, 6], [1, 1, 2, 3]),
            (vec![6, 6], [2, 2, 2, 2]),
            (vec![4, 9], [1, 1, 2, 3]),
            (vec![5, 5], [1, 1, 2, 2]),
        ] {
            cases.push(nearest(function, targets, &x));
        }
        cases.push(nearest(function, vec![4, 4], &[1, 2, 2, 2]).fan_out());
    }
    cases
}
