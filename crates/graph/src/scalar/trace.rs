//! The staged backward pass, as the notebook prints it: each node's local
//! derivatives, its upstream gradient, and what it sends to each input.

use std::fmt;

use backprop_gates::Gate;

use super::{Gradients, Graph};
use crate::engine::{NodeId, Observer, Tape};
use crate::scalar::op::ScalarOp;

/// One backward step: a node passing its gradient on to its inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The node sending.
    pub node: NodeId,
    /// Its name, or `#index`.
    pub label: String,
    /// The gate that produced it.
    pub gate: Gate,
    /// Its forward value.
    pub value: f64,
    /// `d output / d node`, complete when the step runs.
    pub upstream: f64,
    /// What goes to each differentiable input, in input order.
    pub sends: Vec<Contribution>,
}

/// What one step sends to one input.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    /// The input receiving.
    pub to: NodeId,
    /// Its name, or `#index`.
    pub label: String,
    /// The local derivative `∂node/∂input`.
    pub local: f64,
    /// `local · upstream`, added to the input's gradient.
    pub sent: f64,
}

/// A whole staged backward pass and the gradients it produced.
///
/// Its `Display` prints one block per step, in backward order.
#[derive(Debug, Clone)]
pub struct Trace {
    /// The node backward started from.
    pub output: NodeId,
    /// Its name, or `#index`.
    pub output_label: String,
    /// Its value.
    pub output_value: f64,
    /// Steps in the order they ran (reverse creation order).
    pub steps: Vec<Step>,
    /// The resulting gradients (the same as [`Graph::backward`] gives).
    pub gradients: Gradients,
}

struct Recorder<'a> {
    graph: &'a Graph,
    tape: &'a Tape<ScalarOp>,
    steps: Vec<Step>,
}

impl Observer<f64> for Recorder<'_> {
    fn visit(&mut self, node: NodeId, upstream: &f64) {
        let values = self.tape.values();
        if let Some(gate) = self.tape.op(node).gate(values) {
            self.steps.push(Step {
                node,
                label: self.graph.label(node),
                gate,
                value: values[node.index()],
                upstream: *upstream,
                sends: Vec::with_capacity(2),
            });
        }
    }

    fn contribution(&mut self, from: NodeId, to: NodeId, sent: &f64) {
        let (locals, n) = self
            .tape
            .op(from)
            .local_derivatives(from, self.tape.values());
        let k = self.steps.last().map_or(0, |s| s.sends.len());
        let local = locals[..n][k].1;
        let step = self.steps.last_mut().expect("visit precedes contributions");
        step.sends.push(Contribution {
            to,
            label: self.graph.label(to),
            local,
            sent: *sent,
        });
    }
}

pub(crate) fn record(graph: &Graph, output: NodeId) -> Trace {
    let tape = graph.tape();
    let mut recorder = Recorder {
        graph,
        tape: &tape,
        steps: Vec::new(),
    };
    let gradients = Gradients(tape.backward_observed(output, 1.0, &mut recorder));
    Trace {
        output,
        output_label: graph.label(output),
        output_value: *tape.value(output),
        steps: recorder.steps,
        gradients,
    }
}

impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "backward from {} = {:?}",
            self.output_label, self.output_value
        )?;
        for step in &self.steps {
            let inputs: Vec<&str> = step.sends.iter().map(|c| c.label.as_str()).collect();
            writeln!(
                f,
                "{} = {}({}) = {:?}; upstream d/d{} = {:?}",
                step.label,
                step.gate,
                inputs.join(", "),
                step.value,
                step.label,
                step.upstream
            )?;
            for c in &step.sends {
                writeln!(
                    f,
                    "  to {}: local {:?} x upstream = {:?}",
                    c.label, c.local, c.sent
                )?;
            }
        }
        Ok(())
    }
}
