//! The compact scalar node: a one-byte gate code and two 32-bit slots.
//!
//! A node is 12 bytes; with its `f64` value on the tape and its `f64`
//! gradient slot during backward that is 28 bytes per node (plus one byte of
//! "reached" flag while backward runs), within the 32-byte budget. Gate
//! parameters that are reals (`add_const`'s `c`, `powf`'s exponent, leaky
//! relu's slope) live on the tape as constant nodes referenced by slot `b`;
//! `powi`'s integer exponent sits in slot `b` itself.

use backprop_gates::{Binary, BinaryRule, Gate, Unary, UnaryRule, chain};

use crate::engine::{NodeId, Operation};

/// What a node computes. Inputs are in [`ScalarOp::a`] / [`ScalarOp::b`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Code {
    /// An input variable.
    Leaf,
    /// A constant (no gradient flows into it).
    Constant,
    Neg,
    Recip,
    /// `a + value(b)`
    AddConst,
    /// `value(b) · a`
    MulConst,
    /// `a ^ (b as i32)`
    Powi,
    /// `a ^ value(b)`
    Powf,
    Exp,
    Ln,
    Sqrt,
    Sigmoid,
    Tanh,
    Relu,
    /// slope `value(b)`
    LeakyRelu,
    Softplus,
    Abs,
    Sin,
    Cos,
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Max,
    Min,
}

/// One node of a scalar graph.
#[derive(Clone, Copy, Debug)]
pub struct ScalarOp {
    pub(crate) code: Code,
    pub(crate) a: u32,
    pub(crate) b: u32,
}

/// What a node reads: nothing, one input, or two inputs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Wiring {
    Source,
    Unary(Unary, NodeId),
    Binary(Binary, NodeId, NodeId),
}

fn id(i: u32) -> NodeId {
    // Slots always hold indices of existing nodes (see `ScalarOp::new`).
    NodeId::from_raw(i)
}

impl ScalarOp {
    pub(crate) const LEAF: ScalarOp = ScalarOp {
        code: Code::Leaf,
        a: 0,
        b: 0,
    };
    pub(crate) const CONSTANT: ScalarOp = ScalarOp {
        code: Code::Constant,
        a: 0,
        b: 0,
    };

    /// A one-input gate reading `x`; `param` is the constant node holding a
    /// real parameter, if the gate has one.
    #[inline]
    pub(crate) fn unary(gate: Unary, x: NodeId, param: Option<NodeId>) -> ScalarOp {
        let p = param.map_or(0, |p| p.index() as u32);
        let (code, b) = match gate {
            Unary::Neg => (Code::Neg, 0),
            Unary::Recip => (Code::Recip, 0),
            Unary::AddConst(_) => (Code::AddConst, p),
            Unary::MulConst(_) => (Code::MulConst, p),
            Unary::Powi(n) => (Code::Powi, n as u32),
            Unary::Powf(_) => (Code::Powf, p),
            Unary::Exp => (Code::Exp, 0),
            Unary::Ln => (Code::Ln, 0),
            Unary::Sqrt => (Code::Sqrt, 0),
            Unary::Sigmoid => (Code::Sigmoid, 0),
            Unary::Tanh => (Code::Tanh, 0),
            Unary::Relu => (Code::Relu, 0),
            Unary::LeakyRelu(_) => (Code::LeakyRelu, p),
            Unary::Softplus => (Code::Softplus, 0),
            Unary::Abs => (Code::Abs, 0),
            Unary::Sin => (Code::Sin, 0),
            Unary::Cos => (Code::Cos, 0),
        };
        ScalarOp {
            code,
            a: x.index() as u32,
            b,
        }
    }

    /// A two-input gate reading `x` and `y`.
    #[inline]
    pub(crate) fn binary(gate: Binary, x: NodeId, y: NodeId) -> ScalarOp {
        let code = match gate {
            Binary::Add => Code::Add,
            Binary::Sub => Code::Sub,
            Binary::Mul => Code::Mul,
            Binary::Div => Code::Div,
            Binary::Pow => Code::Pow,
            Binary::Max => Code::Max,
            Binary::Min => Code::Min,
        };
        ScalarOp {
            code,
            a: x.index() as u32,
            b: y.index() as u32,
        }
    }

    /// Whether the node has a real-valued gate parameter in slot `b`.
    #[inline]
    pub(crate) fn unary_needs_param(gate: Unary) -> Option<f64> {
        match gate {
            Unary::AddConst(c) | Unary::MulConst(c) | Unary::Powf(c) | Unary::LeakyRelu(c) => {
                Some(c)
            }
            _ => None,
        }
    }

    /// Decodes the node back into its gate and inputs.
    // Always inlined (as is `local_derivatives`): once inlined into the
    // backward loop, this match and the gate's own match fold into a single
    // dispatch and the locals stay in registers. Merely `#[inline]`, the
    // compiler kept a call returning through memory, and backward over a
    // 1M-node random DAG took 2.5x as long (`cargo xtask bench`).
    #[inline(always)]
    pub(crate) fn wiring(&self, values: &[f64]) -> Wiring {
        let param = || values[self.b as usize];
        let u = |g: Unary| Wiring::Unary(g, id(self.a));
        let b = |g: Binary| Wiring::Binary(g, id(self.a), id(self.b));
        match self.code {
            Code::Leaf | Code::Constant => Wiring::Source,
            Code::Neg => u(Unary::Neg),
            Code::Recip => u(Unary::Recip),
            Code::AddConst => u(Unary::AddConst(param())),
            Code::MulConst => u(Unary::MulConst(param())),
            Code::Powi => u(Unary::Powi(self.b as i32)),
            Code::Powf => u(Unary::Powf(param())),
            Code::Exp => u(Unary::Exp),
            Code::Ln => u(Unary::Ln),
            Code::Sqrt => u(Unary::Sqrt),
            Code::Sigmoid => u(Unary::Sigmoid),
            Code::Tanh => u(Unary::Tanh),
            Code::Relu => u(Unary::Relu),
            Code::LeakyRelu => u(Unary::LeakyRelu(param())),
            Code::Softplus => u(Unary::Softplus),
            Code::Abs => u(Unary::Abs),
            Code::Sin => u(Unary::Sin),
            Code::Cos => u(Unary::Cos),
            Code::Add => b(Binary::Add),
            Code::Sub => b(Binary::Sub),
            Code::Mul => b(Binary::Mul),
            Code::Div => b(Binary::Div),
            Code::Pow => b(Binary::Pow),
            Code::Max => b(Binary::Max),
            Code::Min => b(Binary::Min),
        }
    }

    /// The gate, if the node is not a leaf or constant.
    pub(crate) fn gate(&self, values: &[f64]) -> Option<Gate> {
        match self.wiring(values) {
            Wiring::Source => None,
            Wiring::Unary(g, _) => Some(Gate::Unary(g)),
            Wiring::Binary(g, _, _) => Some(Gate::Binary(g)),
        }
    }

    /// The node's inputs, in order (`.1` of them are valid). A gate's
    /// parameter in slot `b` (a constant node, or `powi`'s exponent) is
    /// not an input.
    // Decided by comparisons on the code, not a jump per code: backward
    // asks for the inputs of every node whose upstream gradient is zero.
    #[inline(always)]
    pub(crate) fn inputs(&self) -> ([NodeId; 2], usize) {
        match self.code {
            Code::Leaf | Code::Constant => ([id(0); 2], 0),
            Code::Add | Code::Sub | Code::Mul | Code::Div | Code::Pow | Code::Max | Code::Min => {
                ([id(self.a), id(self.b)], 2)
            }
            _ => ([id(self.a); 2], 1),
        }
    }

    /// Whether the node is a constant.
    pub(crate) fn is_constant(&self) -> bool {
        self.code == Code::Constant
    }

    /// Each differentiable input with its local derivative `∂node/∂input`,
    /// straight from the gate's rule in `backprop-gates` (see
    /// [`each_local_derivative`](ScalarOp::each_local_derivative)).
    #[inline(always)]
    pub(crate) fn local_derivatives(
        &self,
        node: NodeId,
        values: &[f64],
    ) -> ([(NodeId, f64); 2], usize) {
        let mut locals = [(node, 0.0); 2];
        let mut n = 0;
        self.each_local_derivative(node, values, |input, local| {
            locals[n] = (input, local);
            n += 1;
        });
        (locals, n)
    }

    /// Calls `each(input, ∂node/∂input)` for each differentiable input, in
    /// operand order: [`local_derivatives`](ScalarOp::local_derivatives)
    /// without the array.
    ///
    /// One `match` on the node's code, each arm naming its rule as a type
    /// and calling `each` once or twice itself. Decoding the node into a
    /// [`Wiring`] first and matching the gate again cost a second
    /// unpredictable jump per node, which the compiler did not fold; a loop
    /// over a returned array of one or two entries cost a third (its trip
    /// count): backward over the layered DAG ran 9% slower with it (median
    /// of 6 alternated runs of `cargo xtask bench`). The code-to-rule table
    /// is the one in [`wiring`](ScalarOp::wiring); a test holds the two to
    /// the same derivatives.
    #[inline(always)]
    fn each_local_derivative(
        &self,
        node: NodeId,
        values: &[f64],
        mut each: impl FnMut(NodeId, f64),
    ) {
        use backprop_gates as g;
        let y = values[node.index()];
        let (a, b) = (id(self.a), id(self.b));
        let param = || values[self.b as usize];
        // Operand values are read only by the arms whose rule reads them.
        let x = || values[self.a as usize];
        let z = || values[self.b as usize];
        // Macros, not closures: both arms' kinds call the one `each`.
        macro_rules! one {
            ($d:expr) => {
                each(a, $d)
            };
        }
        macro_rules! two {
            ($d:expr) => {{
                let (dx, dz) = $d;
                each(a, dx);
                each(b, dz);
            }};
        }
        match self.code {
            Code::Leaf | Code::Constant => {}
            Code::Neg => one!(g::Neg.df(x(), y)),
            Code::Recip => one!(g::Recip.df(x(), y)),
            Code::AddConst => one!(g::AddConst(param()).df(x(), y)),
            Code::MulConst => one!(g::MulConst(param()).df(x(), y)),
            Code::Powi => one!(g::Powi(self.b as i32).df(x(), y)),
            Code::Powf => one!(g::Powf(param()).df(x(), y)),
            Code::Exp => one!(g::Exp.df(x(), y)),
            Code::Ln => one!(g::Ln.df(x(), y)),
            Code::Sqrt => one!(g::Sqrt.df(x(), y)),
            Code::Sigmoid => one!(g::Sigmoid.df(x(), y)),
            Code::Tanh => one!(g::Tanh.df(x(), y)),
            Code::Relu => one!(g::Relu.df(x(), y)),
            Code::LeakyRelu => one!(g::LeakyRelu(param()).df(x(), y)),
            Code::Softplus => one!(g::Softplus.df(x(), y)),
            Code::Abs => one!(g::Abs.df(x(), y)),
            Code::Sin => one!(g::Sin.df(x(), y)),
            Code::Cos => one!(g::Cos.df(x(), y)),
            // `+` and `-` read no value: on a large graph the other operand
            // is often far away on the tape, and reading it would cost a
            // cache miss for nothing.
            Code::Add => two!(g::Add.constant_df().expect("add is linear")),
            Code::Sub => two!(g::Sub.constant_df().expect("sub is linear")),
            Code::Mul => two!(g::Mul.df(x(), z(), y)),
            Code::Div => two!(g::Div.df(x(), z(), y)),
            Code::Pow => two!(g::Pow.df(x(), z(), y)),
            Code::Max => two!(g::Max.df(x(), z(), y)),
            Code::Min => two!(g::Min.df(x(), z(), y)),
        }
    }
}

impl Operation for ScalarOp {
    type Value = f64;

    #[inline]
    fn backward<S: FnMut(NodeId, f64)>(
        &self,
        node: NodeId,
        values: &[f64],
        upstream: &f64,
        mut send: S,
    ) {
        if *upstream == 0.0 {
            // chain(local, 0) is 0 whatever the local derivative, so it is
            // not computed (no transcendental, no read of a far operand).
            let (inputs, n) = self.inputs();
            for &input in &inputs[..n] {
                send(input, 0.0);
            }
            return;
        }
        self.each_local_derivative(node, values, |input, local| {
            // chain rule: contribution = local derivative · upstream gradient
            send(input, chain(local, *upstream));
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every gate of the catalog at a sample point, recorded as a node:
    /// its values on a small tape, and the node.
    fn each_gate_as_a_node() -> Vec<(Gate, Vec<f64>, ScalarOp)> {
        let (x, z, param) = (0.7, 1.3, 0.25);
        Gate::catalog()
            .iter()
            .map(|&gate| {
                let mut values = vec![x, z, param];
                let (op, y) = match gate {
                    Gate::Unary(u) => {
                        let param = ScalarOp::unary_needs_param(u).map(|_| id(2));
                        let u = match u {
                            Unary::AddConst(_) => Unary::AddConst(0.25),
                            Unary::MulConst(_) => Unary::MulConst(0.25),
                            Unary::Powf(_) => Unary::Powf(0.25),
                            Unary::LeakyRelu(_) => Unary::LeakyRelu(0.25),
                            other => other,
                        };
                        (ScalarOp::unary(u, id(0), param), u.forward(x))
                    }
                    Gate::Binary(b) => (ScalarOp::binary(b, id(0), id(1)), b.forward(x, z)),
                };
                values.push(y);
                (gate, values, op)
            })
            .collect()
    }

    #[test]
    fn local_derivatives_agree_with_the_decoded_gate() {
        for (gate, values, op) in each_gate_as_a_node() {
            let node = id(3);
            let (locals, n) = op.local_derivatives(node, &values);
            let y = values[3];
            let expected: Vec<(NodeId, f64)> = match op.wiring(&values) {
                Wiring::Source => vec![],
                Wiring::Unary(u, x) => vec![(x, u.derivative(values[x.index()], y))],
                Wiring::Binary(b, x, z) => {
                    let (dx, dz) = b.derivatives(values[x.index()], values[z.index()], y);
                    vec![(x, dx), (z, dz)]
                }
            };
            assert_eq!(locals[..n].to_vec(), expected, "{gate:?}");
            let (inputs, arity) = op.inputs();
            let wired: Vec<NodeId> = expected.iter().map(|&(i, _)| i).collect();
            assert_eq!(inputs[..arity].to_vec(), wired, "{gate:?}");
        }
    }
}
