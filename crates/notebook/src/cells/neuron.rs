//! Cell `In [4]`: a sigmoid neuron `f = sigmoid(w0·x0 + w1·x1 + w2)`.

use std::fmt::Write;

use backprop_gates::{Add, BinaryRule, Mul, Sigmoid, UnaryRule};
use backprop_graph::{Graph, Var};

use super::Circuit;

use crate::PyNum::{self, Int};
use crate::py_list;

struct Staged {
    f: PyNum,
    dx: [PyNum; 2],
    dw: [PyNum; 3],
}

fn staged() -> Staged {
    let w = [Int(2), Int(-3), Int(-3)];
    let x = [Int(-1), Int(-2)];
    // forward: dot = (w0·x0 + w1·x1) + w2, then the sigmoid
    let (p0, p1) = (Mul.f(w[0], x[0]), Mul.f(w[1], x[1]));
    let s = Add.f(p0, p1);
    let dot = Add.f(s, w[2]);
    let f = Sigmoid.f(dot);
    // backward: sigmoid's local gradient from its output, (1 - f)·f
    let ddot = Sigmoid.df(dot, f);
    // dot's additions pass the gradient through with local derivative 1.0
    let (ds, dw2) = Add.df(s, w[2], dot);
    let (dp0, dp1) = Add.df(p0, p1, s);
    let ds = ds * ddot;
    let (dp0, dp1) = (dp0 * ds, dp1 * ds);
    // each product switches its inputs: d(w·x)/dx = w, d(w·x)/dw = x
    let (dw0, dx0) = Mul.df(w[0], x[0], p0);
    let (dw1, dx1) = Mul.df(w[1], x[1], p1);
    Staged {
        f,
        dx: [dx0 * dp0, dx1 * dp1],
        dw: [dw0 * dp0, dw1 * dp1, dw2 * ddot],
    }
}

/// The cell's printed output.
pub fn replay() -> String {
    let s = staged();
    let mut out = String::new();
    let _ = writeln!(out, "dfdx: {}, dfdw: {}", py_list(&s.dx), py_list(&s.dw));
    out
}

/// `(name, value)` of the output and every input gradient, staged.
pub fn staged_results() -> Vec<(&'static str, f64)> {
    let s = staged();
    vec![
        ("f", s.f.as_f64()),
        ("dfdw0", s.dw[0].as_f64()),
        ("dfdw1", s.dw[1].as_f64()),
        ("dfdw2", s.dw[2].as_f64()),
        ("dfdx0", s.dx[0].as_f64()),
        ("dfdx1", s.dx[1].as_f64()),
    ]
}

/// The cell's function on a graph: `f = sigmoid(w0·x0 + w1·x1 + w2)`.
pub const CIRCUIT: Circuit = Circuit {
    inputs: &[
        ("w0", 2.0),
        ("w1", -3.0),
        ("w2", -3.0),
        ("x0", -1.0),
        ("x1", -2.0),
    ],
    build,
};

fn build<'g>(_g: &'g Graph, v: &[Var<'g>]) -> Var<'g> {
    let (w, x) = (&v[..3], &v[3..]);
    let dot = (w[0] * x[0] + w[1] * x[1] + w[2]).named("dot");
    dot.sigmoid().named("f")
}
