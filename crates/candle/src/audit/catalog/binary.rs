//! Binary arithmetic, same-shape and broadcast, minimum/maximum and pow.

use ndarray::ArrayD;

use crate::InputLayout;
use crate::audit::case::{Case, Package, Values};
use backprop_audit::Reference;

type Op =
    fn(&candle_core::Tensor, &candle_core::Tensor) -> candle_core::Result<candle_core::Tensor>;

/// `y = f(a, b)` elementwise with partials `(∂a, ∂b)`, broadcasting by
/// NumPy's rules; each gradient is summed back to its input's shape.
fn elementwise(f: fn(f64, f64) -> f64, df: fn(f64, f64) -> (f64, f64)) -> Reference {
    let broadcast = |x: &[ArrayD<f64>]| {
        let shape = broadcast_shape(x[0].shape(), x[1].shape());
        (
            x[0].broadcast(shape.clone())
                .expect("broadcastable")
                .to_owned(),
            x[1].broadcast(shape).expect("broadcastable").to_owned(),
        )
    };
    Reference::new(
        move |x| {
            let (a, b) = broadcast(x);
            ndarray::Zip::from(&a).and(&b).map_collect(|&a, &b| f(a, b))
        },
        move |x, g| {
            let (a, b) = broadcast(x);
            let da = ndarray::Zip::from(&a)
                .and(&b)
                .and(g)
                .map_collect(|&a, &b, &g| g * df(a, b).0);
            let db = ndarray::Zip::from(&a)
                .and(&b)
                .and(g)
                .map_collect(|&a, &b, &g| g * df(a, b).1);
            vec![sum_to(&da, x[0].shape()), sum_to(&db, x[1].shape())]
        },
    )
}

/// NumPy's broadcast of two shapes.
fn broadcast_shape(a: &[usize], b: &[usize]) -> Vec<usize> {
    let n = a.len().max(b.len());
    (0..n)
        .map(|i| {
            let da = if i + a.len() >= n {
                a[i + a.len() - n]
            } else {
                1
            };
            let db = if i + b.len() >= n {
                b[i + b.len() - n]
            } else {
                1
            };
            da.max(db)
        })
        .collect()
}

/// Sum a broadcast gradient back to `shape` (leading axes, then axes of
/// size one).
pub(crate) fn sum_to(g: &ArrayD<f64>, shape: &[usize]) -> ArrayD<f64> {
    let mut out = g.clone();
    while out.ndim() > shape.len() {
        out = out.sum_axis(ndarray::Axis(0));
    }
    for (axis, &dim) in shape.iter().enumerate() {
        if dim == 1 && out.shape()[axis] != 1 {
            out = out
                .sum_axis(ndarray::Axis(axis))
                .insert_axis(ndarray::Axis(axis));
        }
    }
    out
}

struct Binary {
    function: &'static str,
    op: Op,
    broadcast: Op,
    broadcast_function: &'static str,
    a: Values,
    b: Values,
    f: fn(f64, f64) -> f64,
    df: fn(f64, f64) -> (f64, f64),
}

fn binaries() -> Vec<Binary> {
    use candle_core::Tensor;
    let b = |function, op: Op, broadcast_function, broadcast: Op, a, b, f, df| Binary {
        function,
        op,
        broadcast,
        broadcast_function,
        a,
        b,
        f,
        df,
    };
    let normal = Values::Normal;
    let positive = Values::Uniform(0.4, 2.5);
    vec![
        b(
            "add",
            |a, b| a + b,
            "broadcast_add",
            Tensor::broadcast_add,
            normal,
            normal,
            |a, b| a + b,
            |_, _| (1.0, 1.0),
        ),
        b(
            "sub",
            |a, b| a - b,
            "broadcast_sub",
            Tensor::broadcast_sub,
            normal,
            normal,
            |a, b| a - b,
            |_, _| (1.0, -1.0),
        ),
        b(
            "mul",
            |a, b| a * b,
            "broadcast_mul",
            Tensor::broadcast_mul,
            normal,
            normal,
            |a, b| a * b,
            |a, b| (b, a),
        ),
        b(
            "div",
            |a, b| a / b,
            "broadcast_div",
            Tensor::broadcast_div,
            normal,
            Values::AwayFromZero(0.5, 2.5),
            |a, b| a / b,
            |a, b| (1.0 / b, -a / (b * b)),
        ),
        b(
            "minimum",
            |a, b| a.minimum(b),
            "broadcast_minimum",
            Tensor::broadcast_minimum,
            normal,
            normal,
            f64::min,
            |a, b| if a < b { (1.0, 0.0) } else { (0.0, 1.0) },
        ),
        b(
            "maximum",
            |a, b| a.maximum(b),
            "broadcast_maximum",
            Tensor::broadcast_maximum,
            normal,
            normal,
            f64::max,
            |a, b| if a > b { (1.0, 0.0) } else { (0.0, 1.0) },
        ),
        b(
            "pow",
            Tensor::pow,
            "broadcast_pow",
            Tensor::broadcast_pow,
            positive,
            Values::Uniform(-1.5, 2.5),
            f64::powf,
            |a, b| (b * a.powf(b - 1.0), a.powf(b) * a.ln()),
        ),
    ]
}

/// Same-shape calls in every layout and broadcast calls over leading and
/// size-one axes.
pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for bin in binaries() {
        let (op, bop) = (bin.op, bin.broadcast);
        let reference = elementwise(bin.f, bin.df);
        let same = Case::new(
            Package::Core,
            bin.function,
            format!("{}()", bin.function),
            move |t| op(&t[0], &t[1]),
        )
        .reference(reference.clone());
        for (shape, layout) in [
            (&[3, 4][..], InputLayout::Contiguous),
            (&[3, 4][..], InputLayout::Transposed),
            (&[2, 3, 2][..], InputLayout::Strided),
        ] {
            cases.push(
                same.clone()
                    .input("a", shape, bin.a)
                    .input("b", shape, bin.b)
                    .layout(layout),
            );
        }
        let bcast = Case::new(
            Package::Core,
            bin.broadcast_function,
            format!("{}()", bin.broadcast_function),
            move |t| bop(&t[0], &t[1]),
        )
        .reference(reference);
        for (sa, sb) in [
            (&[2, 3][..], &[3][..]),
            (&[2, 1, 4][..], &[3, 1][..]),
            (&[1, 3][..], &[2, 1][..]),
        ] {
            cases.push(bcast.clone().input("a", sa, bin.a).input("b", sb, bin.b));
        }
    }
    cases
}
