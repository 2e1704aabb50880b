//! Every tensor operation with deterministic sample inputs, for gradient
//! checkers.

use backprop_gates::{Binary, Domain, Gate, Unary};
use ndarray::{ArrayD, IxDyn, Zip};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::{Axes, Element, Labels, Result, Side, Tensor, TensorGraph, TensorOp};

/// Samples keep at least this far from a gate's kinks (`relu` at 0, ties of
/// `max`), farther than any finite-difference step a checker takes at the
/// sampled magnitudes (|x| ≤ 2), in `f32` or `f64`.
pub const KINK_MARGIN: f64 = 0.1;

/// Samples in a domain that excludes `0` keep at least this far from it.
const ZERO_MARGIN: f64 = 0.3;

/// The catalog's seed: the same inputs on every run and every machine.
const SEED: u64 = 0x5eed_7e45;

/// One tensor operation with sample inputs: what a gradient checker needs to
/// compare the op's backward pass against finite differences.
///
/// ```
/// use backprop_tensor::op_catalog;
///
/// let case = op_catalog().into_iter().find(|c| c.name.starts_with("matmul")).unwrap();
/// let output = case.forward(&case.inputs).unwrap();
/// let grads = case.vjp(&case.inputs, &output.mapv(|_| 1.0)).unwrap();
/// assert_eq!(grads.len(), case.inputs.len());
/// ```
#[derive(Clone, Debug)]
pub struct OpCase {
    /// Unique, readable name: the op and its input shapes, such as
    /// `matmul 2x1x3x4 @ 1x3x4x2` or `sigmoid 3x4`.
    pub name: String,
    /// Sample inputs, inside the op's domain and away from its kinks.
    pub inputs: Vec<ArrayD<f64>>,
    /// Whether the op's derivative jumps somewhere (`relu`, `abs`, `max`,
    /// ...): the samples avoid those points, but inputs moved by a checker
    /// may not.
    pub has_kinks: bool,
    op: TensorOp,
}

impl OpCase {
    /// The operation.
    pub fn op(&self) -> &TensorOp {
        &self.op
    }

    /// The op's output for `inputs` (usually [`inputs`](OpCase::inputs)
    /// converted to `A`), recorded on a [`TensorGraph`] exactly as users'
    /// graphs record it.
    ///
    /// # Errors
    ///
    /// As [`TensorGraph::apply`], when `inputs` do not fit the op.
    pub fn forward<A: Element>(&self, inputs: &[ArrayD<A>]) -> Result<ArrayD<A>> {
        let g = TensorGraph::<A>::new();
        let (_, output) = self.record(&g, inputs)?;
        Ok(output.value())
    }

    /// The vector-Jacobian product `upstreamᵀ · J` at `inputs`, through the
    /// tensor graph's real backward pass: one gradient per input, each with
    /// its input's shape.
    ///
    /// # Errors
    ///
    /// As [`forward`](OpCase::forward), and
    /// [`TensorError::ShapeMismatch`](crate::TensorError::ShapeMismatch) when
    /// `upstream` does not have the output's shape.
    pub fn vjp<A: Element>(
        &self,
        inputs: &[ArrayD<A>],
        upstream: &ArrayD<A>,
    ) -> Result<Vec<ArrayD<A>>> {
        let g = TensorGraph::<A>::new();
        let (leaves, output) = self.record(&g, inputs)?;
        let grads = g.backward_with(output, upstream.clone())?;
        Ok(leaves.into_iter().map(|leaf| grads.wrt(leaf)).collect())
    }

    fn record<'g, A: Element>(
        &self,
        g: &'g TensorGraph<A>,
        inputs: &[ArrayD<A>],
    ) -> Result<(Vec<Tensor<'g, A>>, Tensor<'g, A>)> {
        let leaves: Vec<Tensor<'g, A>> = inputs.iter().map(|x| g.leaf(x.clone())).collect();
        let output = g.apply(self.op.clone(), &leaves)?;
        Ok((leaves, output))
    }
}

/// Every tensor operation with deterministic sample inputs (a fixed seed),
/// small enough for finite differences (at most 24×24 elements per input).
///
/// Covers `matmul` in all its `numpy.matmul` forms (vector·vector,
/// vector·matrix, matrix·vector, matrix·matrix, batched, broadcast batch
/// axes, 1-D against a batch); every gate of
/// [`Gate::catalog`](backprop_gates::Gate::catalog) elementwise, the binary
/// ones also with broadcasting and with a constant on either side;
/// reductions (sum, mean, max, min, logsumexp) over all elements and over
/// axes, negative and kept; every shape operation; per-row selection;
/// softmax, log-softmax and the softmax cross-entropy. A test proves every
/// [`TensorOp`] variant appears.
pub fn op_catalog() -> Vec<OpCase> {
    let mut sampler = Sampler::default();
    let mut cases = Vec::new();
    for kind in &kinds() {
        cases_of_kind(kind, &mut sampler, &mut cases);
    }
    cases
}

/// Cases exactly at a kink, where the derivative jumps: ties of the max
/// and min reductions (whose gradient is split equally among the tied
/// elements). A gradient checker must report them as kinks, not as
/// failures, and not as passes either.
///
/// ```
/// use backprop_tensor::op_kink_cases;
///
/// assert!(op_kink_cases().iter().all(|c| c.has_kinks));
/// ```
pub fn op_kink_cases() -> Vec<OpCase> {
    let tie = |shape: &[usize], values: Vec<f64>| {
        ArrayD::from_shape_vec(IxDyn(shape), values).expect("values fit the shape")
    };
    let mut cases = Vec::new();
    for keepdims in [false, true] {
        let rows = tie(&[2, 3], vec![1.0, 3.0, 3.0, -0.5, -0.5, 0.25]);
        cases.push(case(
            TensorOp::Max {
                axes: Axes::from([-1]),
                keepdims,
            },
            vec![rows.clone()],
            true,
        ));
        cases.push(case(
            TensorOp::Min {
                axes: Axes::from([-1]),
                keepdims,
            },
            vec![rows],
            true,
        ));
    }
    cases.push(case(
        TensorOp::Max {
            axes: Axes::All,
            keepdims: false,
        },
        vec![tie(&[4], vec![0.5, 2.0, -1.0, 2.0])],
        true,
    ));
    for c in &mut cases {
        c.name.push_str(" at a tie");
    }
    cases
}

/// One representative of each [`TensorOp`] variant; the catalog is built
/// from these.
fn kinds() -> Vec<TensorOp> {
    let no_labels = || Labels::from(Vec::new());
    vec![
        TensorOp::Unary(Unary::Neg),
        TensorOp::Binary(Binary::Add),
        TensorOp::BinaryConst {
            gate: Binary::Add,
            constant: 0.0,
            side: Side::Right,
        },
        TensorOp::MatMul,
        TensorOp::Sum {
            axes: Axes::All,
            keepdims: false,
        },
        TensorOp::Mean {
            axes: Axes::All,
            keepdims: false,
        },
        TensorOp::Max {
            axes: Axes::All,
            keepdims: false,
        },
        TensorOp::Min {
            axes: Axes::All,
            keepdims: false,
        },
        TensorOp::Transpose,
        TensorOp::Permute(Vec::new()),
        TensorOp::Reshape(Vec::new()),
        TensorOp::Squeeze(Vec::new()),
        TensorOp::ExpandDims(0),
        TensorOp::BroadcastTo(Vec::new()),
        TensorOp::Concat(0),
        TensorOp::Stack(0),
        TensorOp::PickPerRow(no_labels()),
        TensorOp::Softmax(0),
        TensorOp::LogSoftmax(0),
        TensorOp::LogSumExp {
            axes: Axes::All,
            keepdims: false,
        },
        TensorOp::SoftmaxCrossEntropy(no_labels()),
    ]
}

/// The reductions the catalog samples, as `(shape, axes, keepdims)`: all
/// axes, positive and negative axes, removed and kept.
fn reductions() -> Vec<(&'static [usize], Axes, bool)> {
    vec![
        (&[3, 4], Axes::All, false),
        (&[3, 4], Axes::All, true),
        (&[5], Axes::from([0]), false),
        (&[2, 3, 4], Axes::from([0]), false),
        (&[2, 3, 4], Axes::from([2, 0]), false),
        (&[2, 3, 4], Axes::from([-1]), true),
        (&[2, 3, 4], Axes::from([0, -1]), true),
    ]
}

/// The cases of one kind of op. The match has no wildcard on purpose: a new
/// [`TensorOp`] variant does not compile until it has cases here (and the
/// coverage test then demands it in `kinds()`).
fn cases_of_kind(kind: &TensorOp, s: &mut Sampler, out: &mut Vec<OpCase>) {
    match kind {
        TensorOp::Unary(_) => {
            for &gate in Gate::catalog() {
                if let Gate::Unary(u) = gate {
                    let x = s.gate_operand(gate, 0, &[3, 4]);
                    out.push(case(TensorOp::Unary(u), vec![x], gate_has_kinks(gate)));
                }
            }
        }
        TensorOp::Binary(_) => {
            for &gate in Gate::catalog() {
                if let Gate::Binary(b) = gate {
                    for (left, right) in [
                        (&[3, 4][..], &[3, 4][..]),
                        (&[2, 3, 4], &[3, 1]),
                        (&[1, 4], &[3, 1]),
                    ] {
                        let inputs = s.binary_operands(gate, left, right);
                        out.push(case(TensorOp::Binary(b), inputs, gate_has_kinks(gate)));
                    }
                }
            }
        }
        TensorOp::BinaryConst { .. } => {
            for &gate in Gate::catalog() {
                if let Gate::Binary(b) = gate {
                    for side in [Side::Left, Side::Right] {
                        let (x, constant) = s.operand_and_constant(gate, side, &[3, 4]);
                        let op = TensorOp::BinaryConst {
                            gate: b,
                            constant,
                            side,
                        };
                        out.push(case(op, vec![x], gate_has_kinks(gate)));
                    }
                }
            }
        }
        TensorOp::MatMul => {
            let shapes: [(&[usize], &[usize]); 11] = [
                (&[4], &[4]),                   // vector · vector -> 0-d
                (&[4], &[4, 3]),                // vector · matrix
                (&[3, 4], &[4]),                // matrix · vector
                (&[3, 4], &[4, 5]),             // matrix · matrix
                (&[2, 3, 4], &[2, 4, 5]),       // batched
                (&[2, 1, 3, 4], &[1, 3, 4, 2]), // (B,1,M,K) @ (1,H,K,N)
                (&[3, 4], &[2, 4, 5]),          // (M,K) @ (B,K,N)
                (&[2, 3, 4], &[4, 5]),          // (B,M,K) @ (K,N)
                (&[4], &[2, 4, 3]),             // vector · batch
                (&[2, 3, 4], &[4]),             // batch · vector
                (&[24, 16], &[16, 24]),         // a larger product
            ];
            for (left, right) in shapes {
                let inputs = vec![s.uniform(left, -1.0, 1.0), s.uniform(right, -1.0, 1.0)];
                out.push(case(TensorOp::MatMul, inputs, false));
            }
        }
        TensorOp::Sum { .. } | TensorOp::Mean { .. } | TensorOp::LogSumExp { .. } => {
            for (shape, axes, keepdims) in reductions() {
                let op = match kind {
                    TensorOp::Sum { .. } => TensorOp::Sum { axes, keepdims },
                    TensorOp::Mean { .. } => TensorOp::Mean { axes, keepdims },
                    _ => TensorOp::LogSumExp { axes, keepdims },
                };
                out.push(case(op, vec![s.uniform(shape, -2.0, 2.0)], false));
            }
        }
        TensorOp::Max { .. } | TensorOp::Min { .. } => {
            for (shape, axes, keepdims) in reductions() {
                let op = match kind {
                    TensorOp::Max { .. } => TensorOp::Max { axes, keepdims },
                    _ => TensorOp::Min { axes, keepdims },
                };
                // Distinct values, so no reduction is near a tie (a kink).
                out.push(case(op, vec![s.distinct(shape)], true));
            }
        }
        TensorOp::Transpose => {
            for shape in [&[3, 4][..], &[2, 3, 4]] {
                out.push(case(
                    TensorOp::Transpose,
                    vec![s.uniform(shape, -2.0, 2.0)],
                    false,
                ));
            }
        }
        TensorOp::Permute(_) => {
            let perms: [(&[usize], &[isize]); 3] = [
                (&[2, 3, 4], &[2, 0, 1]),
                (&[3, 4], &[-1, -2]),
                (&[2, 3, 4], &[0, 1, 2]),
            ];
            for (shape, axes) in perms {
                let op = TensorOp::Permute(axes.to_vec());
                out.push(case(op, vec![s.uniform(shape, -2.0, 2.0)], false));
            }
        }
        TensorOp::Reshape(_) => {
            let reshapes: [(&[usize], &[isize]); 4] = [
                (&[2, 3, 4], &[4, 6]),
                (&[3, 4], &[12]),
                (&[12], &[2, 2, 3]),
                (&[2, 3, 4], &[4, -1]),
            ];
            for (from, to) in reshapes {
                let op = TensorOp::Reshape(to.to_vec());
                out.push(case(op, vec![s.uniform(from, -2.0, 2.0)], false));
            }
        }
        TensorOp::Squeeze(_) => {
            let squeezes: [(&[usize], &[isize]); 3] =
                [(&[1, 3, 1, 4], &[]), (&[3, 1], &[-1]), (&[1, 2, 1], &[0])];
            for (from, axes) in squeezes {
                let op = TensorOp::Squeeze(axes.to_vec());
                out.push(case(op, vec![s.uniform(from, -2.0, 2.0)], false));
            }
        }
        TensorOp::ExpandDims(_) => {
            for (from, axis) in [(&[3, 4][..], 0), (&[3, 4], -1), (&[3], 1)] {
                let op = TensorOp::ExpandDims(axis);
                out.push(case(op, vec![s.uniform(from, -2.0, 2.0)], false));
            }
        }
        TensorOp::BroadcastTo(_) => {
            let broadcasts: [(&[usize], &[usize]); 3] =
                [(&[3, 1], &[2, 3, 4]), (&[4], &[3, 4]), (&[2, 1], &[2, 1])];
            for (from, to) in broadcasts {
                let op = TensorOp::BroadcastTo(to.to_vec());
                out.push(case(op, vec![s.uniform(from, -2.0, 2.0)], false));
            }
        }
        TensorOp::Concat(_) => {
            let joins: [(&[&[usize]], isize); 3] = [
                (&[&[2, 3], &[4, 3]], 0),
                (&[&[2, 3], &[2, 1], &[2, 2]], -1),
                (&[&[5]], 0),
            ];
            for (shapes, axis) in joins {
                let inputs = shapes.iter().map(|sh| s.uniform(sh, -2.0, 2.0)).collect();
                out.push(case(TensorOp::Concat(axis), inputs, false));
            }
        }
        TensorOp::Stack(_) => {
            let joins: [(&[&[usize]], isize); 2] =
                [(&[&[3, 4], &[3, 4]], 0), (&[&[3], &[3], &[3]], -1)];
            for (shapes, axis) in joins {
                let inputs = shapes.iter().map(|sh| s.uniform(sh, -2.0, 2.0)).collect();
                out.push(case(TensorOp::Stack(axis), inputs, false));
            }
        }
        TensorOp::PickPerRow(_) => {
            let x = s.uniform(&[4, 3], -2.0, 2.0);
            out.push(case(
                TensorOp::PickPerRow(Labels::from([0, 2, 1, 2])),
                vec![x],
                false,
            ));
        }
        TensorOp::Softmax(_) | TensorOp::LogSoftmax(_) => {
            for (shape, axis) in [(&[3, 4][..], -1), (&[2, 3, 4], 1), (&[5], 0)] {
                let op = match kind {
                    TensorOp::Softmax(_) => TensorOp::Softmax(axis),
                    _ => TensorOp::LogSoftmax(axis),
                };
                out.push(case(op, vec![s.uniform(shape, -2.0, 2.0)], false));
            }
        }
        TensorOp::SoftmaxCrossEntropy(_) => {
            for (shape, labels) in [
                (&[5, 3][..], Labels::from([0, 2, 1, 1, 0])),
                (&[4, 6], Labels::from([5, 0, 3, 3])),
                (&[1, 2], Labels::from([1])),
            ] {
                let op = TensorOp::SoftmaxCrossEntropy(labels);
                out.push(case(op, vec![s.uniform(shape, -2.0, 2.0)], false));
            }
        }
    }
}

/// Position of each [`TensorOp`] variant (no wildcard: a new variant fails
/// to compile here until it is placed).
#[cfg(test)]
fn kind_index(op: &TensorOp) -> usize {
    match op {
        TensorOp::Unary(_) => 0,
        TensorOp::Binary(_) => 1,
        TensorOp::BinaryConst { .. } => 2,
        TensorOp::MatMul => 3,
        TensorOp::Sum { .. } => 4,
        TensorOp::Mean { .. } => 5,
        TensorOp::Max { .. } => 6,
        TensorOp::Min { .. } => 7,
        TensorOp::Transpose => 8,
        TensorOp::Permute(_) => 9,
        TensorOp::Reshape(_) => 10,
        TensorOp::Squeeze(_) => 11,
        TensorOp::ExpandDims(_) => 12,
        TensorOp::BroadcastTo(_) => 13,
        TensorOp::Concat(_) => 14,
        TensorOp::Stack(_) => 15,
        TensorOp::PickPerRow(_) => 16,
        TensorOp::Softmax(_) => 17,
        TensorOp::LogSoftmax(_) => 18,
        TensorOp::LogSumExp { .. } => 19,
        TensorOp::SoftmaxCrossEntropy(_) => 20,
    }
}

#[cfg(test)]
const KIND_COUNT: usize = 21;

fn gate_has_kinks(gate: Gate) -> bool {
    gate.kinks() != backprop_gates::Kinks::None
}

fn case(op: TensorOp, inputs: Vec<ArrayD<f64>>, has_kinks: bool) -> OpCase {
    let shapes: Vec<String> = inputs.iter().map(|x| dims(x.shape())).collect();
    let separator = if op == TensorOp::MatMul { " @ " } else { ", " };
    OpCase {
        name: format!("{op} {}", shapes.join(separator)),
        inputs,
        has_kinks,
        op,
    }
}

/// `2x3x4`, or `scalar` for a 0-d shape.
fn dims(shape: &[usize]) -> String {
    if shape.is_empty() {
        return "scalar".to_owned();
    }
    shape
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join("x")
}

/// Deterministic sample inputs.
struct Sampler {
    rng: ChaCha8Rng,
}

impl Default for Sampler {
    fn default() -> Self {
        Sampler {
            rng: ChaCha8Rng::seed_from_u64(SEED),
        }
    }
}

impl Sampler {
    fn uniform(&mut self, shape: &[usize], low: f64, high: f64) -> ArrayD<f64> {
        ArrayD::from_shape_simple_fn(IxDyn(shape), || self.rng.random_range(low..high))
    }

    /// One value in `domain`, with magnitude at most 2 and at least
    /// [`ZERO_MARGIN`] where 0 is excluded.
    fn value_in(&mut self, domain: Domain) -> f64 {
        match domain {
            Domain::Real => self.rng.random_range(-2.0..2.0),
            Domain::Positive => self.rng.random_range(ZERO_MARGIN..2.0),
            Domain::NonZero => {
                let magnitude = self.rng.random_range(ZERO_MARGIN..2.0);
                if self.rng.random_bool(0.5) {
                    magnitude
                } else {
                    -magnitude
                }
            }
        }
    }

    /// Operand `which` of `gate`: in its domain, away from its kinks.
    fn gate_operand(&mut self, gate: Gate, which: usize, shape: &[usize]) -> ArrayD<f64> {
        let domain = gate.domain()[which];
        let unary_kinks = gate.arity() == 1;
        ArrayD::from_shape_simple_fn(IxDyn(shape), || {
            loop {
                let v = self.value_in(domain);
                if !(unary_kinks && gate.is_near_kink(&[v], KINK_MARGIN)) {
                    break v;
                }
            }
        })
    }

    /// Values all at least [`KINK_MARGIN`] apart (a shuffled arithmetic
    /// sequence with a little jitter), so no max or min is near a tie.
    fn distinct(&mut self, shape: &[usize]) -> ArrayD<f64> {
        let n: usize = shape.iter().product();
        let spacing = 1.5 * KINK_MARGIN;
        let mut values: Vec<f64> = (0..n)
            .map(|i| (i as f64 - (n as f64 - 1.0) / 2.0) * spacing)
            .collect();
        for i in (1..n).rev() {
            values.swap(i, self.rng.random_range(0..=i));
        }
        for v in &mut values {
            *v += self.rng.random_range(-0.1..0.1) * KINK_MARGIN;
        }
        ArrayD::from_shape_vec(IxDyn(shape), values).expect("n values")
    }

    /// The tensor operand and the constant of a binary gate with the
    /// constant on `side`: each in its operand's domain, no pair near a
    /// kink (a tie of `max`/`min`).
    fn operand_and_constant(
        &mut self,
        gate: Gate,
        side: Side,
        shape: &[usize],
    ) -> (ArrayD<f64>, f64) {
        let (x_at, c_at) = match side {
            Side::Left => (1, 0),
            Side::Right => (0, 1),
        };
        let constant = self.value_in(gate.domain()[c_at]);
        let x = ArrayD::from_shape_simple_fn(IxDyn(shape), || {
            loop {
                let v = self.value_in(gate.domain()[x_at]);
                let pair = if x_at == 0 {
                    [v, constant]
                } else {
                    [constant, v]
                };
                if !gate.is_near_kink(&pair, KINK_MARGIN) {
                    break v;
                }
            }
        });
        (x, constant)
    }

    /// Both operands of a binary gate, redrawn until no broadcast pair of
    /// elements is near a kink (a tie of `max`/`min`).
    fn binary_operands(&mut self, gate: Gate, left: &[usize], right: &[usize]) -> Vec<ArrayD<f64>> {
        loop {
            let a = self.gate_operand(gate, 0, left);
            let b = self.gate_operand(gate, 1, right);
            let shape = crate::broadcast_shapes(gate.name(), left, right)
                .expect("catalog shapes broadcast");
            let (wa, wb) = (
                a.broadcast(shape.as_slice()).unwrap(),
                b.broadcast(shape.as_slice()).unwrap(),
            );
            let mut near = false;
            Zip::from(&wa)
                .and(&wb)
                .for_each(|&x, &y| near |= gate.is_near_kink(&[x, y], KINK_MARGIN));
            if !near {
                return vec![a, b];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_op_has_cases() {
        let mut seen = [false; KIND_COUNT];
        for c in op_catalog() {
            seen[kind_index(c.op())] = true;
        }
        let missing: Vec<usize> = (0..KIND_COUNT).filter(|&i| !seen[i]).collect();
        assert!(
            missing.is_empty(),
            "op kinds without catalog cases: {missing:?}"
        );
        let mut kinds: Vec<usize> = kinds().iter().map(kind_index).collect();
        kinds.dedup();
        assert_eq!(kinds, (0..KIND_COUNT).collect::<Vec<_>>());
    }
}
