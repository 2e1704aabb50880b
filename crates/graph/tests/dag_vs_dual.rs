//! Property test: random expression DAGs built from every gate in the
//! catalog, differentiated by the graph (reverse mode) and by dual numbers
//! (forward mode, no derivative rules involved). Both must agree.

use backprop_gates::{Dual, Gate, Real};
use backprop_graph::{Graph, Var};
use proptest::prelude::*;

/// One instruction: a catalog gate applied to earlier values (indices are
/// reduced modulo the number of values available).
#[derive(Clone, Debug)]
struct Instr {
    gate: usize,
    a: usize,
    b: usize,
}

/// Keeps the instructions whose arguments lie inside the gate's domain, away
/// from kinks, and whose result stays moderate, evaluating in plain f64.
/// Both evaluators then run exactly this program.
fn admissible(inputs: &[f64], program: &[Instr]) -> Vec<(Gate, usize, usize)> {
    let catalog = Gate::catalog();
    let mut values = inputs.to_vec();
    let mut kept = Vec::new();
    for ins in program {
        let gate = catalog[ins.gate % catalog.len()];
        let (a, b) = (ins.a % values.len(), ins.b % values.len());
        let args = &[values[a], values[b]][..gate.arity()];
        let in_domain = args.iter().zip(gate.domain()).all(|(&x, d)| d.contains(x));
        // keep clear of kinks and of the singular edge of each domain
        let near_edge = args.iter().any(|x| x.abs() < 1e-3);
        if !in_domain || gate.is_near_kink(args, 1e-3) || (near_edge && gate.name() != "add") {
            continue;
        }
        let y = gate.forward(args);
        if y.is_finite() && y.abs() < 1e6 {
            values.push(y);
            kept.push((gate, a, b));
        }
    }
    kept
}

/// Runs the program on any `Real`.
fn run<F: Real>(inputs: Vec<F>, program: &[(Gate, usize, usize)]) -> F {
    let mut values = inputs;
    for &(gate, a, b) in program {
        let args = [values[a], values[b]];
        values.push(gate.forward(&args[..gate.arity()]));
    }
    *values.last().expect("at least one input")
}

/// Runs the program on a graph.
fn run_graph<'g>(g: &'g Graph, inputs: &[Var<'g>], program: &[(Gate, usize, usize)]) -> Var<'g> {
    let mut values = inputs.to_vec();
    for &(gate, a, b) in program {
        let v = match gate {
            Gate::Unary(u) => g.unary(u, values[a]),
            Gate::Binary(op) => g.binary(op, values[a], values[b]),
        };
        values.push(v);
    }
    *values.last().expect("at least one input")
}

fn instr() -> impl Strategy<Value = Instr> {
    (0..64usize, 0..64usize, 0..64usize).prop_map(|(gate, a, b)| Instr { gate, a, b })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn graph_gradients_equal_dual_number_derivatives(
        inputs in prop::collection::vec(-3.0f64..3.0, 1..4),
        program in prop::collection::vec(instr(), 1..40),
    ) {
        let program = admissible(&inputs, &program);
        let g = Graph::new();
        let vars: Vec<Var<'_>> = inputs.iter().map(|&v| g.var(v)).collect();
        let out = run_graph(&g, &vars, &program);
        prop_assert_eq!(out.value(), run(inputs.clone(), &program));
        let grads = g.backward(out);
        for k in 0..inputs.len() {
            let exact = run(Dual::seeded(&inputs, k), &program).tangent;
            let got = grads[vars[k]];
            // Same chain rule, different association order: agreement to
            // rounding, relative to the size of the derivative.
            let tol = 1e-9 * exact.abs().max(1.0);
            prop_assert!(
                (got - exact).abs() <= tol,
                "input {}: graph {} vs dual {} for program {:?}", k, got, exact, program
            );
        }
    }
}
