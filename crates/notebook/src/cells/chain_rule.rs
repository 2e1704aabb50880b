//! Cell `In [3]`: the chain rule on `f = (x + y)·z`.

use std::fmt::Write;

use backprop_gates::{Add, BinaryRule, Mul};
use backprop_graph::{Graph, Var};

use super::Circuit;

use crate::PyNum::{self, Int};

/// The cell's values at its inputs `x = -2, y = 5, z = -4`.
struct Staged {
    f: PyNum,
    dfdx: PyNum,
    dfdy: PyNum,
    dfdz: PyNum,
    dfdq: PyNum,
}

fn staged() -> Staged {
    let (x, y, z) = (Int(-2), Int(5), Int(-4));
    // forward
    let q = Add.f(x, y);
    let f = Mul.f(q, z);
    // backward: local derivatives from the gates (mul switches its inputs;
    // add's locals are the float 1.0, as the notebook writes them)
    let (dfdq, dfdz) = Mul.df(q, z, f);
    let (dqdx, dqdy) = Add.df(x, y, q);
    // backpropagation
    let dfdx = dfdq * dqdx;
    let dfdy = dfdq * dqdy;
    Staged {
        f,
        dfdx,
        dfdy,
        dfdz,
        dfdq,
    }
}

/// The cell's printed output.
pub fn replay() -> String {
    let s = staged();
    let mut out = String::new();
    let _ = writeln!(out, "dfdq = {}", s.dfdq);
    let _ = writeln!(
        out,
        "dfdx = {}, dfdy = {}, dfdz = {}",
        s.dfdx, s.dfdy, s.dfdz
    );
    out
}

/// `(name, value)` of the output and every input gradient, computed stage
/// by stage as the notebook does.
pub fn staged_results() -> Vec<(&'static str, f64)> {
    let s = staged();
    vec![
        ("f", s.f.as_f64()),
        ("dfdx", s.dfdx.as_f64()),
        ("dfdy", s.dfdy.as_f64()),
        ("dfdz", s.dfdz.as_f64()),
    ]
}

/// The cell's function on a graph: `f = (x + y)·z`.
pub const CIRCUIT: Circuit = Circuit {
    inputs: &[("x", -2.0), ("y", 5.0), ("z", -4.0)],
    build,
};

fn build<'g>(_g: &'g Graph, v: &[Var<'g>]) -> Var<'g> {
    let q = (v[0] + v[1]).named("q");
    (q * v[2]).named("f")
}
