//! Cells `In [8]` and `In [12]`:
//! `f = (x + sigmoid(y)) / (sigmoid(x) + (x + y)²)` at `x = 3, y = -4`,
//! forward in named stages, then backward stage by stage, with `x`'s
//! gradient accumulated over three paths (`dx += ...`).

use std::fmt::Write;

use backprop_gates::{Add, BinaryRule, Mul, Powi, Recip, Sigmoid, UnaryRule};
use backprop_graph::{Graph, Var};

use super::Circuit;

use crate::PyNum::{self, Int};

/// Every forward stage of cell `In [8]`.
struct Forward {
    x: PyNum,
    y: PyNum,
    sigy: PyNum,
    num: PyNum,
    sigx: PyNum,
    xpy: PyNum,
    xpysqr: PyNum,
    den: PyNum,
    invden: PyNum,
    f: PyNum,
}

fn forward() -> Forward {
    let (x, y) = (Int(3), Int(-4));
    let sigy = Sigmoid.f(y);
    let num = Add.f(x, sigy); // numerator
    let sigx = Sigmoid.f(x);
    let xpy = Add.f(x, y);
    let xpysqr = Powi(2).f(xpy);
    let den = Add.f(sigx, xpysqr); // denominator
    let invden = Recip.f(den);
    let f = Mul.f(num, invden);
    Forward {
        x,
        y,
        sigy,
        num,
        sigx,
        xpy,
        xpysqr,
        den,
        invden,
        f,
    }
}

/// The cell `In [8]` printed output.
pub fn replay_forward() -> String {
    let s = forward();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "sigx: {}, sigy: {}, x+y: {}, (x+y)^2: {}, num: {}, den: {}, invden: {}",
        s.sigx, s.sigy, s.xpy, s.xpysqr, s.num, s.den, s.invden
    );
    let _ = writeln!(out, "f: {}", s.f);
    out
}

/// Runs the staged backward pass, printing what cell `In [12]` prints, and
/// returns the final `(dx, dy)`.
fn backward(s: &Forward, out: &mut String) -> (PyNum, PyNum) {
    // Each stage: local derivative(s) from the gate, times the upstream
    // gradient. The output's own gradient is 1.0.
    let df = PyNum::Float(1.0);

    // f = num * invden
    let (lnum, linvden) = Mul.df(s.num, s.invden, s.f);
    let (dnum, dinvden) = (lnum * df, linvden * df);
    let _ = writeln!(out, "dfdnum: {dnum}, dfdinvden: {dinvden}");

    // invden = 1 / den
    let dden = Recip.df(s.den, s.invden) * dinvden;
    let _ = writeln!(out, "dfdden: {dden}");

    // den = sigx + xpysqr
    let (lsigx, lxpysqr) = Add.df(s.sigx, s.xpysqr, s.den);
    let (dsigx, dxpysqr) = (lsigx * dden, lxpysqr * dden);
    let _ = writeln!(out, "dfdsigx: {dsigx}, dfdxpysqr: {dxpysqr}");

    // xpysqr = xpy ** 2
    let dxpy = Powi(2).df(s.xpy, s.xpysqr) * dxpysqr;
    let _ = writeln!(out, "dfdxpy: {dxpy}");

    // xpy = x + y
    let (lx, ly) = Add.df(s.x, s.y, s.xpy);
    let mut dx = lx * dxpy;
    let mut dy = ly * dxpy;
    let _ = writeln!(out, "dfdx: {dx}, dfdy: {dy}");

    // sigx = sigmoid(x)
    let from_sigx = Sigmoid.df(s.x, s.sigx) * dsigx;
    dx = dx + from_sigx;
    let _ = writeln!(out, "dfdx: {from_sigx}");

    // num = x + sigy
    let (lx, lsigy) = Add.df(s.x, s.sigy, s.num);
    let from_num = lx * dnum;
    dx = dx + from_num;
    let dsigy = lsigy * dnum;
    let _ = writeln!(out, "dfdx: {from_num}, dfdsigy: {dsigy}");

    // sigy = sigmoid(y)
    let from_sigy = Sigmoid.df(s.y, s.sigy) * dsigy;
    dy = dy + from_sigy;
    let _ = writeln!(out, "dfdy: {from_sigy}");

    let _ = writeln!(out, "[final] dfdx: {dx}, dfdy: {dy}");
    (dx, dy)
}

/// The cell `In [12]` printed output.
pub fn replay_backward() -> String {
    let mut out = String::new();
    backward(&forward(), &mut out);
    out
}

/// `(name, value)` of the output and both input gradients, staged.
pub fn staged_results() -> Vec<(&'static str, f64)> {
    let s = forward();
    let (dx, dy) = backward(&s, &mut String::new());
    vec![
        ("f", s.f.as_f64()),
        ("dfdx", dx.as_f64()),
        ("dfdy", dy.as_f64()),
    ]
}

/// The cell's function on a graph, built in the notebook's stage order:
/// `f = (x + sigmoid(y)) · recip(sigmoid(x) + (x + y)²)`.
pub const CIRCUIT: Circuit = Circuit {
    inputs: &[("x", 3.0), ("y", -4.0)],
    build,
};

fn build<'g>(_g: &'g Graph, v: &[Var<'g>]) -> Var<'g> {
    let (x, y) = (v[0], v[1]);
    let sigy = y.sigmoid().named("sigy");
    let num = (x + sigy).named("num");
    let sigx = x.sigmoid().named("sigx");
    let xpy = (x + y).named("xpy");
    let xpysqr = xpy.powi(2).named("xpysqr");
    let den = (sigx + xpysqr).named("den");
    let invden = den.recip().named("invden");
    (num * invden).named("f")
}
